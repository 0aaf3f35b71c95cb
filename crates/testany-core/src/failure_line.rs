//! "Is this log line a failure?": the one rule behind the log viewers' failure marks and
//! `]f`/`[f` navigation, the CLI's `▶` marks and the "first line that reads like an error"
//! fallback (issue 16: five copies had five answers).
//!
//! The rule is the Neovim plugin's pattern list (the richest: pytest, Go, Jest, Mocha,
//! Playwright, JUnit, Rust, Python) with the others' extra cases folded in, all matched
//! case-sensitively on the text without escape sequences:
//! - the uppercase words `FAIL`, `FAILED`, `ERROR` anywhere as whole words (Go
//!   `--- FAIL`, Jest ` FAIL  src/x.test.ts`, pytest `test_x FAILED`, Maven `[ERROR]`);
//! - a class name ending the line or followed by `:` (`AssertionError: ...`,
//!   `a.py:3: AssertionError`, `java.net.ConnectException: refused`), Java's
//!   `Exception in thread`, and `error:`/`error[` (gcc, cargo, rustc `error[E0308]`);
//! - `Failure:`, `panicked at`, and at a line's start `E ` (pytest detail), `✘`, `N) `
//!   (Mocha/Playwright numbered failures), `Traceback `, `panic: ` (Go).
//!
//! The language server's old rule (any case of `error`, `fail`, `panic`, `exception`
//! anywhere) is not kept: it marked `0 errors`, `--fail-fast`, `=== FAILURES ===` and
//! `1 failed, 2 passed` summaries, so navigation stopped on lines that hold no failure.
//! The cases live in `tests/fixtures/failure_lines.txt`, which the Neovim and VS Code
//! test suites read too, so their copies answer the same until they are removed.

/// Does this log line (escape sequences allowed) read as a failure?
pub fn is_failure_line(line: &str) -> bool {
    if crate::ansi::has_escapes(line) {
        is_failure_text(&crate::ansi::strip(line))
    } else {
        is_failure_text(line)
    }
}

/// [`is_failure_line`] for text already without escape sequences.
pub fn is_failure_text(text: &str) -> bool {
    let trimmed = text.trim_start();
    let end = text.trim_end();
    let starts = ["✘", "Traceback ", "panic: "];
    text.starts_with("E ")
        || text.starts_with("E\t")
        || starts.iter().any(|s| trimmed.starts_with(s))
        || numbered(trimmed)
        || ["FAIL", "FAILED", "ERROR"]
            .iter()
            .any(|w| has_word(text, w))
        || end.ends_with("Error")
        || end.ends_with("Exception")
        || [
            "Error:",
            "Exception:",
            "Exception in ",
            "error:",
            "error[",
            "Failure:",
            "panicked at",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// `1) `, `12) `: a numbered failure heading (Mocha, Playwright).
fn numbered(trimmed: &str) -> bool {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && trimmed[digits..].starts_with(") ")
}

/// `word` in `text` with no letter, digit or `_` right before or after it.
fn has_word(text: &str, word: &str) -> bool {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = text.as_bytes();
    text.match_indices(word).any(|(at, _)| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        let after = bytes.get(at + word.len());
        !before.is_some_and(|&b| is_word(b)) && !after.is_some_and(|&b| is_word(b))
    })
}
