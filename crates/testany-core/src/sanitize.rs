//! Untrusted text (case logs, names, errors, pipeline and environment names from the
//! service) made safe to print on a terminal or show in an editor (issue 17).
//!
//! Escape sequences are parsed by `vte`, as in [`crate::ansi`]: OSC (clipboard writes,
//! titles, hyperlinks), CSI cursor moves and erases, DCS, SOS/PM/APC are removed. SGR
//! (colour and style) is kept on a colour terminal, re-encoded from its parsed parameters
//! so nothing but `ESC [ digits ; : m` can pass, minus conceal (8), which hides text. Control characters that would act on the
//! terminal or hide text are made visible instead of silently dropped, so a reader sees
//! that something was there: C0 controls as Control Pictures (`␛`, `␀`, `␇`, `␍`, ...),
//! DEL as `␡`, C1 controls (U+0080–U+009F, e.g. the 8-bit CSI U+009B) and invisible bidi
//! and format characters (Trojan Source: U+202A–U+202E, U+2066–U+2069, ...) as `<U+202E>`.
//! `\n` and `\t` are kept; a CRLF line end becomes `\n`.
//!
//! The parser restarts at each line, so an unterminated OSC cannot swallow the rest of a
//! log; a sequence cut by a line end is removed and marked with `␛`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` for a terminal. With `colour`, SGR sequences are kept (re-encoded); without,
/// they are removed too. Borrowed when nothing changes (the common case: no scan beyond
/// one pass over the bytes, no allocation).
pub fn for_terminal(text: &str, colour: bool) -> Cow<'_, str> {
    let Some(first) = first_special(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(text.get(..first).unwrap_or(""));
    let rest = text.get(first..).unwrap_or("");
    // The clean start of the first dirty line is already copied: it holds no ESC, so the
    // parser loses no state by starting after it.
    for segment in rest.split_inclusive('\n') {
        sanitize_line(segment, colour, &mut out);
    }
    // Colour-only text re-encodes to itself: hand back the original.
    if out == text {
        return Cow::Borrowed(text);
    }
    Cow::Owned(out)
}

/// `text` for an editor (diagnostics, hover, messages, test views): every escape
/// sequence removed, SGR included, since editors render text rather than interpret it;
/// control, bidi and format characters shown as in [`for_terminal`].
pub fn for_display(text: &str) -> Cow<'_, str> {
    for_terminal(text, false)
}

/// Whether `c` must not reach a terminal or editor as is. `\r` counts: a bare CR moves
/// the cursor back over text already printed, and a CRLF is rewritten to `\n`.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}'
        | '\u{061c}'            // Arabic letter mark
        | '\u{200e}' | '\u{200f}' // LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators: invisible line breaks
        | '\u{202a}'..='\u{202e}' // embeddings and overrides
        | '\u{2066}'..='\u{206f}' // isolates and deprecated format controls
        | '\u{fff9}'..='\u{fffb}' // interlinear annotation: hides text
    )
}

/// Bytes that can start an unsafe character: ASCII controls, DEL, and the UTF-8 lead
/// bytes of the unsafe non-ASCII ranges (0xC2: C1; 0xD8: U+061C; 0xE2: U+2000–U+2FFF;
/// 0xEF: U+F000–U+FFFF). Other characters with those lead bytes (`©`, `✓`) are checked
/// precisely and pass.
fn is_candidate(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef)
}

/// Byte position of the first unsafe character.
fn first_special(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let rest = bytes.get(from..)?;
        let at = from + first_candidate(rest)?;
        // A candidate byte is ASCII or a UTF-8 lead byte, so `at` is a char boundary.
        let c = text.get(at..).and_then(|s| s.chars().next())?;
        if is_unsafe_char(c) {
            return Some(at);
        }
        from = at + c.len_utf8();
    }
}

/// Checks 32-byte blocks without branching first so the compiler can vectorise the
/// common all-clean case (as in [`crate::ansi`]).
fn first_candidate(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(32);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |acc, &b| acc | is_candidate(b)) {
            return chunk
                .iter()
                .position(|&b| is_candidate(b))
                .map(|p| base + p);
        }
        base += 32;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| is_candidate(b))
        .map(|p| base + p)
}

/// A private-use character fed after each line: it reaches `print` only if the parser is
/// back in the ground state, which tells a complete line from a cut sequence. The same
/// character in the text is told apart by `Sink::feeding_sentinel`.
const SENTINEL: char = '\u{f8ff}';

