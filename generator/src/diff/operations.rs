//! Changes to operations: added and removed operations, method or path, parameters, request bodies,
//! success responses and error statuses.

use super::*;

pub(super) fn operations(api: &Api) -> BTreeMap<&str, (&str, &Operation)> {
    api.resources
        .iter()
        .flat_map(|r| {
            r.operations
                .iter()
                .map(move |o| (o.id.wire.as_str(), (r.accessor.as_str(), o)))
        })
        .collect()
}

pub(super) fn diff_operations(old: &Api, new: &Api, d: &mut ApiDiff<'_>) {
    let olds = operations(old);
    let news = operations(new);
    for (id, (_, o)) in &olds {
        if !news.contains_key(id) {
            let msg = format!(
                "operation `{} {}` (`{}`) removed",
                o.method,
                o.path(),
                o.id.rust
            );
            d.push(
                ChangeKind::OperationRemoved,
                Class::Breaking,
                true,
                id,
                None,
                &o.pointer,
                msg,
            );
        }
    }
    for (id, (res, n)) in &news {
        let Some((old_res, o)) = olds.get(id) else {
            let msg = format!(
                "operation `{} {}` added as `client.{}().{}()`",
                n.method,
                n.path(),
                res,
                n.id.rust
            );
            d.push(
                ChangeKind::OperationAdded,
                Class::NonBreaking,
                false,
                id,
                None,
                &n.pointer,
                msg,
            );
            continue;
        };
        if o.method != n.method || o.path() != n.path() {
            let msg = format!(
                "endpoint changed from `{} {}` to `{} {}`",
                o.method,
                o.path(),
                n.method,
                n.path()
            );
            d.push(
                ChangeKind::OperationEndpointChanged,
                Class::Breaking,
                true,
                id,
                None,
                &n.pointer,
                msg,
            );
        }
        if old_res != res || o.id.rust != n.id.rust {
            let msg = format!(
                "moved from `client.{old_res}().{}()` to `client.{res}().{}()` (tag or name changed)",
                o.id.rust, n.id.rust
            );
            d.push(
                ChangeKind::OperationMoved,
                Class::NonBreaking,
                true,
                id,
                None,
                &n.pointer,
                msg,
            );
        }
        diff_params("path", &o.path_params, &n.path_params, id, d);
        diff_params("query", &o.query_params, &n.query_params, id, d);
        diff_params("header", &o.header_params, &n.header_params, id, d);
        diff_body(o, n, id, d);
        diff_response(o, n, id, d);
    }
}

