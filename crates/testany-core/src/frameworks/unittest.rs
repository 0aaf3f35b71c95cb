//! Python unittest: `test_x (pkg.Class.test_x) ... ok`, FAIL:/ERROR: blocks.

use super::{Framework, Parser, Report};

/// Reads Python unittest: `test_x (pkg.Class.test_x) ... ok`, FAIL:/ERROR: blocks from a case log.
#[derive(Debug, Default)]
pub struct UnittestParser {}

impl Parser for UnittestParser {
    fn framework(&self) -> Framework {
        Framework::Unittest
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
