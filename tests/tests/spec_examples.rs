//! Every example in `specs/*.yaml` round-trips through the generated type that describes it.
//!
//! Examples are found on schemas (component and inline, property-level too), parameters, request bodies,
//! responses and media types (`example`, and `examples` as Example Objects or lists). For each one the test
//! finds the type the SDK uses for that place: the operation's body or success response type for a media
//! type, the IR type whose pointer is the schema, the type of the IR field or parameter at that place, or the
//! type a `$ref` names. Named types go through `klarna::registry::roundtrip` and must come back as equal
//! JSON; scalars are checked against the JSON type the generated field expects. Every example is also
//! validated against its own schema ([`klarna_tests::schema`]: enums, patterns, formats, required fields).
//!
//! The test needs only the repository. The example bodies quoted in Klarna's reference notes, which are not
//! in the repository, are checked by `cargo xtask notes` ([`klarna_tests::examples::check_notes`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use klarna_codegen::ir::{self, Presence, ResponseBody, TypeRef};
use klarna_tests::collection::Specs;
use klarna_tests::examples;
use klarna_tests::schema::Doc;
use serde_json::Value;

/// How many examples the specs hold today. The test fails when it checks fewer, so an example that the walk
/// stops seeing (a new place, a renamed key) cannot pass silently. Raise it when adding examples.
const MIN_SPEC_EXAMPLES: usize = 495;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// One `example` value and where it is.
struct Site {
    /// JSON pointer of the example value (`#/...`).
    pointer: String,
    /// JSON pointer of the object that holds the `example`/`examples` key.
    owner: String,
    value: Value,
}

fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

/// Collects every example under `node`, without descending into example values, enums or defaults
/// (their contents are data, not document structure). `parent_key` tells a map of names (`properties`,
/// `examples` of a media type, ...) from a node whose keys are keywords.
fn collect(node: &Value, pointer: &str, parent_key: Option<&str>, out: &mut Vec<Site>) {
    match node {
        Value::Object(map) => {
            let names_map = matches!(
                parent_key,
                Some(
                    "properties"
                        | "paths"
                        | "schemas"
                        | "responses"
                        | "parameters"
                        | "requestBodies"
                        | "headers"
                        | "content"
                        | "securitySchemes"
                        | "mapping"
                        | "encoding"
                )
            );
            for (key, child) in map {
                let child_ptr = format!("{pointer}/{}", escape(key));
                if !names_map {
                    match key.as_str() {
                        "example" => {
                            out.push(Site {
                                pointer: child_ptr,
                                owner: pointer.to_string(),
                                value: child.clone(),
                            });
                            continue;
                        }
                        "examples" => {
                            match child {
                                // A schema's `examples` list (OpenAPI 3.1 style).
                                Value::Array(items) => {
                                    for (i, v) in items.iter().enumerate() {
                                        out.push(Site {
                                            pointer: format!("{child_ptr}/{i}"),
                                            owner: pointer.to_string(),
                                            value: v.clone(),
                                        });
                                    }
                                }
                                // Example Objects of a media type or parameter.
                                Value::Object(named) => {
                                    for (name, ex) in named {
                                        let ex_ptr = format!("{child_ptr}/{}", escape(name));
                                        let value = ex.get("value").cloned().unwrap_or_else(|| {
                                            // `externalValue` or a `$ref`: not checkable here.
                                            Value::String(format!("<no inline value: {ex}>"))
                                        });
                                        out.push(Site {
                                            pointer: format!("{ex_ptr}/value"),
                                            owner: pointer.to_string(),
                                            value,
                                        });
                                    }
                                }
                                other => out.push(Site {
                                    pointer: child_ptr,
                                    owner: pointer.to_string(),
                                    value: other.clone(),
                                }),
                            }
                            continue;
                        }
                        "enum" | "default" | "x-examples" => continue,
                        _ => {}
                    }
                }
                collect(child, &child_ptr, Some(key), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, &format!("{pointer}/{i}"), parent_key, out);
            }
        }
        _ => {}
    }
}

