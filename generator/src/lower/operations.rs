//! Operations: path items read in document order, grouped by tag into resources; each operation's
//! builder, enum and accessor names claimed, parameters merged (path-level and operation-level), the
//! runtime-managed headers left out, and the body, responses and pagination lowered by their modules.

use super::*;

impl OperationLowerer<'_, '_> {
    pub(super) fn lower_operations(&mut self, accessor_scope: &mut Scope) -> Vec<Resource> {
        let api = self.doc.api;
        let mut builder_scope = Scope::new(["Client"]);
        // tag → (doc, operations)
        let mut groups: BTreeMap<String, Vec<Operation>> = BTreeMap::new();
        let mut paths: Vec<(&String, &ReferenceOr<openapiv3::PathItem>)> =
            api.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let mut sources: Vec<(String, String, &openapiv3::PathItem, &str, &OaOperation)> =
            Vec::new();
        for (path, item) in paths {
            let item_pointer = child("#/paths", path);
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => {
                    self.degrade(
                        &item_pointer,
                        Degradation::Dropped,
                        "path item `$ref`s are not supported; the path is skipped",
                    );
                    continue;
                }
            };
            for (method, op) in item.iter() {
                sources.push((path.clone(), item_pointer.clone(), item, method, op));
            }
        }
        // Webhooks (3.1 `webhooks`, normalized to `x-webhooks`) and callbacks describe requests the
        // server sends: their body schemas become types; they are not client operations.
        // Pointers name the key the document has: a 3.1 document's `webhooks`, a 3.0 one's extension.
        let hooks_at = if self.doc.spec.declared_version.starts_with("3.1") {
            "#/webhooks"
        } else {
            "#/x-webhooks"
        };
        if let Some(Value::Object(hooks)) = api.extensions.get("x-webhooks") {
            for (name, item) in hooks {
                let at = child(hooks_at, name);
                match serde_json::from_value::<openapiv3::PathItem>(item.clone()) {
                    Ok(item) => self.schemas.lower_inbound(
                        &item,
                        &at,
                        &format!("{}Event", sanitize(name, Case::Pascal)),
                    ),
                    Err(e) => self.degrade(
                        &at,
                        Degradation::Dropped,
                        format!("webhook is not a path item ({e}); no types generated for it"),
                    ),
                }
            }
        }
        for (_, item_pointer, _, method, op) in &sources {
            for (name, callback) in &op.callbacks {
                for (expression, item) in callback {
                    let at = child(
                        &child(&child(&child(item_pointer, method), "callbacks"), name),
                        expression,
                    );
                    let hint = format!(
                        "{}{}Callback",
                        sanitize(op.operation_id.as_deref().unwrap_or(method), Case::Pascal),
                        sanitize(name, Case::Pascal)
                    );
                    self.schemas.lower_inbound(item, &at, &hint);
                }
            }
        }
        for (path, item_pointer, item, method, op) in sources {
            let op_pointer = child(&item_pointer, method);
            let tag = op
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| default_tag(&path));
            let wire_id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| synth_operation_id(method, &path));
            let builder = self.claim(
                &mut builder_scope,
                &sanitize(&wire_id, Case::Pascal),
                "operation builder",
                &op_pointer,
            );
            if op.operation_id.is_none() {
                self.warn(
                    &op_pointer,
                    format!(
                        "operation has no `operationId`; named `{wire_id}` from its method and path"
                    ),
                );
            }
            if let Some(operation) =
                self.lower_operation(&path, method, item, op, &op_pointer, wire_id, builder)
            {
                groups.entry(tag).or_default().push(operation);
            }
        }
        let tag_docs: BTreeMap<String, Option<String>> = api
            .tags
            .iter()
            .map(|t| (t.name.clone(), t.description.as_deref().map(doc_text)))
            .collect();
        let mut resources = Vec::new();
        let mut resource_scope_names: Vec<String> = Vec::new();
        for (tag, operations) in groups {
            let accessor = self.claim(
                accessor_scope,
                &sanitize(&tag, Case::Snake),
                &format!("tag `{tag}`: resource accessor"),
                "#/tags",
            );
            let struct_name = self.claim(
                &mut builder_scope,
                &sanitize(&format!("{tag} Api"), Case::Pascal),
                &format!("tag `{tag}`: resource type"),
                "#/tags",
            );
            resource_scope_names.push(struct_name.clone());
            resources.push(Resource {
                name: Name {
                    wire: tag.clone(),
                    rust: struct_name,
                },
                accessor,
                stubs: String::new(),
                command: String::new(),
                doc: tag_docs.get(&tag).cloned().flatten(),
                operations,
            });
        }
        resources.sort_by(|a, b| a.name.rust.cmp(&b.name.rust));
        resources
    }

    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the operation's context
    pub(super) fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &OaOperation,
        pointer: &str,
        wire_id: String,
        builder: String,
    ) -> Option<Operation> {
        // `idempotency_key` is the builder's own method only where the profile names an idempotency
        // header; elsewhere a document's own `Idempotency-Key` header takes the name.
        let mut scope = Scope::new(BUILDER_RESERVED.iter().copied().filter(|name| {
            *name != "idempotency_key" || self.doc.profile.idempotency_header.is_some()
        }));
        // Merge path-level and operation-level parameters; the operation's win.
        let mut params: Vec<(String, Parameter)> = Vec::new();
        for (origin, list) in [
            (
                child(&child("#/paths", path), "parameters"),
                &item.parameters,
            ),
            (child(pointer, "parameters"), &op.parameters),
        ] {
            for (i, p) in list.iter().enumerate() {
                let at = format!("{origin}/{i}");
                let Some(p) = self.resolve_parameter(p, &at) else {
                    continue;
                };
                let key = (
                    p.parameter_data_ref().name.to_ascii_lowercase(),
                    location_of(&p),
                );
                params.retain(|(_, q)| {
                    (
                        q.parameter_data_ref().name.to_ascii_lowercase(),
                        location_of(q),
                    ) != key
                });
                params.push((at, p));
            }
        }
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let mut header_params = Vec::new();
        let mut idempotent = false;
        // Path parameters in template order.
        let template_names = path_template_names(path);
        // A template name that differs from its parameter's only in case style (`{petId}` and `pet_id`)
        // means that parameter: it is read under the template's name, with a warning.
        let fold = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        for name in &template_names {
            let declared = |p: &Parameter| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == name);
            if params.iter().any(|(_, p)| declared(p)) {
                continue;
            }
            let mut alike = params.iter_mut().filter(|(_, p)| {
                matches!(p, Parameter::Path { parameter_data, .. }
                    if !template_names.contains(&parameter_data.name) && fold(&parameter_data.name) == fold(name))
            });
            if let (Some((at, p)), None) = (alike.next(), alike.next()) {
                let data = match p {
                    Parameter::Path { parameter_data, .. } => parameter_data,
                    _ => continue,
                };
                let at = at.clone();
                let declared_name = std::mem::replace(&mut data.name, name.clone());
                self.degrade(&at, Degradation::Renamed, format!("path parameter `{declared_name}` is written `{{{name}}}` in the path template; read as the template's `{name}`"));
            }
        }
        for name in &template_names {
            if !params.iter().any(|(_, p)| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == name)) {
                self.error(pointer, format!("path template names `{{{name}}}`, but no path parameter `{name}` is declared"));
                return None;
            }
        }
        let mut ordered: Vec<&(String, Parameter)> = Vec::new();
        for name in &template_names {
            if let Some(p) = params.iter().find(|(_, p)| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == name)) {
                ordered.push(p);
            }
        }
        ordered.extend(
            params
                .iter()
                .filter(|(_, p)| !matches!(p, Parameter::Path { .. })),
        );
        for (at, p) in ordered {
            let data = p.parameter_data_ref();
            match p {
                Parameter::Header { .. } => {
                    if self.doc.profile.is_idempotency_header(&data.name) {
                        idempotent = true;
                        continue;
                    }
                    if self.doc.profile.manages(&data.name) {
                        continue;
                    }
                }
                Parameter::Cookie { .. } => {}
                Parameter::Path { .. } => {
                    if !template_names.contains(&data.name) {
                        self.degrade(
                            at,
                            Degradation::Dropped,
                            format!(
                                "path parameter `{}` does not appear in the path template; ignored",
                                data.name
                            ),
                        );
                        continue;
                    }
                }
                Parameter::Query { .. } => {}
            }
            let rust = self.claim(
                &mut scope,
                &sanitize(&data.name, Case::Snake),
                "parameter",
                at,
            );
            let context = format!(
                "{builder}{}",
                sanitize(&data.name, Case::Pascal).trim_start_matches("r#")
            );
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(s) => {
                    self.schema_or_ref(s, Naming::Context(context), &child(at, "schema"))
                }
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((_, media)) => match &media.schema {
                        Some(s) => {
                            let _ = self.schema_or_ref(
                                s,
                                Naming::Context(context),
                                &child(at, "content"),
                            );
                            self.degrade(
                                &child(at, "content"),
                                Degradation::Untyped,
                                format!(
                                    "parameter `{}` is described by `content` (a serialized value); it is generated as `serde_json::Value`, sent as JSON text",
                                    data.name
                                ),
                            );
                            TypeRef::Json
                        }
                        None => TypeRef::String(None),
                    },
                    None => TypeRef::String(None),
                },
            };
            let (ty, encoding) = self.param_type(ty, at, &data.name, p);
            let required = data.required || matches!(p, Parameter::Path { .. });
            let param = Param {
                name: Name {
                    wire: data.name.clone(),
                    rust,
                },
                pointer: at.clone(),
                ty,
                required,
                encoding,
                doc: data.description.as_deref().map(doc_text),
                deprecated: data.deprecated.unwrap_or(false),
                sensitive: Profile::flag(&self.doc.profile.extensions.sensitive, &data.extensions)
                    || matches!(&data.format, ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) if is_sensitive_schema(&self.doc.profile.extensions, s)),
                stub_method: String::new(),
            };
            match p {
                Parameter::Path { .. } => path_params.push(param),
                Parameter::Query { .. } => query_params.push(param),
                // Sent in the `Cookie` header (`ParamEncoding::Cookie`).
                Parameter::Header { .. } | Parameter::Cookie { .. } => header_params.push(param),
            }
        }
        let body = match &op.request_body {
            Some(b) => self.lower_body(b, &builder, &child(pointer, "requestBody")),
            None => None,
        };
        let response = self.lower_response(op, &builder, pointer);
        let errors = self.lower_errors(op, &builder, pointer);
        let mut other_statuses: Vec<StatusMatch> = op
            .responses
            .responses
            .keys()
            .map(status_match)
            .filter(|s| !s.is_success())
            .chain(op.responses.default.as_ref().map(|_| StatusMatch::Default))
            .filter(|s| !errors.iter().any(|e| e.status == *s))
            .collect();
        // As the document's keys sort (`400`, `4XX`, `500`, `default`).
        other_statuses.sort_by_key(StatusMatch::to_string);
        let security = op
            .security
            .as_ref()
            .or(self.doc.api.security.as_ref())
            .map(|reqs| {
                let mut names: Vec<String> = reqs.iter().flat_map(|r| r.keys().cloned()).collect();
                names.sort();
                names.dedup();
                names
            })
            .unwrap_or_default();
        let security_requirements = self
            .doc
            .profile
            .auth_from_document
            .then(|| self.document().security_requirements(op, pointer));
        let pagination = self.detect_pagination(op, &query_params, &response, pointer);
        let Some(http_method) = HttpMethod::from_key(method) else {
            self.degrade(
                pointer,
                Degradation::Dropped,
                format!("`{method}` is not an HTTP method; the operation is skipped"),
            );
            return None;
        };
        let path_template = parse_path_template(path, &path_params);
        let sensitive_segments = path_template
            .sensitive_segments(|param| path_params.get(param).is_some_and(|p| p.sensitive));
        Some(Operation {
            responses_enum: None,
            id: Name {
                wire: wire_id.clone(),
                rust: sanitize(&wire_id, Case::Snake),
            },
            builder,
            route: String::new(),
            command: String::new(),
            pointer: pointer.to_owned(),
            method: http_method,
            path_template,
            sensitive_segments,
            summary: op.summary.as_deref().map(doc_text),
            doc: op.description.as_deref().map(doc_text),
            deprecated: op.deprecated,
            inferred: Profile::flag(&self.doc.profile.extensions.inferred, &op.extensions),
            path_params,
            query_params,
            header_params,
            body,
            response,
            errors,
            other_statuses,
            errors_enum: None,
            idempotent,
            security,
            security_requirements,
            pagination,
        })
    }
}

