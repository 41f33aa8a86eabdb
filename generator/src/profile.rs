//! The service conventions lowering follows, as data: which headers the runtime manages, which header
//! carries the idempotency key, how cursor pagination is recognised, which `x-` extensions carry meaning,
//! and how the generated crate speaks of the service.
//!
//! [`Profile::klarna`] is what `cargo xtask regen` builds the SDK with; [`Profile::neutral`] is what
//! `klarna-codegen generate` uses for any other document unless told `--profile klarna`: no header is
//! special beyond the ones HTTP itself gives the runtime, no extension is read, nothing is paginated, and
//! the crate's docs name no vendor. Lowering reads the profile; what render needs of it (the wording) is
//! copied into [`crate::ir::Conventions`], so render never sees the profile.

/// The conventions of one service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Short name, as `--profile` takes it.
    pub name: String,
    /// The vendor the generated docs name (`Klarna`), or none for a neutral crate.
    pub vendor: Option<String>,
    /// The facade's front page is the vendor's guide (quickstart, features, errors, pagination and
    /// webhooks as compiled doc tests) instead of the neutral getting-started page.
    pub guide: bool,
    /// Request headers the runtime sets on every call, lower case: operations never take them as
    /// parameters.
    pub managed_headers: Vec<String>,
    /// The header that carries the idempotency key (lower case): an operation that declares it is
    /// idempotent, the runtime generates its value and may retry; none for a neutral crate.
    pub idempotency_header: Option<String>,
    /// How a cursor-paginated list is recognised; none: nothing is paginated.
    pub pagination: Option<CursorConvention>,
    /// The extensions that carry meaning.
    pub extensions: ExtensionKeys,
    /// Renames this service's documents are known to need and the profile asks for, as (name in the
    /// document, name generated): expected, so not reported as warnings. Every other rename is.
    pub expected_renames: Vec<(String, String)>,
    /// The idempotency header as the docs spell it (`Klarna-Idempotency-Key`).
    pub idempotency_header_display: Option<String>,
    /// How long the server honours a repeated idempotency key (`24 hours`), when the docs say.
    pub idempotency_window: Option<String>,
    /// The runtime crate generated code depends on (`oapi-runtime`, `klarna-runtime`).
    pub runtime_package: String,
    /// Credentials come from the document's `securitySchemes` (`false`: the vendor's runtime layer
    /// authenticates every call itself).
    pub auth_from_document: bool,
    /// Optional modules of the runtime (feature and module name, what it brings) the facade offers
    /// behind a cargo feature of the same name.
    pub runtime_features: Vec<(String, String)>,
    /// The repository the generated manifests name, if any.
    pub repository: Option<String>,
    /// Keywords the generated manifests list before the generic ones.
    pub keywords: Vec<String>,
}

/// How a cursor-paginated list looks: a query parameter takes the cursor, and the response holds a list
/// of items and an object whose field holds the next cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorConvention {
    /// The query parameter that takes the cursor (`starting_after`).
    pub cursor_param: String,
    /// The response property holding the pagination object (`pagination`).
    pub pagination_field: String,
    /// The pagination object's property holding the next cursor (`last_item`).
    pub next_cursor_field: String,
}

/// Extension keys with a meaning for lowering; `None` leaves that extension unread.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtensionKeys {
    /// On an operation, `{items: <property>}`: which response property holds a page's items.
    pub pagination: Option<String>,
    /// On a property or operation, `true`: no source confirms it (optional when decoding responses).
    pub inferred: Option<String>,
    /// On a property or parameter, `true`: a secret, redacted in `Debug` and tracing.
    pub sensitive: Option<String>,
    /// On a string enum schema, a map from event type to payload schema name: the typed webhook events.
    pub event_payloads: Option<String>,
}

/// Headers every generated client's runtime sets itself, whatever the service.
const HTTP_MANAGED: [&str; 4] = ["authorization", "user-agent", "content-type", "accept"];

impl Profile {
    /// Klarna's conventions, as the SDK in `generated/` is built.
    pub fn klarna() -> Profile {
        let mut managed: Vec<String> = HTTP_MANAGED.iter().map(|h| (*h).to_owned()).collect();
        managed.extend([
            "partner-correlation-id".into(),
            "klarna-integration-metadata".into(),
        ]);
        Profile {
            name: "klarna".into(),
            vendor: Some("Klarna".into()),
            guide: true,
            managed_headers: managed,
            idempotency_header: Some("klarna-idempotency-key".into()),
            idempotency_header_display: Some("Klarna-Idempotency-Key".into()),
            idempotency_window: Some("24 hours".into()),
            runtime_package: "klarna-runtime".into(),
            auth_from_document: false,
            repository: Some("https://github.com/klarna-rust-sdk/klarna-rust".into()),
            keywords: vec!["klarna".into(), "payments".into()],
            runtime_features: vec![(
                "onboarding".into(),
                "Klarna's partner onboarding helpers: bank-account hashing (Argon2id), legal registration \
                 numbers, merchant category codes."
                    .into(),
            )],
            pagination: Some(CursorConvention {
                cursor_param: "starting_after".into(),
                pagination_field: "pagination".into(),
                next_cursor_field: "last_item".into(),
            }),
            extensions: ExtensionKeys {
                pagination: Some("x-klarna-pagination".into()),
                inferred: Some("x-klarna-inferred".into()),
                sensitive: Some("x-klarna-sensitive".into()),
                event_payloads: Some("x-klarna-event-payloads".into()),
            },
            // Klarna's documents name their error body `Error`, which is the runtime's error type.
            expected_renames: vec![("Error".into(), "ErrorBody".into())],
        }
    }

