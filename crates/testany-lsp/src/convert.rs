//! testany-core's LSP-shaped values to ls-types. Every text an editor renders passes
//! [`display`] here (diagnostics, lens titles, hover) or in `State::show_message`.

use std::str::FromStr;

use testany_core::markers;
use testany_core::plan;
use testany_core::sanitize;
use tower_lsp_server::ls_types as lsp;

/// Text for an editor (issue 17): error messages, case names and environments come from
/// the service and are untrusted. Escape sequences are removed; control, bidi and format
/// characters (ESC, NUL, a bare CR, U+202E, ...) are made visible, so nothing can hide or
/// reorder what the user reads.
///
/// Secrets the process has seen (token, signs, operator ids) are redacted first: a case
/// error or name that quotes one is still not shown (issue 17).
pub fn display(text: &str) -> String {
    let text = testany_client::secret::redact(text);
    sanitize::for_display(&text).into_owned()
}

pub fn position(p: markers::Position) -> lsp::Position {
    lsp::Position::new(p.line, p.character)
}

pub fn range(r: markers::Range) -> lsp::Range {
    lsp::Range::new(position(r.start), position(r.end))
}

pub fn core_position(p: lsp::Position) -> markers::Position {
    markers::Position::new(p.line, p.character)
}

pub fn diagnostic(d: &plan::Diagnostic) -> lsp::Diagnostic {
    let severity = match d.severity {
        plan::Severity::Error => lsp::DiagnosticSeverity::ERROR,
        plan::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        plan::Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        plan::Severity::Hint => lsp::DiagnosticSeverity::HINT,
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related_information
        .iter()
        .filter_map(|r| {
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(lsp::Uri::from_str(&r.uri).ok()?, range(r.range)),
                message: display(&r.message),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(d.range),
        severity: Some(severity),
        code: d
            .code
            .as_ref()
            .map(|c| lsp::NumberOrString::String(c.to_string())),
        source: Some(d.source.to_string()),
        message: display(&d.message),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

pub fn lens(l: &plan::CodeLens) -> lsp::CodeLens {
    lsp::CodeLens {
        range: range(l.range),
        command: Some(lsp::Command {
            title: display(&l.title),
            command: l.command.as_deref().unwrap_or("").to_owned(),
            arguments: (!l.arguments.is_null()).then(|| vec![l.arguments.clone()]),
        }),
        data: None,
    }
}

pub fn hover(h: plan::Hover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            // Service text in the markdown is backslash-escaped (`\_`, `\*`): secrets are
            // found in the unescaped text, or one holding `_` would be shown.
            value: sanitize::for_display(&testany_client::secret::redact_markdown(&h.markdown))
                .into_owned(),
        }),
        range: Some(range(h.range)),
    }
}

/// [`display`] of an optional text.
pub fn display_opt(text: Option<&str>) -> Option<String> {
    text.map(display)
}

/// What names a test for a person: the log's name, or its id when the log gave none
/// (raw: pass it through [`display`], or a text that is).
pub fn test_label(t: &testany_core::frameworks::TestResult) -> &str {
    if t.name.trim().is_empty() {
        &t.id
    } else {
        &t.name
    }
}

/// [`test_label`] as display text (issue 17: names and ids come from a log).
pub fn test_name(t: &testany_core::frameworks::TestResult) -> String {
    display(test_label(t))
}

/// A `testany/caseStates` entry as editors show it: its names and test messages as
/// display text (the server is the one sanitiser; editors render as is). A test entry
/// without a name is named by its id, as display text: editors fall back to `testId`
/// otherwise, and the id (kept exact for `testany.runLocally`) comes from a log.
pub fn case_state(mut s: crate::ext::CaseState) -> crate::ext::CaseState {
    if let Some(t) = &s.test
        && s.name.as_deref().is_none_or(|n| n.trim().is_empty())
    {
        s.name = Some(t.test_id.clone());
    }
    s.name = display_opt(s.name.as_deref());
    if let Some(t) = &mut s.test {
        t.case_name = display_opt(t.case_name.as_deref());
        t.message = display_opt(t.message.as_deref());
        t.expected = display_opt(t.expected.as_deref());
        t.actual = display_opt(t.actual.as_deref());
    }
    s
}

/// An execution as `testany.showExecution` returns it: the service's names and errors as
/// display text; keys, statuses and times stay data.
pub fn execution(mut e: testany_core::model::Execution) -> testany_core::model::Execution {
    e.pipeline_name = display_opt(e.pipeline_name.as_deref());
    e.workspace = display_opt(e.workspace.as_deref());
    e.environment = display_opt(e.environment.as_deref());
    for c in &mut e.cases {
        c.name = display_opt(c.name.as_deref());
        c.error = display_opt(c.error.as_deref());
    }
    e
}

/// `testany.pipelineHealth`'s result with its case names as display text.
pub fn health(mut h: testany_core::health::PipelineHealth) -> testany_core::health::PipelineHealth {
    for f in &mut h.flaky {
        f.name = display_opt(f.name.as_deref());
    }
    for s in &mut h.slowest {
        s.name = display_opt(s.name.as_deref());
    }
    h
}

/// A `testany.recentFailures` row with its name, error and location messages as display
/// text (the URI and path stay data: editors open them).
pub fn recent_failure(mut r: crate::ext::RecentFailure) -> crate::ext::RecentFailure {
    r.name = display_opt(r.name.as_deref());
    r.error = display_opt(r.error.as_deref());
    for l in &mut r.locations {
        l.message = display_opt(l.message.as_deref());
    }
    r
}

#[cfg(test)]
mod tests {
    use testany_core::health::{FlakyCase, PipelineHealth, SlowCase};

    use super::*;

    /// Issue 17: a caseStates test entry the log gave no name is named by its id as
    /// display text (editors showed the raw `testId`); the id itself stays exact (data:
    /// `testany.runLocally` matches it); a case entry without a name stays without.
    #[test]
    fn a_test_without_a_name_is_named_by_its_id_as_display_text() {
        use crate::ext::{CaseState, TestDetail, TestState};
        let id = "t.py::test_x[\u{1b}]8;;file:///etc\u{7}a\u{202e}b\u{1b}]8;;\u{7}]";
        let entry = |name: Option<&str>, test: bool| CaseState {
            uri: "file:///ws/t.py".into(),
            line: 3,
            key: "K1".into(),
            name: name.map(str::to_owned),
            state: TestState::Failed,
            execution: Some("P-1-00001".into()),
            pipeline: Some("P-1".into()),
            stale: false,
            test: test.then(|| TestDetail {
                test_id: id.into(),
                case_index: 0,
                case_name: None,
                message: None,
                expected: None,
                actual: None,
                log_line: 4,
                failure: None,
            }),
        };
        let named = |s: CaseState| (s.name, s.test.map(|t| t.test_id));
        let shown = Some("t.py::test_x[a<U+202E>b]".to_owned());
        assert_eq!(
            named(case_state(entry(Some(""), true))),
            (shown.clone(), Some(id.to_owned()))
        );
        assert_eq!(
            named(case_state(entry(None, true))),
            (shown, Some(id.to_owned()))
        );
        assert_eq!(named(case_state(entry(None, false))), (None, None));
        let mut t = testany_core::frameworks::TestResult::new(
            testany_core::frameworks::Framework::Pytest,
            id,
            testany_core::frameworks::TestStatus::Failed,
            4,
        );
        t.name = " ".into();
        assert_eq!(test_name(&t), "t.py::test_x[a<U+202E>b]");
        t.name = "test_\u{1b}[1mx".into();
        assert_eq!(test_name(&t), "test_x");
    }

    /// `testany.pipelineHealth`'s case names reach editors as display text (issue 16).
    #[test]
    fn health_case_names_are_display_text() {
        let flaky = FlakyCase {
            case_key: "K1".into(),
            name: Some("\u{1b}[31mlogin\u{1b}[0m\u{202e}".into()),
            runs: 3,
            passed: 2,
            failed: 1,
            flips: 2,
        };
        let slow = SlowCase {
            case_key: "K2".into(),
            name: Some("pay\u{1b}".into()),
            runs: 1,
            mean_ms: 5,
            max_ms: 5,
        };
        let h = PipelineHealth {
            days: 7,
            from: "2026-11-29".into(),
            to: "2026-12-05".into(),
            runs: 3,
            passed: 2,
            failed: 1,
            other: 0,
            pass_rate: None,
            flaky: vec![flaky.clone()],
            slowest: vec![slow.clone()],
            series: vec![],
        };
        let got = health(h.clone());
        assert_eq!(
            got,
            PipelineHealth {
                flaky: vec![FlakyCase {
                    name: Some("login<U+202E>".into()),
                    ..flaky
                }],
                slowest: vec![SlowCase {
                    name: Some("pay\u{241b}".into()),
                    ..slow
                }],
                ..h
            }
        );
    }
}
