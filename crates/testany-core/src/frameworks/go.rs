//! `go test -v`, testify and GoConvey.

use super::{Framework, Parser, Report};

/// Reads `go test -v`, testify and GoConvey from a case log.
#[derive(Debug, Default)]
pub struct GoParser {}

impl Parser for GoParser {
    fn framework(&self) -> Framework {
        Framework::Go
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
