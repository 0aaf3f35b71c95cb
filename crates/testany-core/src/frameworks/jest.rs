//! Jest, Vitest and Mocha reporters.

use super::{Framework, Parser, Report};

/// Reads Jest, Vitest and Mocha reporters from a case log.
#[derive(Debug, Default)]
pub struct JestParser {}

impl Parser for JestParser {
    fn framework(&self) -> Framework {
        Framework::Jest
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
