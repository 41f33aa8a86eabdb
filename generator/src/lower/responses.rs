//! Responses: the success response (one body, or an enum with one variant per differing success status),
//! the declared error statuses, and the error bodies an operation's error enum reads.

use super::*;

impl OperationLowerer<'_, '_> {
    pub(super) fn lower_response(
        &mut self,
        op: &OaOperation,
        builder: &str,
        pointer: &str,
    ) -> SuccessResponse {
        let mut success: Vec<(StatusMatch, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (status_match(code), r))
            .filter(|(code, _)| code.is_success())
            .collect();
        // As the document's keys sort (`200`, `201`, `2XX`).
        success.sort_by_key(|(code, _)| code.to_string());
        let mut bodies: Vec<(StatusMatch, ResponseBody)> = Vec::new();
        for (i, (status, response)) in success.iter().enumerate() {
            let at = child(&child(pointer, "responses"), &status.to_string());
            let context = if i == 0 {
                format!("{builder}Response")
            } else {
                format!("{builder}Response{status}")
            };
            let body = self.response_body(response, &at, context);
            bodies.push((*status, body));
        }
        // One entry unless the bodies differ; `200` without a body when no success status is declared.
        let distinct = bodies
            .iter()
            .any(|(_, b)| Some(b) != bodies.first().map(|(_, b)| b));
        if !distinct {
            bodies.truncate(1);
        }
        if bodies.is_empty() {
            bodies.push((StatusMatch::Code(200), ResponseBody::Empty));
        }
        let alternatives: Vec<AltResponse> = bodies
            .into_iter()
            .map(|(status, body)| AltResponse {
                variant: status_variant(status),
                status,
                body,
                boxed: false,
                stub_answer: String::new(),
            })
            .collect();
        // Exact statuses match first; a range (`2XX`) or else the first documented status takes the rest.
        let fallback = alternatives
            .iter()
            .position(|alt| matches!(alt.status, StatusMatch::Range(_)))
            .unwrap_or(0);
        SuccessResponse {
            alternatives,
            fallback,
        }
    }

