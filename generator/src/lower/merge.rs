//! `allOf`: the parts' properties merged into one struct, following `$ref`s (alias chains of schemas that are
//! only a `$ref` included), nested `allOf`s and the object keywords beside the `allOf` (`properties`,
//! `required`, `additionalProperties`); `required` lists united; a conflicting property definition reported
//! (the later one wins; one that only annotates keeps the earlier type). An `allOf` with one part that says
//! something about the type, and nothing beside it, is that part; one whose parts are all the same scalar
//! type is the part that says most about it. A `oneOf`/`anyOf` of objects in a part adds the fields of its
//! alternatives (optional unless each requires them). A part that cannot be merged (a union of other
//! shapes, a string beside objects) is a located warning saying what the struct lacks.

use std::borrow::Cow;

use openapiv3::AnySchema;

use super::*;

/// The object keywords of a schema written next to its `allOf` (`type: object`, `properties`,
/// `required`, `additionalProperties`): merged after the parts, so a property written here refines the
/// part's.
pub(super) struct OwnObject<'s> {
    pub properties: &'s indexmap_like::Props,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
}

impl<'s> OwnObject<'s> {
    pub(super) fn of(any: &'s AnySchema) -> Self {
        Self {
            properties: &any.properties,
            required: &any.required,
            additional: any.additional_properties.as_ref(),
        }
    }

    fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.required.is_empty() && self.additional.is_none()
    }
}

/// The fields of an `allOf` as they are merged.
#[derive(Default)]
struct Merged {
    properties: indexmap_like::Props,
    required: Vec<String>,
    additional: Option<AdditionalProperties>,
    /// Property → where the definition merged is written (inside the part, through `$ref`s), so a field's
    /// pointer is a place in the document.
    origins: BTreeMap<String, String>,
    /// References being followed (a part that reaches itself adds nothing the second time).
    following: Vec<String>,
}

