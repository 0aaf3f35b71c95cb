//! Whatever the service sends, the sanitiser never panics and nothing that can act on a
//! terminal or hide text gets through; SGR passes only when colour is on, well formed.

use proptest::prelude::*;
use testany_core::sanitize::{for_display, for_terminal, is_unsafe_char};

/// Pieces that reach the parser's interesting states, mixed with arbitrary characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<char>().prop_map(String::from),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('?').to_string()),
        (0x80u32..0xa0).prop_map(|c| char::from_u32(c).unwrap_or('?').to_string()),
        prop::sample::select(vec![
            "\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x1b\\", "\x07", "\r",
            "\n", "\r\n", "\t", "m", ";", ":", "1", "38;5;", "2J", "52;c;", "8;;", "\u{202e}",
            "\u{2066}", "\u{200f}", "\u{061c}", "\u{f8ff}", "\u{7f}", "\u{9b}", "\u{9d}", "\u{9c}",
            "[", "?", ">", "\u{2028}", "✓", "©",
        ])
        .prop_map(String::from),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// Every ESC in `out` starts `ESC [ [0-9;:]* m`; returns `out` with those removed.
fn without_sgr(out: &str) -> Result<String, TestCaseError> {
    let mut rest = out;
    let mut kept = String::new();
    while let Some(at) = rest.find('\x1b') {
        kept.push_str(&rest[..at]);
        let seq = &rest[at..];
        prop_assert!(seq.starts_with("\x1b["), "ESC not starting SGR in {out:?}");
        let body = &seq[2..];
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .unwrap_or(body.len());
        prop_assert_eq!(
            body[end..].chars().next(),
            Some('m'),
            "bad SGR in {:?}",
            out
        );
        rest = &body[end + 1..];
    }
    kept.push_str(rest);
    Ok(kept)
}

fn assert_inert(out: &str) -> Result<(), TestCaseError> {
    for c in out.chars() {
        prop_assert!(
            !is_unsafe_char(c) && c != '\x1b' && c != '\r',
            "{c:?} left in {out:?}"
        );
        prop_assert!(
            !(('\u{80}'..='\u{9f}').contains(&c) || (c < ' ' && c != '\n' && c != '\t')),
            "control {c:?} left in {out:?}"
        );
        prop_assert!(
            !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'),
            "bidi {c:?} left in {out:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn plain_output_is_inert(text in hostile()) {
        let out = for_terminal(&text, false);
        assert_inert(&out)?;
        prop_assert_eq!(for_display(&text), out.clone());
        // Sanitising twice changes nothing: visible forms are printable text.
        prop_assert_eq!(for_terminal(&out, false), out.clone());
        // As many lines out as in: no sequence swallows a line break.
        prop_assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    }

    #[test]
    fn colour_output_is_inert_but_for_sgr(text in hostile()) {
        let out = for_terminal(&text, true);
        let rest = without_sgr(&out)?;
        assert_inert(&rest)?;
        // Colour off is colour on without its SGR.
        prop_assert_eq!(rest, for_terminal(&text, false).into_owned());
        prop_assert_eq!(for_terminal(&out, true), out.clone());
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        assert_inert(&for_display(&text))?;
        without_sgr(&for_terminal(&text, true))?;
    }
}
