#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod lsp;
pub mod process;
pub mod workspace;

pub use lsp::Lsp;
pub use process::{Mock, testany_bin};
pub use workspace::Workspace;
