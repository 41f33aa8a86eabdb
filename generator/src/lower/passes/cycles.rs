//! Pass: boxes the fields and union variants that close a cycle of by-value containment (strongly connected
//! components of the type graph, Tarjan's algorithm), so every type has a finite size; and unties aliases
//! that refer to themselves, which no Rust type alias may do even through a list or a map.

use crate::lower::*;

/// The pass: see the module doc.
pub(in crate::lower) fn run(api: &mut Api, diags: &mut Diagnostics) {
    for pointer in untie_alias_cycles(&mut api.types) {
        diags.push(Diagnostic::warning(
            api.source.file.clone(),
            Location::Pointer(pointer),
            "the schema contains itself only through lists or maps, which a Rust type alias cannot: \
             its nested levels are untyped JSON (`serde_json::Value`)",
        )
        .degrades(Degradation::Untyped));
    }
    box_cycles(&mut api.types);
}

/// `type Tree = BTreeMap<String, Tree>` does not compile (an alias is expanded, never named): in every
/// group of aliases that reach each other through their targets, those references become JSON. Returns
/// the pointers of the aliases changed.
pub(in crate::lower) fn untie_alias_cycles(types: &mut [TypeDef]) -> Vec<String> {
    fn untie(ty: &mut TypeRef, in_group: &dyn Fn(usize) -> bool) {
        match ty {
            TypeRef::Named(n) if in_group(n.0) => *ty = TypeRef::Json,
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::OrNull(inner) => {
                untie(inner, in_group)
            }
            _ => {}
        }
    }
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias { target } => target.named().map(|n| n.0).into_iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let scc = tarjan(&edges);
    let mut untied = Vec::new();
    for (i, t) in types.iter_mut().enumerate() {
        if !edges[i].iter().any(|n| scc[*n] == scc[i]) {
            continue;
        }
        if let TypeKind::Alias { target } = &mut t.kind {
            untie(target, &|n| scc[n] == scc[i]);
            untied.push(t.pointer.clone());
        }
    }
    untied
}

/// Marks struct fields that need `Box` because their type contains the struct again by value. `types` are
/// an API's, indexed by [`TypeId`].
pub(in crate::lower) fn box_cycles(types: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            let mut push = |ty: &TypeRef| {
                if let TypeRef::Named(n) = ty {
                    out.push(n.0);
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
                    if let TypeRef::Named(n) = &f.ty {
                        f.boxed = scc[i] == scc[n.0];
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for v in variants {
                    if let TypeRef::Named(n) = &v.ty {
                        v.boxed = scc[i] == scc[n.0];
                    }
                }
            }
            _ => {}
        }
    }
}

/// Strongly connected components (iterative Tarjan); returns the component id of every node.
pub(in crate::lower) fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found() {
        // 0 → 1 → 0, 2 → 2, 3 alone
        let comp = tarjan(&[vec![1], vec![0], vec![2], vec![]]);
        assert_eq!(comp[0], comp[1]);
        assert_ne!(comp[0], comp[2]);
        assert_ne!(comp[2], comp[3]);
    }

    #[test]
    fn aliases_that_contain_themselves_are_untied_with_json() {
        use crate::lower::test_support::{doc, lower_until, ty};
        let yaml = doc(
            "",
            "  Nested: {type: array, items: {$ref: '#/components/schemas/Nested'}}\n  Tree: {type: object, additionalProperties: {$ref: '#/components/schemas/Forest'}}\n  Forest: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n  Names: {type: array, items: {$ref: '#/components/schemas/Name'}}\n  Name: {type: string}\n  Node: {type: object, properties: {children: {$ref: '#/components/schemas/Nodes'}}}\n  Nodes: {type: array, items: {$ref: '#/components/schemas/Node'}}",
        );
        let (api, diags) = lower_until(&yaml, Some("cycles"));
        let target = |name: &str| match &ty(&api, name).kind {
            TypeKind::Alias { target } => target.clone(),
            other => panic!("{name} is not an alias: {other:?}"),
        };
        let json_list = TypeRef::List(Box::new(TypeRef::Json));
        assert_eq!(target("Nested"), json_list);
        assert_eq!(target("Forest"), json_list);
        assert_eq!(target("Tree"), TypeRef::Map(Box::new(TypeRef::Json)));
        // A struct on the way names the type: nothing to untie.
        assert!(
            matches!(target("Names"), TypeRef::List(inner) if matches!(*inner, TypeRef::Named(_)))
        );
        assert!(
            matches!(target("Nodes"), TypeRef::List(inner) if matches!(*inner, TypeRef::Named(_)))
        );
        let untied = diags
            .iter()
            .filter(|m| m.contains("a Rust type alias cannot"))
            .count();
        assert_eq!(untied, 3);
    }

    #[test]
    fn the_pass_boxes_only_what_closes_a_cycle() {
        use crate::lower::test_support::{doc, fields, lower_until};
        let yaml = doc(
            "",
            "  Node:\n    type: object\n    properties:\n      next: {$ref: '#/components/schemas/Node'}\n      leaf: {$ref: '#/components/schemas/Leaf'}\n      children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n  Leaf: {type: object, properties: {a: {type: string}}}",
        );
        let boxed = |after: &str| -> Vec<(String, bool)> {
            let (api, _) = lower_until(&yaml, Some(after));
            fields(&api, "Node")
                .iter()
                .map(|f| (f.name.rust.clone(), f.boxed))
                .collect()
        };
        let before: Vec<(String, bool)> = ["next", "leaf", "children"]
            .iter()
            .map(|n| (n.to_string(), false))
            .collect();
        assert_eq!(boxed("status_enums"), before);
        // A list already has a finite size: only the by-value self reference is boxed.
        assert_eq!(
            boxed("cycles"),
            [
                ("next".to_string(), true),
                ("leaf".to_string(), false),
                ("children".to_string(), false)
            ]
        );
    }
}
