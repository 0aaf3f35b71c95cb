//! Marker scanning, positions in both encodings, anchors and the case index.

use std::collections::BTreeMap;

use testany_core::markers::{
    AnchorSource, CaseIndex, CaseSite, Encoding, LineIndex, Position, Range, anchors,
    convert_character, scan,
};

/// (key, line, utf8 span, utf16 span, utf16 key span)
type Row = (String, u32, (u32, u32), (u32, u32), (u32, u32));

fn rows(text: &str) -> Vec<Row> {
    scan(text)
        .into_iter()
        .map(|m| {
            (
                m.case_key,
                m.line,
                (m.span.utf8.start, m.span.utf8.end),
                (m.span.utf16.start, m.span.utf16.end),
                (m.key_span.utf16.start, m.key_span.utf16.end),
            )
        })
        .collect()
}

fn row(key: &str, line: u32, u8s: (u32, u32), u16s: (u32, u32), key16: (u32, u32)) -> Row {
    (key.to_owned(), line, u8s, u16s, key16)
}

#[test]
fn scan_table() {
    let cases: Vec<(&str, Vec<Row>)> = vec![
        (
            "# testany: A1B2C3D4",
            vec![row("A1B2C3D4", 0, (2, 19), (2, 19), (11, 19))],
        ),
        (
            "// testany:A1B2",
            vec![row("A1B2", 0, (3, 15), (3, 15), (11, 15))],
        ),
        (
            "\t// testany:\t x.y-z_1.",
            vec![row("x.y-z_1", 0, (4, 21), (4, 21), (14, 21))],
        ),
        (
            "a\r\n-- testany: K1\r\nb",
            vec![row("K1", 1, (3, 14), (3, 14), (12, 14))],
        ),
        (
            "a\rb testany: K2",
            vec![row("K2", 1, (2, 13), (2, 13), (11, 13))],
        ),
        (
            "a\n\n\r\n\rz testany: K5",
            vec![row("K5", 4, (2, 13), (2, 13), (11, 13))],
        ),
        (
            "/* 🎉 testany: K3 */",
            vec![row("K3", 0, (8, 19), (6, 17), (15, 17))],
        ),
        (
            "# 测试 testany: K4",
            vec![row("K4", 0, (9, 20), (5, 16), (14, 16))],
        ),
        (
            "testany: A testany: B",
            vec![
                row("A", 0, (0, 10), (0, 10), (9, 10)),
                row("B", 0, (11, 21), (11, 21), (20, 21)),
            ],
        ),
        (
            "<!-- testany: HTML1 -->",
            vec![row("HTML1", 0, (5, 19), (5, 19), (14, 19))],
        ),
        (
            "(* testany: OCAML *)",
            vec![row("OCAML", 0, (3, 17), (3, 17), (12, 17))],
        ),
        (
            "; testany: LISP",
            vec![row("LISP", 0, (2, 15), (2, 15), (11, 15))],
        ),
        (
            "rem testany: BAT",
            vec![row("BAT", 0, (4, 16), (4, 16), (13, 16))],
        ),
        (
            "{- testany: A-1 -}",
            vec![row("A-1", 0, (3, 15), (3, 15), (12, 15))],
        ),
        ("testany: ", vec![]),
        ("testany:", vec![]),
        ("testany: -x", vec![]),
        ("testany: .x", vec![]),
        ("testany : X", vec![]),
        ("Testany: X", vec![]),
        ("testany:\nX", vec![]),
        ("", vec![]),
    ];
    for (text, want) in cases {
        assert_eq!(rows(text), want, "text {text:?}");
    }
}

#[test]
fn many_lines() {
    let mut text = String::new();
    for i in 0..100 {
        if i % 10 == 0 {
            text.push_str(&format!("    # testany: K{i}\r\n"));
        } else {
            text.push_str("    x = 1\r\n");
        }
    }
    let got: Vec<(String, u32)> = scan(&text)
        .into_iter()
        .map(|m| (m.case_key, m.line))
        .collect();
    let want: Vec<(String, u32)> = (0..10).map(|i| (format!("K{}", i * 10), i * 10)).collect();
    assert_eq!(got, want);
}

#[test]
fn range_in_encoding() {
    let m = scan("x = '漢' # testany: ABC").into_iter().next().unwrap();
    assert_eq!(m.range(Encoding::Utf8), Range::on_line(0, 12, 24));
    assert_eq!(m.range(Encoding::Utf16), Range::on_line(0, 10, 22));
}

