//! ANSI escapes in logs: SGR (colours, bold, ...) become styled spans for renderers,
//! every other escape sequence and control character is dropped.
//!
//! Parsing is done by `vte` (the parser of Alacritty), never by hand. Lines without an
//! escape byte take a fast path that does not run the parser at all, which is what keeps
//! log analysis near memory speed. Logs are line-oriented, so the parser restarts at each
//! line: a sequence cut by a line break is dropped up to the break (SGR *state* does carry
//! across lines in [`Styler`], as on a terminal).

use serde::{Deserialize, Serialize};

/// A colour as SGR can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Color {
    /// One of the 16 basic colours: 0-7 normal (black, red, green, yellow, blue,
    /// magenta, cyan, white), 8-15 bright.
    Basic { index: u8 },
    /// The 256-colour palette (`38;5;n`).
    Indexed { index: u8 },
    /// 24-bit colour (`38;2;r;g;b`).
    Rgb { r: u8, g: u8, b: u8 },
}

/// The SGR state that applies to a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Style {
    pub fg: Option<Color>,
    pub bg: Option<Color>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub inverse: bool,
}

/// Text with one style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyledSpan {
    pub text: String,
    pub style: Style,
}

/// `text` with every escape sequence and every control character except `\t`, `\n` and
/// `\r` removed.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    strip_into(text, &mut out);
    out
}

/// [`strip`] appending to `out` (reuse one buffer across lines).
pub fn strip_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(dirty) = first_dirty(rest.as_bytes()) {
        let bytes = rest.as_bytes();
        // Clean text up to the dirty byte (an ASCII byte or a UTF-8 lead byte: a char
        // boundary) is copied; the parser runs from there to the end of that line.
        let line_end = memchr::memchr(b'\n', bytes.get(dirty..).unwrap_or(&[]))
            .map_or(bytes.len(), |p| dirty + p + 1);
        out.push_str(rest.get(..dirty).unwrap_or(""));
        let mut parser = vte::Parser::new();
        let mut sink = StripSink { out };
        parser.advance(&mut sink, bytes.get(dirty..line_end).unwrap_or(&[]));
        rest = rest.get(line_end..).unwrap_or("");
    }
    out.push_str(rest);
}

/// Whether `text` holds anything [`strip`] would remove. Cheap: no parser.
pub fn has_escapes(text: &str) -> bool {
    first_dirty(text.as_bytes()).is_some()
}

/// Bytes that can start something to remove: ESC, C0 controls other than tab/LF/CR,
/// DEL, and 0xC2 (the lead byte of C1 controls in UTF-8; also of harmless characters
/// such as `©`, which merely take the slow path).
pub(crate) fn is_dirty(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0x7f || b == 0xc2
}

/// A superset of [`is_dirty`] (tab, LF and CR too) that costs half as much per byte:
/// blocks are checked with it first and only a block it flags with [`is_dirty`].
pub(crate) fn maybe_dirty(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2
}

/// Whether any byte of `block` satisfies `f`, without branching per byte (vectorised).
fn any_byte(block: &[u8], f: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(false, |acc, &b| acc | f(b))
}

/// Whether a 32-byte block holds a dirty byte: the cheap superset first, so that clean
/// text (most of a log) pays only for it.
fn dirty_block(block: &[u8]) -> bool {
    any_byte(block, maybe_dirty) && any_byte(block, is_dirty)
}

/// Position of the first dirty byte. Checks 32-byte blocks without branching first so
/// the compiler can vectorise the common all-clean case; the last block overlaps the one
/// before rather than leaving up to 31 bytes to a byte loop (a log line's tail cost more
/// than its blocks).
pub(crate) fn first_dirty(bytes: &[u8]) -> Option<usize> {
    // On wasm (no vector compares) the byte loop alone: the same answer in less code.
    if cfg!(target_family = "wasm") {
        return bytes.iter().position(|&b| is_dirty(b));
    }
    let mut chunks = bytes.chunks_exact(32);
    let mut base = 0;
    for chunk in &mut chunks {
        if dirty_block(chunk) {
            return chunk.iter().position(|&b| is_dirty(b)).map(|p| base + p);
        }
        base += 32;
    }
    let rest = chunks.remainder();
    if !rest.is_empty()
        && let Some(last) = bytes.get(bytes.len().saturating_sub(32)..)
        && last.len() == 32
        && !dirty_block(last)
    {
        return None;
    }
    rest.iter().position(|&b| is_dirty(b)).map(|p| base + p)
}