impl SchemaLowerer<'_> {
    /// `allOf` (with the object keywords written next to it, if any): one part that is not merely an
    /// annotation is that part; otherwise one struct with the fields of every part, through `$ref`s
    /// (alias chains included), nested `allOf`s and the object keywords beside them, `required` lists
    /// united. A part that is not an object (a `oneOf`, a string) cannot be merged: reported, with what the
    /// struct lacks.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        own: Option<OwnObject<'_>>,
        naming: Naming,
        pointer: &str,
        wire: &str,
        doc: Option<String>,
        deprecated: bool,
    ) -> TypeRef {
        let own_fields = own.as_ref().is_some_and(|o| !o.is_empty());
        let typed: Vec<usize> = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| !matches!(p, ReferenceOr::Item(s) if is_type_free(s)))
            .map(|(i, _)| i)
            .collect();
        // A subtype that only extends a discriminated base (`allOf: [Base]`) is a struct of the base's
        // fields, not the base: the base is an enum of its subtypes, this one among them. A base that is
        // a union of other schemas (`oneOf` beside its discriminator) that do not include this one is
        // no such base: `allOf: [Union]` is that union.
        let component = pointer.strip_prefix("#/components/schemas/").map(|rest| {
            format!(
                "#/components/schemas/{}",
                rest.split('/').next().unwrap_or(rest)
            )
        });
        let extends_base = |p: &ReferenceOr<Schema>| match p {
            ReferenceOr::Reference { reference } => {
                self.resolve_schema(reference).is_some_and(|s| {
                    let union_of_others = match &s.schema_kind {
                        SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty() => {
                            !a.one_of.iter().chain(&a.any_of).any(|alt| {
                                matches!(alt, ReferenceOr::Reference { reference }
                                    if Some(reference) == component.as_ref())
                            })
                        }
                        _ => false,
                    };
                    s.schema_data.discriminator.is_some()
                        && !union_of_others
                        && matches!(
                            &s.schema_kind,
                            SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_)
                        )
                })
            }
            ReferenceOr::Item(_) => false,
        };
        if !own_fields {
            match typed.as_slice() {
                [] => return TypeRef::Json,
                [only] if !extends_base(&parts[*only]) => {
                    return self.schema_or_ref(
                        &parts[*only],
                        naming,
                        &format!("{}/{only}", child(pointer, "allOf")),
                    );
                }
                _ => {}
            }
            if let Some(chosen) = self.scalar_all_of(parts, &typed, pointer) {
                return self.schema_or_ref(
                    &parts[chosen],
                    naming,
                    &format!("{}/{chosen}", child(pointer, "allOf")),
                );
            }
        }
        let mut merged = Merged::default();
        for (i, part) in parts.iter().enumerate() {
            let part_pointer = format!("{}/{i}", child(pointer, "allOf"));
            self.merge_part(part, &part_pointer, &mut merged);
        }
        if let Some(own) = own {
            self.merge_fields(
                own.properties,
                own.required,
                own.additional,
                pointer,
                &mut merged,
            );
        }
        merged.required.sort();
        merged.required.dedup();
        let (id, rust) = self.name_for(&naming, pointer);
        let kind = self.lower_struct_at(
            &rust,
            &merged.properties,
            &merged.required,
            merged.additional.as_ref(),
            pointer,
            &merged.origins,
        );
        self.push_type(wire, id, pointer, doc, deprecated, kind);
        TypeRef::Named(id)
    }

    /// The part that types an `allOf` whose typed parts are all the same scalar type (`allOf: [{$ref:
    /// UserId}, {type: string, description: ...}]`, a reference restated with its own documentation):
    /// the one that says more than the type (a reference, an `enum`, a `format`), else the first. `None`
    /// when a part is an object, a list or a composition, or the scalar types differ. A second part
    /// that says more is not generated, and reported.
    fn scalar_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        typed: &[usize],
        pointer: &str,
    ) -> Option<usize> {
        let mut kind = None;
        let mut specific = Vec::new();
        for &i in typed {
            let (schema, by_ref) = match &parts[i] {
                ReferenceOr::Item(s) => (s.clone(), false),
                ReferenceOr::Reference { reference } => {
                    (self.resolve_schema(reference)?.into_owned(), true)
                }
            };
            let SchemaKind::Type(t) = &schema.schema_kind else {
                return None;
            };
            let (this, says_more) = match t {
                Type::String(st) => (
                    "string",
                    !st.enumeration.is_empty()
                        || !matches!(st.format, VariantOrUnknownOrEmpty::Empty),
                ),
                Type::Integer(it) => (
                    "integer",
                    !it.enumeration.is_empty()
                        || !matches!(it.format, VariantOrUnknownOrEmpty::Empty),
                ),
                Type::Number(nt) => (
                    "number",
                    !nt.enumeration.is_empty()
                        || !matches!(nt.format, VariantOrUnknownOrEmpty::Empty),
                ),
                Type::Boolean(_) => ("boolean", false),
                Type::Object(_) | Type::Array(_) => return None,
            };
            if kind.is_some_and(|k| k != this) {
                return None;
            }
            kind = Some(this);
            if by_ref || says_more {
                specific.push(i);
            }
        }
        let chosen = specific.first().copied().unwrap_or(typed[0]);
        for &other in specific.iter().skip(1) {
            self.degrade(
                &format!("{}/{other}", child(pointer, "allOf")),
                Degradation::Dropped,
                format!("`allOf` part restricts the {} of part {chosen} further; the type is that part's, without this one's values or format", kind.unwrap_or_default()),
            );
        }
        Some(chosen)
    }

    /// Merges one `allOf` part (written at `at`) into `merged`; a referenced part is read where its
    /// reference leads, and what it holds is located there.
    fn merge_part(&mut self, part: &ReferenceOr<Schema>, at: &str, merged: &mut Merged) {
        match part {
            ReferenceOr::Item(s) => self.merge_schema(s, at, merged),
            ReferenceOr::Reference { reference } => {
                if merged.following.contains(reference) {
                    return;
                }
                let Some((schema, target)) = self.resolve_schema_at(reference) else {
                    self.degrade(
                        at,
                        Degradation::Dropped,
                        format!("`allOf` part `{reference}` could not be resolved; the merged struct lacks its fields"),
                    );
                    return;
                };
                merged.following.push(reference.clone());
                let schema = schema.into_owned();
                self.merge_schema(&schema, &target, merged);
                merged.following.pop();
            }
        }
    }

    fn merge_schema(&mut self, schema: &Schema, at: &str, merged: &mut Merged) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => self.merge_fields(
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                at,
                merged,
            ),
            SchemaKind::AllOf { all_of } => {
                for (i, inner) in all_of.iter().enumerate() {
                    self.merge_part(inner, &format!("{}/{i}", child(at, "allOf")), merged);
                }
            }
            SchemaKind::Any(a) => {
                for (i, inner) in a.all_of.iter().enumerate() {
                    self.merge_part(inner, &format!("{}/{i}", child(at, "allOf")), merged);
                }
                for (keyword, alternatives) in [("oneOf", &a.one_of), ("anyOf", &a.any_of)] {
                    if !alternatives.is_empty()
                        && !self.merge_alternatives(keyword, alternatives, at, merged)
                    {
                        self.degrade(
                            at,
                            Degradation::Dropped,
                            format!("`{keyword}` inside an `allOf` part cannot be merged into a struct; the merged struct lacks the fields of its alternatives"),
                        );
                    }
                }
                let object_like = a.typ.as_deref().is_none_or(|t| t == "object");
                if object_like {
                    self.merge_fields(
                        &a.properties,
                        &a.required,
                        a.additional_properties.as_ref(),
                        at,
                        merged,
                    );
                } else {
                    self.degrade(
                        at,
                        Degradation::Dropped,
                        format!("`allOf` part of type `{}` is not an object; the merged struct ignores it", a.typ.as_deref().unwrap_or("?")),
                    );
                }
            }
            SchemaKind::OneOf {
                one_of: alternatives,
            }
            | SchemaKind::AnyOf {
                any_of: alternatives,
            } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                if self.merge_alternatives(keyword, alternatives, at, merged) {
                    return;
                }
                self.degrade(
                    at,
                    Degradation::Dropped,
                    format!("`allOf` part is a `{keyword}`, which cannot be merged into a struct; the merged struct lacks the fields of its alternatives"),
                );
            }
            SchemaKind::Not { .. } => self.degrade(
                at,
                Degradation::Dropped,
                "`allOf` part is a `not`, which only validates; the merged struct ignores it",
            ),
            SchemaKind::Type(_) => self.degrade(
                at,
                Degradation::Dropped,
                "`allOf` part is not an object schema; the merged struct ignores it",
            ),
        }
    }

    /// Adds properties, `required` and `additionalProperties` (from the part at `at`) to `merged`. A
    /// property defined again differently replaces the earlier definition (reported), except a definition
    /// that only annotates (`description`, `example`, ...), which keeps the earlier type.
    /// Merges the alternatives of a `oneOf`/`anyOf` that is (or is inside) an `allOf` part, when every
    /// one is an object: their properties become fields, optional unless every alternative requires
    /// them (`allOf: [{properties: {role}}, {oneOf: [{required: [id]}, {required: [external_id]}]}]`
    /// is a struct with `role`, `id` and `external_id`). Which alternative a value matches is not
    /// checked, which is reported. `false`, with nothing merged, when an alternative is not an object.
    fn merge_alternatives(
        &mut self,
        keyword: &str,
        alternatives: &[ReferenceOr<Schema>],
        at: &str,
        merged: &mut Merged,
    ) -> bool {
        let object = |s: &Schema| match &s.schema_kind {
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
            SchemaKind::Any(a) => {
                a.typ.as_deref().is_none_or(|t| t == "object")
                    && a.one_of.is_empty()
                    && a.any_of.is_empty()
            }
            _ => false,
        };
        let all_objects = alternatives.iter().all(|alt| match alt {
            ReferenceOr::Item(s) => object(s),
            ReferenceOr::Reference { reference } => {
                self.resolve_schema(reference).is_some_and(|s| object(&s))
            }
        });
        if alternatives.is_empty() || !all_objects {
            return false;
        }
        let mut each = Vec::new();
        for (i, alt) in alternatives.iter().enumerate() {
            let mut one = Merged {
                following: merged.following.clone(),
                ..Merged::default()
            };
            self.merge_part(alt, &format!("{}/{i}", child(at, keyword)), &mut one);
            each.push(one);
        }
        // Alternatives that define one property differently (a `type` tag of its own each) are told
        // apart by it: one struct cannot hold them.
        let mut seen: BTreeMap<&String, &ReferenceOr<Box<Schema>>> = BTreeMap::new();
        for one in &each {
            for (k, v) in &one.properties {
                if let Some(first) = seen.insert(k, v)
                    && first != v
                    && !matches!((first, v), (ReferenceOr::Item(a), ReferenceOr::Item(b))
                        if a.schema_kind == b.schema_kind && a.schema_data.nullable == b.schema_data.nullable)
                {
                    return false;
                }
            }
        }
        let required: Vec<String> = each[0]
            .required
            .iter()
            .filter(|name| {
                each.iter()
                    .all(|one| one.required.contains(name) && one.properties.contains_key(*name))
            })
            .cloned()
            .collect();
        for one in each {
            for (k, v) in &one.properties {
                let origin = one.origins.get(k).cloned().unwrap_or_else(|| at.to_owned());
                let mut single = indexmap_like::Props::default();
                single.insert(k.clone(), v.clone());
                let part_at = origin
                    .strip_suffix(&format!("/{}", crate::diag::escape_pointer_token(k)))
                    .and_then(|p| p.strip_suffix("/properties"))
                    .unwrap_or(at)
                    .to_owned();
                self.merge_fields(&single, &[], None, &part_at, merged);
            }
        }
        merged.required.extend(required);
        self.warn(
            at,
            format!("`{keyword}` of objects inside an `allOf`: the merged struct has the fields of every alternative, optional unless each requires them; which alternative a value matches is not checked"),
        );
        true
    }

    fn merge_fields(
        &mut self,
        properties: &indexmap_like::Props,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        at: &str,
        merged: &mut Merged,
    ) {
        for (k, v) in properties {
            if let Some(existing) = merged.properties.get(k)
                && existing != v
            {
                if matches!(v, ReferenceOr::Item(s) if is_type_free(s)) {
                    continue;
                }
                // The same type with other annotations (`description`, `default`): the later one, silently.
                let same_type = matches!((existing, v), (ReferenceOr::Item(a), ReferenceOr::Item(b))
                    if a.schema_kind == b.schema_kind && a.schema_data.nullable == b.schema_data.nullable);
                if same_type || self.refines(v, existing) {
                    merged.properties.insert(k.clone(), v.clone());
                    merged
                        .origins
                        .insert(k.clone(), child(&child(at, "properties"), k));
                    continue;
                }
                // The earlier definition is the narrower one: every value the later admits is not
                // valid anyway (`allOf` means both hold), so the earlier type stays.
                if self.refines(existing, v) {
                    continue;
                }
                self.degrade(
                    &child(&child(at, "properties"), k),
                    Degradation::Dropped,
                    format!(
                        "`allOf` parts define property `{k}` differently; the later definition wins"
                    ),
                );
            }
            merged.properties.insert(k.clone(), v.clone());
            merged
                .origins
                .insert(k.clone(), child(&child(at, "properties"), k));
        }
        merged.required.extend(required.iter().cloned());
        if let Some(add) = additional {
            merged.additional = Some(add.clone());
        }
    }
}

