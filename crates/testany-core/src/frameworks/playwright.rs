//! Playwright list, line, dot and github reporters, retries.

use super::{Framework, Parser, Report};

/// Reads Playwright list, line, dot and github reporters, retries from a case log.
#[derive(Debug, Default)]
pub struct PlaywrightParser {}

impl Parser for PlaywrightParser {
    fn framework(&self) -> Framework {
        Framework::Playwright
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
