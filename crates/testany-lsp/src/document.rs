//! Open documents: text kept in sync with incremental edits, markers rescanned on change.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::CodeLens;

use testany_core::drift::{Composed, LineMap, TextEdit};
use testany_core::markers::{self, Encoding, LineIndex, Marker, Position, Range};

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
    /// The file's path when the URI is a `file:` URI.
    pub path: Option<PathBuf>,
    pub markers: Vec<Marker>,
    /// Key of the project (config) the document belongs to.
    pub project: Option<PathBuf>,
    /// Lenses computed for this version at a data generation (see `State::touch`).
    pub lenses: Option<(u64, Arc<Vec<CodeLens>>)>,
    /// didOpen is still finding the project (an async step): lens requests wait for it.
    pub resolving: bool,
    /// A lens request was answered before the project was known: ask the client to
    /// re-request lenses once it is.
    pub lens_early: bool,
    /// Edits since this document's failure locations were first planned (line drift).
    pub drift: Drift,
}

/// A failure location as first planned in a document: (execution, case key, 1-based
/// line as the run reported it).
pub type LocationKey = (String, String, u32);

/// Line drift of one open document: failure lines come from the code that ran, the user
/// keeps editing. Each location is mapped through the edits made since it was first
/// planned for this document (`testany_core::drift`), so a failure stays on its
/// statement when lines are inserted or removed above it. Only line effects are kept
/// (an edit's new text is reduced to its line breaks), edits no location needs are
/// dropped, and every [`MAX_EDITS`] edits the locations are moved to their current
/// lines and the edits forgotten, so a long session stays small and planning cheap.
/// The edits since a starting edit are composed once ([`Composed`]) and shared by every
/// location starting there, so a plan of n locations after m edits costs n binary
/// searches, not n × m steps (issue 15's lenses while typing).
#[derive(Debug, Clone, Default)]
pub struct Drift {
    /// Edits in order; `edits[0]` is edit number `dropped`.
    edits: Vec<TextEdit>,
    dropped: usize,
    since: HashMap<LocationKey, Since>,
    /// (starting edit number, the edits since it composed), at most [`MAX_COMPOSED`];
    /// extended by the edits made since, dropped when the edits are folded or forgotten.
    composed: Vec<(usize, Composed)>,
}

/// Starting edits whose composition is kept (locations are mostly planned together, so
/// a few starting edits serve them all; others map edit by edit).
const MAX_COMPOSED: usize = 8;

/// Edits kept before they are folded into the locations' lines.
pub const MAX_EDITS: usize = 512;

/// Where a location stood at edit number `edit` (`None`: its line was deleted).
#[derive(Debug, Clone, Copy)]
struct Since {
    edit: usize,
    line: Option<u32>,
}

impl Drift {
    /// Whether any location needs edits recorded.
    pub fn is_active(&self) -> bool {
        !self.since.is_empty()
    }

    /// Records one edit (nothing while no location needs it).
    pub fn record(&mut self, range: Range, new_text: &str) {
        if !self.is_active() {
            return;
        }
        let breaks = new_text.matches('\n').count() + new_text.matches('\r').count()
            - new_text.matches("\r\n").count();
        self.edits.push(TextEdit {
            range,
            new_text: "\n".repeat(breaks),
        });
        if self.edits.len() >= MAX_EDITS {
            self.fold();
        }
    }

    /// The current 0-based line of location `key` (`line0` as the run reported it);
    /// `None` when its line was deleted. A location seen for the first time is taken
    /// to match the text as it is now.
    pub fn line(&mut self, key: &LocationKey, line0: u32) -> Option<u32> {
        let now = self.dropped + self.edits.len();
        let since = *self.since.entry(key.clone()).or_insert(Since {
            edit: now,
            line: Some(line0),
        });
        self.map_composed(since)
    }

