//! Stage 2, lower: OpenAPI documents → [`crate::ir::Crate`].
//!
//! All decisions are made here, once: Rust names (through [`crate::naming`]), names for inline schemas
//! (from their context: `<Parent><Field>`, `<Operation>Body`, `<Operation>Response`, `<List>Item`), type
//! mapping, optionality, which headers the runtime manages, recursion boxing, the success response,
//! pagination. Problems become located diagnostics; a construct that cannot be expressed yet degrades to
//! `serde_json::Value` with a warning that says what was not generated.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location, child};
use crate::ir::*;
use crate::load::LoadedSpec;
use crate::naming::{Case, Scope, sanitize, unraw};

/// Headers that the runtime sets on every request; operations never take them as parameters.
const RUNTIME_HEADERS: &[&str] = &[
    "authorization",
    "partner-correlation-id",
    "klarna-integration-metadata",
    "user-agent",
    "content-type",
    "accept",
];

/// The header that marks an operation as idempotent (the runtime generates and reuses its value).
const IDEMPOTENCY_HEADER: &str = "klarna-idempotency-key";

/// Names an operation builder already uses for its own methods and fields.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "options",
    "client",
    "body",
    "idempotency_key",
    "timeout",
    "attempt_timeout",
    "retry_policy",
    "correlation_id",
    "header",
    "integration_metadata",
    "into_stream",
    "into_pages",
    "new",
    "clone",
    "fmt",
];

/// Methods of the generated `Client` that resource accessors may not take.
const CLIENT_RESERVED: &[&str] = &[
    "builder", "runtime", "clone", "fmt", "from", "into", "new", "default",
];

/// Lowers all documents into one crate.
pub fn lower(specs: &[LoadedSpec], crate_name: &str, version: &str) -> (Crate, Diagnostics) {
    let mut diags = Diagnostics::new();
    // Each API becomes a module of the facade crate, beside its `registry` module and the re-exported `time`.
    let mut module_scope = Scope::new([
        "runtime",
        "models",
        "operations",
        "prelude",
        "registry",
        "time",
    ]);
    let mut accessor_scope = Scope::new(CLIENT_RESERVED.iter().copied());
    let mut ordered: Vec<&LoadedSpec> = specs.iter().collect();
    ordered.sort_by(|a, b| {
        a.stem
            .cmp(&b.stem)
            .then(a.display_path.cmp(&b.display_path))
    });
    let mut apis = Vec::new();
    for spec in ordered {
        let wanted = sanitize(&spec.stem, Case::Snake);
        let (module, collision) = module_scope.claim(&wanted);
        if let Some(c) = collision {
            diags.push(Diagnostic::warning(
                &spec.display_path,
                Location::File,
                format!(
                    "module `{}` renamed to `{}`: {}",
                    c.wanted, c.given, c.reason
                ),
            ));
        }
        let mut lowerer = ApiLowerer::new(spec, &mut diags);
        let api = lowerer.lower_api(
            Name {
                wire: spec.stem.clone(),
                rust: module,
            },
            &mut accessor_scope,
        );
        apis.push(api);
    }
    diags.sort();
    (
        Crate {
            name: crate_name.to_owned(),
            version: version.to_owned(),
            apis,
        },
        diags,
    )
}

/// How a schema that needs a named type gets its name.
#[derive(Clone, Debug)]
enum Naming {
    /// Already claimed (a component schema).
    Fixed(String),
    /// Wanted name from the context; claimed from the type scope when needed.
    Context(String),
}

impl Naming {
    fn hint(&self) -> &str {
        match self {
            Naming::Fixed(s) | Naming::Context(s) => s,
        }
    }
}

struct ApiLowerer<'a> {
    spec: &'a LoadedSpec,
    api: &'a OpenAPI,
    diags: &'a mut Diagnostics,
    type_scope: Scope,
    /// Component schema name → Rust type name.
    components: BTreeMap<String, String>,
    types: Vec<TypeDef>,
    /// Components being lowered (to cut reference cycles during lowering).
    in_progress: BTreeSet<String>,
    /// Components already lowered, by wire name. Not looked up among `types`: an inline schema whose
    /// context name equals a component's wire name (`Pet.owner` → `PetOwner`) carries that wire name too.
    lowered: BTreeSet<String>,
}

impl<'a> ApiLowerer<'a> {
    fn new(spec: &'a LoadedSpec, diags: &'a mut Diagnostics) -> Self {
        Self {
            spec,
            api: &spec.openapi,
            diags,
            type_scope: Scope::new(Vec::<String>::new()),
            components: BTreeMap::new(),
            types: Vec::new(),
            in_progress: BTreeSet::new(),
            lowered: BTreeSet::new(),
        }
    }

    fn file(&self) -> String {
        self.spec.display_path.clone()
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let f = self.file();
        self.diags.push(Diagnostic::warning(
            f,
            Location::Pointer(pointer.to_owned()),
            message,
        ));
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let f = self.file();
        self.diags.push(Diagnostic::error(
            f,
            Location::Pointer(pointer.to_owned()),
            message,
        ));
    }

    fn claim_type(&mut self, wanted: &str, pointer: &str) -> String {
        let (given, collision) = self.type_scope.claim(wanted);
        if let Some(c) = collision {
            self.warn(
                pointer,
                format!("type `{}` renamed to `{}`: {}", c.wanted, c.given, c.reason),
            );
        }
        given
    }

    fn lower_api(&mut self, module: Name, accessor_scope: &mut Scope) -> Api {
        let info = &self.api.info;
        // Claim component names first, sorted by wire name, so they win over inline names.
        let schemas: Vec<(String, ReferenceOr<Schema>)> = match &self.api.components {
            Some(c) => {
                let mut v: Vec<_> = c
                    .schemas
                    .iter()
                    .map(|(k, s)| (k.clone(), s.clone()))
                    .collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            }
            None => Vec::new(),
        };
        for (name, _) in &schemas {
            let pointer = crate::diag::pointer(["components", "schemas", name]);
            let rust = self.claim_type(&sanitize(name, Case::Pascal), &pointer);
            self.components.insert(name.clone(), rust);
        }
        for (name, schema) in &schemas {
            self.lower_component(name, schema);
        }
        let resources = self.lower_operations(accessor_scope);
        let events = self.lower_events(&schemas);
        let mut types = std::mem::take(&mut self.types);
        box_cycles(&mut types);
        types.sort_by(|a, b| a.name.rust.cmp(&b.name.rust));
        let mut api = Api {
            module,
            title: info.title.clone(),
            version: info.version.clone(),
            doc: info.description.clone().map(|d| doc_text(&d)),
            source: Source {
                file: self.spec.display_path.clone(),
                sha256: self.spec.sha256.clone(),
                openapi_version: self.spec.declared_version.clone(),
            },
            servers: self
                .api
                .servers
                .iter()
                .map(|s| Server {
                    url: s.url.clone(),
                    description: s.description.clone(),
                })
                .collect(),
            types,
            resources,
            events,
        };
        relax_one_way_required(&mut api);
        sync_pagination_presence(&mut api);
        allow_deprecated_uses(&mut api);
        api
    }

