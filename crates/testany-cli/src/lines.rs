//! Line-by-line reading in bounded memory: a log of any size (or one enormous line)
//! never sits in memory whole.

use std::io::{self, BufRead};

use testany_core::lines::LineSplitter;
pub use testany_core::lines::MAX_LINE;

/// Calls `each(line, raw)` for every line of `reader` by core's line rule
/// (`testany_core::lines`): `line` is the text without its line break (lossy UTF-8, cut
/// at [`MAX_LINE`] bytes), `raw` the bytes as read including the break (cut the same
/// way; byte-exact copies use `io::copy`). Stops early when `each` returns `false`.
pub fn for_each_line(
    reader: &mut impl BufRead,
    mut each: impl FnMut(&str, &[u8]) -> io::Result<bool>,
) -> io::Result<()> {
    let mut splitter = LineSplitter::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            splitter.finish(&mut each)?;
            return Ok(());
        }
        let used = available.len();
        let go_on = splitter.push(available, &mut each)?;
        reader.consume(used);
        if !go_on {
            return Ok(());
        }
    }
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
