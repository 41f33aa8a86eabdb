//! Cursor pagination: a list operation with a `starting_after` query parameter whose response holds a list
//! and `pagination.last_item` (or names its items with `x-klarna-pagination`) gets `into_stream`/`into_pages`.

use super::*;

impl OperationLowerer<'_, '_> {
    pub(super) fn detect_pagination(
        &mut self,
        op: &OaOperation,
        query: &[Param],
        response: &SuccessResponse,
        pointer: &str,
    ) -> Option<Pagination> {
        let convention = self.doc.profile.pagination.as_ref()?;
        let extension = self.doc.profile.extensions.pagination.as_deref();
        let declared = extension
            .and_then(|key| op.extensions.get(key))
            .and_then(|v| v.get("items"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let cursor = query
            .iter()
            .find(|p| p.name.wire == convention.cursor_param)?;
        // A page, or a list of pages (Klarna's compliance decisions answer `[ {decisions, pagination} ]`).
        let (resp, page_list) = match response.body() {
            ResponseBody::Json(TypeRef::Named(resp)) => (*resp, false),
            ResponseBody::Json(TypeRef::List(inner)) => match &**inner {
                TypeRef::Named(resp) => (*resp, true),
                _ => return None,
            },
            _ => {
                if declared.is_some() {
                    let key = extension.unwrap_or_default();
                    self.degrade(
                        pointer,
                        Degradation::Dropped,
                        format!(
                            "`{key}` on an operation whose response is not a page object; ignored"
                        ),
                    );
                }
                return None;
            }
        };
        let def = self.types().get(resp)?;
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
        let pagination_field = fields
            .iter()
            .find(|f| f.name.wire == convention.pagination_field)?;
        let TypeRef::Named(pag_ty) = &pagination_field.ty else {
            return None;
        };
        let pag_def = self.types().get(*pag_ty)?;
        let TypeKind::Struct {
            fields: pag_fields, ..
        } = &pag_def.kind
        else {
            return None;
        };
        let last = pag_fields
            .iter()
            .find(|f| f.name.wire == convention.next_cursor_field)?;
        Some(Pagination {
            items: items.name.clone(),
            item_ty: (**item_ty).clone(),
            cursor_param: cursor.name.clone(),
            pagination_field: pagination_field.name.clone(),
            cursor_field: last.name.clone(),
            page_ty: if page_list {
                TypeRef::List(Box::new(TypeRef::Named(resp)))
            } else {
                TypeRef::Named(resp)
            },
            page_list,
            items_presence: items.presence,
            pagination_presence: pagination_field.presence,
            cursor_presence: last.presence,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::*;
    use crate::lower::test_support::{doc, lower_yaml, named, op};

    fn list(cursor: &str, page: &str) -> String {
        doc(
            &format!(
                "  /v1/things:\n    get:\n      operationId: listThings\n      parameters:\n        - {{name: {cursor}, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{page}'}}"
            ),
            "  Page:\n    type: object\n    required: [things]\n    properties:\n      things: {type: array, items: {type: string}}\n      pagination: {type: object, properties: {last_item: {type: string}}}\n  Bare:\n    type: object\n    properties:\n      things: {type: array, items: {type: string}}",
        )
    }

    #[test]
    fn a_cursor_list_with_a_pagination_object_is_paginated() {
        let (api, _) = lower_yaml(&list("starting_after", "Page"));
        let p = op(&api, "listThings")
            .pagination
            .clone()
            .expect("paginated");
        assert_eq!(p.items.rust, "things");
        assert_eq!(p.item_ty, TypeRef::String(None));
        assert_eq!(p.cursor_param.wire, "starting_after");
        assert_eq!(
            [p.pagination_field.wire.as_str(), &p.cursor_field.wire],
            ["pagination", "last_item"]
        );
        assert_eq!(p.page_ty, named(&api, "Page"));
        assert!(!p.page_list);
        assert_eq!(
            (p.items_presence, p.pagination_presence, p.cursor_presence),
            (Presence::Required, Presence::Optional, Presence::Optional)
        );
    }

    #[test]
    fn without_the_cursor_parameter_or_the_pagination_object_it_is_not() {
        for (cursor, page) in [("after", "Page"), ("starting_after", "Bare")] {
            let (api, _) = lower_yaml(&list(cursor, page));
            assert_eq!(op(&api, "listThings").pagination, None, "{cursor} {page}");
        }
    }
}
