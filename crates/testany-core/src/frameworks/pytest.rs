//! pytest: `-v` lines, `-rA` summaries, failure sections, xdist.

use super::{Framework, Parser, Report};

/// Reads pytest: `-v` lines, `-rA` summaries, failure sections, xdist from a case log.
#[derive(Debug, Default)]
pub struct PytestParser {}

impl Parser for PytestParser {
    fn framework(&self) -> Framework {
        Framework::Pytest
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
