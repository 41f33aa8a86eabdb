//! IR rewrites that run after lowering, each a function from an [`Api`](crate::ir::Api) to the same
//! API rewritten, in this order: [`cycles`] (box what closes a containment cycle), [`directions`]
//! (requiredness by direction, then pagination presence), [`deprecation`] (what must allow deprecated
//! items). [`method_names`] runs per resource while resources are built.

pub mod cycles;
pub mod deprecation;
pub mod directions;
pub mod method_names;
