//! Human output: styles (written through `anstream`, which drops them when stdout is not
//! a terminal or `NO_COLOR` is set), aligned tables and small formatters.
//!
//! Every human byte goes through [`Safe`], the one choke point that runs
//! `testany_core::sanitize::for_terminal` over it (issue 17): case logs, names, errors,
//! pipeline and environment names come from the service and must not move the cursor,
//! write the clipboard or hide text. SGR survives only when colours are on.

use std::borrow::Cow;
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

/// Stdout, sanitised, that strips styles when they must not be shown.
pub fn stdout() -> Safe<anstream::AutoStream<io::Stdout>> {
    Safe::new(anstream::AutoStream::auto(io::stdout()), colors_on())
}

/// Stderr, sanitised, with styles only on a colour terminal.
pub fn stderr() -> Safe<anstream::AutoStream<io::Stderr>> {
    let colour = anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never;
    Safe::new(anstream::AutoStream::auto(io::stderr()), colour)
}

/// Whether stdout shows colours (a terminal, no `NO_COLOR`, or `CLICOLOR_FORCE`):
/// decides extra marks too.
pub fn colors_on() -> bool {
    anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
}

/// Service text for a place that is not a stream (a table cell before its width is
/// measured, a progress bar message): no escape sequence at all, controls made visible.
pub fn clean(text: &str) -> Cow<'_, str> {
    // Redacted first, so a table measures the text it will print.
    match testany_client::secret::redact(text) {
        Cow::Borrowed(text) => testany_core::sanitize::for_terminal(text, false),
        Cow::Owned(text) => {
            Cow::Owned(testany_core::sanitize::for_terminal(&text, false).into_owned())
        }
    }
}

