//! Splitting logs into lines, once for every host (issue 16: the CLI, the language server
//! and core each had a splitter, with different CR rules and only one with a length cap).
//!
//! One line-break rule: `\n` ends a line and one `\r` right before it (or at the end of
//! the text) belongs to the break; any other `\r` is text, so editors can show it. A
//! trailing break does not start an empty last line.
//!
//! [`LineSplitter`] is the bounded form for streams (a 64 MiB log, or one enormous line,
//! never sits in memory whole): it is fed byte chunks, so core stays free of I/O and each
//! host reads in its own way; a line is cut at [`MAX_LINE`] bytes and the rest of it is
//! skipped, not buffered. [`split`] is the form for text already in memory.

/// Lines longer than this many bytes are cut by [`LineSplitter`].
pub const MAX_LINE: usize = 64 * 1024;

/// The lines of `text` by the module's break rule, uncut.
pub fn split(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = r.get(i + 1..);
                let line = r.get(..i).unwrap_or("");
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => {
                rest = None;
                if r.is_empty() {
                    None
                } else {
                    Some(r.strip_suffix('\r').unwrap_or(r))
                }
            }
        }
    })
}

/// Streaming, bounded line splitter: [`push`](Self::push) chunks as they are read, then
/// [`finish`](Self::finish). Each line is passed as `(text, raw)`: `text` without its
/// break, lossy UTF-8, cut at [`MAX_LINE`] bytes; `raw` the bytes as read including the
/// break, cut at `MAX_LINE + 1` bytes.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
    /// The current line was longer than the buffer keeps.
    overflow: bool,
    /// `each` asked to stop.
    stopped: bool,
}

impl LineSplitter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Splits `chunk` (it may end mid-line and mid-character); `each` returns `false` to
    /// stop, then this and later calls return `Ok(false)` without calling it again.
    pub fn push<E>(
        &mut self,
        mut chunk: &[u8],
        mut each: impl FnMut(&str, &[u8]) -> Result<bool, E>,
    ) -> Result<bool, E> {
        while !self.stopped && !chunk.is_empty() {
            let (part, found_break) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (&chunk[..=i], true),
                None => (chunk, false),
            };
            chunk = &chunk[part.len()..];
            let room = (MAX_LINE + 1).saturating_sub(self.buf.len());
            if part.len() <= room {
                self.buf.extend_from_slice(part);
            } else {
                self.buf.extend_from_slice(&part[..room]);
                self.overflow = true;
            }
            if found_break {
                self.emit(&mut each)?;
            }
        }
        Ok(!self.stopped)
    }

    /// The end of the stream: the last line counts even without a break.
    pub fn finish<E>(
        &mut self,
        mut each: impl FnMut(&str, &[u8]) -> Result<bool, E>,
    ) -> Result<bool, E> {
        if !self.stopped && (!self.buf.is_empty() || self.overflow) {
            self.emit(&mut each)?;
        }
        Ok(!self.stopped)
    }

    fn emit<E>(&mut self, each: &mut impl FnMut(&str, &[u8]) -> Result<bool, E>) -> Result<(), E> {
        let mut end = self.buf.len();
        if self.buf.last() == Some(&b'\n') {
            end -= 1;
        }
        // A `\r` that the cut left at the end is text, not half of a CRLF break.
        if end > 0 && self.buf.get(end - 1) == Some(&b'\r') && end <= MAX_LINE {
            end -= 1;
        }
        let body = self.buf.get(..end.min(MAX_LINE)).unwrap_or_default();
        let text = String::from_utf8_lossy(body);
        let go_on = each(&text, &self.buf)?;
        self.buf.clear();
        self.overflow = false;
        self.stopped = !go_on;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(input: &[u8], chunk: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = LineSplitter::new();
        let mut each = |l: &str, _: &[u8]| -> Result<bool, ()> {
            out.push(l.to_owned());
            Ok(true)
        };
        for c in input.chunks(chunk.max(1)) {
            s.push(c, &mut each).unwrap();
        }
        s.finish(&mut each).unwrap();
        out
    }

    #[test]
    fn one_break_rule_in_memory_and_streamed() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("a", &["a"]),
            ("a\n", &["a"]),
            ("a\nbb\r\nccc", &["a", "bb", "ccc"]),
            ("\n\n", &["", ""]),
            // One CR belongs to the break, also at the end; any other CR is text.
            ("a\r\r\nb\r", &["a\r", "b"]),
            ("progress 10%\r100%\n", &["progress 10%\r100%"]),
            ("caf\u{e9}\n", &["caf\u{e9}"]),
        ];
        for (text, want) in cases {
            assert_eq!(split(text).collect::<Vec<_>>(), *want, "{text:?}");
            for chunk in [1, 2, 7, 4096] {
                assert_eq!(
                    streamed(text.as_bytes(), chunk),
                    *want,
                    "{text:?} by {chunk}"
                );
            }
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_even_when_split_across_chunks() {
        assert_eq!(streamed(b"caf\xc3\xa9 \xff\n", 4), ["caf\u{e9} \u{fffd}"]);
    }

    #[test]
    fn long_lines_are_cut_not_buffered() {
        let mut input = vec![b'x'; MAX_LINE * 3];
        input.extend_from_slice(b"\r\nnext\n");
        let mut lines = Vec::new();
        let mut s = LineSplitter::new();
        let mut each = |l: &str, raw: &[u8]| -> Result<bool, ()> {
            lines.push((l.len(), raw.len()));
            Ok(true)
        };
        for c in input.chunks(10_000) {
            s.push(c, &mut each).unwrap();
        }
        s.finish(&mut each).unwrap();
        assert_eq!(lines, [(MAX_LINE, MAX_LINE + 1), (4, 5)]);
    }

    #[test]
    fn stops_when_asked() {
        let mut seen = Vec::new();
        let mut s = LineSplitter::new();
        let mut each = |l: &str, _: &[u8]| -> Result<bool, ()> {
            seen.push(l.to_owned());
            Ok(l != "b")
        };
        assert_eq!(s.push(b"a\nb\nc\n", &mut each), Ok(false));
        assert_eq!(s.push(b"d\n", &mut each), Ok(false));
        assert_eq!(s.finish(&mut each), Ok(false));
        assert_eq!(seen, ["a", "b"]);
    }
}
