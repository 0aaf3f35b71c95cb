//! Line drift: failure locations come from the code that ran, but the user keeps
//! editing. Given the edits made since (LSP `didChange` content changes, in order), map
//! an old line to the line holding the same statement now, so a failure stays on its
//! statement as lines are inserted or removed above it.
//!
//! Rule: a line is identified by its start. For each edit (applied in order, each range
//! in the document as the previous edits left it):
//! - a line starting before the edit's start is unchanged;
//! - a line starting at or after the edit's end moves by the edit's change in line
//!   count (an insertion at the very start of a line pushes that line down);
//! - a line whose start was replaced but whose end survives (the edit ends inside that
//!   line) lands where its tail now is;
//! - a line whose whole text and line break were replaced is **dropped** (`None`), not
//!   clamped: pointing at an unrelated neighbour would be worse than showing nothing.
//!
//! Only line numbers and whether a column is 0 matter, so the result is the same in
//! UTF-8 and UTF-16 units.

use serde::{Deserialize, Serialize};

use crate::markers::Range;

/// One replacement: `range` (in the document before this edit) becomes `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextEdit {
    pub range: Range,
    pub new_text: String,
}

/// The line effect of one edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct LineEdit {
    start_line: u32,
    start_at_line_start: bool,
    end_line: u32,
    end_at_line_start: bool,
    new_lines: u32,
}

/// Edits since some version of a document, reduced to their effect on lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineMap {
    edits: Vec<LineEdit>,
}

impl LineMap {
    /// From edits in the order they were applied. A range whose end lies before its
    /// start is read with its ends swapped.
    pub fn new(edits: &[TextEdit]) -> Self {
        let mut map = Self::default();
        for e in edits {
            map.push(e);
        }
        map
    }

    /// Record one more edit (e.g. as `didChange` notifications arrive).
    pub fn push(&mut self, edit: &TextEdit) {
        let (s, e) = if edit.range.end < edit.range.start {
            (edit.range.end, edit.range.start)
        } else {
            (edit.range.start, edit.range.end)
        };
        self.edits.push(LineEdit {
            start_line: s.line,
            start_at_line_start: s.character == 0,
            end_line: e.line,
            end_at_line_start: e.character == 0,
            new_lines: count_line_breaks(&edit.new_text),
        });
    }

    /// Whether no edit was recorded.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The current line of old line `line`, or `None` if its text was deleted.
    pub fn map_line(&self, line: u32) -> Option<u32> {
        let mut l = line;
        for e in &self.edits {
            l = map_one(e, l)?;
        }
        Some(l)
    }

    /// `range` with both ends' lines mapped (columns kept); `None` if either was deleted.
    pub fn map_range(&self, range: Range) -> Option<Range> {
        let mut r = range;
        r.start.line = self.map_line(range.start.line)?;
        r.end.line = self.map_line(range.end.line)?;
        Some(r)
    }
}

fn map_one(e: &LineEdit, l: u32) -> Option<u32> {
    // Where the line's start, (l, 0), lies relative to the edit.
    let before_start = l < e.start_line || (l == e.start_line && !e.start_at_line_start);
    if before_start {
        return Some(l);
    }
    let at_or_after_end = l > e.end_line || (l == e.end_line && e.end_at_line_start);
    if at_or_after_end {
        let shifted =
            u64::from(l) - u64::from(e.end_line) + u64::from(e.start_line) + u64::from(e.new_lines);
        return Some(u32::try_from(shifted).unwrap_or(u32::MAX));
    }
    if l == e.end_line {
        // The line's start was replaced, its tail survives after the new text.
        let shifted = u64::from(e.start_line) + u64::from(e.new_lines);
        return Some(u32::try_from(shifted).unwrap_or(u32::MAX));
    }
    None
}

/// Line breaks as LSP counts them: `\r\n`, `\n` and a lone `\r` are one each.
fn count_line_breaks(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut n = 0u32;
    let mut i = 0;
    while let Some(rel) = memchr::memchr2(b'\n', b'\r', b.get(i..).unwrap_or(&[])) {
        let pos = i + rel;
        n = n.saturating_add(1);
        i = if b.get(pos) == Some(&b'\r') && b.get(pos + 1) == Some(&b'\n') {
            pos + 2
        } else {
            pos + 1
        };
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markers::Position;

    fn edit(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextEdit {
        TextEdit {
            range: Range::new(Position::new(sl, sc), Position::new(el, ec)),
            new_text: text.to_owned(),
        }
    }

    #[test]
    fn table() {
        // (edits, old line, new line)
        let cases: Vec<(Vec<TextEdit>, u32, Option<u32>)> = vec![
            (vec![], 7, Some(7)),
            // Two lines inserted above.
            (vec![edit(2, 0, 2, 0, "a\nb\n")], 7, Some(9)),
            // Insertion at the start of the line itself pushes it down.
            (vec![edit(7, 0, 7, 0, "x\n")], 7, Some(8)),
            // Insertion in the middle of the line keeps the line.
            (vec![edit(7, 4, 7, 4, "x\ny\n")], 7, Some(7)),
            // Insertion below does nothing.
            (vec![edit(9, 0, 9, 0, "x\n")], 7, Some(7)),
            // Whole line 5 deleted: line 7 moves up, line 5 is dropped.
            (vec![edit(5, 0, 6, 0, "")], 7, Some(6)),
            (vec![edit(5, 0, 6, 0, "")], 5, None),
            // Lines 3..=5 replaced by one line.
            (vec![edit(3, 0, 6, 0, "one\n")], 7, Some(5)),
            (vec![edit(3, 0, 6, 0, "one\n")], 4, None),
            // Joining line 7 onto line 6 (deleting the break): its text is on line 6.
            (vec![edit(6, 10, 7, 0, "")], 7, Some(6)),
            // Replacing the start of line 7 only: the line survives.
            (vec![edit(7, 0, 7, 3, "let")], 7, Some(7)),
            // A range ending inside line 7 from line 5: line 7's tail lands on line 5.
            (vec![edit(5, 2, 7, 3, "")], 7, Some(5)),
            (vec![edit(5, 2, 7, 3, "")], 6, None),
            // CRLF and lone CR count as one break each.
            (vec![edit(0, 0, 0, 0, "a\r\nb\rc\n")], 7, Some(10)),
            // Sequential edits compose.
            (
                vec![edit(0, 0, 0, 0, "x\n"), edit(0, 0, 1, 0, "")],
                7,
                Some(7),
            ),
            (
                vec![
                    edit(0, 0, 0, 0, "x\n"),
                    edit(9, 0, 9, 0, "y\n"),
                    edit(1, 0, 1, 0, "z\n"),
                ],
                7,
                Some(9),
            ),
            // Reversed range.
            (vec![edit(6, 0, 5, 0, "")], 7, Some(6)),
        ];
        for (i, (edits, old, want)) in cases.iter().enumerate() {
            assert_eq!(LineMap::new(edits).map_line(*old), *want, "case {i}");
        }
    }

    #[test]
    fn map_range_keeps_columns() {
        let map = LineMap::new(&[edit(0, 0, 0, 0, "\n\n")]);
        assert_eq!(
            map.map_range(Range::on_line(3, 4, 9)),
            Some(Range::on_line(5, 4, 9))
        );
        let map = LineMap::new(&[edit(3, 0, 4, 0, "")]);
        assert_eq!(map.map_range(Range::on_line(3, 4, 9)), None);
    }
}