pub(super) fn diff_params(
    place: &str,
    old: &[Param],
    new: &[Param],
    op: &str,
    d: &mut ApiDiff<'_>,
) {
    let olds: BTreeMap<&str, &Param> = old.iter().map(|p| (p.name.wire.as_str(), p)).collect();
    let news: BTreeMap<&str, &Param> = new.iter().map(|p| (p.name.wire.as_str(), p)).collect();
    for (name, p) in &olds {
        if !news.contains_key(name) {
            let msg = format!("{place} parameter `{name}` removed");
            d.push(
                ChangeKind::ParamRemoved,
                Class::Breaking,
                true,
                op,
                Some(name),
                &p.pointer,
                msg,
            );
        }
    }
    for (name, n) in &news {
        let Some(o) = olds.get(name) else {
            let (class, req) = if n.required {
                (Class::Breaking, "required")
            } else {
                (Class::NonBreaking, "optional")
            };
            let msg = format!(
                "{req} {place} parameter `{name}` ({}) added",
                type_text(d.new, &n.ty)
            );
            d.push(
                ChangeKind::ParamAdded,
                class,
                n.required,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
            continue;
        };
        if type_text(d.old, &o.ty) != type_text(d.new, &n.ty) {
            let class = if format_only_change(&o.ty, &n.ty) {
                Class::NonBreaking
            } else {
                Class::Breaking
            };
            let msg = format!(
                "{place} parameter `{name}` type changed from {} to {}",
                type_text(d.old, &o.ty),
                type_text(d.new, &n.ty)
            );
            d.push(
                ChangeKind::ParamTypeChanged,
                class,
                class == Class::Breaking,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
        }
        if o.required != n.required {
            let (class, msg) = if n.required {
                (
                    Class::Breaking,
                    format!("{place} parameter `{name}` became required"),
                )
            } else {
                (
                    Class::NonBreaking,
                    format!(
                        "{place} parameter `{name}` became optional (moves from an argument to the builder)"
                    ),
                )
            };
            d.push(
                ChangeKind::ParamRequiredChanged,
                class,
                true,
                op,
                Some(name),
                &n.pointer,
                msg,
            );
        }
    }
}

pub(super) fn diff_body(o: &Operation, n: &Operation, op: &str, d: &mut ApiDiff<'_>) {
    match (&o.body, &n.body) {
        (None, None) => {}
        (Some(b), None) => {
            let msg = format!("request body ({}) removed", type_text(d.old, &b.ty));
            d.push(
                ChangeKind::BodyRemoved,
                Class::Breaking,
                true,
                op,
                Some("body"),
                &o.pointer,
                msg,
            );
        }
        (None, Some(b)) => {
            let (class, req) = if b.required {
                (Class::Breaking, "required")
            } else {
                (Class::NonBreaking, "optional")
            };
            let msg = format!("{req} request body ({}) added", type_text(d.new, &b.ty));
            d.push(
                ChangeKind::BodyAdded,
                class,
                b.required,
                op,
                Some("body"),
                &n.pointer,
                msg,
            );
        }
        (Some(ob), Some(nb)) => {
            if type_text(d.old, &ob.ty) != type_text(d.new, &nb.ty)
                || ob.encoding != nb.encoding
                || ob.media_type != nb.media_type
            {
                let msg = format!(
                    "request body changed from {} ({}) to {} ({})",
                    type_text(d.old, &ob.ty),
                    ob.media_type,
                    type_text(d.new, &nb.ty),
                    nb.media_type
                );
                d.push(
                    ChangeKind::BodyTypeChanged,
                    Class::Breaking,
                    true,
                    op,
                    Some("body"),
                    &n.pointer,
                    msg,
                );
            }
            if ob.required != nb.required {
                let (class, msg) = if nb.required {
                    (Class::Breaking, "request body became required".to_owned())
                } else {
                    (
                        Class::NonBreaking,
                        "request body became optional".to_owned(),
                    )
                };
                d.push(
                    ChangeKind::BodyRequiredChanged,
                    class,
                    true,
                    op,
                    Some("body"),
                    &n.pointer,
                    msg,
                );
            }
        }
    }
}

pub(super) fn diff_response(o: &Operation, n: &Operation, op: &str, d: &mut ApiDiff<'_>) {
    if o.response.status() != n.response.status() {
        let msg = format!(
            "success status changed from {} to {}",
            o.response.status(),
            n.response.status()
        );
        d.push(
            ChangeKind::ResponseStatusChanged,
            Class::Breaking,
            false,
            op,
            Some("response"),
            &n.pointer,
            msg,
        );
    }
    if response_text(d.old, o.response.body()) != response_text(d.new, n.response.body()) {
        // Gaining a body is absorbed by old clients (they ignore it); anything else changes what they parse.
        let (class, rust) = match (o.response.body(), n.response.body()) {
            (ResponseBody::Empty, _) => (Class::NonBreaking, true),
            (ResponseBody::Bytes(_), ResponseBody::Bytes(_)) => (Class::NonBreaking, false),
            _ => (Class::Breaking, true),
        };
        let msg = format!(
            "success body changed from {} to {}",
            response_text(d.old, o.response.body()),
            response_text(d.new, n.response.body())
        );
        d.push(
            ChangeKind::ResponseBodyChanged,
            class,
            rust,
            op,
            Some("response"),
            &n.pointer,
            msg,
        );
    }
    // Compared and listed as the document writes them.
    let oe: BTreeSet<String> = o.error_statuses().iter().map(ToString::to_string).collect();
    let ne: BTreeSet<String> = n.error_statuses().iter().map(ToString::to_string).collect();
    for s in ne.difference(&oe) {
        let msg = format!("error status {s} declared (the error type carries any status)");
        d.push(
            ChangeKind::ErrorStatusAdded,
            Class::ForwardCompatible,
            false,
            op,
            Some(s),
            &n.pointer,
            msg,
        );
    }
    for s in oe.difference(&ne) {
        let msg = format!("error status {s} no longer declared");
        d.push(
            ChangeKind::ErrorStatusRemoved,
            Class::NonBreaking,
            false,
            op,
            Some(s),
            &n.pointer,
            msg,
        );
    }
    if o.security != n.security {
        let os: BTreeSet<&String> = o.security.iter().collect();
        let ns: BTreeSet<&String> = n.security.iter().collect();
        // Names are alternatives; dropping one, or requiring auth where none was, locks callers out.
        let class = if os.is_subset(&ns) && !os.is_empty() {
            Class::NonBreaking
        } else {
            Class::Breaking
        };
        let msg = format!(
            "security changed from [{}] to [{}]",
            join(&o.security),
            join(&n.security)
        );
        d.push(
            ChangeKind::SecurityChanged,
            class,
            false,
            op,
            Some("security"),
            &n.pointer,
            msg,
        );
    }
}