/// One line (with or without its `\n`) appended to `out`.
fn sanitize_line(segment: &str, colour: bool, out: &mut String) {
    if first_special(segment).is_none() {
        out.push_str(segment);
        return;
    }
    let (body, newline) = match segment.strip_suffix('\n') {
        Some(body) => (body, true),
        None => (segment, false),
    };
    // A CRLF line end is written as a plain `\n`.
    let body = match body.strip_suffix('\r') {
        Some(stripped) if newline => stripped,
        _ => body,
    };
    let mut sink = Sink {
        out,
        colour,
        pending_cr: false,
        feeding_sentinel: false,
        sentinel_seen: false,
    };
    let mut parser = vte::Parser::new();
    parser.advance(&mut sink, body.as_bytes());
    let mut buf = [0u8; 4];
    sink.feeding_sentinel = true;
    parser.advance(&mut sink, SENTINEL.encode_utf8(&mut buf).as_bytes());
    sink.flush_cr();
    if !sink.sentinel_seen {
        out.push('\u{241b}');
    }
    if newline {
        out.push('\n');
    }
}

struct Sink<'a> {
    out: &'a mut String,
    colour: bool,
    /// A CR not yet written: a CR right before the line end is dropped (CRLF), any other
    /// is shown as `␍`. Within a line body every CR is bare, so this only orders output.
    pending_cr: bool,
    /// Set while the fed SENTINEL goes through the parser: only then is one ours.
    feeding_sentinel: bool,
    sentinel_seen: bool,
}

impl Sink<'_> {
    fn flush_cr(&mut self) {
        if std::mem::take(&mut self.pending_cr) {
            self.out.push('\u{240d}');
        }
    }

    fn push_visible(&mut self, c: char) {
        self.flush_cr();
        push_visible(c, self.out);
    }
}

