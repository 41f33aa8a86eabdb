//! Request bodies: the media type chosen among those declared (JSON first), its encoding (JSON,
//! multipart, form, bytes) and the body type, named `<Operation>Body` when inline.

use super::*;

impl ApiLowerer<'_> {
    pub(super) fn lower_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        builder: &str,
        at: &str,
    ) -> Option<Body> {
        let body = match body {
            ReferenceOr::Item(b) => b.clone(),
            ReferenceOr::Reference { reference } => {
                let found =
                    crate::diag::component_ref_name(reference, "requestBodies").and_then(|n| {
                        self.api
                            .components
                            .as_ref()
                            .and_then(|c| c.request_bodies.get(&n))
                    });
                match found {
                    Some(ReferenceOr::Item(b)) => b.clone(),
                    _ => {
                        self.error(
                            at,
                            format!("cannot resolve request body `$ref` `{reference}`"),
                        );
                        return None;
                    }
                }
            }
        };
        let (media, content) = pick_media(&body.content)?;
        let content_at = child(&child(at, "content"), &media);
        let encoding = if is_json(&media) {
            BodyEncoding::Json
        } else if media.starts_with("multipart/form-data") {
            BodyEncoding::Multipart
        } else if media.starts_with("application/x-www-form-urlencoded") {
            BodyEncoding::Form
        } else {
            BodyEncoding::Bytes
        };
        let ty = match (&content.schema, encoding) {
            (_, BodyEncoding::Bytes) => TypeRef::Bytes,
            (Some(s), _) => self.schema_or_ref(
                s,
                Naming::Context(format!("{builder}Body")),
                &child(&content_at, "schema"),
            ),
            (None, _) => TypeRef::Json,
        };
        Some(Body {
            ty,
            required: body.required,
            encoding,
            media_type: media,
        })
    }
}

pub(in crate::lower) fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
}

pub(in crate::lower) fn pick_media(
    content: &openapiv3::Content,
) -> Option<(String, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| {
            content
                .iter()
                .find(|(m, _)| m.starts_with("multipart/form-data"))
        })
        .or_else(|| content.iter().next())
        .map(|(m, c)| (m.clone(), c))
}