/// Parses `path` once into the literal pieces around the path parameters, each parameter with the
/// index of the `/`-separated segment holding it. A `{name}` no parameter has stays literal text.
pub(in crate::lower) fn parse_path_template(path: &str, params: &[Param]) -> PathTemplate {
    let mut pieces = vec![String::new()];
    let mut slots = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let wire = &rest[start + 1..start + len];
        let consumed = path.len() - rest.len();
        let last = pieces.len() - 1;
        match params.iter().position(|p| p.name.wire == wire) {
            Some(param) => {
                pieces[last].push_str(&rest[..start]);
                slots.push(PathSlot {
                    param,
                    segment: path[..consumed + start].matches('/').count(),
                });
                pieces.push(String::new());
            }
            None => pieces[last].push_str(&rest[..start + len + 1]),
        }
        rest = &rest[start + len + 1..];
    }
    let last = pieces.len() - 1;
    pieces[last].push_str(rest);
    PathTemplate {
        pieces,
        params: slots,
    }
}

pub(in crate::lower) fn path_template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

pub(in crate::lower) fn default_tag(path: &str) -> String {
    let is_version = |s: &str| {
        s.len() <= 3
            && s.strip_prefix('v')
                .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()))
    };
    path.split('/')
        .find(|s| !s.is_empty() && !s.starts_with('{') && !is_version(s))
        .unwrap_or("default")
        .to_owned()
}