struct StripSink<'a> {
    out: &'a mut String,
}

impl vte::Perform for StripSink<'_> {
    fn print(&mut self, c: char) {
        if c != '\u{7f}' {
            self.out.push(c);
        }
    }

    fn execute(&mut self, byte: u8) {
        if matches!(byte, b'\t' | b'\n' | b'\r') {
            self.out.push(byte as char);
        }
    }
}

/// `text` (one or many lines) as styled spans, starting from the default style.
pub fn spans(text: &str) -> Vec<StyledSpan> {
    let mut styler = Styler::new();
    styler.line(text)
}

/// Streaming styler: feed lines in order; SGR state carries from one line to the next as
/// it does on a terminal, so a colour opened on one line and closed later still applies.
#[derive(Debug, Default, Clone)]
pub struct Styler {
    style: Style,
}

impl Styler {
    pub fn new() -> Self {
        Self::default()
    }

    /// The style in force after everything fed so far.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Style one line (or any chunk of text); adjacent text of equal style is merged and
    /// empty spans are never produced.
    pub fn line(&mut self, text: &str) -> Vec<StyledSpan> {
        if first_dirty(text.as_bytes()).is_none() {
            if text.is_empty() {
                return Vec::new();
            }
            return vec![StyledSpan {
                text: text.to_owned(),
                style: self.style,
            }];
        }
        let mut sink = SpanSink {
            spans: Vec::new(),
            current: String::new(),
            style: self.style,
            current_style: self.style,
        };
        // As in `strip`: the parser restarts at each line, clean lines skip it.
        for segment in text.split_inclusive('\n') {
            if first_dirty(segment.as_bytes()).is_none() {
                sink.push_str(segment);
            } else {
                vte::Parser::new().advance(&mut sink, segment.as_bytes());
            }
        }
        sink.flush();
        self.style = sink.style;
        sink.spans
    }

    /// Strip one line, appending to `out`, and keep the SGR state for later lines.
    pub fn strip_line(&mut self, text: &str, out: &mut String) {
        for span in self.line(text) {
            out.push_str(&span.text);
        }
    }
}

struct SpanSink {
    spans: Vec<StyledSpan>,
    current: String,
    /// Style set by the latest SGR.
    style: Style,
    /// Style of `current`.
    current_style: Style,
}

impl SpanSink {
    fn push_str(&mut self, text: &str) {
        if self.style != self.current_style {
            self.flush();
            self.current_style = self.style;
        }
        self.current.push_str(text);
    }

    fn push_char(&mut self, c: char) {
        if self.style != self.current_style {
            self.flush();
            self.current_style = self.style;
        }
        self.current.push(c);
    }

    fn flush(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.current);
        match self.spans.last_mut() {
            Some(last) if last.style == self.current_style => last.text.push_str(&text),
            _ => self.spans.push(StyledSpan {
                text,
                style: self.current_style,
            }),
        }
    }
}

impl vte::Perform for SpanSink {
    fn print(&mut self, c: char) {
        self.push_char(c);
    }

    /// Every control reaches the span text (vte hands C0 and C1 here): the renderer
    /// shows them visibly as the sanitiser does (issue 17), not silently dropped.
    fn execute(&mut self, byte: u8) {
        self.push_char(char::from(byte));
    }

    fn csi_dispatch(
        &mut self,
        params: &vte::Params,
        intermediates: &[u8],
        ignore: bool,
        action: char,
    ) {
        if action != 'm' || !intermediates.is_empty() || ignore {
            return;
        }
        let groups: Vec<&[u16]> = params.iter().collect();
        apply_sgr(&mut self.style, &groups);
    }
}

