//! libtest (`cargo test`) output.

use super::{Framework, Parser, Report};

/// Reads libtest (`cargo test`) output from a case log.
#[derive(Debug, Default)]
pub struct RustParser {}

impl Parser for RustParser {
    fn framework(&self) -> Framework {
        Framework::Rust
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
