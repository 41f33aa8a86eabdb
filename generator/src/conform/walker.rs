//! The walk of one JSON value along the IR types it should conform to, collecting [`Finding`]s: JSON
//! types, nullability, string formats, integer ranges, required and unknown properties, enum values,
//! tagged and untagged unions.

use serde_json::Value;

use crate::ir::{Presence, StringRepr, TypeDef, TypeId, TypeKind, TypeRef};

use super::formats;
use super::{Finding, Kind};

/// Nesting of the walk beyond which the schema is taken to loop without consuming the body.
pub(super) const MAX_DEPTH: usize = 256;

/// Walks a JSON value along IR types, collecting findings.
pub(super) struct Walker<'a> {
    /// The API's types, indexed by [`TypeId`].
    types: &'a [TypeDef],
    /// The findings so far, in the order the value was walked.
    pub(super) findings: Vec<Finding>,
    depth: usize,
}

/// `pointer` extended by one reference token.
fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The JSON type of a value, in words.
fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            format!("a string of {} characters", s.chars().count())
        }
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

impl<'a> Walker<'a> {
    pub(super) fn new(types: &'a [TypeDef]) -> Self {
        Walker {
            types,
            findings: Vec::new(),
            depth: 0,
        }
    }

    fn push(&mut self, kind: Kind, pointer: &str, what: String) {
        self.findings.push(Finding {
            kind,
            pointer: pointer.to_owned(),
            what,
        });
    }

    fn wrong_type(&mut self, pointer: &str, expected: &str, v: &Value) {
        self.push(
            Kind::Drift,
            pointer,
            format!("expected {expected}, got {}", kind_of(v)),
        );
    }

