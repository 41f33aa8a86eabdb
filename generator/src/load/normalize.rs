//! OpenAPI 3.1 → 3.0 normalization, done on the raw JSON before `openapiv3` parses it.
//!
//! This is the only place that knows about 3.1: lowering sees one shape. What it rewrites, inside schemas:
//! `type: [T, "null"]` → `type: T` + `nullable: true` (several non-null types become a `oneOf`);
//! `type: "null"` → `nullable: true`; `const: v` → `enum: [v]`; `examples: [..]` → `example`;
//! numeric `exclusiveMinimum`/`exclusiveMaximum` → the 3.0 boolean form; `$ref` with sibling keywords →
//! `allOf: [{$ref}]` plus the siblings (3.0 ignores siblings of `$ref`); `$recursiveRef`/`$dynamicRef: "#"`
//! inside a component → `$ref` to that component (another target is reported). At the top level: a missing `paths`
//! becomes empty and `webhooks` moves to `x-webhooks`, which lowering reads like `paths`.

use serde_json::{Map, Value, json};

use crate::diag::{Degradation, Diagnostic, Diagnostics, Location};

/// Rewrites a 3.1 document in place into the 3.0 shape.
pub fn normalize_31(root: &mut Value, file: &str, warnings: &mut Diagnostics) {
    let Some(obj) = root.as_object_mut() else {
        return;
    };
    obj.insert("openapi".into(), Value::String("3.0.3".into()));
    if !obj.contains_key("paths") {
        obj.insert("paths".into(), Value::Object(Map::new()));
    }
    let mut ctx = Ctx { file, warnings };
    for (key, value) in obj.iter_mut() {
        walk_document(
            value,
            &format!("#/{}", crate::diag::escape_pointer_token(key)),
            key,
            &mut ctx,
        );
    }
    // Moved after the walk, so its warnings point at `#/webhooks/...`, where the document has them.
    if let Some(webhooks) = obj.remove("webhooks") {
        obj.insert("x-webhooks".into(), webhooks);
    }
}

struct Ctx<'a> {
    file: &'a str,
    warnings: &'a mut Diagnostics,
}

/// Walks non-schema structure, finding the places where schemas live.
fn walk_document(value: &mut Value, at: &str, key: &str, ctx: &mut Ctx<'_>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "example" || k == "examples" {
                    continue;
                }
                let child = crate::diag::child(at, k);
                if k == "schema" || (key == "schemas" && at.ends_with("/components/schemas")) {
                    schema(v, &child, ctx);
                } else {
                    walk_document(v, &child, k, ctx);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk_document(v, &format!("{at}/{i}"), key, ctx);
            }
        }
        _ => {}
    }
}

/// `$recursiveRef: "#"` (or `$dynamicRef: "#"`) inside a component schema, as OpenAI's `CompoundFilter`
/// writes it for "a filter of this kind again": without `$id`s and anchors, the recursion can only mean
/// the enclosing component, so it becomes a `$ref` to it (a plain warning says so). Any other target
/// names an anchor or resource we do not resolve: the schema is left untyped, and that is reported.
fn dynamic_ref(
    map: &mut Map<String, Value>,
    key: &str,
    target: &Value,
    at: &str,
    ctx: &mut Ctx<'_>,
) {
    let pointer = Location::Pointer(crate::diag::child(at, key));
    let component = at
        .strip_prefix("#/components/schemas/")
        .and_then(|rest| rest.split('/').next());
    match (target.as_str(), component) {
        (Some("#"), Some(component)) if !map.contains_key("$ref") => {
            let reference = format!("#/components/schemas/{component}");
            ctx.warnings.push(Diagnostic::warning(
                ctx.file,
                pointer,
                format!("`{key}: \"#\"` is read as `$ref: '{reference}'`, the enclosing component it recurses into"),
            ));
            map.insert("$ref".into(), Value::String(reference));
        }
        _ => {
            // Nothing else beside it: the schema allows anything, which is `Value`.
            let (tag, what) = if map.keys().all(|k| ANNOTATIONS.contains(&k.as_str())) {
                (Degradation::Untyped, "generated as `serde_json::Value`")
            } else {
                (Degradation::Dropped, "ignored")
            };
            ctx.warnings.push(
                Diagnostic::warning(
                    ctx.file,
                    pointer,
                    format!("`{key}: {target}` is not resolved (only `\"#\"` inside a component schema is, as that component); {what}"),
                )
                .degrades(tag),
            );
        }
    }
}

