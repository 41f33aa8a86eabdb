//! Parameters: `$ref`s resolved, and how a value is written by its location, `style` and `explode`:
//! scalars and exploded query lists as text, objects as `deepObject` or exploded form members, every other
//! list and object by the runtime's `param_style` (path `simple`/`label`/`matrix`, query `form`,
//! `spaceDelimited`, `pipeDelimited`, header `simple`, cookie `form`); a type no style defines as JSON
//! text, with a warning.

use super::*;

/// What a parameter's type is, as styles see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A scalar or an enum.
    Scalar,
    /// A list of scalars.
    List,
    /// An object of named members or a string-keyed map of scalars.
    Object,
    /// Anything else (a union, any JSON value, a list of objects, a map of lists): no style defines it
    /// fully; the runtime writes it by the value it holds (a string as its text, not JSON text).
    Other,
}

impl OperationLowerer<'_, '_> {
    fn param_shape(&self, ty: &TypeRef) -> Shape {
        let scalar = |t: &TypeRef| match t {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::String(_) => true,
            TypeRef::Named(n) => self.types().get(*n).is_some_and(|d| {
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
        match ty {
            t if scalar(t) => Shape::Scalar,
            TypeRef::List(inner) if scalar(inner) => Shape::List,
            TypeRef::Map(inner) if scalar(inner) => Shape::Object,
            TypeRef::Named(n)
                if self
                    .types()
                    .get(*n)
                    .is_some_and(|d| matches!(d.kind, TypeKind::Struct { .. })) =>
            {
                Shape::Object
            }
            _ => Shape::Other,
        }
    }

    /// How the parameter is written, from its location, `style`, `explode` and type (OpenAPI's table of
    /// styles per location). A style the location does not define for the type is a located warning
    /// saying what is sent instead.
    pub(super) fn param_type(
        &mut self,
        ty: TypeRef,
        at: &str,
        name: &str,
        param: &Parameter,
    ) -> (TypeRef, ParamEncoding) {
        use openapiv3::{PathStyle, QueryStyle};
        // A value described by `content` is serialized as its media type says: JSON text. Any other
        // value without a type is written by the style from what it holds.
        let content = matches!(
            param.parameter_data_ref().format,
            openapiv3::ParameterSchemaOrContent::Content(_)
        );
        let shape = match self.param_shape(&ty) {
            Shape::Other if content && ty == TypeRef::Json => Shape::Scalar,
            shape => shape,
        };
        let explode_given = param.parameter_data_ref().explode;
        let styled = |style, explode| ParamEncoding::Styled { style, explode };
        if shape == Shape::Other
            && ty != TypeRef::Json
            && !matches!(
                param,
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                }
            )
        {
            self.degrade(at, Degradation::Untyped, format!("parameter `{name}` has a type no parameter style defines fully (a union, or lists or objects nested in it): it is written by its style from the value it holds, nested lists and objects as JSON text"));
        }
        let encoding = match (param, shape) {
            // A union (or a nested list or object) under `deepObject` is flattened value by value, as
            // form APIs read it (`created=5` or `created[gt]=5`).
            (
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                },
                Shape::Other,
            ) => Some(ParamEncoding::DeepObject),
            (Parameter::Path { style, .. }, shape) => {
                let explode = explode_given.unwrap_or(false);
                Some(match (style, shape) {
                    (PathStyle::Simple, Shape::Scalar) => ParamEncoding::Text,
                    (PathStyle::Simple, _) => styled(ParamStyle::Simple, explode),
                    (PathStyle::Label, _) => styled(ParamStyle::Label, explode),
                    (PathStyle::Matrix, _) => styled(ParamStyle::Matrix, explode),
                })
            }
            (Parameter::Header { .. }, Shape::Scalar) => Some(ParamEncoding::Text),
            (Parameter::Header { .. }, _) => {
                Some(styled(ParamStyle::Simple, explode_given.unwrap_or(false)))
            }
            (Parameter::Query { style, .. }, shape) => {
                let explode = explode_given.unwrap_or(matches!(style, QueryStyle::Form));
                let delimited = match style {
                    QueryStyle::SpaceDelimited => Some(ParamStyle::SpaceDelimited),
                    QueryStyle::PipeDelimited => Some(ParamStyle::PipeDelimited),
                    QueryStyle::Form | QueryStyle::DeepObject => None,
                };
                Some(match (style, shape, explode) {
                    (QueryStyle::DeepObject, Shape::Object, _) => ParamEncoding::DeepObject,
                    (QueryStyle::DeepObject, Shape::Scalar, _) => {
                        self.warn(at, format!("parameter `{name}`: style `deepObject` is defined for objects only; this scalar is sent as `form` (`{name}=value`)"));
                        ParamEncoding::Text
                    }
                    (QueryStyle::DeepObject, _, _) => {
                        self.warn(at, format!("parameter `{name}`: OpenAPI defines style `deepObject` for objects only; this list is sent with indices, as form APIs read it (`{name}[0]=a&{name}[1]=b`)"));
                        ParamEncoding::DeepObject
                    }
                    (_, Shape::Scalar, _) => ParamEncoding::Text,
                    (_, Shape::List, true) => ParamEncoding::Text,
                    // A union: written by the style from the value it holds.
                    (_, Shape::Other, _) => styled(delimited.unwrap_or(ParamStyle::Form), explode),
                    // An object (`Other` was answered above).
                    (_, _, true) => ParamEncoding::FormObject,
                    (_, _, false) => styled(delimited.unwrap_or(ParamStyle::Form), false),
                })
            }
            (Parameter::Cookie { .. }, _) => Some(ParamEncoding::Cookie {
                explode: explode_given.unwrap_or(true),
            }),
        };
        match encoding {
            Some(encoding) => (ty, encoding),
            None => {
                self.degrade(at, Degradation::Untyped, format!("parameter `{name}` has a type no parameter style defines (a union, or lists or objects nested in it); it is sent as JSON text (`serde_json::Value`)"));
                (TypeRef::Json, ParamEncoding::Text)
            }
        }
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
                    self.doc
                        .api
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
            (
                "{name: q, in: query, explode: false, schema: {type: array, items: {type: string}}}",
                ParamEncoding::Styled {
                    style: ParamStyle::Form,
                    explode: false,
                },
            ),
            (
                "{name: q, in: query, style: pipeDelimited, schema: {type: array, items: {type: integer}}}",
                ParamEncoding::Styled {
                    style: ParamStyle::PipeDelimited,
                    explode: false,
                },
            ),
            (
                "{name: q, in: query, style: spaceDelimited, explode: true, schema: {type: array, items: {type: integer}}}",
                ParamEncoding::Text,
            ),
            (
                "{name: q, in: query, style: spaceDelimited, schema: {type: object, additionalProperties: {type: string}}}",
                ParamEncoding::Styled {
                    style: ParamStyle::SpaceDelimited,
                    explode: false,
                },
            ),
            (
                "{name: q, in: query, explode: false, schema: {type: object, properties: {a: {type: string}}}}",
                ParamEncoding::Styled {
                    style: ParamStyle::Form,
                    explode: false,
                },
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
    fn path_header_and_cookie_lists_and_objects_are_styled() {
        let yaml = one_op(concat!(
            "      parameters:\n",
            "        - {name: thing_id, in: path, required: true, style: matrix, explode: true, schema: {type: array, items: {type: string}}}\n",
            "        - {name: X-Ids, in: header, schema: {type: array, items: {type: string}}}\n",
            "        - {name: X-Obj, in: header, explode: true, schema: {type: object, properties: {a: {type: integer}}}}\n",
            "        - {name: X-One, in: header, schema: {type: integer}}\n",
            "        - {name: sid, in: cookie, schema: {type: string}}\n",
            "        - {name: ids, in: cookie, explode: false, schema: {type: array, items: {type: string}}}\n",
            "      responses:\n        '204': {description: ok}"
        ));
        let (api, warnings) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        assert_eq!(
            o.path_params[0].encoding,
            ParamEncoding::Styled {
                style: ParamStyle::Matrix,
                explode: true
            }
        );
        let headers: Vec<ParamEncoding> = o.header_params.iter().map(|p| p.encoding).collect();
        assert_eq!(
            headers,
            [
                ParamEncoding::Styled {
                    style: ParamStyle::Simple,
                    explode: false
                },
                ParamEncoding::Styled {
                    style: ParamStyle::Simple,
                    explode: true
                },
                ParamEncoding::Text,
                ParamEncoding::Cookie { explode: true },
                ParamEncoding::Cookie { explode: false },
            ]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_style_the_type_does_not_have_is_a_located_warning() {
        let yaml = one_op(concat!(
            "      parameters:\n",
            "        - {name: thing_id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: deep, in: query, style: deepObject, schema: {type: string}}\n",
            "        - {name: nested, in: query, schema: {type: array, items: {type: array, items: {type: string}}}}\n",
            "      responses:\n        '204': {description: ok}"
        ));
        let (api, warnings) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        assert_eq!(o.query_params[0].encoding, ParamEncoding::Text);
        // Typed, and written by `form` from the value: the inner lists as JSON text.
        assert_eq!(
            (&o.query_params[1].ty, o.query_params[1].encoding),
            (
                &TypeRef::List(Box::new(TypeRef::List(Box::new(TypeRef::String(None))))),
                ParamEncoding::Styled {
                    style: ParamStyle::Form,
                    explode: true
                }
            )
        );
        let joined = warnings.join("\n");
        assert!(
            joined.contains("parameter `deep`: style `deepObject` is defined for objects only"),
            "{joined}"
        );
        assert!(
            joined.contains("parameter `nested` has a type no parameter style defines fully"),
            "{joined}"
        );
    }

    #[test]
    fn deep_object_lists_and_unions_are_flattened() {
        let yaml = one_op(concat!(
            "      parameters:\n",
            "        - {name: thing_id, in: path, required: true, schema: {type: string}}\n",
            "        - {name: expand, in: query, style: deepObject, schema: {type: array, items: {type: string}}}\n",
            "        - {name: created, in: query, style: deepObject, schema: {anyOf: [{type: integer}, {type: object, properties: {gt: {type: integer}}}]}}\n",
            "      responses:\n        '204': {description: ok}"
        ));
        let (api, warnings) = lower_yaml(&yaml);
        let o = op(&api, "doThing");
        assert_eq!(o.query_params[0].encoding, ParamEncoding::DeepObject);
        assert_eq!(o.query_params[1].encoding, ParamEncoding::DeepObject);
        assert!(
            matches!(o.query_params[1].ty, TypeRef::Named(_)),
            "typed, not JSON"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains(
                "parameter `expand`: OpenAPI defines style `deepObject` for objects only"
            )
        );
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