    /// Checks `v` against `ty`; `nullable` says whether `null` is allowed here.
    pub(super) fn value(&mut self, ty: &TypeRef, v: &Value, pointer: &str, nullable: bool) {
        if v.is_null() {
            if !nullable && !matches!(ty, TypeRef::Json | TypeRef::OrNull(_)) {
                self.push(
                    Kind::Drift,
                    pointer,
                    "the value is null, but the document does not mark it nullable".into(),
                );
            }
            return;
        }
        match ty {
            TypeRef::Json => {}
            TypeRef::Bool if v.is_boolean() => {}
            TypeRef::Bool => self.wrong_type(pointer, "a boolean", v),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => self.integer(ty, v, pointer),
            TypeRef::F32 | TypeRef::F64 if v.is_number() => {}
            TypeRef::F32 | TypeRef::F64 => self.wrong_type(pointer, "a number", v),
            TypeRef::String(format) => match v.as_str() {
                None => self.wrong_type(pointer, "a string", v),
                Some(text) => {
                    if let Err(why) = formats::check(StringRepr::of(format.as_deref()), text) {
                        let format = format.as_deref().unwrap_or_default();
                        self.push(
                            Kind::Drift,
                            pointer,
                            format!("{} is not a valid {format}: {why}", kind_of(v)),
                        );
                    }
                }
            },
            TypeRef::Bytes if v.is_string() => {}
            TypeRef::Bytes => self.wrong_type(pointer, "a string", v),
            TypeRef::List(inner) => match v.as_array() {
                None => self.wrong_type(pointer, "an array", v),
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.value(inner, item, &child(pointer, &i.to_string()), false);
                    }
                }
            },
            TypeRef::Map(inner) => match v.as_object() {
                None => self.wrong_type(pointer, "an object", v),
                Some(map) => {
                    for (k, item) in map {
                        self.value(inner, item, &child(pointer, k), false);
                    }
                }
            },
            // Not null (checked above): the value must be the element type.
            TypeRef::OrNull(inner) => self.value(inner, v, pointer, true),
            TypeRef::Named(id) => self.named(*id, v, pointer, None),
        }
    }

    fn integer(&mut self, ty: &TypeRef, v: &Value, pointer: &str) {
        if *ty == TypeRef::U64 {
            match v.as_u64() {
                Some(_) => {}
                None if v.is_i64() => self.push(
                    Kind::Drift,
                    pointer,
                    format!("{} is out of the uint64 range", kind_of(v)),
                ),
                None => self.wrong_type(pointer, "an integer", v),
            }
            return;
        }
        let (bits, min, max) = match ty {
            TypeRef::I32 => (32, i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (64, i64::MIN, i64::MAX),
        };
        match v.as_i64() {
            Some(n) if (min..=max).contains(&n) => {}
            _ if v.is_u64() || v.is_i64() => self.push(
                Kind::Drift,
                pointer,
                format!("{} is out of the int{bits} range", kind_of(v)),
            ),
            _ => self.wrong_type(pointer, "an integer", v),
        }
    }

    /// Checks `v` against the named type `id`; `skip` is a union's discriminator property, which the
    /// variant's struct need not list.
    fn named(&mut self, id: TypeId, v: &Value, pointer: &str, skip: Option<&str>) {
        let def = &self.types[id.0];
        let name = def.name.rust.as_str();
        if self.depth >= MAX_DEPTH {
            self.push(
                Kind::Drift,
                pointer,
                format!("`{name}` nests deeper than {MAX_DEPTH} levels; not checked further"),
            );
            return;
        }
        self.depth += 1;
        match &def.kind {
            TypeKind::Alias { target } => match target {
                TypeRef::Named(inner) => self.named(*inner, v, pointer, skip),
                other => self.value(other, v, pointer, false),
            },
            TypeKind::Struct {
                fields, additional, ..
            } => self.object(def, fields, additional.as_ref(), v, pointer, skip),
            TypeKind::StringEnum { variants } => match v.as_str() {
                None => self.wrong_type(pointer, &format!("a string (enum `{name}`)"), v),
                Some(s) if variants.iter().any(|x| x.name.wire == s) => {}
                Some(s) => self.push(
                    Kind::Addition,
                    pointer,
                    format!("enum `{}` does not list the value {s:?}", def.name.wire),
                ),
            },
            TypeKind::IntEnum { variants } => match v.as_i64() {
                None => self.wrong_type(pointer, &format!("an integer (enum `{name}`)"), v),
                Some(n) if variants.iter().any(|x| x.value == n) => {}
                Some(n) => self.push(
                    Kind::Addition,
                    pointer,
                    format!("enum `{}` does not list the value {n}", def.name.wire),
                ),
            },
            TypeKind::Union {
                discriminator: Some(tag),
                variants,
            } => self.tagged(def, tag, variants, v, pointer),
            TypeKind::Union {
                discriminator: None,
                variants,
            } => self.untagged(variants, v, pointer),
        }
        self.depth -= 1;
    }

    fn object(
        &mut self,
        def: &TypeDef,
        fields: &[crate::ir::Field],
        additional: Option<&crate::ir::AdditionalField>,
        v: &Value,
        pointer: &str,
        skip: Option<&str>,
    ) {
        let Some(obj) = v.as_object() else {
            self.wrong_type(pointer, &format!("an object (`{}`)", def.name.wire), v);
            return;
        };
        for f in fields {
            let at = child(pointer, &f.name.wire);
            let nullable = matches!(
                f.presence,
                Presence::RequiredNullable | Presence::OptionalNullable
            );
            // The document's `required`: presence as lowered, or relaxed for one direction.
            let required =
                matches!(f.presence, Presence::Required | Presence::RequiredNullable) || f.relaxed;
            match obj.get(&f.name.wire) {
                Some(value) => self.value(&f.ty, value, &at, nullable),
                None if f.inferred => self.push(
                    Kind::Note,
                    &at,
                    format!(
                        "`{}` of `{}` is absent; it is x-klarna-inferred{}",
                        f.name.wire,
                        def.name.wire,
                        if required {
                            " and the document requires it"
                        } else {
                            ""
                        }
                    ),
                ),
                None if required && !f.write_only => self.push(
                    Kind::Drift,
                    &at,
                    format!(
                        "required property `{}` of `{}` is missing",
                        f.name.wire, def.name.wire
                    ),
                ),
                None => {}
            }
        }
        for (key, value) in obj {
            if fields.iter().any(|f| &f.name.wire == key) || skip == Some(key.as_str()) {
                continue;
            }
            let at = child(pointer, key);
            match additional {
                Some(extra) => self.value(&extra.ty, value, &at, false),
                None => self.push(
                    Kind::Addition,
                    &at,
                    format!("property `{key}` is not in `{}`", def.name.wire),
                ),
            }
        }
    }

    fn tagged(
        &mut self,
        def: &TypeDef,
        tag: &str,
        variants: &[crate::ir::UnionVariant],
        v: &Value,
        pointer: &str,
    ) {
        let Some(obj) = v.as_object() else {
            self.wrong_type(pointer, &format!("an object (`{}`)", def.name.wire), v);
            return;
        };
        let at = child(pointer, tag);
        match obj.get(tag) {
            None => self.push(
                Kind::Drift,
                &at,
                format!(
                    "the discriminator `{tag}` of `{}` is missing",
                    def.name.wire
                ),
            ),
            Some(Value::String(value)) => {
                match variants.iter().find(|x| x.tags.iter().any(|t| t == value)) {
                    Some(variant) => match &variant.ty {
                        TypeRef::Named(n) => self.named(*n, v, pointer, Some(tag)),
                        other => self.value(other, v, pointer, false),
                    },
                    None => self.push(
                        Kind::Addition,
                        &at,
                        format!(
                            "`{}` does not list the {tag} {value:?} (the SDK keeps it as Unknown)",
                            def.name.wire
                        ),
                    ),
                }
            }
            Some(other) => self.wrong_type(&at, "a string (discriminator)", other),
        }
    }

    /// An untagged union conforms when one alternative does; the findings are those of the best
    /// alternative (fewest drifts, then fewest additions, then the first).
    fn untagged(&mut self, variants: &[crate::ir::UnionVariant], v: &Value, pointer: &str) {
        let mut best: Option<((usize, usize), Vec<Finding>)> = None;
        for variant in variants {
            let mut trial = Walker {
                types: self.types,
                findings: Vec::new(),
                depth: self.depth,
            };
            trial.value(&variant.ty, v, pointer, false);
            let count = |k| trial.findings.iter().filter(|f| f.kind == k).count();
            let score = (count(Kind::Drift), count(Kind::Addition));
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, trial.findings));
            }
        }
        if let Some((_, findings)) = best {
            self.findings.extend(findings);
        }
    }
}
