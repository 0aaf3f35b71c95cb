//! A byte cursor with line counting, shared by the scanners. Structural characters are
//! ASCII, so stepping over bytes is safe for UTF-8 text: a slice taken between two ASCII
//! positions always lies on character boundaries. Reads past the end give 0.

#[derive(Debug, Clone)]
pub(crate) struct Cursor<'a> {
    pub(crate) text: &'a str,
    bytes: &'a [u8],
    pub(crate) pos: usize,
    /// 0-based line of `pos`; lines end at `\n`, `\r\n` or a lone `\r` (as in LSP).
    pub(crate) line: u32,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 0,
        }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn peek(&self) -> u8 {
        self.peek_at(0)
    }

    pub(crate) fn peek_at(&self, k: usize) -> u8 {
        self.bytes
            .get(self.pos.saturating_add(k))
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn starts_with(&self, s: &str) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|b| b.starts_with(s.as_bytes()))
    }

    /// Steps over one byte, counting lines.
    pub(crate) fn bump(&mut self) {
        let Some(&b) = self.bytes.get(self.pos) else {
            return;
        };
        self.pos += 1;
        if b == b'\n' || (b == b'\r' && self.peek() != b'\n') {
            self.line = self.line.saturating_add(1);
        }
    }

    pub(crate) fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    /// Skips to the line break (not over it).
    pub(crate) fn skip_to_line_end(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or(&[]);
        let n = memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
        self.pos += n;
    }

    /// Skips spaces and tabs (not line breaks).
    pub(crate) fn skip_blanks(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\x0c') {
            self.pos += 1;
        }
    }

    /// Skips all whitespace, line breaks included.
    pub(crate) fn skip_ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\x0c' | b'\n' | b'\r') {
            self.bump();
        }
    }

    /// Skips a block comment whose opener was consumed; `nested` for Kotlin's nesting
    /// comments. Ends at the end of the text when unclosed.
    pub(crate) fn skip_block_comment(&mut self, nested: bool) {
        let mut depth = 1usize;
        while !self.at_end() {
            if self.starts_with("*/") {
                self.bump_n(2);
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else if nested && self.starts_with("/*") {
                self.bump_n(2);
                depth += 1;
            } else {
                self.bump();
            }
        }
    }

    /// The identifier at `pos` (ASCII letters, digits, `_`, `$` when `dollar`, and any
    /// non-ASCII character), consumed; empty when there is none.
    pub(crate) fn ident(&mut self, dollar: bool) -> &'a str {
        let start = self.pos;
        while is_ident_byte(self.peek(), dollar) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or("")
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }
}

pub(crate) fn is_ident_byte(b: u8, dollar: bool) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 || (dollar && b == b'$')
}

/// Reads a quoted literal whose opening `quote` is at `pos`, consumed with it, with
/// backslash escapes decoded as C-like languages write them (`\n`, `\t`, `\uXXXX`,
/// `\u{X}`, `\xHH`, `\\`, `\'`...). Stops at an unescaped `quote`, or (when
/// `single_line`) at a line break, which leaves the literal unterminated: `None`.
/// `stop_at` ends the literal early as unusable (`${` in a template): `None`, with the
/// cursor just after `stop_at`'s first byte's position, i.e. on `stop_at`.
pub(crate) fn read_quoted(
    c: &mut Cursor<'_>,
    quote: u8,
    single_line: bool,
    stop_at: Option<&str>,
) -> Option<String> {
    c.bump();
    let mut out = String::new();
    let mut run = c.pos;
    loop {
        let b = c.peek();
        if c.at_end() || (single_line && matches!(b, b'\n' | b'\r')) {
            return None;
        }
        if let Some(s) = stop_at
            && c.starts_with(s)
        {
            out.push_str(c.slice(run, c.pos));
            return None;
        }
        if b == quote {
            out.push_str(c.slice(run, c.pos));
            c.bump();
            return Some(out);
        }
        if b == b'\\' {
            out.push_str(c.slice(run, c.pos));
            c.bump();
            unescape_one(c, &mut out);
            run = c.pos;
            continue;
        }
        c.bump();
    }
}