/// Keywords that only describe a schema: a schema of these alone allows any value.
const ANNOTATIONS: [&str; 6] = [
    "description",
    "title",
    "example",
    "examples",
    "$comment",
    "deprecated",
];

/// Normalizes one schema and its subschemas.
fn schema(value: &mut Value, at: &str, ctx: &mut Ctx<'_>) {
    let Value::Object(map) = value else { return };
    // JSON Schema 2019-09's `$recursiveRef` and 2020-12's `$dynamicRef`.
    for key in ["$recursiveRef", "$dynamicRef"] {
        if let Some(target) = map.remove(key) {
            dynamic_ref(map, key, &target, at, ctx);
        }
    }
    // $ref with siblings.
    if map.contains_key("$ref") && map.len() > 1 {
        let meaningful: Vec<String> = map
            .keys()
            .filter(|k| {
                !matches!(
                    k.as_str(),
                    "$ref"
                        | "description"
                        | "summary"
                        | "title"
                        | "example"
                        | "examples"
                        | "$comment"
                )
            })
            .cloned()
            .collect();
        if meaningful.is_empty() {
            let r = map.get("$ref").cloned().unwrap_or(Value::Null);
            let description = map.get("description").cloned();
            map.clear();
            map.insert("$ref".into(), r);
            if let Some(d) = description {
                // Kept so a field can still carry its own doc; lowering reads it beside the `$ref`.
                map.insert("x-ref-description".into(), d);
            }
        } else {
            let r = map.remove("$ref").unwrap_or(Value::Null);
            map.insert("allOf".into(), json!([{ "$ref": r }]));
        }
    }
    // type arrays and "null".
    if let Some(t) = map.get("type").cloned() {
        match t {
            Value::Array(types) => {
                let nullable = types.iter().any(|t| t == "null");
                let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
                map.remove("type");
                if nullable {
                    map.insert("nullable".into(), Value::Bool(true));
                }
                match rest.len() {
                    0 => {}
                    1 => {
                        map.insert(
                            "type".into(),
                            rest.into_iter().next().unwrap_or(Value::Null),
                        );
                    }
                    _ => {
                        let variants: Vec<Value> =
                            rest.into_iter().map(|t| json!({ "type": t })).collect();
                        map.insert("oneOf".into(), Value::Array(variants));
                    }
                }
            }
            Value::String(s) if s == "null" => {
                map.remove("type");
                map.insert("nullable".into(), Value::Bool(true));
            }
            _ => {}
        }
    }
    if let Some(c) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(Value::Array(examples)) = map.remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        map.entry("example").or_insert(first);
    }
    for (bound, flag) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(v) = map.get(bound).cloned()
            && v.is_number()
        {
            map.insert(flag.into(), v);
            map.insert(bound.into(), Value::Bool(true));
        }
    }
    if let Some(Value::Bool(allowed)) = map.get("items").cloned() {
        map.remove("items");
        let at = Location::Pointer(crate::diag::child(at, "items"));
        // `items: true` allows any item, which is what the list of any value says; `items: false`
        // allows none, a constraint the list does not keep.
        ctx.warnings.push(if allowed {
            Diagnostic::warning(ctx.file, at, "`items: true` is read as a list of any value")
        } else {
            Diagnostic::warning(
                ctx.file,
                at,
                "`items: false` (no items allowed) is not supported; generated as a list of any value",
            )
            .degrades(Degradation::Dropped)
        });
    }
    for key in [
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    ] {
        if let Some(Value::Object(props)) = map.get_mut(key) {
            for (name, sub) in props.iter_mut() {
                schema(
                    sub,
                    &crate::diag::child(&crate::diag::child(at, key), name),
                    ctx,
                );
            }
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedProperties",
    ] {
        if let Some(sub) = map.get_mut(key)
            && sub.is_object()
        {
            schema(sub, &crate::diag::child(at, key), ctx);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(subs)) = map.get_mut(key) {
            for (i, sub) in subs.iter_mut().enumerate() {
                schema(sub, &format!("{}/{i}", crate::diag::child(at, key)), ctx);
            }
        }
    }
}
