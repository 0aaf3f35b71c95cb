//! Postman collections run by Newman (CLI reporter).

use super::{Framework, Parser, Report};

/// Reads Postman collections run by Newman (CLI reporter) from a case log.
#[derive(Debug, Default)]
pub struct NewmanParser {}

impl Parser for NewmanParser {
    fn framework(&self) -> Framework {
        Framework::Newman
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