impl SchemaLowerer<'_> {
    /// Whether every value `narrow` admits is admitted by `wide`, as far as the generated type goes, so
    /// that typing a property by `narrow` loses nothing `wide` says: `wide` is a bare type (`type: string`
    /// with no format, enum or other keyword that changes the Rust type) and `narrow` has that type, or
    /// both are enums and `narrow` lists some of `wide`'s values, or `wide` is a `$ref` that `narrow`
    /// extends through `allOf` (a subtype, `$ref`s followed).
    fn refines(&self, narrow: &ReferenceOr<Box<Schema>>, wide: &ReferenceOr<Box<Schema>>) -> bool {
        let narrow_schema = || match narrow {
            ReferenceOr::Item(n) => Some(Cow::Borrowed(&**n)),
            ReferenceOr::Reference { reference } => self.resolve_schema(reference),
        };
        match wide {
            ReferenceOr::Reference { reference } => match narrow {
                ReferenceOr::Reference { reference: r } => self.extends_ref(r, reference, 0),
                ReferenceOr::Item(n) => self.extends(n, reference, 0),
            },
            ReferenceOr::Item(w) => {
                let Some(n) = narrow_schema() else {
                    return false;
                };
                if w.schema_data.nullable && !n.schema_data.nullable {
                    return false;
                }
                match (&w.schema_kind, &n.schema_kind) {
                    (SchemaKind::Type(Type::String(ws)), SchemaKind::Type(Type::String(ns))) => {
                        // A bare string, or an enum the narrower one picks values of.
                        (ws.enumeration.is_empty() && string_format_text(&ws.format).is_empty())
                            || (!ns.enumeration.is_empty()
                                && ns.format == ws.format
                                && ns.enumeration.iter().all(|v| ws.enumeration.contains(v)))
                    }
                    (SchemaKind::Type(Type::Integer(wi)), SchemaKind::Type(Type::Integer(ni))) => {
                        wi.format == ni.format
                            && (wi.enumeration.is_empty()
                                || (!ni.enumeration.is_empty()
                                    && ni.enumeration.iter().all(|v| wi.enumeration.contains(v))))
                    }
                    (SchemaKind::Type(Type::Number(wn)), SchemaKind::Type(Type::Number(nn))) => {
                        wn.enumeration.is_empty() && wn.format == nn.format
                    }
                    (SchemaKind::Type(Type::Boolean(_)), SchemaKind::Type(Type::Boolean(_))) => {
                        true
                    }
                    _ => false,
                }
            }
        }
    }

    /// Whether the schema `from` names is the one `reference` names, or extends it through `allOf`.
    fn extends_ref(&self, from: &str, reference: &str, depth: usize) -> bool {
        if from == reference {
            return true;
        }
        let (Some((a, at_a)), Some((_, at_b))) = (
            self.resolve_schema_at(from),
            self.resolve_schema_at(reference),
        ) else {
            return false;
        };
        at_a == at_b || self.extends(&a, reference, depth)
    }

    /// Whether `schema` extends, through its `allOf` parts (`$ref`s followed), the schema `reference`
    /// names.
    fn extends(&self, schema: &Schema, reference: &str, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().any(|part| match part {
                ReferenceOr::Reference { reference: r } => {
                    self.extends_ref(r, reference, depth + 1)
                }
                ReferenceOr::Item(s) => self.extends(s, reference, depth + 1),
            }),
            _ => false,
        }
    }
}

/// A schema that says nothing about the type of a value: only annotations (`description`, `example`,
/// `nullable`, ...) or constraints on values of any type. As an `allOf` part it adds no field.
pub(in crate::lower) fn is_type_free(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(a)
        if a.typ.is_none()
            && a.properties.is_empty()
            && a.required.is_empty()
            && a.additional_properties.is_none()
            && a.items.is_none()
            && a.enumeration.is_empty()
            && a.one_of.is_empty()
            && a.all_of.is_empty()
            && a.any_of.is_empty()
            && a.not.is_none())
}

#[cfg(test)]
mod tests;
