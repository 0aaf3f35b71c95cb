//! The failure-line rule against its shared table (`fixtures/failure_lines.txt`, which the
//! Neovim and VS Code suites read too) and against lines with escape sequences.

use testany_core::failure_line::{is_failure_line, is_failure_text};

const TABLE: &str = include_str!("fixtures/failure_lines.txt");

/// `(expected, line)` of every case of the table.
fn cases() -> Vec<(bool, &'static str)> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.split_once('|') {
            Some(("true", line)) => (true, line),
            Some(("false", line)) => (false, line),
            _ => panic!("fixture line is not `true|...` or `false|...`: {l:?}"),
        })
        .collect()
}

#[test]
fn the_shared_table() {
    let cases = cases();
    assert_eq!(cases.len(), 44);
    let wrong: Vec<_> = cases
        .iter()
        .filter(|(expected, line)| is_failure_text(line) != *expected)
        .collect();
    assert_eq!(wrong, Vec::<&(bool, &str)>::new());
    for (expected, line) in cases {
        assert_eq!(is_failure_line(line), expected, "{line:?}");
    }
}

#[test]
fn escape_sequences_are_ignored() {
    let cases = [
        ("\x1b[31mFAILED\x1b[0m tests/test_cart.py::test_x", true),
        ("\x1b[31mE   AssertionError: assert 1 == 2\x1b[0m", true),
        (
            "\x1b[7m\x1b[1m\x1b[31m FAIL \x1b[39m\x1b[22m\x1b[27m src/cart.test.ts",
            true,
        ),
        // The escape's own letters are no word: `ESC [ ... m` before `ERROR` hides nothing.
        ("\x1b[1mERROR\x1b[0m: Job failed", true),
        ("\x1b[32mPASSED\x1b[0m", false),
        ("\x1b]0;FAIL\x07ok", false),
    ];
    for (line, expected) in cases {
        assert_eq!(is_failure_line(line), expected, "{line:?}");
    }
}