/// `1 case`, `2 cases`: the count and the right form of the noun.
pub fn plural<N>(n: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// Longest partial line held before it is written anyway, so one enormous line never
/// sits in memory whole (as `lines::MAX_LINE`).
const MAX_PENDING: usize = 64 * 1024;

/// A writer that sanitises everything written through it, one line at a time (the
/// sanitiser restarts at each line, so callers may write a line in pieces). Flushes on
/// drop, so `writeln!(out::stdout(), ...)` on a temporary works.
pub struct Safe<W: Write> {
    inner: W,
    colour: bool,
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// Sanitised text of this `write` call, handed on before it returns.
    ready: String,
}

impl<W: Write> Safe<W> {
    /// `colour`: keep SGR sequences (the caller decided that colours are shown).
    pub fn new(inner: W, colour: bool) -> Self {
        Self {
            inner,
            colour,
            line: Vec::new(),
            ready: String::new(),
        }
    }

    fn push_text(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        // Case data (errors, names, logs) may quote the token or a sign: secrets the
        // process has seen never reach the output (issue 17).
        let text = testany_client::secret::redact(&text);
        let clean = testany_core::sanitize::for_terminal(&text, self.colour);
        self.ready.push_str(&clean);
    }

    fn write_ready(&mut self) -> io::Result<()> {
        if !self.ready.is_empty() {
            let ready = std::mem::take(&mut self.ready);
            self.inner.write_all(ready.as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> Write for Safe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match memchr::memrchr(b'\n', buf) {
            Some(last) => {
                let (lines, rest) = buf.split_at(last + 1);
                if self.line.is_empty() {
                    self.push_text(lines);
                } else {
                    let mut joined = std::mem::take(&mut self.line);
                    joined.extend_from_slice(lines);
                    self.push_text(&joined);
                }
                self.line.extend_from_slice(rest);
            }
            None => self.line.extend_from_slice(buf),
        }
        if self.line.len() > MAX_PENDING {
            // Cut at a character boundary; the rest waits for more bytes.
            let cut = match std::str::from_utf8(&self.line) {
                Ok(_) => self.line.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => self.line.len(),
            };
            let head: Vec<u8> = self.line.drain(..cut).collect();
            self.push_text(&head);
        }
        // Complete lines go on at once (a long-lived writer must not hold "Running ..."
        // back while the command waits); one write per call keeps big copies cheap.
        self.write_ready()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.push_text(&line);
        }
        self.write_ready()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Safe<W> {
    fn drop(&mut self) {
        // Errors (a closed pipe) have nowhere to go here; explicit flushes report them.
        let _ = self.flush();
    }
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
    /// A cell of (possibly service) text: cleaned here, before its width is measured,
    /// so a removed sequence or a `<U+202E>` does not skew the columns.
    pub fn new(text: impl AsRef<str>) -> Self {
        Self {
            text: clean(text.as_ref()).into_owned(),
            style: Style::new(),
        }
    }

    pub fn styled(text: impl AsRef<str>, style: Style) -> Self {
        Self {
            text: clean(text.as_ref()).into_owned(),
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

/// Prints JSON with a trailing newline. Strings stay data (parsed back, they are what
/// the service sent), but the characters a terminal could act on or that hide text
/// (C1 controls, DEL, bidi controls) are written as `\uXXXX` escapes, which serde_json
/// does only for C0: `--json` may well be read on a terminal.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = json_bytes(value)?;
    let mut out = io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}

/// [`json`]'s text.
fn json_bytes(value: &impl serde::Serialize) -> serde_json::Result<Vec<u8>> {
    let mut text = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut text, SafeJson::default());
    value.serialize(&mut ser)?;
    text.push(b'\n');
    Ok(text)
}

/// serde_json's pretty formatter with [`json`]'s extra escapes.
#[derive(Default)]
struct SafeJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for SafeJson<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Secrets the process has seen are redacted here too (a case error quoting the
        // token is data, but not data to print).
        let fragment = &*testany_client::secret::redact(fragment);
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if testany_core::sanitize::is_unsafe_char(c) {
                writer.write_all(fragment.get(start..i).unwrap_or("").as_bytes())?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(fragment.get(start..).unwrap_or("").as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `error: <sentence>` on stderr (red "error" on a terminal); the sentence may quote the
/// service, so it is sanitised like everything else.
pub fn print_error(message: &str) {
    let mut err = stderr();
    let _ = writeln!(err, "{}: {message}", paint(RED_BOLD, "error"));
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(colour: bool, pieces: &[&[u8]]) -> String {
        let mut buf = Vec::new();
        {
            let mut w = Safe::new(&mut buf, colour);
            for p in pieces {
                w.write_all(p).unwrap();
            }
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn safe_writer_sanitises_lines_written_in_pieces() {
        // A sequence, a CRLF and a UTF-8 character split across writes.
        let pieces: &[&[u8]] = &[
            b"\x1b[31mred\x1b[0m \x1b]52;c;",
            b"eA==\x07ok\r",
            b"\nbare\rcr \xe2\x80",
            b"\xae end\x9b",
        ];
        assert_eq!(
            safe(true, pieces),
            "\x1b[31mred\x1b[0m ok\nbare\u{240d}cr <U+202E> end\u{fffd}"
        );
        assert_eq!(
            safe(false, pieces),
            "red ok\nbare\u{240d}cr <U+202E> end\u{fffd}"
        );
        assert_eq!(safe(false, &[b"\xc2\x9b2J\n"]), "<U+009B>2J\n");
    }

    #[test]
    fn safe_writer_passes_complete_lines_on_at_once() {
        let mut buf = Vec::new();
        let mut w = Safe::new(&mut buf, false);
        w.write_all(b"Running \x1b]0;t\x07...\nwaiting").unwrap();
        assert_eq!(w.inner.as_slice(), b"Running ...\n");
        drop(w);
        assert_eq!(buf, b"Running ...\nwaiting");
    }

    #[test]
    fn safe_writer_holds_at_most_one_long_line_piece() {
        let long = vec![b'x'; MAX_PENDING * 3];
        let mut buf = Vec::new();
        let mut w = Safe::new(&mut buf, false);
        w.write_all(&long).unwrap();
        assert!(w.line.len() <= MAX_PENDING, "{}", w.line.len());
        w.flush().unwrap();
        drop(w);
        assert_eq!(buf.len(), long.len());
    }

    #[test]
    fn json_escapes_what_a_terminal_would_act_on() {
        let v = serde_json::json!({"name": "a\u{1b}]0;t\u{7}\u{9b}\u{202e}\u{7f}é"});
        let text = String::from_utf8(json_bytes(&v).unwrap()).unwrap();
        assert_eq!(
            text,
            "{\n  \"name\": \"a\\u001b]0;t\\u0007\\u009b\\u202e\\u007fé\"\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn secrets_the_process_has_seen_are_redacted_from_text_and_json() {
        let _token = testany_client::Secret::new("tok-OUT-RS-3f9a1c7e");
        let line: &[u8] = b"auth failed for Bearer tok-OUT-RS-3f9a1c7e \x1b]0;t\x07ok\n";
        assert_eq!(
            safe(false, &[line]),
            "auth failed for Bearer [redacted] ok\n"
        );
        let v = serde_json::json!({"error": "Bearer tok-OUT-RS-3f9a1c7e\u{9b}"});
        let text = String::from_utf8(json_bytes(&v).unwrap()).unwrap();
        assert_eq!(text, "{\n  \"error\": \"Bearer [redacted]\\u009b\"\n}\n");
        assert_eq!(
            clean("x tok-OUT-RS-3f9a1c7e\u{202e}"),
            "x [redacted]<U+202E>"
        );
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1usize, "case", "cases"), "1 case");
        assert_eq!(plural(0u32, "run", "runs"), "0 runs");
        assert_eq!(plural(2u64, "line", "lines"), "2 lines");
    }

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