pub(in crate::lower) fn synth_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_owned()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(p) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            parts.push(format!("by {p}"));
        } else {
            parts.push(seg.to_owned());
        }
    }
    sanitize(&parts.join(" "), Case::Snake)
}

#[cfg(test)]
mod tests {
    use super::{default_tag, parse_path_template, path_template_names, synth_operation_id};
    use crate::ir::{Name, Param, ParamEncoding, PathSlot, TypeRef};
    use crate::lower::test_support::{doc, lower_yaml, op};

    fn param(wire: &str) -> Param {
        Param {
            name: Name {
                wire: wire.into(),
                rust: wire.into(),
            },
            pointer: String::new(),
            ty: TypeRef::String(None),
            required: true,
            encoding: ParamEncoding::Text,
            doc: None,
            deprecated: false,
            sensitive: false,
            stub_method: String::new(),
        }
    }

    #[test]
    fn path_templates_are_parsed_once_into_pieces_and_slots() {
        let params = [param("a"), param("t")];
        let slot = |param, segment| PathSlot { param, segment };
        let table: &[(&str, &[&str], &[PathSlot])] = &[
            ("/v1/things", &["/v1/things"], &[]),
            ("/v1/{a}", &["/v1/", ""], &[slot(0, 2)]),
            (
                "/v2/accounts/{a}/tokens/{t}/status",
                &["/v2/accounts/", "/tokens/", "/status"],
                &[slot(0, 3), slot(1, 5)],
            ),
            // Two parameters in one segment; a name no parameter has stays text.
            (
                "/x/{t}.{a}/{other}",
                &["/x/", ".", "/{other}"],
                &[slot(1, 2), slot(0, 2)],
            ),
            ("/open/{a", &["/open/{a"], &[]),
        ];
        for (path, pieces, slots) in table {
            let t = parse_path_template(path, &params);
            assert_eq!(t.pieces, *pieces, "{path}");
            assert_eq!(t.params, *slots, "{path}");
        }
    }