/// What the IR knows about places in one document.
struct Places<'a> {
    api: &'a ir::Api,
    explicit: &'a Value,
    /// The document with OpenAPI's defaults made explicit, for validation.
    doc: Doc<'a>,
    raw: &'a Value,
    /// Named types by the pointer of their schema.
    types: BTreeMap<&'a str, ir::TypeId>,
    /// Field types by the pointer of their property schema, with whether null is allowed.
    fields: BTreeMap<&'a str, (&'a TypeRef, bool)>,
    /// Parameter types by the pointer of the parameter.
    params: BTreeMap<&'a str, &'a TypeRef>,
    /// Media types the SDK reads or writes, by pointer, with their type.
    media: BTreeMap<String, TypeRef>,
}

impl<'a> Places<'a> {
    fn new(api: &'a ir::Api, raw: &'a Value, explicit: &'a Value) -> Self {
        let mut types = BTreeMap::new();
        let mut fields = BTreeMap::new();
        for (i, t) in api.types.iter().enumerate() {
            types.insert(t.pointer.as_str(), ir::TypeId(i));
            if let ir::TypeKind::Struct { fields: fs, .. } = &t.kind {
                for f in fs {
                    let nullable = matches!(
                        f.presence,
                        Presence::RequiredNullable | Presence::OptionalNullable
                    );
                    fields.insert(f.pointer.as_str(), (&f.ty, nullable));
                }
            }
        }
        let mut params = BTreeMap::new();
        let mut media = BTreeMap::new();
        for res in &api.resources {
            for op in &res.operations {
                for p in op
                    .path_params
                    .iter()
                    .chain(&op.query_params)
                    .chain(&op.header_params)
                {
                    params.insert(p.pointer.as_str(), &p.ty);
                }
                if let Some(body) = &op.body {
                    media.insert(
                        format!(
                            "{}/requestBody/content/{}",
                            op.pointer,
                            escape(&body.media_type)
                        ),
                        body.ty.clone(),
                    );
                }
                if let ResponseBody::Json(ty) = op.response.body() {
                    media.insert(
                        format!(
                            "{}/responses/{}/content/application~1json",
                            op.pointer,
                            op.response.status()
                        ),
                        ty.clone(),
                    );
                }
            }
        }
        Self {
            api,
            explicit,
            doc: Doc::new(explicit),
            raw,
            types,
            fields,
            params,
            media,
        }
    }

