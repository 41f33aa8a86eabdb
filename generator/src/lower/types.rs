//! The type table of the API being lowered, owned by schema lowering: the type scope names are claimed
//! in, the component schemas' ids (claimed before any schema is lowered, so that references to a
//! component, its own included, can be made while it is lowered), which components are lowered, and the
//! arena of definitions. Everything else reaches types through its small API: [`TypeTable::claim`] a
//! name, [`TypeTable::reserve`] an id, [`TypeTable::define`] it, look it up ([`TypeTable::get`],
//! [`TypeTable::component`]), and [`TypeTable::finish`] into the API.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::naming::Scope;

use super::names;

/// See the module doc.
pub(super) struct TypeTable {
    /// The API's type names.
    scope: Scope,
    /// Component schema name → its type.
    components: BTreeMap<String, TypeId>,
    /// Components whose lowering has begun, by wire name. Not looked up among the types: an inline
    /// schema whose context name equals a component's wire name (`Pet.owner` → `PetOwner`) carries that
    /// wire name too.
    lowered: BTreeSet<String>,
    /// The types, by id.
    arena: TypeArena,
}

impl TypeTable {
    /// An empty table.
    pub(super) fn new() -> Self {
        TypeTable {
            scope: Scope::new(Vec::<String>::new()),
            components: BTreeMap::new(),
            lowered: BTreeSet::new(),
            arena: TypeArena::default(),
        }
    }

    /// Claims a type name (see [`names::claim_type_expecting`]).
    pub(super) fn claim(
        &mut self,
        wanted: &str,
        place: names::Place<'_>,
        diags: &mut Diagnostics,
        expected_renames: &[(String, String)],
    ) -> String {
        names::claim_type_expecting(&mut self.scope, wanted, place, diags, expected_renames)
    }

    /// A new id for the type named `rust` (a name claimed with [`TypeTable::claim`]).
    pub(super) fn reserve(&mut self, rust: &str) -> TypeId {
        self.arena.reserve(rust)
    }

    /// A new id for the component schema `wire`, whose type is named `rust`.
    pub(super) fn reserve_component(&mut self, wire: &str, rust: &str) -> TypeId {
        let id = self.arena.reserve(rust);
        self.components.insert(wire.to_owned(), id);
        id
    }

    /// The type of the component schema `wire`.
    pub(super) fn component(&self, wire: &str) -> Option<TypeId> {
        self.components.get(wire).copied()
    }

    /// The names of the component schemas, sorted.
    pub(super) fn component_names(&self) -> impl Iterator<Item = &str> {
        self.components.keys().map(String::as_str)
    }

    /// Marks the component `wire` as being lowered: `false` when it already was.
    pub(super) fn begin_component(&mut self, wire: &str) -> bool {
        self.lowered.insert(wire.to_owned())
    }

    /// The Rust name of `id`.
    pub(super) fn name(&self, id: TypeId) -> &str {
        self.arena.name(id)
    }

    /// Defines `id`.
    pub(super) fn define(&mut self, id: TypeId, def: TypeDef) {
        self.arena.define(id, def);
    }

    /// The definition of `id`, once lowered.
    pub(super) fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.arena.get(id)
    }

    /// Moves the defined types into `api` (see [`TypeArena::finish`]).
    pub(super) fn finish(self, api: &mut Api, diags: &mut Diagnostics) {
        self.arena.finish(api, diags);
    }
}

/// The types of the API being lowered. A type gets its id when its name is claimed (a component's before
/// any schema is lowered, so that references to it, its own included, can be made while it is lowered)
/// and its definition when lowering it ends. [`TypeArena::finish`] orders the types by Rust name and
/// renumbers every reference once.
#[derive(Default)]
struct TypeArena {
    /// Rust names, by id.
    names: Vec<String>,
    /// Definitions, by id; `None` until defined.
    defs: Vec<Option<TypeDef>>,
}