    /// The error responses with a JSON body: exact codes first, then ranges (`4XX`), then `default`.
    pub(super) fn lower_errors(
        &mut self,
        op: &OaOperation,
        builder: &str,
        pointer: &str,
    ) -> Vec<AltResponse> {
        let mut declared: Vec<(StatusMatch, &ReferenceOr<Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (status_match(code), r))
            // `from_error` reads error statuses only (400 and up).
            .filter(|(code, _)| code.is_error())
            .collect();
        // Exact codes, then ranges.
        declared.sort_by_key(|(code, _)| *code);
        if let Some(d) = &op.responses.default {
            declared.push((StatusMatch::Default, d));
        }
        let mut out = Vec::new();
        for (status, response) in declared {
            let at = child(&child(pointer, "responses"), &status.to_string());
            let variant = status_variant(status);
            let context = format!("{builder}Error{}", variant.trim_start_matches("Status"));
            let body = self.response_body(response, &at, context);
            if matches!(body, ResponseBody::Json(_)) {
                out.push(AltResponse {
                    status,
                    variant,
                    body,
                    boxed: false,
                    stub_answer: String::new(),
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
                    self.doc
                        .api
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

/// The statuses a response key covers.
pub(in crate::lower) fn status_match(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(c) => StatusMatch::Code(*c),
        StatusCode::Range(r) => StatusMatch::Range(*r),
    }
}

/// The enum variant for a response status: `Status404`, `Status4xx`, `Default`.
pub(in crate::lower) fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => format!("Status{c}"),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::status_variant;
    use crate::ir::*;
    use crate::lower::test_support::{lower_yaml, named, one_op, op};

    const PATH: &str = "      parameters:\n        - {name: thing_id, in: path, required: true, schema: {type: string}}\n";

    #[test]
    fn status_variants() {
        for (status, variant) in [
            (StatusMatch::Code(404), "Status404"),
            (StatusMatch::Range(4), "Status4xx"),
            (StatusMatch::Default, "Default"),
        ] {
            assert_eq!(status_variant(status), variant);
        }
    }

    #[test]
    fn the_success_body_is_json_empty_or_bytes() {
        // The expected body is computed from the lowered API: a named type is known by its id only then.
        type Expected = fn(&Api) -> ResponseBody;
        let table: &[(&str, Expected)] = &[
            (
                "'200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Thing'}",
                |api| ResponseBody::Json(named(api, "Thing")),
            ),
            ("'204': {description: ok}", |_| ResponseBody::Empty),
            (
                "'200':\n          description: ok\n          content:\n            text/csv:\n              schema: {type: string}",
                |_| ResponseBody::Bytes("text/csv".into()),
            ),
        ];
        for (response, expected) in table {
            let (api, _) = lower_yaml(&one_op(&format!(
                "{PATH}      responses:\n        {response}"
            )));
            assert_eq!(
                op(&api, "doThing").response.body(),
                &expected(&api),
                "{response}"
            );
        }
    }

    #[test]
    fn error_responses_are_ordered_exact_then_ranges_then_default() {
        let error = |status: &str, schema: &str| {
            format!(
                "        '{status}':\n          description: e\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"
            )
        };
        let yaml = one_op(&format!(
            "{PATH}      responses:\n        '204': {{description: ok}}\n{}{}{}",
            error("default", "Problem"),
            error("4XX", "Problem"),
            error("404", "Other"),
        ));
        let (api, _) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        let statuses: Vec<StatusMatch> = o.errors.iter().map(|e| e.status).collect();
        assert_eq!(
            statuses,
            [
                StatusMatch::Code(404),
                StatusMatch::Range(4),
                StatusMatch::Default
            ]
        );
    }

    #[test]
    fn each_status_is_held_once() {
        let json = |status: &str, schema: &str| {
            format!(
                "        '{status}':\n          description: r\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"
            )
        };
        // Equal success bodies: one response, no enum.
        let yaml = one_op(&format!(
            "{PATH}      responses:\n{}{}",
            json("200", "Thing"),
            json("201", "Thing")
        ));
        let (api, _) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        assert_eq!(o.response.alternatives.len(), 1);
        assert!(!o.response.is_enum());
        assert_eq!(o.response.status(), StatusMatch::Code(200));
        // Differing success bodies: one entry per status, the first is the primary response.
        let yaml = one_op(&format!(
            "{PATH}      responses:\n{}{}        '302': {{description: moved}}\n{}        '404': {{description: gone}}\n{}",
            json("200", "Thing"),
            json("201", "Other"),
            json("400", "Problem"),
            json("default", "Problem"),
        ));
        let (api, _) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        assert!(o.response.is_enum());
        let statuses: Vec<String> = o
            .response
            .alternatives
            .iter()
            .map(|a| a.status.to_string())
            .collect();
        assert_eq!(statuses, ["200", "201"]);
        assert_eq!(o.response.body(), &o.response.alternatives[0].body);
        // Typed errors and the other statuses are disjoint; together they are the error statuses.
        let typed: Vec<String> = o.errors.iter().map(|e| e.status.to_string()).collect();
        assert_eq!(typed, ["400", "default"]);
        let other: Vec<String> = o.other_statuses.iter().map(ToString::to_string).collect();
        assert_eq!(other, ["302", "404"]);
        let all: Vec<String> = o.error_statuses().iter().map(ToString::to_string).collect();
        assert_eq!(all, ["302", "400", "404", "default"]);
    }

    #[test]
    fn an_operation_without_a_success_status_answers_200_without_a_body() {
        let (api, _) = lower_yaml(&one_op(&format!(
            "{PATH}      responses:\n        '404': {{description: gone}}"
        )));
        let o = op(&api, "doThing");
        assert_eq!(o.response.alternatives.len(), 1);
        assert_eq!(o.response.status(), StatusMatch::Code(200));
        assert_eq!(o.response.body(), &ResponseBody::Empty);
    }
}
