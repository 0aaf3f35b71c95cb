//! Human output: styles (written through `anstream`, which drops them when stdout is not
//! a terminal or `NO_COLOR` is set), aligned tables and small formatters.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const RED: Style = AnsiColor::Red.on_default();
pub const RED_BOLD: Style = AnsiColor::Red.on_default().bold();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();

/// Stdout that strips styles when they must not be shown.
pub fn stdout() -> anstream::AutoStream<io::Stdout> {
    anstream::AutoStream::auto(io::stdout())
}

/// Whether stdout shows colours (a terminal, no `NO_COLOR`): decides extra marks too.
pub fn colors_on() -> bool {
    anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
}

/// Whether progress bars may be drawn (stderr is a terminal and `NO_COLOR`-independent).
pub fn progress_on() -> bool {
    io::stderr().is_terminal()
}

/// `text` in `style` (the escapes are dropped later by `anstream` when needed).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// One table cell: text and an optional style.
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::new(),
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

/// Writes an aligned table: a bold header, columns padded to their widest cell (the
/// last column is not padded, so long error texts do not pad lines).
pub fn table(out: &mut impl Write, headers: &[&str], rows: &[Vec<Cell>]) -> io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(&cell.text));
            }
        }
    }
    let last = headers.len().saturating_sub(1);
    let mut line = String::new();
    for (i, h) in headers.iter().enumerate() {
        line.push_str(&paint(BOLD, h));
        if i < last {
            pad(
                &mut line,
                widths.get(i).copied().unwrap_or(0) - width(h) + 2,
            );
        }
    }
    writeln!(out, "{}", line.trim_end())?;
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(&paint(cell.style, &cell.text));
            if i < last {
                let w = widths.get(i).copied().unwrap_or(0);
                pad(&mut line, w.saturating_sub(width(&cell.text)) + 2);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn pad(s: &mut String, n: usize) {
    s.extend(std::iter::repeat_n(' ', n));
}

/// Display width, counting each char as one column (keys and statuses are ASCII).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// The result word of an execution or a case, else its status word.
pub fn outcome_word(status: Option<&ExecutionStatus>, result: Option<&ExecutionResult>) -> String {
    match (result, status) {
        (Some(r), _) => r.as_str().to_owned(),
        (None, Some(s)) => s.as_str().to_owned(),
        (None, None) => "-".to_owned(),
    }
}

/// Colour of an outcome word.
pub fn outcome_style(status: Option<&ExecutionStatus>, result: Option<&ExecutionResult>) -> Style {
    if testany_core::category::is_failure(status, result) {
        RED_BOLD
    } else if result.is_some_and(ExecutionResult::is_passed) {
        GREEN
    } else if status.is_some_and(ExecutionStatus::is_active) {
        YELLOW
    } else {
        Style::new()
    }
}

pub fn execution_outcome(e: &Execution) -> Cell {
    Cell::styled(
        outcome_word(Some(&e.status), e.result.as_ref()),
        outcome_style(Some(&e.status), e.result.as_ref()),
    )
}

pub fn case_outcome(c: &CaseResult) -> Cell {
    Cell::styled(
        outcome_word(c.status.as_ref(), c.result.as_ref()),
        outcome_style(c.status.as_ref(), c.result.as_ref()),
    )
}

pub fn duration(ms: Option<u64>) -> String {
    ms.map_or_else(|| "-".to_owned(), testany_core::plan::format_duration)
}

pub fn timestamp(ts: Option<jiff::Timestamp>) -> String {
    ts.map_or_else(|| "-".to_owned(), testany_core::plan::format_timestamp)
}

/// Prints JSON with a trailing newline.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

/// `error: <sentence>` on stderr (red "error" on a terminal).
pub fn print_error(message: &str) {
    let mut err = anstream::AutoStream::auto(io::stderr());
    let _ = writeln!(err, "{}: {message}", paint(RED_BOLD, "error"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let mut buf = Vec::new();
        let rows = vec![
            vec![
                Cell::new("SHP-0601-0000A"),
                Cell::new("PASSED"),
                Cell::new("x"),
            ],
            vec![Cell::new("K"), Cell::new("FAILED"), Cell::new("long text")],
        ];
        table(&mut buf, &["KEY", "RESULT", "NOTE"], &rows).unwrap();
        let text = anstream::adapter::strip_str(std::str::from_utf8(&buf).unwrap()).to_string();
        assert_eq!(
            text,
            "KEY             RESULT  NOTE\nSHP-0601-0000A  PASSED  x\nK               FAILED  long text\n"
        );
    }
}