impl TypeArena {
    /// A new id for the type named `rust` (a name claimed in the API's type scope).
    fn reserve(&mut self, rust: &str) -> TypeId {
        self.names.push(rust.to_owned());
        self.defs.push(None);
        TypeId(self.names.len() - 1)
    }

    /// The Rust name of `id`.
    fn name(&self, id: TypeId) -> &str {
        &self.names[id.0]
    }

    /// Defines `id`.
    fn define(&mut self, id: TypeId, def: TypeDef) {
        self.defs[id.0] = Some(def);
    }

    /// The definition of `id`, once lowered.
    fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.defs.get(id.0).and_then(Option::as_ref)
    }

    /// Moves the defined types into `api`, ordered by Rust name, and renumbers every reference in it.
    /// A name claimed for a type that was never defined (lowering gave up on it) is dropped; a reference
    /// to one would name a type the crate does not have, so it is an error that names the type, and the
    /// reference becomes `serde_json::Value`.
    fn finish(self, api: &mut Api, diags: &mut Diagnostics) {
        let mut defined: Vec<(usize, TypeDef)> = self
            .defs
            .into_iter()
            .enumerate()
            .filter_map(|(i, d)| d.map(|d| (i, d)))
            .collect();
        defined.sort_by(|a, b| a.1.name.rust.cmp(&b.1.name.rust));
        let mut renumber: Vec<Option<TypeId>> = vec![None; self.names.len()];
        for (new, (old, _)) in defined.iter().enumerate() {
            renumber[*old] = Some(TypeId(new));
        }
        api.types = defined.into_iter().map(|(_, d)| d).collect();
        let mut dangling = BTreeSet::new();
        api.for_each_type_ref_mut(&mut |t| {
            if let TypeRef::Named(id) = t {
                match renumber[id.0] {
                    Some(new) => *id = new,
                    None => {
                        dangling.insert(id.0);
                        *t = TypeRef::Json;
                    }
                }
            }
        });
        for old in dangling {
            diags.push(Diagnostic::error(
                api.source.file.clone(),
                Location::File,
                format!(
                    "internal: type `{}` is referenced but was never generated; please report this document",
                    self.names[old]
                ),
            ));
        }
    }
}

#[cfg(test)]
mod arena_tests {
    use super::*;
    use crate::lower::test_support::{doc, lower_yaml};

    fn alias(rust: &str, target: TypeRef) -> TypeDef {
        TypeDef {
            name: Name {
                wire: rust.to_owned(),
                rust: rust.to_owned(),
            },
            pointer: format!("#/components/schemas/{rust}"),
            doc: None,
            deprecated: false,
            kind: TypeKind::Alias { target },
        }
    }

    #[test]
    fn finish_orders_by_name_renumbers_references_and_reports_a_dangling_one() {
        let (mut api, _) = lower_yaml(&doc("", ""));
        let mut arena = TypeArena::default();
        let zeta = arena.reserve("Zeta");
        let alpha = arena.reserve("Alpha");
        let lost = arena.reserve("Lost");
        arena.define(
            zeta,
            alias("Zeta", TypeRef::List(Box::new(TypeRef::Named(alpha)))),
        );
        arena.define(alpha, alias("Alpha", TypeRef::Named(lost)));
        let mut diags = Diagnostics::new();
        arena.finish(&mut api, &mut diags);
        let names: Vec<&str> = api.types.iter().map(|t| t.name.rust.as_str()).collect();
        assert_eq!(names, ["Alpha", "Zeta"]);
        assert_eq!(
            api.ty(TypeId(1)).kind,
            TypeKind::Alias {
                target: TypeRef::List(Box::new(TypeRef::Named(TypeId(0))))
            }
        );
        // `Lost` was named but never defined: the reference to it cannot stand.
        assert_eq!(
            api.ty(TypeId(0)).kind,
            TypeKind::Alias {
                target: TypeRef::Json
            }
        );
        let errors: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("`Lost`"), "{errors:?}");
        assert!(diags.has_errors());
    }
}
