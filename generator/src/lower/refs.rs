//! Component schemas and `$ref`s: each component lowered once under the name claimed for it up front;
//! a `$ref` resolved to the component's type or, for a pointer elsewhere into the document, lowered
//! inline; alias chains followed; the names and definitions of the types schema lowering makes.

use std::borrow::Cow;

use super::*;

impl<'a> SchemaLowerer<'a> {
    pub(super) fn lower_component(&mut self, name: &str, schema: &ReferenceOr<Schema>) {
        if !self.types.begin_component(name) {
            return;
        }
        let Some(id) = self.types.component(name) else {
            return;
        };
        let rust = self.types.name(id).to_owned();
        let pointer = crate::diag::pointer(["components", "schemas", name]);
        let ty = match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, &pointer),
            ReferenceOr::Item(s) => {
                self.lower_schema(s, Naming::Fixed(id, rust.clone()), &pointer, name)
            }
        };
        if ty != TypeRef::Named(id) {
            let (doc, deprecated) = match schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.as_deref().map(doc_text),
                    s.schema_data.deprecated,
                ),
                ReferenceOr::Reference { .. } => (None, false),
            };
            self.push_type(
                name,
                id,
                &pointer,
                doc,
                deprecated,
                TypeKind::Alias { target: ty },
            );
        }
    }

    /// The component schema a `#/components/schemas/NAME` reference names, following components that are
    /// only a `$ref` to another component (alias chains); `None` when it does not exist or loops.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let api: &'a OpenAPI = self.doc.api;
        let mut name = crate::diag::component_ref_name(reference, "schemas")?;
        for _ in 0..64 {
            match api.components.as_ref()?.schemas.get(&name)? {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    name = crate::diag::component_ref_name(reference, "schemas")?;
                }
            }
        }
        None
    }

    /// The schema a `$ref` names, following references that only name another schema (alias chains,
    /// components or pointers elsewhere into the document); `None` when the chain ends nowhere or loops.
    pub(super) fn resolve_schema(&self, reference: &str) -> Option<Cow<'a, Schema>> {
        self.resolve_schema_at(reference).map(|(schema, _)| schema)
    }

    /// As [`Self::resolve_schema`], with the pointer of the schema reached (`#/...`).
    pub(super) fn resolve_schema_at(&self, reference: &str) -> Option<(Cow<'a, Schema>, String)> {
        let api: &'a OpenAPI = self.doc.api;
        let spec: &'a LoadedSpec = self.doc.spec;
        let mut reference = reference.to_owned();
        for _ in 0..64 {
            if let Some(name) = crate::diag::component_ref_name(&reference, "schemas") {
                match api.components.as_ref()?.schemas.get(&name)? {
                    ReferenceOr::Item(s) => {
                        let at = crate::diag::pointer(["components", "schemas", &name]);
                        return Some((Cow::Borrowed(s), at));
                    }
                    ReferenceOr::Reference { reference: next } => {
                        reference = next.clone();
                        continue;
                    }
                }
            }
            let target = spec.raw.pointer(reference.strip_prefix('#')?)?;
            if let Some(next) = target.get("$ref").and_then(Value::as_str) {
                reference = next.to_owned();
                continue;
            }
            return serde_json::from_value::<Schema>(target.clone())
                .ok()
                .map(|s| (Cow::Owned(s), reference));
        }
        None
    }

    pub(super) fn resolve_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        // A pointer elsewhere into the document that is itself only a `$ref` is that reference (chains
        // followed to their end).
        let mut reference = reference.to_owned();
        for _ in 0..64 {
            let next = reference
                .strip_prefix('#')
                .filter(|_| crate::diag::component_ref_name(&reference, "schemas").is_none())
                .and_then(|ptr| self.doc.spec.raw.pointer(ptr))
                .and_then(|target| target.get("$ref"))
                .and_then(Value::as_str);
            match next {
                Some(next) => reference = next.to_owned(),
                None => break,
            }
        }
        let reference = reference.as_str();
        if let Some(name) = crate::diag::component_ref_name(reference, "schemas") {
            if let Some(id) = self.types.component(&name) {
                return TypeRef::Named(id);
            }
            let hint = crate::load::locate::closest(&name, self.types.component_names())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            self.error(
                pointer,
                format!("`$ref` to `{reference}`, which does not exist{hint}"),
            );
            return TypeRef::Json;
        }
        // A reference elsewhere into the document: resolve it by pointer and lower it inline.
        if let Some(ptr) = reference.strip_prefix('#')
            && let Some(target) = self.doc.spec.raw.pointer(ptr).cloned()
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

    /// The type of a schema written in place (lowered with `naming`) or named by a `$ref`; the schema
    /// as the document holds it, boxed or not.
    pub(super) fn schema_or_ref<S: std::borrow::Borrow<Schema>>(
        &mut self,
        s: &ReferenceOr<S>,
        naming: Naming,
        pointer: &str,
    ) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, pointer),
            ReferenceOr::Item(schema) => {
                let wire = naming.hint().to_owned();
                self.lower_schema(schema.borrow(), naming, pointer, &wire)
            }
        }
    }

    /// The id and Rust name of the type `naming` names: a component's (claimed up front), or a context
    /// name claimed now.
    pub(super) fn name_for(&mut self, naming: &Naming, pointer: &str) -> (TypeId, String) {
        match naming {
            Naming::Fixed(id, rust) => (*id, rust.clone()),
            Naming::Context(wanted) => {
                // A context name is PascalCase pieces joined; a piece escaped from a keyword (`self`
                // -> `Self_`) inside it would make `LinksSelf_Hints`, which is not camel case.
                let joined = camel_joined(wanted);
                let rust = self.claim_type(&joined, pointer);
                (self.types.reserve(&rust), rust)
            }
        }
    }

    /// Defines the type `id` (named by [`Self::name_for`]).
    pub(super) fn push_type(
        &mut self,
        wire: &str,
        id: TypeId,
        pointer: &str,
        doc: Option<String>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        let rust = self.types.name(id).to_owned();
        self.types.define(
            id,
            TypeDef {
                name: Name {
                    wire: wire.to_owned(),
                    rust,
                },
                pointer: pointer.to_owned(),
                doc,
                deprecated,
                kind,
            },
        );
    }

    /// The property names an object schema defines (through `$ref`s and `allOf`s), `None` when it is not
    /// an object schema.
    pub(super) fn property_names(
        &self,
        schema: &ReferenceOr<Schema>,
        depth: usize,
    ) -> Option<BTreeSet<String>> {
        if depth > 32 {
            return None;
        }
        let schema = match schema {
            ReferenceOr::Item(s) => Cow::Borrowed(s),
            ReferenceOr::Reference { reference } => self.resolve_schema(reference)?,
        };
        let mut names = BTreeSet::new();
        let parts: &[ReferenceOr<Schema>] = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                names.extend(o.properties.keys().cloned());
                &[]
            }
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(a) => {
                names.extend(a.properties.keys().cloned());
                &a.all_of
            }
            _ => return None,
        };
        for part in parts {
            if let Some(more) = self.property_names(part, depth + 1) {
                names.extend(more);
            }
        }
        Some(names)
    }
}

/// `wanted` without the underscores inside it (`LinksSelf_Hints` -> `LinksSelfHints`); one at its end
/// (`LinksSelf_`, `Self_`) stays.
fn camel_joined(wanted: &str) -> String {
    let mut out = String::with_capacity(wanted.len());
    let mut chars = wanted.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' && chars.peek().is_some_and(char::is_ascii_alphanumeric) && !out.is_empty() {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::doc;

    #[test]
    fn an_unresolvable_ref_is_a_located_error() {
        let yaml = doc(
            "",
            "  Holder:\n    type: object\n    properties:\n      p: {$ref: '#/components/schemas/Missing'}",
        );
        let spec =
            crate::load::load_bytes(yaml.as_bytes(), std::path::Path::new("t.yaml"), "t.yaml");
        // The loader or lowering refuses it, naming the place and the target.
        let text = match spec {
            Err(d) => d.to_string(),
            Ok(spec) => crate::lower::lower(std::slice::from_ref(&spec), "t", "0")
                .1
                .to_string(),
        };
        assert!(
            text.contains("Missing") && text.contains("t.yaml"),
            "{text}"
        );
    }
}
