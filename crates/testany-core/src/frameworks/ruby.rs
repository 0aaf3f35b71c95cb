//! RSpec, minitest and Cucumber.

use super::{Framework, Parser, Report};

/// Reads RSpec, minitest and Cucumber from a case log.
#[derive(Debug, Default)]
pub struct RubyParser {}

impl Parser for RubyParser {
    fn framework(&self) -> Framework {
        Framework::Ruby
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
