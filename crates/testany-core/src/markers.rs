//! Case markers (design.md section 4): `testany: KEY` anywhere on a line, in any
//! language's comment syntax, plus the `[cases]` mapping, and the LSP-style positions
//! (UTF-8 or UTF-16 columns) every other module of the planner speaks.
//!
//! Lines follow LSP rules: `\n`, `\r\n` and a lone `\r` each end a line, so CRLF files
//! and old Mac files land on the same lines an editor shows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The unit of `Position::character`: LSP's negotiated position encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Bytes of UTF-8 (`positionEncoding: "utf-8"`).
    Utf8,
    /// UTF-16 code units: the LSP default.
    #[default]
    Utf16,
}

/// A zero-based line and a column in the units of some [`Encoding`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

/// A half-open range between two positions of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

impl Range {
    pub const fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }

    /// A range within one line.
    pub const fn on_line(line: u32, start: u32, end: u32) -> Self {
        Self {
            start: Position::new(line, start),
            end: Position::new(line, end),
        }
    }

    /// Whether `pos` lies in the range (end inclusive, as editors treat hovers).
    pub fn contains(&self, pos: Position) -> bool {
        self.start <= pos && pos <= self.end
    }
}

/// Start and end columns of something on one line, in one encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Columns {
    pub start: u32,
    pub end: u32,
}

/// Columns in both encodings, so callers pick the negotiated one without the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub utf8: Columns,
    pub utf16: Columns,
}

impl Span {
    /// The columns in `encoding`.
    pub fn columns(&self, encoding: Encoding) -> Columns {
        match encoding {
            Encoding::Utf8 => self.utf8,
            Encoding::Utf16 => self.utf16,
        }
    }

    /// The span as a [`Range`] on `line`.
    pub fn range(&self, line: u32, encoding: Encoding) -> Range {
        let c = self.columns(encoding);
        Range::on_line(line, c.start, c.end)
    }

    /// The span of `line_text[start..end]` (byte offsets; clamped to char boundaries).
    pub fn of_bytes(line_text: &str, start: usize, end: usize) -> Self {
        let start = floor_char_boundary(line_text, start);
        let end = floor_char_boundary(line_text, end.max(start));
        let head = line_text.get(..start).unwrap_or("");
        let mid = line_text.get(start..end).unwrap_or("");
        let u16_start = utf16_len(head);
        Span {
            utf8: Columns {
                start: to_u32(start),
                end: to_u32(end),
            },
            utf16: Columns {
                start: u16_start,
                end: u16_start.saturating_add(utf16_len(mid)),
            },
        }
    }
}

/// One `testany: KEY` found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Marker {
    pub case_key: String,
    /// Zero-based line.
    pub line: u32,
    /// From the `t` of `testany:` to the end of the key.
    pub span: Span,
    /// The key alone.
    pub key_span: Span,
}

impl Marker {
    /// The whole marker as a range in `encoding`.
    pub fn range(&self, encoding: Encoding) -> Range {
        self.span.range(self.line, encoding)
    }
}

const NEEDLE: &[u8] = b"testany:";

/// Every marker of `text`, in document order.
///
/// The key is `[A-Za-z0-9][A-Za-z0-9._-]*` after `testany:` and optional spaces or tabs;
/// trailing dots are not part of it (`see testany: A1B2C3D4.` names `A1B2C3D4`).
/// `testany:` followed by anything else is ignored. A line may hold several markers.
pub fn scan(text: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let bytes = text.as_bytes();
    let mut search_from = 0usize;
    // Lines are located lazily: only documents with markers pay for line counting,
    // and only up to the last marker. Within a line, the UTF-16 column is counted
    // forward from the previous marker, so a huge line with many markers stays linear.
    let mut line_no: u32 = 0;
    let mut line_start = 0usize;
    let mut line_end = None;
    let mut col = (0usize, 0u32); // (byte offset in line, UTF-16 units up to it)
    let mut searched = 0usize; // no line break lies in bytes[line_start..searched]
    while let Some(rel) = finder.find(bytes.get(search_from..).unwrap_or(&[])) {
        let hit = search_from + rel;
        // Advance the line cursor to the line holding `hit`, searching for breaks only
        // in bytes not searched before.
        while let Some(brk) = next_line_break(bytes, line_start.max(searched), hit) {
            line_start = brk;
            line_no = line_no.saturating_add(1);
            line_end = None;
            col = (0, 0);
        }
        searched = hit;
        let end = *line_end.get_or_insert_with(|| line_end_from(bytes, hit));
        let line_text = text.get(line_start..end).unwrap_or("");
        if let Some((at, key_start, key_end)) = marker_at(line_text, hit - line_start) {
            let u16_at = advance_utf16(line_text, &mut col, at);
            let u16_key = advance_utf16(line_text, &mut col, key_start);
            let u16_end = advance_utf16(line_text, &mut col, key_end);
            out.push(Marker {
                case_key: line_text.get(key_start..key_end).unwrap_or("").to_owned(),
                line: line_no,
                span: Span {
                    utf8: Columns {
                        start: to_u32(at),
                        end: to_u32(key_end),
                    },
                    utf16: Columns {
                        start: u16_at,
                        end: u16_end,
                    },
                },
                key_span: Span {
                    utf8: Columns {
                        start: to_u32(key_start),
                        end: to_u32(key_end),
                    },
                    utf16: Columns {
                        start: u16_key,
                        end: u16_end,
                    },
                },
            });
        }
        search_from = hit + NEEDLE.len();
    }
    out
}

