//! The read-only input of lowering one API, shared by every lowering step: the loaded document, its
//! parsed OpenAPI, the service conventions and the last pass to run. `Copy`: each step holds its own
//! copy and nothing writes through it.

use openapiv3::OpenAPI;

use crate::load::LoadedSpec;
use crate::profile::Profile;

/// See the module doc.
#[derive(Clone, Copy)]
pub(super) struct Document<'a> {
    /// The loaded document (file name, raw JSON, declared version).
    pub(super) spec: &'a LoadedSpec,
    /// Its parsed OpenAPI.
    pub(super) api: &'a OpenAPI,
    /// The service conventions.
    pub(super) profile: &'a Profile,
    /// The last pass to run (`None`: all of them).
    pub(super) after: Option<&'a str>,
}

impl<'a> Document<'a> {
    /// The input of lowering `spec` with `profile`, running the passes up to `after`.
    pub(super) fn new(spec: &'a LoadedSpec, profile: &'a Profile, after: Option<&'a str>) -> Self {
        Document {
            spec,
            api: &spec.openapi,
            profile,
            after,
        }
    }

    /// The document's name for diagnostics.
    pub(super) fn file(self) -> &'a str {
        &self.spec.display_path
    }
}
