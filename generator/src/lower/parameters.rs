//! Parameters: `$ref`s resolved, and how a value is written: scalars, enums and lists of those as text,
//! objects as `deepObject` or exploded form members by their `style`, anything else as JSON text.

use super::*;

impl ApiLowerer<'_> {
    /// Parameters are sent as text: scalars, enums, lists of those. Anything else is sent as JSON text.
    pub(super) fn param_type(
        &mut self,
        ty: TypeRef,
        at: &str,
        name: &str,
        param: &Parameter,
    ) -> (TypeRef, ParamEncoding) {
        let scalar = |t: &TypeRef, types: &TypeArena| match t {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::String(_)
            | TypeRef::Json => true,
            TypeRef::Named(n) => types.get(*n).is_some_and(|d| {
                matches!(
                    &d.kind,
                    TypeKind::StringEnum { .. }
                        | TypeKind::IntEnum { .. }
                        | TypeKind::Alias {
                            target: TypeRef::String(_) | TypeRef::I64 | TypeRef::I32
                        }
                )
            }),
            _ => false,
        };
        if scalar(&ty, &self.types)
            || matches!(&ty, TypeRef::List(inner) if scalar(inner, &self.types))
        {
            return (ty, ParamEncoding::Text);
        }
        // Objects in the query string: deepObject flattens under the name, form+explode spreads members.
        if let Parameter::Query { style, .. } = param {
            let explode = param.parameter_data_ref().explode.unwrap_or(true);
            match style {
                openapiv3::QueryStyle::DeepObject => return (ty, ParamEncoding::DeepObject),
                openapiv3::QueryStyle::Form if explode => return (ty, ParamEncoding::FormObject),
                _ => {}
            }
        }
        self.warn(at, format!("parameter `{name}` has a structured type and a style that cannot be written as text; it is sent as JSON text (`serde_json::Value`)"));
        (TypeRef::Json, ParamEncoding::Text)
    }

    pub(super) fn resolve_parameter(
        &mut self,
        p: &ReferenceOr<Parameter>,
        at: &str,
    ) -> Option<Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let name = crate::diag::component_ref_name(reference, "parameters");
                let found = name.and_then(|n| {
                    self.api
                        .components
                        .as_ref()
                        .and_then(|c| c.parameters.get(&n))
                });
                match found {
                    Some(ReferenceOr::Item(p)) => Some(p.clone()),
                    _ => {
                        self.error(at, format!("cannot resolve parameter `$ref` `{reference}`"));
                        None
                    }
                }
            }
        }
    }
}

pub(in crate::lower) fn location_of(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_yaml, one_op, op};

    #[test]
    fn encodings_follow_the_schema_and_style() {
        let table: &[(&str, ParamEncoding)] = &[
            (
                "{name: q, in: query, schema: {type: string}}",
                ParamEncoding::Text,
            ),
            (
                "{name: q, in: query, schema: {type: array, items: {type: string}}}",
                ParamEncoding::Text,
            ),
            (
                "{name: q, in: query, style: deepObject, schema: {type: object, properties: {a: {type: string}}}}",
                ParamEncoding::DeepObject,
            ),
            (
                "{name: q, in: query, style: form, explode: true, schema: {type: object, properties: {a: {type: string}}}}",
                ParamEncoding::FormObject,
            ),
        ];
        for (param, expected) in table {
            let yaml = one_op(&format!(
                "      parameters:\n        - {{name: thing_id, in: path, required: true, schema: {{type: string}}}}\n        - {param}\n      responses:\n        '204': {{description: ok}}"
            ));
            let (api, _) = lower_yaml(&yaml);
            let o = op(&api, "doThing");
            assert_eq!(o.query_params[0].encoding, *expected, "{param}");
            assert_eq!(o.path_params[0].name.rust, "thing_id");
        }
    }

    #[test]
    fn a_parameter_ref_is_resolved() {
        let yaml = doc(
            "  /v1/things:\n    get:\n      operationId: listThings\n      parameters:\n        - $ref: '#/components/parameters/Size'\n      responses:\n        '204': {description: ok}\ncomponents:\n  parameters:\n    Size: {name: size, in: query, schema: {type: integer, format: int32}}",
            "",
        );
        let (api, _) = lower_yaml(&yaml);
        let p = &op(&api, "listThings").query_params[0];
        assert_eq!((p.name.wire.as_str(), &p.ty), ("size", &TypeRef::I32));
    }
}
