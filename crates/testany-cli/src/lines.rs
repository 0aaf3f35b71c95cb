//! Line-by-line reading in bounded memory: a log of any size (or one enormous line)
//! never sits in memory whole.

use std::io::{self, BufRead};

/// Lines longer than this are cut (the rest of the line is skipped, not buffered).
pub const MAX_LINE: usize = 64 * 1024;

/// Calls `each(line, raw)` for every line of `reader`: `line` is the text without its
/// line break (lossy UTF-8, cut at [`MAX_LINE`] bytes), `raw` the bytes as read
/// including the break (cut the same way; byte-exact copies use `io::copy`). Stops
/// early when `each` returns `false`.
pub fn for_each_line(
    reader: &mut impl BufRead,
    mut each: impl FnMut(&str, &[u8]) -> io::Result<bool>,
) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut raw_overflow = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if !buf.is_empty() || raw_overflow {
                let text = text_of(&buf);
                each(&text, &buf)?;
            }
            return Ok(());
        }
        let (chunk, found_break) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let used = chunk.len();
        let room = MAX_LINE + 1 - buf.len().min(MAX_LINE + 1);
        if chunk.len() <= room {
            buf.extend_from_slice(chunk);
        } else {
            buf.extend_from_slice(&chunk[..room]);
            raw_overflow = true;
        }
        reader.consume(used);
        if found_break {
            let text = text_of(&buf);
            let keep_going = each(&text, &buf)?;
            buf.clear();
            raw_overflow = false;
            if !keep_going {
                return Ok(());
            }
        }
    }
}

fn text_of(buf: &[u8]) -> std::borrow::Cow<'_, str> {
    let mut end = buf.len();
    if buf.last() == Some(&b'\n') {
        end -= 1;
        if end > 0 && buf.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
    }
    let body = buf.get(..end.min(MAX_LINE)).unwrap_or(buf);
    String::from_utf8_lossy(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        for_each_line(&mut io::BufReader::with_capacity(7, input), |l, _| {
            out.push(l.to_owned());
            Ok(true)
        })
        .unwrap();
        out
    }

    #[test]
    fn splits_lines_across_buffer_boundaries() {
        let cases: [(&[u8], &[&str]); 5] = [
            (b"", &[]),
            (b"a\nbb\r\nccc", &["a", "bb", "ccc"]),
            (
                b"one line that is longer than the buffer\n",
                &["one line that is longer than the buffer"],
            ),
            (b"\n\n", &["", ""]),
            (b"caf\xc3\xa9 \xff\n", &["caf\u{e9} \u{fffd}"]),
        ];
        for (input, expected) in cases {
            assert_eq!(collect(input), expected, "{input:?}");
        }
    }

    #[test]
    fn long_lines_are_cut_not_buffered() {
        let mut input = vec![b'x'; MAX_LINE * 3];
        input.extend_from_slice(b"\nnext\n");
        let lines = collect(&input);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), MAX_LINE);
        assert_eq!(lines[1], "next");
    }
}