    /// Reads `x-klarna-event-payloads` (event type → payload schema) from a string enum component.
    fn lower_events(&mut self, schemas: &[(String, ReferenceOr<Schema>)]) -> Option<EventSet> {
        for (name, schema) in schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(map) = schema.schema_data.extensions.get("x-klarna-event-payloads") else {
                continue;
            };
            let pointer = child(
                &crate::diag::pointer(["components", "schemas", name]),
                "x-klarna-event-payloads",
            );
            let Some(map) = map.as_object() else {
                self.warn(
                    &pointer,
                    "`x-klarna-event-payloads` must map event types to schema names; ignored",
                );
                continue;
            };
            let enum_ty = self.components.get(name).cloned().unwrap_or_default();
            let variants: Vec<Variant> = self
                .types
                .iter()
                .find(|t| t.name.rust == enum_ty)
                .and_then(|t| match &t.kind {
                    TypeKind::StringEnum { variants } => Some(variants.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            if variants.is_empty() {
                self.warn(
                    &pointer,
                    "`x-klarna-event-payloads` is only read on a string enum; ignored",
                );
                continue;
            }
            let mut events = Vec::new();
            for v in &variants {
                let payload = match map.get(&v.name.wire).and_then(Value::as_str) {
                    Some(schema_name) => match self.components.get(schema_name) {
                        Some(rust) => TypeRef::Named(rust.clone()),
                        None => {
                            self.warn(&child(&pointer, &v.name.wire), format!("payload schema `{schema_name}` does not exist; the payload stays JSON"));
                            TypeRef::Json
                        }
                    },
                    None => {
                        self.warn(
                            &pointer,
                            format!(
                                "event type `{}` has no payload schema; its payload stays JSON",
                                v.name.wire
                            ),
                        );
                        TypeRef::Json
                    }
                };
                events.push(EventVariant {
                    name: v.name.clone(),
                    payload,
                });
            }
            return Some(EventSet {
                enum_ty,
                allow_deprecated: false,
                pointer,
                events,
            });
        }
        None
    }

    // -----------------------------------------------------------------------------------------------------
    // Schemas
    // -----------------------------------------------------------------------------------------------------

    fn lower_component(&mut self, name: &str, schema: &ReferenceOr<Schema>) {
        if !self.lowered.insert(name.to_owned()) {
            return;
        }
        let rust = self.components.get(name).cloned().unwrap_or_default();
        let pointer = crate::diag::pointer(["components", "schemas", name]);
        self.in_progress.insert(name.to_owned());
        let ty = match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, &pointer),
            ReferenceOr::Item(s) => {
                self.lower_schema(s, Naming::Fixed(rust.clone()), &pointer, name)
            }
        };
        self.in_progress.remove(name);
        if ty != TypeRef::Named(rust.clone()) {
            let (doc, deprecated) = match schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.as_deref().map(doc_text),
                    s.schema_data.deprecated,
                ),
                ReferenceOr::Reference { .. } => (None, false),
            };
            self.types.push(TypeDef {
                name: Name {
                    wire: name.to_owned(),
                    rust,
                },
                pointer,
                doc,
                deprecated,
                allow_deprecated: false,
                kind: TypeKind::Alias { target: ty },
            });
        }
    }

    /// The component schema a `#/components/schemas/NAME` reference names, if it exists and is not
    /// itself a reference.
    fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let api: &'a OpenAPI = self.api;
        let name = crate::diag::component_ref_name(reference, "schemas")?;
        api.components.as_ref()?.schemas.get(&name)?.as_item()
    }

    fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = crate::diag::component_ref_name(reference, "schemas") {
            if let Some(rust) = self.components.get(&name) {
                return TypeRef::Named(rust.clone());
            }
            self.error(
                pointer,
                format!("`$ref` to `{reference}`, which does not exist"),
            );
            return TypeRef::Json;
        }
        // A reference elsewhere into the document: resolve it by pointer and lower it inline.
        if let Some(ptr) = reference.strip_prefix('#')
            && let Some(target) = self.spec.raw.pointer(ptr).cloned()
            && let Ok(schema) = serde_json::from_value::<Schema>(target)
        {
            let hint = reference.rsplit('/').next().unwrap_or("Ref").to_owned();
            return self.lower_schema(
                &schema,
                Naming::Context(sanitize(&hint, Case::Pascal)),
                pointer,
                &hint,
            );
        }
        self.error(pointer, format!("cannot resolve `$ref` `{reference}`"));
        TypeRef::Json
    }

    fn schema_or_ref(&mut self, s: &ReferenceOr<Schema>, naming: Naming, pointer: &str) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => {
                let wire = naming.hint().to_owned();
                self.lower_schema(schema, naming, pointer, &wire)
            }
        }
    }

    fn boxed_schema_or_ref(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => {
                let wire = naming.hint().to_owned();
                self.lower_schema(schema, naming, pointer, &wire)
            }
        }
    }

    fn name_for(&mut self, naming: &Naming, pointer: &str) -> String {
        match naming {
            Naming::Fixed(n) => n.clone(),
            Naming::Context(wanted) => self.claim_type(wanted, pointer),
        }
    }

    /// Lowers a schema; defines a named type when the schema needs one.
    fn lower_schema(
        &mut self,
        schema: &Schema,
        naming: Naming,
        pointer: &str,
        wire: &str,
    ) -> TypeRef {
        let data = &schema.schema_data;
        let doc = data.description.as_deref().map(doc_text);
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    let rust = self.name_for(&naming, pointer);
                    let variants = self.enum_variants(&values, pointer);
                    self.push_type(
                        wire,
                        &rust,
                        pointer,
                        doc,
                        data.deprecated,
                        TypeKind::StringEnum { variants },
                    );
                    return TypeRef::Named(rust);
                }
                match string_format_text(&s.format) {
                    "binary" => TypeRef::Bytes,
                    "" => TypeRef::String(None),
                    format => TypeRef::String(Some(format.to_owned())),
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if !values.is_empty() {
                    let rust = self.name_for(&naming, pointer);
                    let mut scope = Scope::new(["Unknown"]);
                    let variants = values
                        .iter()
                        .map(|v| {
                            let wanted = sanitize(
                                &format!("V{}", v.to_string().replace('-', "Minus")),
                                Case::Pascal,
                            );
                            IntVariant {
                                value: *v,
                                rust: scope.claim(&wanted).0,
                            }
                        })
                        .collect();
                    self.push_type(
                        wire,
                        &rust,
                        pointer,
                        doc,
                        data.deprecated,
                        TypeKind::IntEnum { variants },
                    );
                    return TypeRef::Named(rust);
                }
                if i.enumeration.iter().any(Option::is_none)
                    && i.enumeration.iter().all(Option::is_none)
                    && !i.enumeration.is_empty()
                {
                    self.warn(
                        pointer,
                        "integer enum whose only value is null: generated as a plain integer",
                    );
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::I32,
                    _ => TypeRef::I64,
                }
            }
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => {
                let item_naming = Naming::Context(format!("{}Item", naming.hint()));
                let item = match &a.items {
                    Some(items) => {
                        self.boxed_schema_or_ref(items, item_naming, &child(pointer, "items"))
                    }
                    None => TypeRef::Json,
                };
                TypeRef::List(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return match &o.additional_properties {
                        Some(AdditionalProperties::Schema(s)) => {
                            let value_naming = Naming::Context(format!("{}Value", naming.hint()));
                            TypeRef::Map(Box::new(self.schema_or_ref(
                                s,
                                value_naming,
                                &child(pointer, "additionalProperties"),
                            )))
                        }
                        Some(AdditionalProperties::Any(true)) => {
                            TypeRef::Map(Box::new(TypeRef::Json))
                        }
                        _ => TypeRef::Json,
                    };
                }
                let rust = self.name_for(&naming, pointer);
                let kind = self.lower_struct(
                    &rust,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    pointer,
                );
                self.push_type(wire, &rust, pointer, doc, data.deprecated, kind);
                TypeRef::Named(rust)
            }
            SchemaKind::OneOf { one_of } => {
                self.lower_union(one_of, data, naming, pointer, wire, "oneOf")
            }
            SchemaKind::AnyOf { any_of } => {
                self.lower_union(any_of, data, naming, pointer, wire, "anyOf")
            }
            SchemaKind::AllOf { all_of } => {
                self.lower_all_of(all_of, naming, pointer, wire, doc, data.deprecated)
            }
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() {
                    let rust = self.name_for(&naming, pointer);
                    let kind = self.lower_struct(
                        &rust,
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                        pointer,
                    );
                    self.push_type(wire, &rust, pointer, doc, data.deprecated, kind);
                    return TypeRef::Named(rust);
                }
                TypeRef::Json
            }
            SchemaKind::Not { .. } => {
                self.warn(pointer, "`not` schemas cannot be expressed in Rust types: generated as `serde_json::Value`");
                TypeRef::Json
            }
        }
    }

    fn push_type(
        &mut self,
        wire: &str,
        rust: &str,
        pointer: &str,
        doc: Option<String>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        self.types.push(TypeDef {
            name: Name {
                wire: wire.to_owned(),
                rust: rust.to_owned(),
            },
            pointer: pointer.to_owned(),
            doc,
            deprecated,
            allow_deprecated: false,
            kind,
        });
    }

    fn enum_variants(&mut self, values: &[String], pointer: &str) -> Vec<Variant> {
        let mut scope = Scope::new(["Unknown"]);
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for v in values {
            if !seen.insert(v.clone()) {
                self.warn(pointer, format!("duplicate enum value `{v}` ignored"));
                continue;
            }
            let (rust, collision) = scope.claim(&sanitize(v, Case::Pascal));
            if let Some(c) = collision {
                self.warn(
                    pointer,
                    format!(
                        "enum value `{v}`: variant `{}` renamed to `{}`: {}",
                        c.wanted, c.given, c.reason
                    ),
                );
            }
            out.push(Variant {
                name: Name {
                    wire: v.clone(),
                    rust,
                },
            });
        }
        out
    }

    fn lower_struct(
        &mut self,
        parent: &str,
        properties: &indexmap_like::Props,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        pointer: &str,
    ) -> TypeKind {
        let mut scope = Scope::new(Vec::<String>::new());
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let field_pointer = child(&child(pointer, "properties"), wire);
            let (rust, collision) = scope.claim(&sanitize(wire, Case::Snake));
            if let Some(c) = collision {
                self.warn(
                    &field_pointer,
                    format!(
                        "field `{}` renamed to `{}`: {}",
                        c.wanted, c.given, c.reason
                    ),
                );
            }
            let context = format!(
                "{parent}{}",
                sanitize(wire, Case::Pascal).trim_start_matches("r#")
            );
            let ty = self.boxed_schema_or_ref(prop, Naming::Context(context), &field_pointer);
            let (nullable, doc, deprecated, read_only, write_only) = self.property_meta(prop);
            let default = match prop {
                ReferenceOr::Item(schema) => {
                    schema.schema_data.default.as_ref().map(Value::to_string)
                }
                ReferenceOr::Reference { .. } => None,
            };
            let inferred = is_inferred(prop);
            let is_required = required.iter().any(|r| r == wire);
            let presence = match (is_required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            fields.push(Field {
                name: Name {
                    wire: wire.to_string(),
                    rust,
                },
                pointer: field_pointer,
                ty,
                presence,
                boxed: false,
                doc,
                deprecated,
                read_only,
                write_only,
                inferred,
                relaxed: false,
                sensitive: matches!(prop, ReferenceOr::Item(s) if is_sensitive_schema(s)),
                default,
            });
        }
        for r in required {
            if !properties.contains_key(r) {
                self.warn(
                    pointer,
                    format!("`required` names `{r}`, which is not a property; ignored"),
                );
            }
        }
        let additional_ty = match additional {
            Some(AdditionalProperties::Schema(s)) => Some(self.schema_or_ref(
                s,
                Naming::Context(format!("{parent}Value")),
                &child(pointer, "additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        let additional = additional_ty.map(|ty| AdditionalField {
            rust: scope.claim("additional_properties").0,
            ty,
        });
        let construct = construct_for(&fields);
        TypeKind::Struct {
            fields,
            additional,
            construct,
        }
    }

    /// Nullable, docs and flags of a property, looking through a `$ref` for nullability.
    fn property_meta(
        &self,
        prop: &ReferenceOr<Box<Schema>>,
    ) -> (bool, Option<String>, bool, bool, bool) {
        match prop {
            ReferenceOr::Item(s) => {
                let d = &s.schema_data;
                let mut nullable = d.nullable;
                if let SchemaKind::Type(Type::String(st)) = &s.schema_kind {
                    nullable |= st.enumeration.iter().any(Option::is_none);
                }
                let doc = d.description.as_deref().or_else(|| {
                    d.extensions
                        .get("x-ref-description")
                        .and_then(Value::as_str)
                });
                (
                    nullable,
                    doc.map(doc_text),
                    d.deprecated,
                    d.read_only,
                    d.write_only,
                )
            }
            ReferenceOr::Reference { reference } => {
                let nullable = self
                    .component_schema(reference)
                    .is_some_and(|s| s.schema_data.nullable);
                (nullable, None, false, false, false)
            }
        }
    }

    fn lower_union(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        data: &openapiv3::SchemaData,
        naming: Naming,
        pointer: &str,
        wire: &str,
        keyword: &str,
    ) -> TypeRef {
        let doc = data.description.as_deref().map(doc_text);
        // `oneOf: [X]` (often used to attach nullable to a ref) is just X.
        let non_null: Vec<&ReferenceOr<Schema>> = alternatives.iter().collect();
        if non_null.len() == 1 && data.discriminator.is_none() {
            return self.schema_or_ref(
                non_null[0],
                naming,
                &format!("{}/0", child(pointer, keyword)),
            );
        }
        let rust = self.name_for(&naming, pointer);
        let mut scope = Scope::new(["Unknown"]);
        let mut variants = Vec::new();
        let mut specificity = Vec::new();
        let discriminator = data.discriminator.as_ref();
        for (i, alt) in alternatives.iter().enumerate() {
            specificity.push(self.specificity(alt));
            let alt_pointer = format!("{}/{i}", child(pointer, keyword));
            let (hint, ref_name) = match alt {
                ReferenceOr::Reference { reference } => {
                    let n = reference.rsplit('/').next().unwrap_or("Variant").to_owned();
                    (n.clone(), Some(n))
                }
                ReferenceOr::Item(s) => (variant_hint(s, i), None),
            };
            let ty = self.schema_or_ref(
                alt,
                Naming::Context(format!("{rust}{}", sanitize(&hint, Case::Pascal))),
                &alt_pointer,
            );
            let tags: Vec<String> = match (discriminator, &ref_name) {
                (Some(d), Some(n)) => {
                    let explicit: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| target.rsplit('/').next() == Some(n.as_str()))
                        .map(|(k, _)| k.clone())
                        .collect();
                    if explicit.is_empty() {
                        vec![n.clone()]
                    } else {
                        explicit
                    }
                }
                _ => Vec::new(),
            };
            let (variant, _) = scope.claim(&sanitize(&hint, Case::Pascal));
            variants.push(UnionVariant {
                name: Name {
                    wire: hint,
                    rust: variant,
                },
                tags,
                ty,
                boxed: false,
            });
        }
        if discriminator.is_some() && variants.iter().any(|v| v.tags.is_empty()) {
            self.warn(pointer, format!("`{keyword}` with a discriminator has inline alternatives; generated as an untagged union"));
        }
        let disc = discriminator
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
            .map(|d| d.property_name.clone());
        if disc.is_none() {
            // Untagged: the first alternative that parses wins, so try the most specific first.
            let mut ordered: Vec<(Specificity, UnionVariant)> =
                specificity.into_iter().zip(variants).collect();
            ordered.sort_by_key(|a| a.0);
            variants = ordered.into_iter().map(|(_, v)| v).collect();
        }
        self.push_type(
            wire,
            &rust,
            pointer,
            doc,
            data.deprecated,
            TypeKind::Union {
                discriminator: disc,
                variants,
            },
        );
        TypeRef::Named(rust)
    }

    /// How specific an alternative is, for ordering untagged unions: objects with more required
    /// properties first, then objects that accept anything, lists, maps, integers before numbers,
    /// booleans, enums before free strings, anything last.
    fn specificity(&self, alt: &ReferenceOr<Schema>) -> Specificity {
        let schema = match alt {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.component_schema(reference),
        };
        let Some(schema) = schema else {
            return (9, 0, 0);
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                let required = o.required.len() as i64;
                if required > 0 {
                    (0, -required, -(o.properties.len() as i64))
                } else {
                    (1, -(o.properties.len() as i64), 0)
                }
            }
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                (1, 0, 0)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => (1, -(a.properties.len() as i64), 0),
            SchemaKind::Type(Type::Array(_)) => (2, 0, 0),
            SchemaKind::Type(Type::Integer(_)) => (4, 0, 0),
            SchemaKind::Type(Type::Number(_)) => (5, 0, 0),
            SchemaKind::Type(Type::Boolean(_)) => (6, 0, 0),
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => (7, 0, 0),
            // A validated format (date-time, uuid, ...) rejects text a plain string accepts.
            SchemaKind::Type(Type::String(st))
                if StringRepr::of(Some(string_format_text(&st.format))) != StringRepr::Text =>
            {
                (7, 1, 0)
            }
            SchemaKind::Type(Type::String(_)) => (8, 0, 0),
            _ => (9, 0, 0),
        }
    }

    fn lower_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        naming: Naming,
        pointer: &str,
        wire: &str,
        doc: Option<String>,
        deprecated: bool,
    ) -> TypeRef {
        if parts.len() == 1 {
            return self.schema_or_ref(
                &parts[0],
                naming,
                &format!("{}/0", child(pointer, "allOf")),
            );
        }
        // Merge the properties of every part (following references) into one struct.
        let mut properties = indexmap_like::Props::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional = None;
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = format!("{}/{i}", child(pointer, "allOf"));
            let schema = match part {
                ReferenceOr::Item(s) => Some(s.clone()),
                ReferenceOr::Reference { reference } => self.component_schema(reference).cloned(),
            };
            let Some(schema) = schema else {
                self.warn(
                    &part_pointer,
                    "`allOf` part could not be resolved; its properties are missing",
                );
                continue;
            };
            let (props, req, add) = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (
                    o.properties.clone(),
                    o.required.clone(),
                    o.additional_properties.clone(),
                ),
                SchemaKind::Any(a) => (
                    a.properties.clone(),
                    a.required.clone(),
                    a.additional_properties.clone(),
                ),
                SchemaKind::AllOf { all_of } => {
                    let mut p = indexmap_like::Props::new();
                    let mut r = Vec::new();
                    for inner in all_of {
                        let inner = match inner {
                            ReferenceOr::Item(s) => Some(s),
                            ReferenceOr::Reference { reference } => {
                                self.component_schema(reference)
                            }
                        };
                        if let Some(s) = inner
                            && let SchemaKind::Type(Type::Object(o)) = &s.schema_kind
                        {
                            p.extend(o.properties.clone());
                            r.extend(o.required.clone());
                        }
                    }
                    (p, r, None)
                }
                _ => {
                    self.warn(
                        &part_pointer,
                        "`allOf` part is not an object schema; ignored in the merged struct",
                    );
                    continue;
                }
            };
            for (k, v) in props {
                if let Some(existing) = properties.get(&k)
                    && existing != &v
                {
                    self.warn(&part_pointer, format!("`allOf` parts define property `{k}` differently; the later definition wins"));
                }
                properties.insert(k, v);
            }
            required.extend(req);
            if add.is_some() {
                additional = add;
            }
        }
        required.sort();
        required.dedup();
        let rust = self.name_for(&naming, pointer);
        let kind = self.lower_struct(&rust, &properties, &required, additional.as_ref(), pointer);
        self.push_type(wire, &rust, pointer, doc, deprecated, kind);
        TypeRef::Named(rust)
    }

    // -----------------------------------------------------------------------------------------------------
    // Operations
    // -----------------------------------------------------------------------------------------------------

    fn lower_operations(&mut self, accessor_scope: &mut Scope) -> Vec<Resource> {
        let api = self.api;
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
                    self.warn(
                        &item_pointer,
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
        if let Some(Value::Object(hooks)) = api.extensions.get("x-webhooks") {
            for (name, item) in hooks {
                let at = child("#/x-webhooks", name);
                match serde_json::from_value::<openapiv3::PathItem>(item.clone()) {
                    Ok(item) => self.lower_inbound(
                        &item,
                        &at,
                        &format!("{}Event", sanitize(name, Case::Pascal)),
                    ),
                    Err(e) => self.warn(
                        &at,
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
                    self.lower_inbound(item, &at, &hint);
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
            let (builder, collision) = builder_scope.claim(&sanitize(&wire_id, Case::Pascal));
            if let Some(c) = collision {
                self.warn(
                    &op_pointer,
                    format!(
                        "operation builder `{}` renamed to `{}`: {}",
                        c.wanted, c.given, c.reason
                    ),
                );
            }
            if op.operation_id.is_none() {
                self.warn(
                    &op_pointer,
                    format!(
                        "operation has no `operationId`; named `{wire_id}` from its method and path"
                    ),
                );
            }
            if let Some(mut operation) =
                self.lower_operation(&path, method, item, op, &op_pointer, wire_id, builder)
            {
                if !operation.response.alternatives.is_empty() {
                    let (name, collision) =
                        builder_scope.claim(&format!("{}Responses", operation.builder));
                    if let Some(c) = collision {
                        self.warn(
                            &op_pointer,
                            format!(
                                "response enum `{}` renamed to `{}`: {}",
                                c.wanted, c.given, c.reason
                            ),
                        );
                    }
                    operation.responses_enum = Some(name);
                }
                let first_error = operation.errors.first().map(|e| &e.body);
                if operation
                    .errors
                    .iter()
                    .any(|e| Some(&e.body) != first_error)
                {
                    let (name, collision) =
                        builder_scope.claim(&format!("{}Error", operation.builder));
                    if let Some(c) = collision {
                        self.warn(
                            &op_pointer,
                            format!(
                                "error enum `{}` renamed to `{}`: {}",
                                c.wanted, c.given, c.reason
                            ),
                        );
                    }
                    operation.errors_enum = Some(name);
                }
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
        for (tag, mut operations) in groups {
            let (accessor, collision) = accessor_scope.claim(&sanitize(&tag, Case::Snake));
            if let Some(c) = collision {
                let f = self.file();
                self.diags.push(Diagnostic::warning(
                    f,
                    Location::Pointer("#/tags".into()),
                    format!(
                        "resource accessor `{}` for tag `{tag}` renamed to `{}`: {}",
                        c.wanted, c.given, c.reason
                    ),
                ));
            }
            let (struct_name, _) =
                builder_scope.claim(&sanitize(&format!("{tag} Api"), Case::Pascal));
            resource_scope_names.push(struct_name.clone());
            name_methods(&tag, &mut operations);
            operations.sort_by(|a, b| a.id.rust.cmp(&b.id.rust));
            resources.push(Resource {
                name: Name {
                    wire: tag.clone(),
                    rust: struct_name,
                },
                accessor,
                doc: tag_docs.get(&tag).cloned().flatten(),
                operations,
            });
        }
        resources.sort_by(|a, b| a.name.rust.cmp(&b.name.rust));
        resources
    }

    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the operation's context
    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &OaOperation,
        pointer: &str,
        wire_id: String,
        builder: String,
    ) -> Option<Operation> {
        let mut scope = Scope::new(BUILDER_RESERVED.iter().copied());
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
                    let lower = data.name.to_ascii_lowercase();
                    if lower == IDEMPOTENCY_HEADER {
                        idempotent = true;
                        continue;
                    }
                    if RUNTIME_HEADERS.contains(&lower.as_str()) {
                        continue;
                    }
                }
                Parameter::Cookie { .. } => {
                    self.warn(
                        at,
                        format!(
                            "cookie parameter `{}` is not supported; it is not generated",
                            data.name
                        ),
                    );
                    continue;
                }
                Parameter::Path { .. } => {
                    if !template_names.contains(&data.name) {
                        self.warn(
                            at,
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
            let (rust, collision) = scope.claim(&sanitize(&data.name, Case::Snake));
            if let Some(c) = collision {
                self.warn(
                    at,
                    format!(
                        "parameter `{}` renamed to `{}`: {}",
                        c.wanted, c.given, c.reason
                    ),
                );
            }
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
                sensitive: is_marked_sensitive(&data.extensions)
                    || matches!(&data.format, ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) if is_sensitive_schema(s)),
            };
            match p {
                Parameter::Path { .. } => path_params.push(param),
                Parameter::Query { .. } => query_params.push(param),
                Parameter::Header { .. } => header_params.push(param),
                Parameter::Cookie { .. } => {}
            }
        }
        let body = match &op.request_body {
            Some(b) => self.lower_body(b, &builder, &child(pointer, "requestBody")),
            None => None,
        };
        let response = self.lower_response(op, &builder, pointer);
        let mut error_statuses: Vec<String> = op
            .responses
            .responses
            .keys()
            .map(status_text)
            .filter(|s| !s.starts_with('2'))
            .collect();
        if op.responses.default.is_some() {
            error_statuses.push("default".into());
        }
        error_statuses.sort();
        let errors = self.lower_errors(op, &builder, pointer);
        let security = op
            .security
            .as_ref()
            .or(self.api.security.as_ref())
            .map(|reqs| {
                let mut names: Vec<String> = reqs.iter().flat_map(|r| r.keys().cloned()).collect();
                names.sort();
                names.dedup();
                names
            })
            .unwrap_or_default();
        let pagination = self.detect_pagination(op, &query_params, &response, pointer);
        Some(Operation {
            responses_enum: None,
            id: Name {
                wire: wire_id.clone(),
                rust: sanitize(&wire_id, Case::Snake),
            },
            builder,
            pointer: pointer.to_owned(),
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: op.summary.as_deref().map(doc_text),
            doc: op.description.as_deref().map(doc_text),
            deprecated: op.deprecated,
            allow_deprecated: false,
            inferred: op
                .extensions
                .get(INFERRED_EXTENSION)
                .and_then(Value::as_bool)
                .unwrap_or(false),
            path_params,
            query_params,
            header_params,
            body,
            response,
            error_statuses,
            errors,
            errors_enum: None,
            idempotent,
            security,
            pagination,
        })
    }

    /// Generates the request body types of a request the server sends (webhook or callback).
    fn lower_inbound(&mut self, item: &openapiv3::PathItem, at: &str, hint: &str) {
        for (method, op) in item.iter() {
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                for (media, content) in &body.content {
                    if let Some(s) = &content.schema {
                        let p = child(
                            &child(&child(&child(at, method), "requestBody"), "content"),
                            media,
                        );
                        self.schema_or_ref(
                            s,
                            Naming::Context(hint.to_owned()),
                            &child(&p, "schema"),
                        );
                    }
                }
            }
        }
    }

    /// Parameters are sent as text: scalars, enums, lists of those. Anything else is sent as JSON text.
    fn param_type(
        &mut self,
        ty: TypeRef,
        at: &str,
        name: &str,
        param: &Parameter,
    ) -> (TypeRef, ParamEncoding) {
        let scalar = |t: &TypeRef, types: &[TypeDef]| match t {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::String(_)
            | TypeRef::Json => true,
            TypeRef::Named(n) => types.iter().any(|d| {
                &d.name.rust == n
                    && matches!(
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

    fn resolve_parameter(&mut self, p: &ReferenceOr<Parameter>, at: &str) -> Option<Parameter> {
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

    fn lower_body(
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

    fn lower_response(
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
    fn lower_errors(&mut self, op: &OaOperation, builder: &str, pointer: &str) -> Vec<AltResponse> {
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

    fn response_body(
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

    fn detect_pagination(
        &mut self,
        op: &OaOperation,
        query: &[Param],
        response: &SuccessResponse,
        pointer: &str,
    ) -> Option<Pagination> {
        let declared = op
            .extensions
            .get("x-klarna-pagination")
            .and_then(|v| v.get("items"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let cursor = query.iter().find(|p| p.name.wire == "starting_after")?;
        // A page, or a list of pages (Klarna's compliance decisions answer `[ {decisions, pagination} ]`).
        let (resp, page_list) = match &response.body {
            ResponseBody::Json(TypeRef::Named(resp)) => (resp, false),
            ResponseBody::Json(TypeRef::List(inner)) => match &**inner {
                TypeRef::Named(resp) => (resp, true),
                _ => return None,
            },
            _ => {
                if declared.is_some() {
                    self.warn(pointer, "`x-klarna-pagination` on an operation whose response is not a page object; ignored");
                }
                return None;
            }
        };
        let def = self.types.iter().find(|t| &t.name.rust == resp)?;
        let TypeKind::Struct { fields, .. } = &def.kind else {
            return None;
        };
        let items = match &declared {
            Some(name) => fields.iter().find(|f| &f.name.wire == name),
            None => fields.iter().find(|f| matches!(f.ty, TypeRef::List(_))),
        }?;
        let TypeRef::List(item_ty) = &items.ty else {
            return None;
        };
        let pagination_field = fields.iter().find(|f| f.name.wire == "pagination")?;
        let TypeRef::Named(pag_ty) = &pagination_field.ty else {
            return None;
        };
        let pag_def = self.types.iter().find(|t| &t.name.rust == pag_ty)?;
        let TypeKind::Struct {
            fields: pag_fields, ..
        } = &pag_def.kind
        else {
            return None;
        };
        let last = pag_fields.iter().find(|f| f.name.wire == "last_item")?;
        Some(Pagination {
            items: items.name.clone(),
            item_ty: (**item_ty).clone(),
            cursor_param: cursor.name.clone(),
            next_cursor: vec![pagination_field.name.rust.clone(), last.name.rust.clone()],
            page_ty: if page_list {
                TypeRef::List(Box::new(TypeRef::Named(resp.clone())))
            } else {
                TypeRef::Named(resp.clone())
            },
            page_list,
            items_presence: items.presence,
            pagination_presence: pagination_field.presence,
            cursor_presence: last.presence,
        })
    }
}

/// Sort key of an untagged union's alternative: (class, -required properties, -properties).
type Specificity = (u8, i64, i64);

/// A small alias so signatures read well: the property map type `openapiv3` uses.
mod indexmap_like {
    /// Properties of an object schema, in document order.
    pub type Props = indexmap::IndexMap<String, openapiv3::ReferenceOr<Box<openapiv3::Schema>>>;
}

fn location_of(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn status_text(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    }
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*"
}

fn pick_media(content: &openapiv3::Content) -> Option<(String, &openapiv3::MediaType)> {
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

fn string_format_name(f: &StringFormat) -> &'static str {
    match f {
        StringFormat::Date => "date",
        StringFormat::DateTime => "date-time",
        StringFormat::Password => "password",
        StringFormat::Byte => "byte",
        StringFormat::Binary => "binary",
    }
}

/// The enum variant for a response status: `Status404`, `Status4xx`, `Default`.
fn status_variant(status: &str) -> String {
    match status {
        "default" => "Default".to_owned(),
        s => format!("Status{}", s.replace('X', "x")),
    }
}

/// How a struct is built: `Default` without required fields, `new(..)` with a few, a literal beyond.
fn construct_for(fields: &[Field]) -> Construct {
    let required_count = fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .count();
    match required_count {
        0 => Construct::Default,
        1..=7 => Construct::New,
        _ => Construct::Literal,
    }
}

/// The extension that marks a property no source confirms (see `specs/CONVENTIONS.md`).
pub const INFERRED_EXTENSION: &str = "x-klarna-inferred";

/// Whether a property carries `x-klarna-inferred: true` (on the property itself, which for a `$ref`
/// property is the `allOf: [{$ref}]` wrapper around it).
fn is_inferred(prop: &ReferenceOr<Box<Schema>>) -> bool {
    match prop {
        ReferenceOr::Item(s) => s
            .schema_data
            .extensions
            .get(INFERRED_EXTENSION)
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ReferenceOr::Reference { .. } => false,
    }
}

/// The extension that marks a sensitive value: a secret, key or token (see `specs/CONVENTIONS.md`).
pub const SENSITIVE_EXTENSION: &str = "x-klarna-sensitive";

/// Whether extensions carry `x-klarna-sensitive: true`.
fn is_marked_sensitive(extensions: &indexmap::IndexMap<String, Value>) -> bool {
    extensions
        .get(SENSITIVE_EXTENSION)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Whether a property's or parameter's schema is sensitive: marked `x-klarna-sensitive: true` (for a
/// `$ref` property, on the `allOf: [{$ref}]` wrapper around it), or a `format: password` string.
fn is_sensitive_schema(schema: &Schema) -> bool {
    is_marked_sensitive(&schema.schema_data.extensions)
        || matches!(
            &schema.schema_kind,
            SchemaKind::Type(Type::String(st))
                if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        )
}

/// Marks the types, operations and webhook events whose generated items must name a deprecated type, so
/// that render gives exactly those items `#[allow(deprecated)]` and a crate generated from a document
/// with deprecated schemas compiles without warnings for its users.
///
/// A type is marked when it is deprecated itself (its impls, written by the template or the runtime's
/// enum macros, name it and its variants) or when a field, the `additionalProperties` map, a union
/// variant or an alias target is of a deprecated type. An operation is marked when a parameter, the
/// body, a success or error body or the page's items are of a deprecated type.
fn allow_deprecated_uses(api: &mut Api) {
    let deprecated: BTreeSet<String> = api
        .types
        .iter()
        .filter(|t| t.deprecated)
        .map(|t| t.name.rust.clone())
        .collect();
    if deprecated.is_empty() {
        return;
    }
    let names = |ty: &TypeRef| ty.named().is_some_and(|n| deprecated.contains(n));
    let body_names = |body: &ResponseBody| matches!(body, ResponseBody::Json(t) if names(t));
    for t in &mut api.types {
        t.allow_deprecated = t.deprecated
            || match &t.kind {
                TypeKind::Struct {
                    fields, additional, ..
                } => {
                    fields.iter().any(|f| names(&f.ty))
                        || additional.as_ref().is_some_and(|a| names(&a.ty))
                }
                TypeKind::Union { variants, .. } => variants.iter().any(|v| names(&v.ty)),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => false,
                TypeKind::Alias { target } => names(target),
            };
    }
    for op in api.resources.iter_mut().flat_map(|r| &mut r.operations) {
        op.allow_deprecated = op
            .path_params
            .iter()
            .chain(&op.query_params)
            .chain(&op.header_params)
            .any(|p| names(&p.ty))
            || op.body.as_ref().is_some_and(|b| names(&b.ty))
            || body_names(&op.response.body)
            || op.response.alternatives.iter().any(|a| body_names(&a.body))
            || op.errors.iter().any(|a| body_names(&a.body))
            || op
                .pagination
                .as_ref()
                .is_some_and(|p| names(&p.item_ty) || names(&p.page_ty));
    }
    if let Some(events) = &mut api.events {
        events.allow_deprecated = events.events.iter().any(|e| names(&e.payload));
    }
}

/// Where a document's `required` is relaxed, so that a response the document does not fully describe
/// still decodes. A field is optional in Rust when its type travels in a direction in which the field
/// may be missing:
/// - OpenAPI 3.0: `required` on a `readOnly` property applies to responses only, and on a `writeOnly`
///   property to requests only: a request need not invent a server-assigned id, and a response that
///   omits a password still deserializes.
/// - A property marked `x-klarna-inferred` (no source confirms it) is optional in every type decoded from a
///   response, so a guess in the document never makes a real response fail to decode. Request-only
///   types keep it as the document says.
///
/// Types used in one direction only keep the field required where it is sent; types no operation
/// reaches (webhook payloads, unused components) count as both.
fn relax_one_way_required(api: &mut Api) {
    let usage = api.type_usage();
    for t in &mut api.types {
        let u = usage.get(&t.name.rust).copied().unwrap_or(Usage::BOTH);
        let TypeKind::Struct {
            fields, construct, ..
        } = &mut t.kind
        else {
            continue;
        };
        for f in fields.iter_mut() {
            if (f.read_only && u.request) || ((f.write_only || f.inferred) && u.response) {
                f.relaxed |= matches!(f.presence, Presence::Required | Presence::RequiredNullable);
                f.presence = match f.presence {
                    Presence::Required => Presence::Optional,
                    Presence::RequiredNullable => Presence::OptionalNullable,
                    other => other,
                };
            }
        }
        *construct = construct_for(fields);
    }
}

/// Pagination was detected with the fields' presence as the document states it; after
/// [`relax_one_way_required`] the page's items, its `pagination` object or the cursor may have become
/// optional, and the stream must read them as the Rust types now are.
fn sync_pagination_presence(api: &mut Api) {
    let presence = |types: &[TypeDef], ty: &str, field: &str| -> Option<Presence> {
        let def = types.iter().find(|t| t.name.rust == ty)?;
        let TypeKind::Struct { fields, .. } = &def.kind else {
            return None;
        };
        fields
            .iter()
            .find(|f| f.name.rust == field)
            .map(|f| f.presence)
    };
    let types = &api.types;
    for op in api
        .resources
        .iter_mut()
        .flat_map(|r| r.operations.iter_mut())
    {
        let Some(p) = op.pagination.as_mut() else {
            continue;
        };
        let page = match &p.page_ty {
            TypeRef::Named(n) => n.clone(),
            TypeRef::List(inner) => match &**inner {
                TypeRef::Named(n) => n.clone(),
                _ => continue,
            },
            _ => continue,
        };
        if let Some(items) = presence(types, &page, &p.items.rust) {
            p.items_presence = items;
        }
        let [pagination, last] = [p.next_cursor.first(), p.next_cursor.get(1)];
        let (Some(pagination), Some(last)) = (pagination, last) else {
            continue;
        };
        if let Some(found) = presence(types, &page, pagination) {
            p.pagination_presence = found;
        }
        let pagination_ty = types.iter().find(|t| t.name.rust == page).and_then(|def| {
            let TypeKind::Struct { fields, .. } = &def.kind else {
                return None;
            };
            match &fields.iter().find(|f| &f.name.rust == pagination)?.ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            }
        });
        if let Some(found) = pagination_ty.and_then(|t| presence(types, &t, last)) {
            p.cursor_presence = found;
        }
    }
}

/// The `format` of a string schema as written, `""` when there is none.
fn string_format_text(f: &VariantOrUnknownOrEmpty<StringFormat>) -> &str {
    match f {
        VariantOrUnknownOrEmpty::Item(f) => string_format_name(f),
        VariantOrUnknownOrEmpty::Unknown(f) => f,
        VariantOrUnknownOrEmpty::Empty => "",
    }
}

fn variant_hint(s: &Schema, index: usize) -> String {
    if let Some(t) = &s.schema_data.title {
        return t.clone();
    }
    match &s.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
        SchemaKind::Type(Type::Number(_)) => "Number".into(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
        SchemaKind::Type(Type::Array(_)) => "List".into(),
        SchemaKind::Type(Type::Object(_)) => format!("Object{}", index + 1),
        _ => format!("Variant{}", index + 1),
    }
}

fn path_template_names(path: &str) -> Vec<String> {
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

fn default_tag(path: &str) -> String {
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

fn synth_operation_id(method: &str, path: &str) -> String {
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

/// Method names drop the resource noun where that stays unambiguous: in resource "Webhooks",
/// `createWebhook` becomes `create` and `listWebhooks` becomes `list`. When two shortened names collide,
/// both keep their full names.
fn name_methods(tag: &str, operations: &mut [Operation]) {
    let plural = unraw(&sanitize(tag, Case::Snake)).to_owned();
    let singular = singularize(&plural);
    let short: Vec<String> = operations
        .iter()
        .map(|op| shorten(unraw(&op.id.rust), &plural, &singular))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &short {
        *counts.entry(s.as_str()).or_default() += 1;
    }
    let mut scope = Scope::new(BUILDER_RESERVED.iter().copied().chain(["clone", "fmt"]));
    // Shortened names first (so a full name never steals a short one), then the rest, each in sorted order.
    let mut order: Vec<usize> = (0..operations.len()).collect();
    order.sort_by_key(|&i| {
        (
            counts.get(short[i].as_str()).copied().unwrap_or(0) != 1,
            operations[i].id.wire.clone(),
        )
    });
    for i in order {
        let wanted = if counts.get(short[i].as_str()).copied() == Some(1) {
            short[i].clone()
        } else {
            unraw(&operations[i].id.rust).to_owned()
        };
        let (given, _) = scope.claim(&crate::naming::escape_keyword(wanted));
        operations[i].id.rust = given;
    }
}

fn singularize(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with("sses") || plural.ends_with("xes") {
        plural[..plural.len() - 2].to_owned()
    } else if let Some(stem) = plural.strip_suffix('s') {
        stem.to_owned()
    } else {
        plural.to_owned()
    }
}

fn shorten(method: &str, plural: &str, singular: &str) -> String {
    for noun in [plural, singular] {
        if noun.is_empty() || method == noun {
            continue;
        }
        if let Some(stem) = method.strip_suffix(&format!("_{noun}"))
            && !stem.is_empty()
        {
            return stem.to_owned();
        }
        let infix = format!("_{noun}_");
        if let Some(pos) = method.find(&infix) {
            return format!("{}_{}", &method[..pos], &method[pos + infix.len()..]);
        }
    }
    method.to_owned()
}

/// Marks struct fields that need `Box` because their type contains the struct again by value.
fn box_cycles(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.rust.clone(), i))
        .collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            let mut push = |ty: &TypeRef| {
                if let TypeRef::Named(n) = ty
                    && let Some(&j) = index.get(n)
                {
                    out.push(j);
                }
            };
            match &t.kind {
                TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| push(&f.ty)),
                TypeKind::Union { variants, .. } => variants.iter().for_each(|v| push(&v.ty)),
                TypeKind::Alias { target } => push(target),
                TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => {}
            }
            out
        })
        .collect();
    let scc = tarjan(&edges);
    for (i, t) in types.iter_mut().enumerate() {
        match &mut t.kind {
            TypeKind::Struct { fields, .. } => {
                for f in fields {
                    if let TypeRef::Named(n) = &f.ty
                        && let Some(&j) = index.get(n)
                    {
                        f.boxed = scc[i] == scc[j];
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    if let TypeRef::Named(n) = &v.ty
                        && let Some(&j) = index.get(n)
                    {
                        v.boxed = scc[i] == scc[j];
                    }
                }
            }
            _ => {}
        }
    }
}

/// Strongly connected components (iterative Tarjan); returns the component id of every node.
fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *ei < edges[v].len() {
                let w = edges[v][*ei];
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = next_comp;
                        if w == v {
                            break;
                        }
                    }
                    next_comp += 1;
                }
            }
        }
    }
    comp
}

/// Turns a description into rustdoc-safe Markdown: no doctests (indented blocks and fences become text),
/// no broken intra-doc links (`[x]` is escaped), bare URLs made into autolinks, stray HTML escaped.
pub fn doc_text(raw: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in raw.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push(if in_fence {
                "```text".to_owned()
            } else {
                "```".to_owned()
            });
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        out.push(escape_markdown_line(trimmed.trim_end()));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

fn escape_markdown_line(line: &str) -> String {
    let mut s = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            let preceded_by_angle = s.ends_with('<') || s.ends_with('(');
            if preceded_by_angle {
                s.push_str(url);
            } else {
                s.push('<');
                s.push_str(url);
                s.push('>');
            }
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '[' => s.push_str("\\["),
            ']' => s.push_str("\\]"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '`' => s.push('`'),
            _ => s.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    s
}

fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("https://") || s.starts_with("http://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']' | '`'))
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_names_drop_the_resource_noun_when_unambiguous() {
        assert_eq!(shorten("create_webhook", "webhooks", "webhook"), "create");
        assert_eq!(shorten("list_webhooks", "webhooks", "webhook"), "list");
        assert_eq!(
            shorten(
                "create_payment_request_as_sub_partner",
                "payment_requests",
                "payment_request"
            ),
            "create_as_sub_partner"
        );
        assert_eq!(
            shorten("authorize_payment", "authorization", "authorization"),
            "authorize_payment"
        );
        assert_eq!(
            singularize("partner_business_entities"),
            "partner_business_entity"
        );
        assert_eq!(singularize("addresses"), "address");
    }

    #[test]
    fn docs_are_made_safe_for_rustdoc() {
        assert_eq!(
            doc_text("See https://docs.klarna.com/x."),
            "See <https://docs.klarna.com/x>."
        );
        assert_eq!(doc_text("a [b] <c>"), "a \\[b\\] &lt;c&gt;");
        assert_eq!(doc_text("x\n    indented code"), "x\nindented code");
        assert_eq!(doc_text("```\nlet x = 1;\n```"), "```text\nlet x = 1;\n```");
    }

    #[test]
    fn cycles_are_found() {
        // 0 → 1 → 0, 2 → 2, 3 alone
        let comp = tarjan(&[vec![1], vec![0], vec![2], vec![]]);
        assert_eq!(comp[0], comp[1]);
        assert_ne!(comp[0], comp[2]);
        assert_ne!(comp[2], comp[3]);
    }
}
