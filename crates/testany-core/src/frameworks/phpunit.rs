//! PHPUnit.

use super::{Framework, Parser, Report};

/// Reads PHPUnit from a case log.
#[derive(Debug, Default)]
pub struct PhpunitParser {}

impl Parser for PhpunitParser {
    fn framework(&self) -> Framework {
        Framework::Phpunit
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
