//! `dotnet test` (xUnit, NUnit, MSTest).

use super::{Framework, Parser, Report};

/// Reads `dotnet test` (xUnit, NUnit, MSTest) from a case log.
#[derive(Debug, Default)]
pub struct DotnetParser {}

impl Parser for DotnetParser {
    fn framework(&self) -> Framework {
        Framework::Dotnet
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