    /// As [`Drift::map`], through the kept composition of the edits since `since.edit`
    /// (made or extended here).
    fn map_composed(&mut self, since: Since) -> Option<u32> {
        let line = since.line?;
        let Some(first) = since.edit.checked_sub(self.dropped) else {
            return self.map(since);
        };
        let Some(pending) = self.edits.get(first..).filter(|e| !e.is_empty()) else {
            return Some(line);
        };
        let at = match self
            .composed
            .iter()
            .position(|(from, _)| *from == since.edit)
        {
            Some(at) => at,
            None if self.composed.len() < MAX_COMPOSED => {
                self.composed.push((since.edit, Composed::default()));
                self.composed.len() - 1
            }
            None => return self.map(since),
        };
        let Some((_, composed)) = self.composed.get_mut(at) else {
            return self.map(since);
        };
        for e in pending.get(composed.len()..).unwrap_or(&[]) {
            composed.push(e);
        }
        composed.map_line(line)
    }

    /// The current 0-based line of a location already planned here; `None` when it
    /// was not (or its line was deleted).
    pub fn current(&self, key: &LocationKey) -> Option<u32> {
        self.map(*self.since.get(key)?)
    }

    fn map(&self, since: Since) -> Option<u32> {
        let edits = self
            .edits
            .get(since.edit.saturating_sub(self.dropped)..)
            .unwrap_or(&[]);
        LineMap::new(edits).map_line(since.line?)
    }

    /// Moves every location to its current line and forgets the edits.
    fn fold(&mut self) {
        let now = self.dropped + self.edits.len();
        let since: Vec<(LocationKey, Since)> = self.since.drain().collect();
        for (k, s) in since {
            let line = self.map_composed(s);
            self.since.insert(k, Since { edit: now, line });
        }
        self.edits.clear();
        self.composed.clear();
        self.dropped = now;
    }

    /// Forgets locations no longer shown, then the edits no location needs.
    pub fn retain(&mut self, live: impl Fn(&LocationKey) -> bool) {
        self.since.retain(|k, _| live(k));
        let first = self.since.values().map(|s| s.edit).min();
        let keep_from = first.unwrap_or(self.dropped + self.edits.len());
        let drop = keep_from.saturating_sub(self.dropped).min(self.edits.len());
        self.edits.drain(..drop);
        self.dropped += drop;
        let since = &self.since;
        self.composed
            .retain(|(from, _)| since.values().any(|s| s.edit == *from));
    }
}

/// The line effect of replacing all of `old` with `new`: lines in common at the start
/// and the end are kept, the rest is one replacement (clients without incremental sync
/// send whole texts; one edit region per change is the common case).
fn whole_text_edit(old: &str, new: &str) -> (Range, String) {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let line = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let range = Range::new(
        Position::new(line(prefix), 0),
        Position::new(line(a.len() - suffix), 0),
    );
    (range, "\n".repeat(b.len() - suffix - prefix))
}

/// One content change, in the negotiated encoding (`range: None` replaces everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

impl Document {
    pub fn new(text: String, version: i32, path: Option<PathBuf>) -> Self {
        let markers = markers::scan(&text);
        Document {
            text,
            version,
            path,
            markers,
            project: None,
            lenses: None,
            resolving: false,
            lens_early: false,
            drift: Drift::default(),
        }
    }

    /// Applies the changes in order, then rescans markers. Positions outside the text
    /// clamp to its end, so a confused client cannot make the server panic.
    pub fn apply(&mut self, changes: &[Change], version: i32, encoding: Encoding) {
        for change in changes {
            if self.drift.is_active() {
                match change.range {
                    Some((start, end)) => self.drift.record(Range::new(start, end), &change.text),
                    None => {
                        let (range, text) = whole_text_edit(&self.text, &change.text);
                        self.drift.record(range, &text);
                    }
                }
            }
            apply_one(&mut self.text, change, encoding);
        }
        self.version = version;
        self.markers = markers::scan(&self.text);
        self.lenses = None;
    }
}