    fn node(&self, pointer: &str) -> Option<&'a Value> {
        self.raw.pointer(pointer.strip_prefix('#')?)
    }

    /// The generated type of the schema at `pointer`, and whether it may be null.
    fn schema_type(&self, pointer: &str, depth: usize) -> Result<(TypeRef, bool), String> {
        if depth > 16 {
            return Err(format!("{pointer}: $ref chain too deep"));
        }
        if let Some(&id) = self.types.get(pointer) {
            let nullable = self
                .node(pointer)
                .and_then(|s| s.get("nullable"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            return Ok((TypeRef::Named(id), nullable));
        }
        if let Some((ty, nullable)) = self.fields.get(pointer) {
            return Ok(((*ty).clone(), *nullable));
        }
        let schema = self
            .node(pointer)
            .ok_or_else(|| format!("{pointer}: no such node"))?;
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return self.schema_type(r, depth + 1);
        }
        let nullable = schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let ty = match schema.get("type").and_then(Value::as_str) {
            Some("string") => TypeRef::String(None),
            Some("integer") => TypeRef::I64,
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => TypeRef::List(Box::new(
                self.schema_type(&format!("{pointer}/items"), depth + 1)?.0,
            )),
            Some("object") if schema.get("properties").is_none() => {
                match schema.get("additionalProperties") {
                    Some(Value::Object(_)) => TypeRef::Map(Box::new(
                        self.schema_type(&format!("{pointer}/additionalProperties"), depth + 1)?
                            .0,
                    )),
                    _ => TypeRef::Json,
                }
            }
            _ => {
                return Err(format!(
                    "{pointer}: no generated type describes this schema"
                ));
            }
        };
        Ok((ty, nullable))
    }

    /// The schema an example at `site` is an example of, and the generated type for it.
    fn site_type(&self, site: &Site) -> Result<(String, TypeRef, bool), String> {
        let owner = self
            .node(&site.owner)
            .ok_or_else(|| format!("{}: no such node", site.owner))?;
        let is_media = site
            .owner
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent.ends_with("/content"));
        if is_media {
            let schema_ptr = format!("{}/schema", site.owner);
            if let Some(ty) = self.media.get(&site.owner) {
                return Ok((schema_ptr, ty.clone(), false));
            }
            let (ty, nullable) = self.schema_type(&schema_ptr, 0)?;
            return Ok((schema_ptr, ty, nullable));
        }
        if owner.get("in").is_some() && owner.get("schema").is_some() {
            let schema_ptr = format!("{}/schema", site.owner);
            if let Some(ty) = self.params.get(site.owner.as_str()) {
                return Ok((schema_ptr, (*ty).clone(), false));
            }
            let (ty, nullable) = self.schema_type(&schema_ptr, 0)?;
            return Ok((schema_ptr, ty, nullable));
        }
        let (ty, nullable) = self.schema_type(&site.owner, 0)?;
        Ok((site.owner.clone(), ty, nullable))
    }

    /// Checks `value` against the generated type `ty` ([`examples::check_type`]).
    fn check_type(&self, ty: &TypeRef, value: &Value, path: &str, problems: &mut Vec<String>) {
        examples::check_type(self.api, ty, value, path, problems);
    }

    /// Every problem of one example: its type round-trip and its validity against its schema.
    fn check_site(&self, site: &Site) -> Vec<String> {
        let (schema_ptr, ty, nullable) = match self.site_type(site) {
            Ok(t) => t,
            Err(e) => return vec![e],
        };
        let mut problems = Vec::new();
        if site.value.is_null() {
            if !nullable {
                problems.push("$: null, but the schema is not nullable".to_string());
            }
            return problems;
        }
        self.check_type(&ty, &site.value, "$", &mut problems);
        if let Some(schema) = schema_ptr
            .strip_prefix('#')
            .and_then(|p| self.explicit.pointer(p))
        {
            let mut value = site.value.clone();
            for p in self.doc.validate(schema, &mut value) {
                problems.push(format!("{}: invalid: {}", p.path, p.message));
            }
        }
        problems
    }
}

/// The document with `additionalProperties: true` on every object schema that declares neither
/// `properties` nor `additionalProperties`: in OpenAPI such an object is free-form, but the strict validator
/// (which flags undeclared properties, to catch typos in examples) would reject every key of it.
fn free_form_explicit(mut node: Value) -> Value {
    fn walk(node: &mut Value) {
        match node {
            Value::Object(map) => {
                let free_form = map.get("type").and_then(Value::as_str) == Some("object")
                    && !map.contains_key("properties")
                    && !map.contains_key("additionalProperties");
                if free_form {
                    map.insert("additionalProperties".into(), Value::Bool(true));
                }
                for (key, child) in map.iter_mut() {
                    if !matches!(key.as_str(), "example" | "examples" | "enum" | "default") {
                        walk(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut node);
    node
}

#[test]
fn every_spec_example_round_trips_through_its_generated_type() {
    let specs = Specs::load(&root()).expect("specs load");
    let mut checked = 0;
    let mut failures = Vec::new();
    for api in &specs.krate.apis {
        let raw = specs
            .raw
            .get(&api.module.wire)
            .expect("raw document of every API");
        let explicit = free_form_explicit(raw.clone());
        let places = Places::new(api, raw, &explicit);
        let mut sites = Vec::new();
        collect(raw, "#", None, &mut sites);
        let mut api_failed = 0;
        for site in &sites {
            checked += 1;
            let problems = places.check_site(site);
            if !problems.is_empty() {
                api_failed += 1;
                for p in problems {
                    failures.push(format!(
                        "specs/{}.yaml {}: {p}",
                        api.module.wire, site.pointer
                    ));
                }
            }
        }
        println!(
            "spec examples: {}: {} checked, {} failed",
            api.module.wire,
            sites.len(),
            api_failed
        );
    }
    println!(
        "spec examples: {checked} examples checked, {} problems",
        failures.len()
    );
    for f in &failures {
        println!("  FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} problems with spec examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= MIN_SPEC_EXAMPLES,
        "only {checked} spec examples checked, expected at least {MIN_SPEC_EXAMPLES}: an example is no longer seen"
    );
}