/// Move the `(byte, utf16)` column cursor forward to byte `to` of `line` (never back).
fn advance_utf16(line: &str, cursor: &mut (usize, u32), to: usize) -> u32 {
    if to > cursor.0 {
        let piece = line.get(cursor.0..to).unwrap_or("");
        *cursor = (to, cursor.1.saturating_add(utf16_len(piece)));
    }
    cursor.1
}

/// The key after the needle found at byte `at` of `line`: `(at, key_start, key_end)`.
/// All three are char boundaries (the needle and keys are ASCII).
fn marker_at(line: &str, at: usize) -> Option<(usize, usize, usize)> {
    let b = line.as_bytes();
    let mut i = at + NEEDLE.len();
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let key_start = i;
    if !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    {
        i += 1;
    }
    let mut key_end = i;
    while key_end > key_start + 1 && b.get(key_end - 1) == Some(&b'.') {
        key_end -= 1;
    }
    Some((at, key_start, key_end))
}

/// The byte just after the first line break in `bytes[from..limit]`, if any.
fn next_line_break(bytes: &[u8], from: usize, limit: usize) -> Option<usize> {
    let slice = bytes.get(from..limit)?;
    let rel = memchr::memchr2(b'\n', b'\r', slice)?;
    let pos = from + rel;
    if bytes.get(pos) == Some(&b'\r') && bytes.get(pos + 1) == Some(&b'\n') {
        // A CRLF whose LF lies beyond `limit` cannot happen: `limit` is a marker start.
        Some(pos + 2)
    } else {
        Some(pos + 1)
    }
}

fn line_end_from(bytes: &[u8], from: usize) -> usize {
    let tail = bytes.get(from..).unwrap_or(&[]);
    from + memchr::memchr2(b'\n', b'\r', tail).unwrap_or(tail.len())
}

/// Where a case is anchored in one document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Anchor {
    pub case_key: String,
    pub line: u32,
    /// The marker's columns; for a mapping anchor, the text of line 0.
    pub span: Span,
    pub source: AnchorSource,
}

impl Anchor {
    pub fn range(&self, encoding: Encoding) -> Range {
        self.span.range(self.line, encoding)
    }
}

/// How a case got attached to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnchorSource {
    Marker,
    Mapping,
}

/// The anchors of one document: its markers, then every case the `[cases]` mapping
/// sends to `path` (workspace-relative, `/`-separated) that has no marker here, on line 0.
pub fn anchors(
    path: &str,
    text: &str,
    markers: &[Marker],
    mapping: &BTreeMap<String, String>,
) -> Vec<Anchor> {
    let mut out: Vec<Anchor> = markers
        .iter()
        .map(|m| Anchor {
            case_key: m.case_key.clone(),
            line: m.line,
            span: m.span,
            source: AnchorSource::Marker,
        })
        .collect();
    let want = normalize_path(path);
    let first_line = text
        .get(..memchr::memchr2(b'\n', b'\r', text.as_bytes()).unwrap_or(text.len()))
        .unwrap_or("");
    for (key, file) in mapping {
        if normalize_path(file) != want || markers.iter().any(|m| &m.case_key == key) {
            continue;
        }
        out.push(Anchor {
            case_key: key.clone(),
            line: 0,
            span: Span::of_bytes(first_line, 0, first_line.len()),
            source: AnchorSource::Mapping,
        });
    }
    out
}

/// Where each case is anchored across the workspace: case key -> (file, line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseIndex {
    pub cases: BTreeMap<String, Vec<CaseSite>>,
}

/// One place a case is anchored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseSite {
    /// Workspace-relative, `/`-separated.
    pub path: String,
    pub line: u32,
    pub source: AnchorSource,
}