/// Applies one change to `text`.
pub fn apply_one(text: &mut String, change: &Change, encoding: Encoding) {
    let Some((start, end)) = change.range else {
        text.clone_from(&change.text);
        return;
    };
    let index = LineIndex::new(text);
    let offset = |p: Position| index.offset(text, p, encoding).unwrap_or(text.len());
    let (a, b) = (offset(start), offset(end));
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    if text.is_char_boundary(a) && text.is_char_boundary(b) {
        text.replace_range(a..b, &change.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(l0: u32, c0: u32, l1: u32, c1: u32, t: &str) -> Change {
        Change {
            range: Some((Position::new(l0, c0), Position::new(l1, c1))),
            text: t.to_owned(),
        }
    }

    #[test]
    fn incremental_edits_land_in_each_encoding() {
        // (start text, change, encoding, expected)
        let cases: &[(&str, Change, Encoding, &str)] = &[
            ("ab\ncd\n", ch(1, 1, 1, 2, "X"), Encoding::Utf16, "ab\ncX\n"),
            (
                "ab\r\ncd",
                ch(1, 0, 1, 0, "# "),
                Encoding::Utf16,
                "ab\r\n# cd",
            ),
            // 😀 is 2 UTF-16 units, 4 UTF-8 bytes; 漢 is 1 unit, 3 bytes.
            ("😀漢x", ch(0, 3, 0, 4, "y"), Encoding::Utf16, "😀漢y"),
            ("😀漢x", ch(0, 7, 0, 8, "y"), Encoding::Utf8, "😀漢y"),
            ("a\nb", ch(0, 1, 1, 0, ""), Encoding::Utf16, "ab"),
            // Past the end clamps instead of panicking.
            ("a", ch(5, 0, 9, 9, "z"), Encoding::Utf16, "az"),
            ("abc", ch(0, 2, 0, 1, ""), Encoding::Utf16, "ac"),
        ];
        for (start, change, enc, want) in cases {
            let mut text = (*start).to_owned();
            apply_one(&mut text, change, *enc);
            assert_eq!(&text, want, "{start:?} {change:?}");
        }
    }

    #[test]
    fn full_replace_and_marker_rescan() {
        let mut d = Document::new("x\n".into(), 1, None);
        assert!(d.markers.is_empty());
        d.apply(
            &[Change {
                range: None,
                text: "# testany: A1B2C3D4\n".into(),
            }],
            2,
            Encoding::Utf16,
        );
        assert_eq!((d.version, d.markers.len()), (2, 1));
        assert_eq!(d.markers[0].case_key, "A1B2C3D4");
    }

    #[test]
    fn whole_text_replacements_become_one_line_edit() {
        // (old, new, replaced lines start..end, new line breaks)
        let cases = [
            ("a\nb\nc\n", "x\ny\na\nb\nc\n", (0, 0), 2),
            ("a\nb\nc\n", "a\nc\n", (1, 2), 0),
            ("a\nb\nc\n", "a\nB\nc\n", (1, 2), 1),
            ("a\nb", "a\nbc", (1, 2), 1),
            ("same\n", "same\n", (1, 1), 0),
            ("", "x\n", (0, 0), 1),
        ];
        for (old, new, (l0, l1), breaks) in cases {
            let (range, text) = whole_text_edit(old, new);
            assert_eq!(
                (range.start, range.end, text.len()),
                (Position::new(l0, 0), Position::new(l1, 0), breaks),
                "{old:?} -> {new:?}"
            );
        }
    }

    #[test]
    fn drift_maps_each_location_from_when_it_was_first_seen() {
        let key = |line: u32| ("E-1".to_owned(), "K".to_owned(), line);
        let at = |l: u32| Range::new(Position::new(l, 0), Position::new(l, 0));
        let mut drift = Drift::default();
        // Nothing is recorded before a location needs it.
        drift.record(at(0), "x\n");
        assert!(!drift.is_active());
        assert_eq!(drift.line(&key(10), 9), Some(9));
        drift.record(at(0), "a\r\nb\rc\n");
        // A location first seen now starts from the edited text.
        assert_eq!(drift.line(&key(3), 2), Some(2));
        drift.record(at(0), "y\n");
        assert_eq!(
            (drift.line(&key(10), 9), drift.line(&key(3), 2)),
            (Some(13), Some(3))
        );
        // Only edits since the oldest live location are kept.
        drift.retain(|k| k.2 == 3);
        assert_eq!((drift.edits.len(), drift.dropped), (1, 1));
        assert_eq!(drift.line(&key(3), 2), Some(3));
        drift.retain(|_| false);
        assert_eq!((drift.edits.len(), drift.is_active()), (0, false));
    }

    #[test]
    fn locations_share_one_composition_per_starting_edit() {
        let key = |n: u32| ("E-1".to_owned(), "K".to_owned(), n);
        let at = |l: u32| Range::new(Position::new(l, 0), Position::new(l, 0));
        let mut drift = Drift::default();
        // 500 locations at lines 0, 3, 6, ... planned before any edit; 12 rounds of a
        // line inserted at line 3j and line 1 deleted, a location at line 1 first seen
        // after each (more starting edits than are composed).
        for i in 0..500 {
            assert_eq!(drift.line(&key(i), 3 * i), Some(3 * i));
        }
        for j in 0..12u32 {
            drift.record(at(3 * j), "x\n");
            drift.record(Range::new(Position::new(1, 0), Position::new(2, 0)), "");
            assert_eq!(drift.line(&key(1000 + j), 1), Some(1));
        }
        // Each location is where the per-edit mapping puts it.
        for i in 0..500 {
            let want = LineMap::new(&drift.edits).map_line(3 * i);
            assert_eq!(drift.line(&key(i), 3 * i), want, "location {i}");
        }
        assert_eq!(
            (
                drift.line(&key(0), 0),
                drift.line(&key(5), 15),
                drift.line(&key(20), 60)
            ),
            (None, Some(9), Some(60))
        );
        // One more edit extends the composition.
        drift.record(at(0), "x\n");
        assert_eq!(
            (drift.line(&key(5), 15), drift.line(&key(20), 60)),
            (Some(10), Some(61))
        );
        for j in 0..12u32 {
            let from = 2 * usize::try_from(j).unwrap() + 2;
            let want = LineMap::new(&drift.edits[from..]).map_line(1);
            assert_eq!(drift.line(&key(1000 + j), 1), want, "late location {j}");
        }
        assert_eq!(drift.composed.len(), MAX_COMPOSED);
        assert_eq!(drift.composed[0].1.len(), 25, "one composition for the 500");
        // Forgetting locations forgets their compositions.
        drift.retain(|k| k.2 >= 1008);
        let from: Vec<usize> = drift.composed.iter().map(|(f, _)| *f).collect();
        assert!(from.is_empty(), "{from:?}");
        assert_eq!(drift.line(&key(1011), 1), Some(2));
    }

    #[test]
    fn many_edits_are_folded_into_the_locations_lines() {
        let key = |line: u32| ("E-1".to_owned(), "K".to_owned(), line);
        let at = |l: u32| Range::new(Position::new(l, 0), Position::new(l, 0));
        let mut drift = Drift::default();
        assert_eq!(drift.line(&key(1000), 999), Some(999));
        assert_eq!(drift.line(&key(6), 5), Some(5));
        // One line inserted at the top, MAX_EDITS + 3 times; line 5 is deleted once.
        for i in 0..MAX_EDITS + 3 {
            drift.record(at(0), "x\n");
            if i == 10 {
                drift.record(Range::new(Position::new(16, 0), Position::new(17, 0)), "");
            }
        }
        let n = u32::try_from(MAX_EDITS).unwrap() + 3;
        assert_eq!(drift.edits.len(), 4, "folded once");
        assert_eq!(
            (drift.line(&key(1000), 999), drift.line(&key(6), 5)),
            (Some(999 + n - 1), None)
        );
    }
}
