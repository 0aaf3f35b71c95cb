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

/// Edits composed into one function of old lines, so mapping many locations through
/// the same edits costs a binary search each instead of a pass over every edit (a plan
/// maps hundreds of locations through up to hundreds of edits). Built incrementally:
/// [`Composed::push`] adds an edit in time proportional to the segments, which stay few
/// because edits at the same place (typing) merge back into the same segments. Gives
/// exactly [`LineMap::map_line`]'s results, the clamp at `u32::MAX` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Sorted by `from`, the first from line 0: segment `i` covers old lines
    /// `segs[i].from..segs[i + 1].from` (the last up to `u32::MAX`).
    segs: Vec<Seg>,
    edits: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seg {
    from: u32,
    to: Target,
}

/// Where a segment's old lines are now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `line + d` (stays within `0..=u32::MAX` by construction).
    Shift(i64),
    /// One line for all (lines pushed past `u32::MAX` clamp there, as `map_one` does).
    Fixed(u32),
    /// Deleted.
    Dropped,
}

/// One past the last line.
const END: i64 = 1 << 32;

impl Default for Composed {
    fn default() -> Self {
        Composed {
            segs: vec![Seg {
                from: 0,
                to: Target::Shift(0),
            }],
            edits: 0,
        }
    }
}

impl Composed {
    /// From edits in the order they were applied (as [`LineMap::new`]).
    pub fn new(edits: &[TextEdit]) -> Self {
        let mut c = Self::default();
        for e in edits {
            c.push(e);
        }
        c
    }

    /// Edits composed so far.
    pub fn len(&self) -> usize {
        self.edits
    }

    /// Whether no edit was composed.
    pub fn is_empty(&self) -> bool {
        self.edits == 0
    }

    /// Composes one more edit after the others.
    pub fn push(&mut self, edit: &TextEdit) {
        let mut one = LineMap::default();
        one.push(edit);
        let Some(e) = one.edits.first() else {
            return;
        };
        // The edit as pieces of the lines before it: `[lo, hi)` and what becomes of them.
        let p1 = i64::from(e.start_line) + i64::from(!e.start_at_line_start);
        let q = p1.max(i64::from(e.end_line));
        let s = i64::from(e.start_line) + i64::from(e.new_lines) - i64::from(e.end_line);
        let clamp = (i64::from(u32::MAX) + 1 - s).clamp(q, END);
        let pieces = [
            (0, p1, Target::Shift(0)),
            (p1, q, Target::Dropped),
            (q, clamp, Target::Shift(s)),
            (clamp, END, Target::Fixed(u32::MAX)),
        ];
        let mut out: Vec<Seg> = Vec::with_capacity(self.segs.len() + 3);
        let mut add = |from: i64, to: Target| {
            if out.last().is_some_and(|l| l.to == to) {
                return;
            }
            let from = u32::try_from(from).unwrap_or(u32::MAX);
            out.push(Seg { from, to });
        };
        for (i, seg) in self.segs.iter().enumerate() {
            let lo = i64::from(seg.from);
            let hi = self.segs.get(i + 1).map_or(END, |n| i64::from(n.from));
            match seg.to {
                Target::Dropped => add(lo, Target::Dropped),
                Target::Fixed(c) => add(lo, map_one(e, c).map_or(Target::Dropped, Target::Fixed)),
                Target::Shift(d) => {
                    for &(plo, phi, t) in &pieces {
                        let (a, b) = ((lo + d).max(plo), (hi + d).min(phi));
                        if a >= b {
                            continue;
                        }
                        let t = match t {
                            Target::Shift(x) => Target::Shift(d + x),
                            other => other,
                        };
                        add(a - d, t);
                    }
                }
            }
        }
        self.segs = out;
        self.edits += 1;
    }

    /// The current line of old line `line`, or `None` if its text was deleted.
    pub fn map_line(&self, line: u32) -> Option<u32> {
        let i = self
            .segs
            .partition_point(|s| s.from <= line)
            .saturating_sub(1);
        match self.segs.get(i)?.to {
            Target::Shift(d) => u32::try_from(i64::from(line) + d).ok(),
            Target::Fixed(c) => Some(c),
            Target::Dropped => None,
        }
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
    use proptest::prelude::*;

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

    /// A line near 0 (where edits are) or near `u32::MAX` (where shifts clamp).
    fn line() -> impl Strategy<Value = u32> {
        prop_oneof![4 => 0u32..24, 1 => (u32::MAX - 6)..=u32::MAX]
    }

    fn any_edit() -> impl Strategy<Value = TextEdit> {
        let text = prop::collection::vec(
            prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("x")],
            0..5,
        )
        .prop_map(|parts| parts.concat());
        (line(), 0u32..3, line(), 0u32..3, text)
            .prop_map(|(sl, sc, el, ec, t)| edit(sl, sc, el, ec, &t))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The composed map is the per-edit map (`LineMap`, the original algorithm) for
        /// every line, whether built at once or edit by edit.
        #[test]
        fn composed_equals_per_edit_mapping(
            edits in prop::collection::vec(any_edit(), 0..12),
            lines in prop::collection::vec(line(), 1..16),
        ) {
            let oracle = LineMap::new(&edits);
            let composed = Composed::new(&edits);
            let mut stepwise = Composed::default();
            for e in &edits {
                stepwise.push(e);
            }
            prop_assert_eq!(&stepwise, &composed);
            prop_assert_eq!(composed.len(), edits.len());
            for l in lines.into_iter().chain([0, 1, u32::MAX]) {
                prop_assert_eq!(composed.map_line(l), oracle.map_line(l), "line {}", l);
            }
        }
    }

    #[test]
    fn composed_examples() {
        // Two lines inserted at the top, then line 4 (old line 2) deleted.
        let c = Composed::new(&[edit(0, 0, 0, 0, "a\nb\n"), edit(4, 0, 5, 0, "")]);
        let got: Vec<Option<u32>> = (0..5).map(|l| c.map_line(l)).collect();
        assert_eq!(got, [Some(2), Some(3), None, Some(4), Some(5)]);
        // Pushed past the last line: clamped, as `LineMap` does.
        let c = Composed::new(&[edit(0, 0, 0, 0, "\n\n")]);
        assert_eq!(
            (c.map_line(u32::MAX - 2), c.map_line(u32::MAX - 1)),
            (Some(u32::MAX), Some(u32::MAX))
        );
        // Typing within a line changes nothing: one segment stays.
        let c = Composed::new(&[edit(3, 2, 3, 2, "x"), edit(3, 3, 3, 3, "y")]);
        assert_eq!((c.segs.len(), c.map_line(9)), (1, Some(9)));
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