    /// No service conventions: for a document that is not Klarna's.
    pub fn neutral() -> Profile {
        Profile {
            name: "neutral".into(),
            vendor: None,
            guide: false,
            managed_headers: HTTP_MANAGED.iter().map(|h| (*h).to_owned()).collect(),
            idempotency_header: None,
            idempotency_header_display: None,
            idempotency_window: None,
            runtime_package: "oapi-runtime".into(),
            auth_from_document: true,
            runtime_features: Vec::new(),
            repository: None,
            keywords: Vec::new(),
            pagination: None,
            extensions: ExtensionKeys::default(),
            expected_renames: Vec::new(),
        }
    }

    /// The profile `--profile <name>` names.
    pub fn by_name(name: &str) -> Option<Profile> {
        match name {
            "klarna" => Some(Profile::klarna()),
            "neutral" => Some(Profile::neutral()),
            _ => None,
        }
    }

    /// The names [`Profile::by_name`] knows.
    pub const NAMES: [&'static str; 2] = ["klarna", "neutral"];

    /// Whether the runtime manages the header `name` (any case).
    pub fn manages(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.managed_headers.contains(&lower)
    }

    /// Whether `name` (any case) is the idempotency header.
    pub fn is_idempotency_header(&self, name: &str) -> bool {
        self.idempotency_header
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(name))
    }

    /// The extension `key` of `extensions` is `true`.
    pub fn flag(
        key: &Option<String>,
        extensions: &indexmap::IndexMap<String, serde_json::Value>,
    ) -> bool {
        key.as_ref()
            .and_then(|k| extensions.get(k))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_by_name_and_what_they_manage() {
        for name in Profile::NAMES {
            assert_eq!(
                Profile::by_name(name).map(|p| p.name),
                Some(name.to_owned())
            );
        }
        assert_eq!(Profile::by_name("stripe"), None);
        let klarna = Profile::klarna();
        let neutral = Profile::neutral();
        // (header, managed by Klarna's, managed by the neutral profile)
        let table = [
            ("Authorization", true, true),
            ("Partner-Correlation-Id", true, false),
            ("Klarna-Integration-Metadata", true, false),
            ("X-Request-Id", false, false),
        ];
        for (header, by_klarna, by_neutral) in table {
            assert_eq!(klarna.manages(header), by_klarna, "{header}");
            assert_eq!(neutral.manages(header), by_neutral, "{header}");
        }
        assert!(klarna.is_idempotency_header("Klarna-Idempotency-Key"));
        assert!(!neutral.is_idempotency_header("Klarna-Idempotency-Key"));
        assert!(neutral.vendor.is_none() && !neutral.guide && neutral.pagination.is_none());
        assert_eq!(neutral.extensions, ExtensionKeys::default());
    }

    #[test]
    fn the_neutral_profile_reads_no_klarna_convention() {
        use crate::lower::test_support::{doc, lower_with};
        let yaml = doc(
            "  /v1/things:\n    get:\n      operationId: listThings\n      parameters:\n        - {name: starting_after, in: query, schema: {type: string}}\n        - {name: Klarna-Idempotency-Key, in: header, schema: {type: string}}\n        - {name: Partner-Correlation-Id, in: header, schema: {type: string}}\n        - {name: Authorization, in: header, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Page'}",
            "  Page:\n    type: object\n    properties:\n      items: {type: array, items: {type: string}}\n      pagination: {type: object, properties: {last_item: {type: string}}}\n      token: {type: string, x-klarna-sensitive: true}\n  Kind:\n    type: string\n    enum: [a]\n    x-klarna-event-payloads: {a: Page}",
        );
        // (profile, idempotent, header parameters, paginated, token sensitive, events, vendor)
        let table = [
            (
                Profile::klarna(),
                true,
                vec![],
                true,
                true,
                true,
                Some("Klarna"),
            ),
            (
                Profile::neutral(),
                false,
                vec!["Klarna-Idempotency-Key", "Partner-Correlation-Id"],
                false,
                false,
                false,
                None,
            ),
        ];
        for (profile, idempotent, headers, paginated, sensitive, events, vendor) in table {
            let (krate, _) = lower_with(&yaml, &profile);
            let api = &krate.apis[0];
            let op = &api.resources[0].operations[0];
            let names: Vec<&str> = op
                .header_params
                .iter()
                .map(|p| p.name.wire.as_str())
                .collect();
            let token = crate::lower::test_support::fields(api, "Page")
                .iter()
                .find(|f| f.name.wire == "token")
                .map(|f| f.sensitive);
            assert_eq!(
                (
                    op.idempotent,
                    names,
                    op.pagination.is_some(),
                    token,
                    api.events.is_some(),
                    krate.conventions.vendor.as_deref()
                ),
                (
                    idempotent,
                    headers,
                    paginated,
                    Some(sensitive),
                    events,
                    vendor
                ),
                "{}",
                profile.name
            );
        }
    }
}
