//! Native tests of the plain-Rust halves (the wasm-bindgen wrappers are tested in
//! headless Chromium by tests/web.rs).

use crate::log::{
    Failure, Location, Log, SearchError, escape_into, escape_visible_into, palette, push_classes,
};
#[cfg(feature = "model")]
use crate::plan::{PlanOptions, executions, plan_lenses};
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

#[cfg(feature = "model")]
#[test]
fn plan_lenses_from_raw_executions() {
    let raw: serde_json::Value = serde_json::json!([{
        "execution_key": "SHP-1",
        "status": "COMPLETED",
        "result": "FAILED",
        "start_time": "2026-11-26T04:00:00Z",
        "cases": [{"case_key": "CART01", "result": "FAILED", "error": "AssertionError: 2 != 3"}]
    }]);
    let execs = executions(raw.as_array().unwrap()).unwrap();
    let text = "# testany: CART01\ndef test(): pass\n";
    let plan = plan_lenses(text, &execs, &PlanOptions::default(), 0.0);
    assert!(!plan.lenses.is_empty());
    assert_eq!(plan.lenses[0].range.start.line, 0);
    assert!(
        plan.lenses[0].title.contains("FAILED"),
        "{}",
        plan.lenses[0].title
    );
    assert_eq!(plan.diagnostics.len(), 1);
    assert_eq!(plan.diagnostics[0].code.as_deref(), Some("assertion"));
    let bad = executions(&[serde_json::json!(3)]).unwrap_err();
    assert_eq!(
        bad.0,
        "execution 0: expected an execution as a JSON object, found a number"
    );
}

#[cfg(feature = "model")]
#[test]
fn plan_options_are_read_field_by_field() {
    use serde_json::json;
    let full = json!({
        "uri": "file:///w/a.py",
        "path": "a.py",
        "mapping": {"CART01": "tests/cart.py"},
        "encoding": "utf-8",
        "history": 3,
        "stale": true,
        "nowMs": 1.5e12,
        "unknown": [1, 2]
    });
    assert_eq!(
        PlanOptions::from_json(&full),
        Ok(PlanOptions {
            uri: Some("file:///w/a.py".into()),
            path: Some("a.py".into()),
            mapping: [("CART01".to_string(), "tests/cart.py".to_string())].into(),
            encoding: Some("utf-8".into()),
            history: Some(3),
            stale: true,
            now_ms: Some(1.5e12),
        })
    );
    // `null` is absent, as an omitted key.
    let nulls = json!({"uri": null, "mapping": null, "stale": null, "nowMs": null});
    assert_eq!(PlanOptions::from_json(&nulls), Ok(PlanOptions::default()));
    assert_eq!(
        PlanOptions::from_json(&json!(null)),
        Ok(PlanOptions::default())
    );
    let errors: &[(serde_json::Value, &str)] = &[
        (json!([]), "expected an object of options"),
        (json!({"uri": 3}), "`uri` must be a string"),
        (
            json!({"history": -1}),
            "`history` must be a whole number of 0 or more",
        ),
        (
            json!({"history": 2.5}),
            "`history` must be a whole number of 0 or more",
        ),
        (json!({"stale": "yes"}), "`stale` must be true or false"),
        (json!({"nowMs": "now"}), "`nowMs` must be a number"),
        (
            json!({"mapping": ["a"]}),
            "`mapping` must be an object of strings",
        ),
        (json!({"mapping": {"K": 1}}), "`mapping.K` must be a string"),
    ];
    for (value, want) in errors {
        assert_eq!(
            PlanOptions::from_json(value)
                .as_ref()
                .err()
                .map(String::as_str),
            Some(*want),
            "{value}"
        );
    }
}

/// Issue 17: the viewer shows what core's sanitiser shows for characters that would
/// reorder or hide text or act on a terminal (controls shown as `␇`, `<U+009B>`); escape
/// sequences never reach the page.
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