    #[test]
    fn names_from_paths() {
        assert_eq!(
            path_template_names("/v1/{account_id}/things/{thing}"),
            ["account_id", "thing"]
        );
        assert_eq!(
            default_tag("/v1/payment-requests/{id}"),
            default_tag("/v1/payment-requests")
        );
        assert_eq!(synth_operation_id("get", "/things"), "get_things");
    }

    #[test]
    fn operations_group_by_tag_and_the_runtime_headers_are_left_out() {
        let yaml = doc(
            "  /v1/things:\n    parameters:\n      - {name: account, in: query, schema: {type: string}}\n    post:\n      operationId: createThing\n      tags: [Things]\n      parameters:\n        - {name: Authorization, in: header, schema: {type: string}}\n        - {name: Klarna-Idempotency-Key, in: header, schema: {type: string}}\n        - {name: X-Trace, in: header, schema: {type: string}}\n      responses:\n        '204': {description: ok}\n    get:\n      operationId: listThings\n      tags: [Things]\n      responses:\n        '204': {description: ok}",
            "",
        );
        let (api, _) = lower_yaml(&yaml);
        assert_eq!(api.resources.len(), 1);
        let r = &api.resources[0];
        assert_eq!(
            (r.name.rust.as_str(), r.accessor.as_str()),
            ("ThingsApi", "things")
        );
        let create = op(&api, "createThing");
        assert_eq!((create.method.as_str(), create.idempotent), ("POST", true));
        let headers: Vec<&str> = create
            .header_params
            .iter()
            .map(|p| p.name.wire.as_str())
            .collect();
        assert_eq!(headers, ["X-Trace"], "managed headers are not parameters");
        let query: Vec<&str> = create
            .query_params
            .iter()
            .map(|p| p.name.wire.as_str())
            .collect();
        assert_eq!(query, ["account"], "path-level parameters apply");
        assert!(!op(&api, "listThings").idempotent);
    }
}
