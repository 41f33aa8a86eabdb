//! Servers: each declared server URL becomes a constant of the API's module, named from what its
//! description says it is.

use super::*;

impl DocumentLowerer<'_, '_> {
    /// The document's servers with their constants' names: `LIVE_BASE_URL` / `TEST_BASE_URL` where the
    /// description says so, `SERVER_<n>_URL` otherwise. A server whose name another one already took gets
    /// `SERVER_<n>_URL` too, reported as a rename.
    pub(super) fn lower_servers(&mut self) -> Vec<Server> {
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for (i, s) in self.doc.api.servers.iter().enumerate() {
            let numbered = format!("SERVER_{}_URL", i + 1);
            let wanted = wanted_constant(s.description.as_deref()).unwrap_or(&numbered);
            let constant = if taken.contains(wanted) {
                let pointer = crate::diag::pointer(["servers", &i.to_string()]);
                self.degrade(
                    &pointer,
                    Degradation::Renamed,
                    names::rename_message(
                        "server constant",
                        &Collision {
                            wanted: wanted.to_owned(),
                            given: numbered.clone(),
                            reason: "an earlier server is described the same way".to_owned(),
                        },
                    ),
                );
                numbered
            } else {
                wanted.to_owned()
            };
            taken.insert(constant.clone());
            out.push(Server {
                url: s.url.clone(),
                description: s.description.clone(),
                constant,
            });
        }
        out
    }
}

/// The constant a server's description asks for, if it says live or test.
fn wanted_constant(description: Option<&str>) -> Option<&'static str> {
    let d = description.unwrap_or_default().to_ascii_lowercase();
    if d.contains("live") || d.contains("production") {
        Some("LIVE_BASE_URL")
    } else if d.contains("test") || d.contains("playground") || d.contains("sandbox") {
        Some("TEST_BASE_URL")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::test_support::lower_yaml;

    #[test]
    fn server_constants_are_unique_and_a_repeat_is_reported() {
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\nservers:\n  - {url: 'https://a', description: Live}\n  - {url: 'https://b', description: Test}\n  - {url: 'https://c', description: Live (EU)}\n  - {url: 'https://d', description: other}\n  - {url: 'https://e', description: Test sandbox}\n  - {url: 'https://f'}\npaths: {}\n";
        let (api, warnings) = lower_yaml(yaml);
        let names: Vec<&str> = api.servers.iter().map(|s| s.constant.as_str()).collect();
        assert_eq!(
            names,
            [
                "LIVE_BASE_URL",
                "TEST_BASE_URL",
                "SERVER_3_URL",
                "SERVER_4_URL",
                "SERVER_5_URL",
                "SERVER_6_URL"
            ]
        );
        assert_eq!(
            warnings,
            [
                "server constant `LIVE_BASE_URL` renamed to `SERVER_3_URL`: an earlier server is described the same way",
                "server constant `TEST_BASE_URL` renamed to `SERVER_5_URL`: an earlier server is described the same way",
            ]
        );
    }
}