/// Apply one SGR parameter list. Both the `38;5;n` and the `38:5:n` forms are read.
fn apply_sgr(style: &mut Style, groups: &[&[u16]]) {
    if groups.is_empty() {
        *style = Style::default();
        return;
    }
    let mut i = 0;
    while let Some(group) = groups.get(i) {
        let code = group.first().copied().unwrap_or(0);
        i += 1;
        match code {
            0 => *style = Style::default(),
            1 => style.bold = true,
            2 => style.dim = true,
            3 => style.italic = true,
            4 => style.underline = true,
            7 => style.inverse = true,
            21 => style.underline = true,
            22 => {
                style.bold = false;
                style.dim = false;
            }
            23 => style.italic = false,
            24 => style.underline = false,
            27 => style.inverse = false,
            30..=37 => {
                style.fg = Some(Color::Basic {
                    index: (code - 30) as u8,
                })
            }
            39 => style.fg = None,
            40..=47 => {
                style.bg = Some(Color::Basic {
                    index: (code - 40) as u8,
                })
            }
            49 => style.bg = None,
            90..=97 => {
                style.fg = Some(Color::Basic {
                    index: (code - 90 + 8) as u8,
                })
            }
            100..=107 => {
                style.bg = Some(Color::Basic {
                    index: (code - 100 + 8) as u8,
                })
            }
            38 | 48 | 58 => {
                let color = if group.len() > 1 {
                    // Colon form: everything is in this group.
                    extended_color(group.get(1..).unwrap_or(&[]), true)
                } else {
                    // Semicolon form: the colour spends the following groups.
                    let rest: Vec<u16> = groups
                        .get(i..)
                        .unwrap_or(&[])
                        .iter()
                        .map(|g| g.first().copied().unwrap_or(0))
                        .collect();
                    let (color, used) = extended_color_semicolon(&rest);
                    i += used;
                    color
                };
                match code {
                    38 => style.fg = color.or(style.fg),
                    48 => style.bg = color.or(style.bg),
                    _ => {} // underline colour: not rendered
                }
            }
            _ => {}
        }
    }
}

