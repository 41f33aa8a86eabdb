//! Request bodies: the media type chosen among those declared (JSON first), its encoding (JSON,
//! multipart, form, bytes) and the body type, named `<Operation>Body` when inline.

use super::*;

impl OperationLowerer<'_, '_> {
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
                        self.doc
                            .api
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

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{lower_yaml, named, one_op, op};

    #[test]
    fn media_types_choose_the_encoding_and_inline_bodies_are_named() {
        let table: &[(&str, BodyEncoding)] = &[
            ("application/json", BodyEncoding::Json),
            ("multipart/form-data", BodyEncoding::Multipart),
            ("application/x-www-form-urlencoded", BodyEncoding::Form),
        ];
        for (media, expected) in table {
            let yaml = one_op(&format!(
                "      parameters:\n        - {{name: thing_id, in: path, required: true, schema: {{type: string}}}}\n      requestBody:\n        required: true\n        content:\n          {media}:\n            schema: {{type: object, properties: {{a: {{type: string}}}}}}\n      responses:\n        '204': {{description: ok}}"
            ));
            let (api, _) = lower_yaml(&yaml);
            let body = op(&api, "doThing").body.clone().expect("a body");
            assert_eq!(
                (
                    body.encoding,
                    body.required,
                    body.media_type.as_str(),
                    body.ty
                ),
                (*expected, true, *media, named(&api, "DoThingBody")),
                "{media}"
            );
        }
    }

    #[test]
    fn raw_bytes_are_sent_as_declared() {
        let yaml = one_op(
            "      parameters:\n        - {name: thing_id, in: path, required: true, schema: {type: string}}\n      requestBody:\n        content:\n          application/pdf:\n            schema: {type: string, format: binary}\n      responses:\n        '204': {description: ok}",
        );
        let (api, _) = lower_yaml(&yaml);
        let body = op(&api, "doThing").body.clone().expect("a body");
        assert_eq!((body.encoding, body.required), (BodyEncoding::Bytes, false));
    }
}