/// Decodes the escape whose backslash was consumed.
fn unescape_one(c: &mut Cursor<'_>, out: &mut String) {
    let b = c.peek();
    match b {
        b'n' => out.push('\n'),
        b't' => out.push('\t'),
        b'r' => out.push('\r'),
        b'0' => out.push('\0'),
        b'b' => out.push('\u{8}'),
        b'f' => out.push('\u{c}'),
        b'v' => out.push('\u{b}'),
        b'u' => {
            c.bump();
            let code = if c.peek() == b'{' {
                c.bump();
                let start = c.pos;
                while c.peek().is_ascii_hexdigit() && c.pos - start < 8 {
                    c.bump();
                }
                let v = u32::from_str_radix(c.slice(start, c.pos), 16).ok();
                if c.peek() == b'}' {
                    c.bump();
                }
                v
            } else {
                hex(c, 4)
            };
            // A UTF-16 surrogate pair written as two escapes (`\ud83d\ude00`) is one
            // character; a lone surrogate cannot be a char: U+FFFD.
            let code = match code {
                Some(hi @ 0xD800..=0xDBFF) if c.starts_with("\\u") => {
                    let mut probe = c.clone();
                    probe.bump_n(2);
                    match hex(&mut probe, 4) {
                        Some(lo @ 0xDC00..=0xDFFF) => {
                            *c = probe;
                            Some(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        }
                        _ => Some(hi),
                    }
                }
                other => other,
            };
            out.push(code.and_then(char::from_u32).unwrap_or('\u{fffd}'));
            return;
        }
        b'x' => {
            c.bump();
            out.push(hex(c, 2).and_then(char::from_u32).unwrap_or('\u{fffd}'));
            return;
        }
        b'\r' | b'\n' => {
            // A line continuation inside the literal.
            if c.starts_with("\r\n") {
                c.bump();
            }
            c.bump();
            return;
        }
        0 if c.at_end() => return,
        _ => {
            // The escaped character itself (`\'`, `\\`, `\$`, a non-ASCII character).
            let ch = c
                .text
                .get(c.pos..)
                .and_then(|s| s.chars().next())
                .unwrap_or('\u{fffd}');
            out.push(ch);
            c.bump_n(ch.len_utf8());
            return;
        }
    }
    c.bump();
}

/// Up to `n` hex digits at `pos`, consumed.
fn hex(c: &mut Cursor<'_>, n: usize) -> Option<u32> {
    let start = c.pos;
    while c.peek().is_ascii_hexdigit() && c.pos - start < n {
        c.bump();
    }
    if c.pos - start < n {
        return None;
    }
    u32::from_str_radix(c.slice(start, c.pos), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(src: &str, q: u8, single: bool, stop: Option<&str>) -> (Option<String>, usize, u32) {
        let mut c = Cursor::new(src);
        let s = read_quoted(&mut c, q, single, stop);
        (s, c.pos, c.line)
    }

    #[test]
    fn quoted_literals_are_unescaped() {
        assert_eq!(
            quoted(
                r#"'it\'s \"ok\" \u00e9\u{1F600}\x41\\' rest"#,
                b'\'',
                true,
                None
            ),
            (Some("it's \"ok\" é😀A\\".into()), 36, 0)
        );
        assert_eq!(quoted("'open\nx'", b'\'', true, None), (None, 5, 0));
        assert_eq!(
            quoted("`a\nb`", b'`', false, Some("${")),
            (Some("a\nb".into()), 5, 1)
        );
        assert_eq!(quoted("`a ${x}`", b'`', false, Some("${")), (None, 3, 0));
        assert_eq!(quoted("'\\", b'\'', true, None), (None, 2, 0));
        assert_eq!(
            quoted("'\\u12'", b'\'', true, None),
            (Some("\u{fffd}".into()), 6, 0)
        );
        assert_eq!(
            quoted(r#""\ud83d\ude00 \ud83d x""#, b'"', true, None),
            (Some("😀 \u{fffd} x".into()), 23, 0)
        );
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let mut c = Cursor::new("a\r\nb\rc\nd");
        while !c.at_end() {
            c.bump();
        }
        assert_eq!(c.line, 3);
    }
}