#[test]
fn convert_table() {
    let line = "a🎉b漢c";
    // (character, from, to, expected)
    let cases = [
        (0, Encoding::Utf16, Encoding::Utf8, 0),
        (1, Encoding::Utf16, Encoding::Utf8, 1),
        (2, Encoding::Utf16, Encoding::Utf8, 1), // inside the surrogate pair: snaps back
        (3, Encoding::Utf16, Encoding::Utf8, 5),
        (4, Encoding::Utf16, Encoding::Utf8, 6),
        (5, Encoding::Utf16, Encoding::Utf8, 9),
        (99, Encoding::Utf16, Encoding::Utf8, 10),
        (5, Encoding::Utf8, Encoding::Utf16, 3),
        (6, Encoding::Utf8, Encoding::Utf16, 4),
        (7, Encoding::Utf8, Encoding::Utf16, 4), // inside 漢: snaps back
        (9, Encoding::Utf8, Encoding::Utf16, 5),
        (10, Encoding::Utf8, Encoding::Utf16, 6),
        (3, Encoding::Utf8, Encoding::Utf8, 1),
    ];
    for (c, from, to, want) in cases {
        assert_eq!(
            convert_character(line, c, from, to),
            want,
            "{c} {from:?}->{to:?}"
        );
    }
}

#[test]
fn line_index_round_trip() {
    let text = "ab\r\n🎉x\rz\n";
    let idx = LineIndex::new(text);
    assert_eq!(idx.line_count(), 4);
    assert_eq!(idx.line_text(text, 0), Some("ab"));
    assert_eq!(idx.line_text(text, 1), Some("🎉x"));
    assert_eq!(idx.line_text(text, 2), Some("z"));
    assert_eq!(idx.line_text(text, 3), Some(""));
    assert_eq!(idx.line_text(text, 4), None);
    // (byte offset, utf16 position)
    let cases = [
        (0, (0, 0)),
        (2, (0, 2)),
        (3, (0, 2)),
        (4, (1, 0)),
        (8, (1, 2)),
        (9, (1, 3)),
        (10, (2, 0)),
        (12, (3, 0)),
    ];
    for (off, (l, c)) in cases {
        assert_eq!(
            idx.position(text, off, Encoding::Utf16),
            Position::new(l, c),
            "offset {off}"
        );
    }
    assert_eq!(idx.position(text, 9, Encoding::Utf8), Position::new(1, 5));
    assert_eq!(
        idx.offset(text, Position::new(1, 2), Encoding::Utf16),
        Some(8)
    );
    assert_eq!(
        idx.offset(text, Position::new(1, 99), Encoding::Utf16),
        Some(9)
    );
    assert_eq!(idx.offset(text, Position::new(9, 0), Encoding::Utf16), None);
}

#[test]
fn anchors_with_mapping() {
    let text = "import os\n# testany: K1\n";
    let markers = scan(text);
    let mapping: BTreeMap<String, String> = [
        ("M1".to_owned(), "./tests/a.py".to_owned()),
        ("K1".to_owned(), "tests/a.py".to_owned()),
        ("X9".to_owned(), "tests/other.py".to_owned()),
    ]
    .into_iter()
    .collect();
    let got: Vec<(String, u32, u32, u32, AnchorSource)> =
        anchors("tests/a.py", text, &markers, &mapping)
            .into_iter()
            .map(|a| {
                (
                    a.case_key,
                    a.line,
                    a.span.utf16.start,
                    a.span.utf16.end,
                    a.source,
                )
            })
            .collect();
    assert_eq!(
        got,
        vec![
            ("K1".to_owned(), 1, 2, 13, AnchorSource::Marker),
            ("M1".to_owned(), 0, 0, 9, AnchorSource::Mapping),
        ]
    );
}

#[test]
fn case_index() {
    let a = scan("# testany: K1\n\n# testany: K2");
    let b = scan("// testany: K1");
    let mapping: BTreeMap<String, String> = [
        ("K1".to_owned(), "a.py".to_owned()),
        ("K3".to_owned(), "c.py".to_owned()),
    ]
    .into_iter()
    .collect();
    let idx = CaseIndex::build([("a.py", a.as_slice()), ("./b.ts", b.as_slice())], &mapping);
    let site = |p: &str, l: u32, s: AnchorSource| CaseSite {
        path: p.to_owned(),
        line: l,
        source: s,
    };
    assert_eq!(
        idx.sites("K1"),
        &[
            site("a.py", 0, AnchorSource::Marker),
            site("b.ts", 0, AnchorSource::Marker)
        ]
    );
    assert_eq!(idx.sites("K2"), &[site("a.py", 2, AnchorSource::Marker)]);
    assert_eq!(idx.sites("K3"), &[site("c.py", 0, AnchorSource::Mapping)]);
    assert!(idx.sites("nope").is_empty());
}

#[test]
fn many_markers_on_one_long_line() {
    // Columns are counted forward: 50,000 markers on one line must stay linear.
    let text = "漢 testany: K ".repeat(50_000);
    let markers = scan(&text);
    assert_eq!(markers.len(), 50_000);
    let last = markers.last().unwrap();
    let unit = "漢 testany: K ".encode_utf16().count() as u32;
    assert_eq!(last.span.utf16.start, unit * 49_999 + 2);
    assert_eq!(
        last.span.utf8.start as usize,
        "漢 testany: K ".len() * 49_999 + 4
    );
    assert_eq!((last.line, last.case_key.as_str()), (0, "K"));
}
