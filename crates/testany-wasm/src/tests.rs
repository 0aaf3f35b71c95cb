//! Native tests of the plain-Rust halves (the wasm-bindgen wrappers are tested in
//! headless Chromium by tests/web.rs).

use crate::log::{
    Failure, Location, Log, SearchError, escape_into, escape_visible_into, palette, push_classes,
};
use testany_core::ansi::{Color, Style};

const JEST: &str = "\u{1b}[32mPASS\u{1b}[0m src/ok.test.ts\n\
  ● cart › adds\n\
\n\
    expect(received).toBe(expected)\n\
    Error: expect(received).toBe(expected)\n\
      at Object.<anonymous> (/builds/acme/shop/src/cart.test.ts:17:11)\n\
      at helper (/builds/acme/shop/src/helper.ts:3:5)\n\
done\n";

#[test]
fn line_count_table() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("a", 1),
        ("a\n", 1),
        ("a\nb", 2),
        ("a\r\nb\r\n", 2),
        ("\n\n", 2),
        ("x\n\ny", 3),
    ];
    for (text, want) in cases {
        assert_eq!(Log::from_text(text).line_count(), *want, "{text:?}");
    }
}

#[test]
fn chunks_split_anywhere_give_the_same_lines() {
    let text = "one\r\ntwo\nthree\n\nfive";
    for cut in 0..=text.len() {
        let mut log = Log::with_capacity(0);
        log.append(&text[..cut]);
        log.append(&text[cut..]);
        log.finish();
        let lines: Vec<_> = (0..log.line_count())
            .map(|n| log.raw_line(n).unwrap())
            .collect();
        assert_eq!(lines, ["one", "two", "three", "", "five"], "cut at {cut}");
    }
}

#[test]
fn failures_and_locations_from_a_jest_log() {
    let mut log = Log::from_text(JEST);
    assert_eq!(
        log.failures(),
        [Failure {
            line: 5,
            message: "Error: expect(received).toBe(expected)".into(),
            category: "assertion",
        }]
    );
    assert_eq!(
        log.locations(),
        [
            Location {
                path: "/builds/acme/shop/src/cart.test.ts".into(),
                line: 17,
                column: Some(11),
                log_line: 5,
            },
            Location {
                path: "/builds/acme/shop/src/helper.ts".into(),
                line: 3,
                column: Some(5),
                log_line: 6,
            },
        ]
    );
    // One stop per located failure: its first frame's line, not also its `Error:` line.
    assert_eq!(log.failure_lines(), [5]);
}

/// A log with no located failure falls back to the lines core's failure-line rule marks.
#[test]
fn failure_lines_follow_the_core_rule() {
    let mut log = Log::from_text(
        "$ cargo test --no-fail-fast\nerror[E0308]: mismatched types\nok\n\u{1b}[31mERROR\u{1b}[0m: Job failed: exit code 1",
    );
    assert_eq!(log.failure_lines(), [1, 3]);
    assert!(
        log.render_lines(0, 4)
            .contains("<div class=\"l fail\" data-line=\"3\">")
    );
}

#[test]
fn analysis_in_small_steps_matches_analysis_at_once() {
    let mut log = Log::with_capacity(JEST.len());
    for piece in JEST.as_bytes().chunks(7) {
        log.append(std::str::from_utf8(piece).unwrap());
        log.analyze(10);
    }
    assert!(!log.analyze(0) || log.analyzed_lines() == 8);
    log.finish();
    let mut rounds = 0;
    while !log.analyze(10) {
        rounds += 1;
        assert!(rounds < 100);
    }
    assert_eq!(log.failures(), Log::from_text(JEST).failures());
    assert_eq!(log.analyzed_lines(), 8);
}

#[test]
fn render_escapes_colours_and_marks() {
    let mut log = Log::from_text(JEST);
    assert_eq!(
        log.render_lines(0, 1),
        "<div class=\"l\" data-line=\"0\"><span class=\"g\">1</span><span class=\"t\">\
         <span class=\"ansi-fg-2\">PASS</span> src/ok.test.ts</span></div>"
    );
    assert_eq!(
        log.render_lines(5, 6),
        "<div class=\"l fail\" data-line=\"5\"><span class=\"g\">6</span><span class=\"t\">\
         <span class=\"loc\" role=\"link\" tabindex=\"0\" data-loc=\"0\">at Object.&lt;anonymous&gt; \
         (/builds/acme/shop/src/cart.test.ts:17:11)</span></span></div>"
    );
    // Out of range windows are clamped, never panic.
    assert_eq!(log.render_lines(100, 200), "");
    assert_eq!(log.render_lines(7, 2), "");
    assert_eq!(log.render_lines(7, 100).matches("<div").count(), 1);
    let mut many = Log::from_text(&"x\n".repeat(12_000));
    assert_eq!(
        many.render_lines(0, usize::MAX).matches("<div").count(),
        10_000
    );
}

#[test]
fn hostile_html_is_text() {
    let mut log =
        Log::from_text("<script>alert(1)</script>\n<img src=x onerror=\"alert('x')\">&amp;\n");
    let html = log.render_lines(0, 2);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;"));
}

#[test]
fn escape_table() {
    let cases = [
        ("plain", "plain"),
        ("<>&\"'", "&lt;&gt;&amp;&quot;&#39;"),
        ("é<ü", "é&lt;ü"),
        ("", ""),
    ];
    for (input, want) in cases {
        let mut out = String::new();
        escape_into(&mut out, input);
        assert_eq!(out, want);
    }
}

