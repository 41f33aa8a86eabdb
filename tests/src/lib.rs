//! Cross-crate checks of the Klarna SDK: the specs and the generated crate against outside material.
//!
//! - [`bru`]: a parser for Bruno `.bru` request files;
//! - [`schema`]: a small OpenAPI 3.0 schema validator over a document's JSON;
//! - [`collection`]: the `cargo xtask bruno` check of Klarna's request collection (binary `bruno`);
//! - [`examples`]: example JSON against the generated types, and the `cargo xtask notes` check of the bodies
//!   quoted in Klarna's reference notes (binary `notes`).

pub mod bru;
pub mod collection;
pub mod examples;
pub mod schema;
