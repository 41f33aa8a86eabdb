//! Requests the server sends: `x-klarna-event-payloads` (event type → payload schema) becomes the typed
//! webhook event set; the bodies of `webhooks` and callbacks become types (they are not client operations).

use super::*;

impl SchemaLowerer<'_> {
    /// Reads the profile's event-payloads extension (`x-klarna-event-payloads`: event type → payload
    /// schema) from a string enum component.
    pub(super) fn lower_events(
        &mut self,
        schemas: &[(String, ReferenceOr<Schema>)],
    ) -> Option<EventSet> {
        let key = self.doc.profile.extensions.event_payloads.clone()?;
        for (name, schema) in schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(map) = schema.schema_data.extensions.get(&key) else {
                continue;
            };
            let pointer = child(&crate::diag::pointer(["components", "schemas", name]), &key);
            let Some(map) = map.as_object() else {
                self.degrade(
                    &pointer,
                    Degradation::Dropped,
                    format!("`{key}` must map event types to schema names; ignored"),
                );
                continue;
            };
            let Some(enum_ty) = self.types.component(name) else {
                continue;
            };
            let variants: Vec<Variant> = self
                .types
                .get(enum_ty)
                .and_then(|t| match &t.kind {
                    TypeKind::StringEnum { variants } => Some(variants.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            if variants.is_empty() {
                self.degrade(
                    &pointer,
                    Degradation::Dropped,
                    format!("`{key}` is only read on a string enum; ignored"),
                );
                continue;
            }
            let mut events = Vec::new();
            for v in &variants {
                let payload = match map.get(&v.name.wire).and_then(Value::as_str) {
                    Some(schema_name) => match self.types.component(schema_name) {
                        Some(id) => TypeRef::Named(id),
                        None => {
                            self.degrade(&child(&pointer, &v.name.wire), Degradation::Untyped, format!("payload schema `{schema_name}` does not exist; the payload stays JSON"));
                            TypeRef::Json
                        }
                    },
                    None => {
                        self.degrade(
                            &pointer,
                            Degradation::Untyped,
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
                pointer,
                events,
            });
        }
        None
    }

    /// Generates the request body types of a request the server sends (webhook or callback).
    pub(super) fn lower_inbound(&mut self, item: &openapiv3::PathItem, at: &str, hint: &str) {
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
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_yaml, named, ty};

    #[test]
    fn event_payloads_are_typed_by_event_type() {
        let yaml = doc(
            "",
            "  EventType:\n    type: string\n    enum: [thing.created, thing.gone]\n    x-klarna-event-payloads:\n      thing.created: Thing\n      thing.gone: Thing\n  Thing: {type: object, properties: {id: {type: string}}}",
        );
        let (api, _) = lower_yaml(&yaml);
        let events = api.events.clone().expect("events");
        assert_eq!(api.type_name(events.enum_ty), "EventType");
        let rows: Vec<(&str, &str, &TypeRef)> = events
            .events
            .iter()
            .map(|e| (e.name.wire.as_str(), e.name.rust.as_str(), &e.payload))
            .collect();
        let thing = named(&api, "Thing");
        assert_eq!(
            rows,
            [
                ("thing.created", "ThingCreated", &thing),
                ("thing.gone", "ThingGone", &thing)
            ]
        );
    }

    #[test]
    fn webhook_bodies_become_types_not_operations() {
        let yaml = doc("", "  Thing: {type: object}").replace(
            "paths: {}\n",
            "paths: {}\nx-webhooks:\n  thingCreated:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string}}}\n      responses:\n        '200': {description: ok}\n",
        );
        let (api, _) = lower_yaml(&yaml);
        assert!(api.resources.is_empty());
        assert!(
            api.types
                .iter()
                .any(|t| t.name.rust.starts_with("ThingCreatedEvent")),
            "{:?}",
            api.types.iter().map(|t| &t.name.rust).collect::<Vec<_>>()
        );
        let _ = ty(&api, "Thing");
    }
}