#[test]
fn class_table() {
    let bold_red = Style {
        fg: Some(Color::Basic { index: 9 }),
        bold: true,
        ..Style::default()
    };
    let cases = [
        (bold_red, "ansi-fg-9 ansi-bold"),
        (
            Style {
                bg: Some(Color::Indexed { index: 200 }),
                underline: true,
                inverse: true,
                ..Style::default()
            },
            "ansi-bg-200 ansi-underline ansi-inverse",
        ),
        (
            Style {
                fg: Some(Color::Rgb { r: 255, g: 0, b: 0 }),
                dim: true,
                italic: true,
                ..Style::default()
            },
            "ansi-fg-196 ansi-dim ansi-italic",
        ),
    ];
    for (style, want) in cases {
        let mut out = String::new();
        push_classes(&mut out, &style);
        assert_eq!(out, want);
    }
    let palette_cases = [
        (Color::Basic { index: 3 }, 3),
        (Color::Indexed { index: 123 }, 123),
        (Color::Rgb { r: 0, g: 0, b: 0 }, 16),
        (
            Color::Rgb {
                r: 255,
                g: 255,
                b: 255,
            },
            231,
        ),
        (
            Color::Rgb {
                r: 95,
                g: 135,
                b: 175,
            },
            67,
        ),
    ];
    for (c, want) in palette_cases {
        assert_eq!(palette(c), want, "{c:?}");
    }
}

#[test]
fn ansi_lines_render_and_search_without_escapes() {
    let mut log =
        Log::from_text("\u{1b}[1;31mERR\u{1b}[0m x\n\u{1b}[38;2;0;0;0mok\u{1b}[m\nE\u{1b}[0mRR\n");
    assert_eq!(log.line_text(0).as_deref(), Some("ERR x"));
    assert_eq!(log.line_text(9), None);
    assert!(
        log.render_lines(0, 1)
            .contains("<span class=\"ansi-fg-1 ansi-bold\">ERR</span> x")
    );
    assert!(
        log.render_lines(1, 2)
            .contains("<span class=\"ansi-fg-16\">ok</span>")
    );
    assert_eq!(log.search("ERR", false), Ok(vec![0, 2]));
    assert_eq!(log.search("31m", false), Ok(vec![]));
}

type SearchCase<'a> = (&'a str, bool, Result<Vec<u32>, SearchError>);

#[test]
fn search_table() {
    let log = Log::from_text("alpha 1\nbeta 22\ngamma 333\nALPHA\n");
    let cases: &[SearchCase] = &[
        ("alpha", false, Ok(vec![0])),
        ("a", false, Ok(vec![0, 1, 2])),
        ("", false, Ok(vec![])),
        ("", true, Ok(vec![])),
        ("(?i)alpha", true, Ok(vec![0, 3])),
        (r"\d{2,}", true, Ok(vec![1, 2])),
        ("^gamma", true, Ok(vec![2])),
        ("a.", false, Ok(vec![])),
        ("zzz", true, Ok(vec![])),
    ];
    for (pattern, regex, want) in cases {
        assert_eq!(&log.search(pattern, *regex), want, "{pattern:?} {regex}");
    }
    let Err(SearchError::Invalid(why)) = log.search("(unclosed", true) else {
        panic!("an invalid regex must be an error");
    };
    assert!(!why.is_empty());
    assert_eq!(
        log.search("(unclosed", true)
            .unwrap_err()
            .to_string()
            .split(':')
            .next(),
        Some("invalid regular expression")
    );
    assert_eq!(
        log.search(&"x".repeat(2000), false),
        Err(SearchError::TooLong)
    );
    let ranges: &[(usize, usize, &[u32])] = &[
        (0, 4, &[0, 1, 2]),
        (1, 2, &[1]),
        (2, 99, &[2]),
        (3, 1, &[]),
        (9, 12, &[]),
    ];
    for (from, to, want) in ranges {
        assert_eq!(
            log.search_range("a", false, *from, *to).as_deref(),
            Ok(*want),
            "{from}..{to}"
        );
    }
}

#[test]
fn long_lines_are_cut_at_a_char_boundary() {
    let line = "é".repeat(40_000); // 80,000 bytes
    let mut log = Log::from_text(&line);
    let html = log.render_lines(0, 1);
    assert!(
        html.contains("… (14464 more bytes)</span>"),
        "{}",
        &html[html.len() - 80..]
    );
}

#[test]
fn hostile_characters_are_shown_not_rendered() {
    let mut log = Log::from_text(
        "access\u{202e}nimda \x1b[31mred\u{2066}\x1b[0m\rfake\x07\u{9b}2J\x1b]0;title\x07<b>\r\nnext\n",
    );
    assert_eq!(
        log.render_lines(0, 1),
        "<div class=\"l\" data-line=\"0\"><span class=\"g\">1</span><span class=\"t\">\
         access&lt;U+202E&gt;nimda <span class=\"ansi-fg-1\">red&lt;U+2066&gt;</span>\
         \u{240d}fake\u{2407}&lt;U+009B&gt;2J&lt;b&gt;</span></div>"
    );
    let mut out = String::new();
    escape_visible_into(&mut out, "a\u{200e}\u{061c}\u{fff9}<&\u{2028}\0\x7f");
    assert_eq!(
        out,
        "a&lt;U+200E&gt;&lt;U+061C&gt;&lt;U+FFF9&gt;&lt;&amp;&lt;U+2028&gt;\u{2400}\u{2421}"
    );
}