/// `c` as printable text: itself when safe, else its Control Picture or `<U+XXXX>`.
fn push_visible(c: char, out: &mut String) {
    match c {
        '\0'..='\x1f' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\x7f' => out.push('\u{2421}'),
        c if is_unsafe_char(c) => {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
        c => out.push(c),
    }
}

impl vte::Perform for Sink<'_> {
    #[inline]
    fn print(&mut self, c: char) {
        // The common case first: printable ASCII with nothing pending (vte hands C0
        // controls to `execute`, never here; DEL does come here).
        if c.is_ascii() && c != '\x7f' && !self.pending_cr {
            self.out.push(c);
            return;
        }
        if c == SENTINEL && self.feeding_sentinel {
            self.sentinel_seen = true;
            return;
        }
        self.push_visible(c);
    }

    fn execute(&mut self, byte: u8) {
        match byte {
            b'\t' | b'\n' => {
                self.flush_cr();
                self.out.push(byte as char);
            }
            b'\r' => {
                self.flush_cr();
                self.pending_cr = true;
            }
            // C0 and, from UTF-8 text, C1 controls (vte passes U+0080–U+009F here).
            _ => self.push_visible(char::from(byte)),
        }
    }

    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        ignore: bool,
        action: char,
    ) {
        if !self.colour || action != 'm' || !intermediates.is_empty() || ignore {
            return;
        }
        self.flush_cr();
        let groups: Vec<&[u16]> = params.iter().collect();
        let mut kept: Vec<&[u16]> = Vec::with_capacity(groups.len());
        let mut i = 0;
        while let Some(group) = groups.get(i) {
            // `38;5;n` and `38;2;r;g;b` spend the following groups: an 8 there is a
            // colour, not "conceal".
            let spent = match group {
                [38 | 48 | 58] => match groups.get(i + 1) {
                    Some([5]) => 3,
                    Some([2]) => 5,
                    _ => 1,
                },
                _ => 1,
            };
            // Conceal (SGR 8) would hide the text that follows: the one code dropped.
            if *group != [8] {
                kept.extend(groups.iter().skip(i).take(spent));
            }
            i += spent;
        }
        if kept.is_empty() {
            // Not `ESC [ m`: that would be a reset.
            return;
        }
        self.out.push_str("\x1b[");
        for (i, group) in kept.iter().enumerate() {
            if i > 0 {
                self.out.push(';');
            }
            for (j, value) in group.iter().enumerate() {
                if j > 0 {
                    self.out.push(':');
                }
                let _ = write!(self.out, "{value}");
            }
        }
        self.out.push('m');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> String {
        for_terminal(text, true).into_owned()
    }

    fn plain(text: &str) -> String {
        for_terminal(text, false).into_owned()
    }

    #[test]
    fn clean_text_is_borrowed() {
        for text in [
            "plain",
            "tab\there\n",
            "© 2026 ✓ 漢字 🎉 — ‘q’ …",
            "👨\u{200d}👩",
            "",
        ] {
            assert!(
                matches!(for_terminal(text, true), Cow::Borrowed(_)),
                "{text:?}"
            );
            assert!(
                matches!(for_terminal(text, false), Cow::Borrowed(_)),
                "{text:?}"
            );
            assert!(matches!(for_display(text), Cow::Borrowed(_)), "{text:?}");
        }
        // SGR alone re-encodes to itself on a colour terminal.
        let coloured = "\x1b[31mred\x1b[0m \x1b[1;38;5;196mx\x1b[0m\n";
        assert!(matches!(for_terminal(coloured, true), Cow::Borrowed(_)));
    }

    #[test]
    fn sgr_kept_with_colour_removed_without() {
        let cases: &[(&str, &str, &str)] = &[
            ("\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m", "red"),
            ("\x1b[mreset", "\x1b[0mreset", "reset"),
            ("\x1b[38:2::1:2:3mX", "\x1b[38:2:0:1:2:3mX", "X"),
            ("\x1b[1;4;38;2;10;20;30mX", "\x1b[1;4;38;2;10;20;30mX", "X"),
            // Private SGR-like sequences (XTMODKEYS) are not SGR.
            ("\x1b[>4;1mX", "X", "X"),
            // Conceal would hide what follows; an 8 inside a colour is a colour.
            ("\x1b[8mhidden\x1b[0m", "hidden\x1b[0m", "hidden"),
            (
                "\x1b[1;8;38;5;8;48;2;8;8;8mX",
                "\x1b[1;38;5;8;48;2;8;8;8mX",
                "X",
            ),
            ("\x1b[38;5mX\x1b[8;4m", "\x1b[38;5mX\x1b[4m", "X"),
        ];
        for (input, coloured, stripped) in cases {
            assert_eq!(term(input), *coloured, "colour {input:?}");
            assert_eq!(plain(input), *stripped, "plain {input:?}");
            assert_eq!(for_display(input), *stripped, "display {input:?}");
        }
    }

    #[test]
    fn escape_sequences_removed() {
        let cases: &[(&str, &str)] = &[
            // OSC 52 clipboard write, BEL- and ST-terminated.
            ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),
            ("a\x1b]52;c;cm0gLXJmIH4=\x1b\\b", "ab"),
            // OSC 0 / 2 window titles.
            ("\x1b]0;pwned\x07ok", "ok"),
            ("\x1b]2;pwned\x1b\\ok", "ok"),
            // OSC 8 hyperlinks: the link text stays, the target goes.
            (
                "\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\",
                "click",
            ),
            ("\x1b]8;;javascript:alert(1)\x07x\x1b]8;;\x07", "x"),
            // CSI cursor moves, erase line / screen, scroll region, private modes.
            ("fake\x1b[2K\x1b[1Greal", "fakereal"),
            ("\x1b[2J\x1b[Hclear", "clear"),
            ("\x1b[10A\x1b[3;5Hup", "up"),
            ("\x1b[?1049hx\x1b[?25l", "x"),
            ("\x1b[1;24rs", "s"),
            // DCS, APC, PM, SOS.
            ("\x1bP1$r0m\x1b\\dcs", "dcs"),
            ("\x1bPq#0;2;0;0;0#0~~\x1b\\six", "six"),
            ("\x1b_Gf=24;AAAA\x1b\\apc", "apc"),
            ("\x1b^privacy\x1b\\pm", "pm"),
            ("\x1bXsos\x1b\\x", "x"),
            // Plain ESC sequences: charset, save cursor, full reset, keypad.
            ("\x1b(Bcs\x1b7\x1b8\x1bc\x1b=", "cs"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
            assert_eq!(plain(input), *want, "plain {input:?}");
        }
    }

    #[test]
    fn c0_controls_visible() {
        let cases: &[(&str, &str)] = &[
            ("nul\0x", "nul␀x"),
            ("bell\x07", "bell␇"),
            ("back\x08\x08xx", "back␈␈xx"),
            ("vt\x0bff\x0c", "vt␋ff␌"),
            ("del\x7f", "del␡"),
            ("can\x18sub\x1a", "can␘sub␚"),
            ("tab\tline\n", "tab\tline\n"),
            // A bare CR would overwrite what came before it.
            ("PASSED\rFAILED", "PASSED␍FAILED"),
            ("end\r", "end␍"),
            ("a\r\r\nb", "a␍\nb"),
            // CRLF line ends become LF.
            ("one\r\ntwo\r\n", "one\ntwo\n"),
            ("x\x07\r\ny\r\n", "x␇\ny\n"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
            assert_eq!(plain(input), *want, "plain {input:?}");
        }
    }

    #[test]
    fn cut_sequences_marked_and_do_not_swallow_lines() {
        let cases: &[(&str, &str)] = &[
            ("cut \x1b", "cut ␛"),
            ("cut \x1b[3", "cut ␛"),
            ("title \x1b]0;never ends\nnext", "title ␛\nnext"),
            ("\x1b\n^", "␛\n^"),
            ("\x1bP dcs\nafter\n", "␛\nafter\n"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
            assert_eq!(plain(input), *want, "plain {input:?}");
        }
    }

    #[test]
    fn c1_controls_visible() {
        let cases: &[(&str, &str)] = &[
            // 8-bit CSI and OSC: UTF-8 terminals may still act on them.
            ("a\u{9b}2Jb", "a<U+009B>2Jb"),
            ("\u{9d}52;c;eA==\u{9c}x", "<U+009D>52;c;eA==<U+009C>x"),
            (
                "\u{80}\u{85}\u{90}\u{9f}",
                "<U+0080><U+0085><U+0090><U+009F>",
            ),
            // Neighbours are text.
            ("\u{a0}©", "\u{a0}©"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
            assert_eq!(for_display(input), *want, "display {input:?}");
        }
    }

    #[test]
    fn bidi_and_format_controls_visible() {
        let cases: &[(&str, &str)] = &[
            ("access\u{202e}nimda", "access<U+202E>nimda"),
            (
                "\u{202a}\u{202b}\u{202c}\u{202d}",
                "<U+202A><U+202B><U+202C><U+202D>",
            ),
            (
                "\u{2066}a\u{2067}b\u{2068}c\u{2069}",
                "<U+2066>a<U+2067>b<U+2068>c<U+2069>",
            ),
            ("\u{200e}\u{200f}\u{061c}", "<U+200E><U+200F><U+061C>"),
            ("line\u{2028}sep", "line<U+2028>sep"),
            ("\u{fff9}hidden\u{fffb}", "<U+FFF9>hidden<U+FFFB>"),
            // Arabic text and emoji joiners are not touched.
            ("مرحبا 👩\u{200d}💻", "مرحبا 👩\u{200d}💻"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
            assert_eq!(for_display(input), *want, "display {input:?}");
        }
    }

    #[test]
    fn mixed_hostile_line() {
        let input = "ok \x1b[32mPASS\x1b[0m\x1b]52;c;ZWNobyBwd25lZA==\x07\r\x1b[2K\u{202e}\0\n";
        assert_eq!(term(input), "ok \x1b[32mPASS\x1b[0m␍<U+202E>␀\n");
        assert_eq!(plain(input), "ok PASS␍<U+202E>␀\n");
    }

    #[test]
    fn sentinel_character_in_text_survives() {
        let cases: &[(&str, &str)] = &[
            ("\u{f8ff}\x07", "\u{f8ff}␇"),
            ("\x07\u{f8ff}", "␇\u{f8ff}"),
            ("\x07\u{f8ff}\u{f8ff}a", "␇\u{f8ff}\u{f8ff}a"),
            ("\x07\u{f8ff}\x1b[2Kx", "␇\u{f8ff}x"),
            ("\x07\u{f8ff}\r", "␇\u{f8ff}␍"),
            // A SENTINEL in the text before a sequence cut by the line end.
            ("\x07\u{f8ff}\x1b]x", "␇\u{f8ff}␛"),
            ("\u{f8ff}\x1b]52;c;aGk=", "\u{f8ff}␛"),
        ];
        for (input, want) in cases {
            assert_eq!(term(input), *want, "colour {input:?}");
        }
    }

    #[test]
    fn clean_lines_around_a_dirty_one_are_copied() {
        assert_eq!(
            plain("first ✓\nsecond \x1b[31mred\nthird\n"),
            "first ✓\nsecond red\nthird\n"
        );
    }
}