impl CaseIndex {
    /// Build from each file's markers and the `[cases]` mapping (a mapped file without
    /// a marker for that case gets it on line 0).
    pub fn build<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [Marker])>,
        mapping: &BTreeMap<String, String>,
    ) -> Self {
        let mut cases: BTreeMap<String, Vec<CaseSite>> = BTreeMap::new();
        for (path, markers) in files {
            let path = normalize_path(path);
            for m in markers {
                cases.entry(m.case_key.clone()).or_default().push(CaseSite {
                    path: path.to_owned(),
                    line: m.line,
                    source: AnchorSource::Marker,
                });
            }
        }
        for (key, file) in mapping {
            let file = normalize_path(file);
            let sites = cases.entry(key.clone()).or_default();
            if !sites.iter().any(|s| s.path == file) {
                sites.push(CaseSite {
                    path: file.to_owned(),
                    line: 0,
                    source: AnchorSource::Mapping,
                });
            }
        }
        for sites in cases.values_mut() {
            sites.sort();
            sites.dedup();
        }
        Self { cases }
    }

    /// The sites of `case_key`, empty when unknown.
    pub fn sites(&self, case_key: &str) -> &[CaseSite] {
        self.cases.get(case_key).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// `./a/b` means `a/b` (paths are workspace-relative and `/`-separated).
fn normalize_path(p: &str) -> &str {
    let mut p = p;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p
}

/// Byte offsets of line starts, to turn offsets into positions and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Start of each line; `starts[0] == 0`.
    starts: Vec<usize>,
    len: usize,
    /// Whether any line ends in `\r\n` (else every break is one byte).
    crlf: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 40 + 1);
        starts.push(0);
        let mut crlf = false;
        if memchr::memchr(b'\r', bytes).is_none() {
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|p| p + 1));
        } else {
            let mut i = 0;
            while let Some(rel) = memchr::memchr2(b'\n', b'\r', bytes.get(i..).unwrap_or(&[])) {
                let pos = i + rel;
                let next = if bytes.get(pos) == Some(&b'\r') && bytes.get(pos + 1) == Some(&b'\n') {
                    crlf = true;
                    pos + 2
                } else {
                    pos + 1
                };
                starts.push(next);
                i = next;
            }
        }
        Self {
            starts,
            len: bytes.len(),
            crlf,
        }
    }

    /// Byte range of the content of line `l` (without its break).
    fn bounds(&self, text: &str, l: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(l)?;
        let end = match self.starts.get(l + 1) {
            Some(&next) => {
                let two =
                    self.crlf && next >= 2 && text.as_bytes().get(next - 2..next) == Some(b"\r\n");
                next - if two { 2 } else { 1 }
            }
            None => self.len,
        };
        Some((start, end.max(start)))
    }

    /// Number of lines (an empty text has one empty line; a trailing break opens a line).
    pub fn line_count(&self) -> u32 {
        to_u32(self.starts.len())
    }

    /// The content of `line` (without its break).
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let (start, end) = self.bounds(text, line as usize)?;
        text.get(start..end)
    }

    /// The position of byte `offset` (clamped into the text, floored to a char).
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let (start, end) = self.bounds(text, line).unwrap_or((0, text.len()));
        let col_bytes = offset.min(end).saturating_sub(start);
        let line_text = text.get(start..end).unwrap_or("");
        let character = match encoding {
            Encoding::Utf8 => to_u32(col_bytes),
            Encoding::Utf16 => utf16_len(line_text.get(..col_bytes).unwrap_or("")),
        };
        Position::new(to_u32(line), character)
    }

    /// The byte offset of `pos`; a column past the line's end clamps to the end, a line
    /// past the text gives `None`.
    pub fn offset(&self, text: &str, pos: Position, encoding: Encoding) -> Option<usize> {
        let (start, end) = self.bounds(text, pos.line as usize)?;
        let line_text = text.get(start..end)?;
        Some(start + byte_offset(line_text, pos.character, encoding))
    }
}

/// Convert a column on `line_text` between encodings (clamped to the line's end; a
/// column inside a character snaps to that character's start).
pub fn convert_character(line_text: &str, character: u32, from: Encoding, to: Encoding) -> u32 {
    let bytes = byte_offset(line_text, character, from);
    match to {
        Encoding::Utf8 => to_u32(bytes),
        Encoding::Utf16 => utf16_len(line_text.get(..bytes).unwrap_or("")),
    }
}

/// The byte offset in `line_text` of column `character` in `encoding`.
pub fn byte_offset(line_text: &str, character: u32, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => floor_char_boundary(line_text, (character as usize).min(line_text.len())),
        Encoding::Utf16 => {
            if line_text.is_ascii() {
                return (character as usize).min(line_text.len());
            }
            let mut units = 0u32;
            for (i, c) in line_text.char_indices() {
                let w = to_u32(c.len_utf16());
                if units + w > character {
                    return i;
                }
                units += w;
            }
            line_text.len()
        }
    }
}

/// The length of `s` in `encoding` units.
pub fn len_in(s: &str, encoding: Encoding) -> u32 {
    match encoding {
        Encoding::Utf8 => to_u32(s.len()),
        Encoding::Utf16 => utf16_len(s),
    }
}

fn utf16_len(s: &str) -> u32 {
    if s.is_ascii() {
        return to_u32(s.len());
    }
    to_u32(s.chars().map(char::len_utf16).sum())
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