/// `5:n` or `2:[cs:]r:g:b` from a colon group.
fn extended_color(rest: &[u16], colon: bool) -> Option<Color> {
    match rest.first() {
        Some(5) => rest.get(1).map(|&n| Color::Indexed { index: clamp_u8(n) }),
        Some(2) => {
            // ITU form carries a colour-space id: 2:cs:r:g:b (5 values).
            let rgb = if colon && rest.len() >= 5 {
                rest.get(2..5)
            } else {
                rest.get(1..4)
            }?;
            match rgb {
                [r, g, b] => Some(Color::Rgb {
                    r: clamp_u8(*r),
                    g: clamp_u8(*g),
                    b: clamp_u8(*b),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `5;n` or `2;r;g;b` as separate parameters; returns the colour and how many it used.
fn extended_color_semicolon(rest: &[u16]) -> (Option<Color>, usize) {
    match rest.first() {
        Some(5) => (
            extended_color(rest.get(..2).unwrap_or(rest), false),
            rest.len().min(2),
        ),
        Some(2) => (
            extended_color(rest.get(..4).unwrap_or(rest), false),
            rest.len().min(4),
        ),
        Some(_) => (None, 1),
        None => (None, 0),
    }
}

fn clamp_u8(n: u16) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_dirty_finds_the_first_control_wherever_it_is() {
        // Lengths around the 32-byte blocks, one dirty byte (or none) at every position.
        for len in [0, 1, 31, 32, 33, 63, 64, 65, 95, 97] {
            for at in (0..len).map(Some).chain([None]) {
                for dirty in [0x1b, 0x00, 0x7f, 0xc2] {
                    let mut b = vec![b'a'; len];
                    if let Some(i) = at {
                        b[i] = dirty;
                    }
                    assert_eq!(first_dirty(&b), at, "len {len}, dirty {dirty:#x} at {at:?}");
                }
            }
        }
        // Tab, LF and CR are clean.
        assert_eq!(first_dirty(&[b'\t'; 40]), None);
        assert_eq!(first_dirty(b"\r\n"), None);
        // A block flagged by the cheap check (its tab) but clean goes on to the next.
        let mut b = [b'a'; 80];
        b[3] = b'\t';
        b[33] = b'\r';
        b[70] = 0x1b;
        assert_eq!(first_dirty(&b), Some(70));
        b[70] = b'\n';
        assert_eq!(first_dirty(&b), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The block-wise search is a plain search for the first dirty byte.
        #[test]
        fn first_dirty_is_a_plain_search(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                8 => proptest::sample::select(&b"a \t\r\n["[..]),
                1 => proptest::num::u8::ANY,
            ], 0..140)) {
            let plain = bytes.iter().position(|&b| is_dirty(b));
            proptest::prop_assert_eq!(first_dirty(&bytes), plain);
        }
    }

    use super::*;

    fn red() -> Style {
        Style {
            fg: Some(Color::Basic { index: 1 }),
            ..Style::default()
        }
    }

    #[test]
    fn strip_table() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("\x1b[31mred\x1b[0m", "red"),
            ("\x1b[1;38;5;196mbold\x1b[m tail", "bold tail"),
            ("a\x1b]0;title\x07b", "ab"),
            ("a\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
            ("progress\x1b[2K\x1b[1Gdone", "progressdone"),
            ("tab\there\r\n", "tab\there\r\n"),
            ("bell\x07 back\x08space", "bell backspace"),
            // UTF-8 terminals do not treat U+009B as CSI: the control goes, the text stays.
            ("c1 \u{9b}31mx", "c1 31mx"),
            ("© 2026 ✓ 漢字 🎉", "© 2026 ✓ 漢字 🎉"),
            ("\x1b(Bcharset", "charset"),
            ("\x1bP1$r0m\x1b\\dcs", "dcs"),
            ("cut \x1b[3", "cut "),
            ("cut \x1b[3\nnext", "cut \nnext"),
            // Fuzz find: an escape cut by a line break must not swallow the next line.
            ("\x1b\n^", "\n^"),
            ("a\x1b[31mb\nplain\nc\x1b[0md\n", "ab\nplain\ncd\n"),
        ];
        for (input, want) in cases {
            assert_eq!(strip(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn spans_table() {
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let cases: Vec<(&str, Vec<(&str, Style)>)> = vec![
            ("plain", vec![("plain", Style::default())]),
            // Controls stay in the text for the renderer to show (issue 17).
            (
                "a\x07\u{9b}\x7f\0b",
                vec![("a\x07\u{9b}\x7f\0b", Style::default())],
            ),
            (
                "\x1b[31mred\x1b[0m ok",
                vec![("red", red()), (" ok", Style::default())],
            ),
            (
                "\x1b[1mA\x1b[22mB",
                vec![("A", bold), ("B", Style::default())],
            ),
            (
                "\x1b[38;5;196mX",
                vec![(
                    "X",
                    Style {
                        fg: Some(Color::Indexed { index: 196 }),
                        ..Style::default()
                    },
                )],
            ),
            (
                "\x1b[48;2;10;20;30;4mX",
                vec![(
                    "X",
                    Style {
                        bg: Some(Color::Rgb {
                            r: 10,
                            g: 20,
                            b: 30,
                        }),
                        underline: true,
                        ..Style::default()
                    },
                )],
            ),
            (
                "\x1b[38:2::1:2:3mX",
                vec![(
                    "X",
                    Style {
                        fg: Some(Color::Rgb { r: 1, g: 2, b: 3 }),
                        ..Style::default()
                    },
                )],
            ),
            (
                "\x1b[92;41;2;3;7mX",
                vec![(
                    "X",
                    Style {
                        fg: Some(Color::Basic { index: 10 }),
                        bg: Some(Color::Basic { index: 1 }),
                        dim: true,
                        italic: true,
                        inverse: true,
                        ..Style::default()
                    },
                )],
            ),
            ("\x1b[31m\x1b[39mX", vec![("X", Style::default())]),
            ("\x1b[2Ka\x1b[31m", vec![("a", Style::default())]),
        ];
        for (input, want) in cases {
            let got = spans(input);
            let got: Vec<(&str, Style)> = got.iter().map(|s| (s.text.as_str(), s.style)).collect();
            assert_eq!(got, want, "input {input:?}");
        }
    }

    #[test]
    fn style_carries_across_lines() {
        let mut styler = Styler::new();
        assert_eq!(
            styler.line("\x1b[31mstart"),
            vec![StyledSpan {
                text: "start".into(),
                style: red()
            }]
        );
        assert_eq!(
            styler.line("middle"),
            vec![StyledSpan {
                text: "middle".into(),
                style: red()
            }]
        );
        let mut out = String::new();
        styler.strip_line("end\x1b[0m", &mut out);
        assert_eq!(out, "end");
        assert_eq!(styler.style(), Style::default());
        assert!(styler.line("").is_empty());
    }
}
