//! Open documents: text kept in sync with incremental edits, markers rescanned on change.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::CodeLens;

use testany_core::markers::{self, Encoding, LineIndex, Marker, Position};

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
        }
    }

    /// Applies the changes in order, then rescans markers. Positions outside the text
    /// clamp to its end, so a confused client cannot make the server panic.
    pub fn apply(&mut self, changes: &[Change], version: i32, encoding: Encoding) {
        for change in changes {
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
}
