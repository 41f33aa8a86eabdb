//! Responses: the success response (one body, or an enum with one variant per differing success status),
//! the declared error statuses, and the error bodies an operation's error enum reads.

use super::*;

impl ApiLowerer<'_> {
    pub(super) fn lower_response(
        &mut self,
        op: &OaOperation,
        builder: &str,
        pointer: &str,
    ) -> SuccessResponse {
        let mut success: Vec<(String, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (status_text(code), r))
            .filter(|(code, _)| code.starts_with('2'))
            .collect();
        success.sort_by(|a, b| a.0.cmp(&b.0));
        let mut bodies: Vec<(String, ResponseBody)> = Vec::new();
        for (i, (status, response)) in success.iter().enumerate() {
            let at = child(&child(pointer, "responses"), status);
            let context = if i == 0 {
                format!("{builder}Response")
            } else {
                format!("{builder}Response{status}")
            };
            let body = self.response_body(response, &at, context);
            bodies.push((status.clone(), body));
        }
        let Some((status, body)) = bodies.first().cloned() else {
            return SuccessResponse {
                status: "200".into(),
                body: ResponseBody::Empty,
                alternatives: Vec::new(),
            };
        };
        let distinct = bodies.iter().any(|(_, b)| *b != body);
        let alternatives = if distinct {
            bodies
                .into_iter()
                .map(|(status, body)| AltResponse {
                    variant: status_variant(&status),
                    status,
                    body,
                })
                .collect()
        } else {
            Vec::new()
        };
        SuccessResponse {
            status,
            body,
            alternatives,
        }
    }

    /// The error responses with a JSON body: exact codes first, then ranges (`4XX`), then `default`.
    pub(super) fn lower_errors(
        &mut self,
        op: &OaOperation,
        builder: &str,
        pointer: &str,
    ) -> Vec<AltResponse> {
        let mut declared: Vec<(String, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (status_text(code), r))
            // `from_error` reads error statuses only (400 and up).
            .filter(|(code, _)| code.starts_with('4') || code.starts_with('5'))
            .collect();
        declared.sort_by_key(|(code, _)| (code.ends_with("XX"), code.clone()));
        if let Some(d) = &op.responses.default {
            declared.push(("default".to_owned(), d));
        }
        let mut out = Vec::new();
        for (status, response) in declared {
            let at = child(&child(pointer, "responses"), &status);
            let variant = status_variant(&status);
            let context = format!("{builder}Error{}", variant.trim_start_matches("Status"));
            let body = self.response_body(response, &at, context);
            if matches!(body, ResponseBody::Json(_)) {
                out.push(AltResponse {
                    status,
                    variant,
                    body,
                });
            }
        }
        out
    }

    pub(super) fn response_body(
        &mut self,
        response: &ReferenceOr<Response>,
        at: &str,
        context: String,
    ) -> ResponseBody {
        let response = match response {
            ReferenceOr::Item(r) => r.clone(),
            ReferenceOr::Reference { reference } => {
                let found = crate::diag::component_ref_name(reference, "responses").and_then(|n| {
                    self.api
                        .components
                        .as_ref()
                        .and_then(|c| c.responses.get(&n))
                });
                match found {
                    Some(ReferenceOr::Item(r)) => r.clone(),
                    _ => {
                        self.error(at, format!("cannot resolve response `$ref` `{reference}`"));
                        return ResponseBody::Empty;
                    }
                }
            }
        };
        match pick_media(&response.content) {
            None => ResponseBody::Empty,
            Some((media, content)) if is_json(&media) => match &content.schema {
                Some(s) => {
                    let schema_at = child(&child(&child(at, "content"), &media), "schema");
                    ResponseBody::Json(self.schema_or_ref(s, Naming::Context(context), &schema_at))
                }
                None => ResponseBody::Json(TypeRef::Json),
            },
            Some((media, _)) => ResponseBody::Bytes(media),
        }
    }
}

pub(in crate::lower) fn status_text(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    }
}

/// The enum variant for a response status: `Status404`, `Status4xx`, `Default`.
pub(in crate::lower) fn status_variant(status: &str) -> String {
    match status {
        "default" => "Default".to_owned(),
        s => format!("Status{}", s.replace('X', "x")),
    }
}
