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
