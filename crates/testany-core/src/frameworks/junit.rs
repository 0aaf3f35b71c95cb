//! JUnit 4/5 under Maven Surefire and Gradle, Java and Kotlin.

use super::{Framework, Parser, Report};

/// Reads JUnit 4/5 under Maven Surefire and Gradle, Java and Kotlin from a case log.
#[derive(Debug, Default)]
pub struct JunitParser {}

impl Parser for JunitParser {
    fn framework(&self) -> Framework {
        Framework::Junit
    }

    fn line(&mut self, _line: &str, _n: usize, _report: &mut Report) {}
}
