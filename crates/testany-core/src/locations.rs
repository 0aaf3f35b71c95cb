//! Failure locations: `file:line` references found in a failed case's error text and log,
//! and their resolution to workspace files (design.md section 4).
//!
//! The names other crates use, kept in one place. The code lives with the frameworks
//! (issue 14): what every framework shares (the location type, `path:line` tokens, the
//! library rule, resolution) in [`crate::frameworks::generic`], each framework's frame
//! shapes in its module (Python tracebacks in `pytest`, Java/Kotlin frames in `junit`, Node
//! frames in `jest`, Rust panics in `rust`), and the streaming pass that runs them all
//! over a log in [`crate::frameworks::extract`].

pub use crate::frameworks::extract::{Extractor, extract};
pub use crate::frameworks::generic::{
    FailureLocation, LocationKind, MAX_LOCATIONS, MAX_MESSAGE, ResolvedLocation, WorkspaceIndex,
    is_internal, resolve,
};
