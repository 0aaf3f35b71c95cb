//! Property tests: no panic, and every produced position inside the document, on
//! arbitrary text, logs, edits and executions.

use std::collections::BTreeMap;

use jiff::Timestamp;
use proptest::prelude::*;
use testany_core::ansi;
use testany_core::drift::{LineMap, TextEdit};
use testany_core::health::health;
use testany_core::locations::{Extractor, FailureLocation, extract, resolve};
use testany_core::markers::{
    Encoding, LineIndex, Position, Range, anchors, convert_character, len_in, scan,
};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus, Trigger};
use testany_core::plan::{CaseLocations, PlanInput, hover, newest_first, plan};

/// Text made of the pieces that matter (markers, line breaks, wide characters,
/// escapes, frames) mixed with arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("testany:".to_owned()),
        Just("testany: ".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("🎉".to_owned()),
        Just("漢字".to_owned()),
        Just("\x1b[31m".to_owned()),
        Just("\x1b]0;t\x07".to_owned()),
        Just("\x1b".to_owned()),
        Just("  File \"/b/tests/t.py\", line ".to_owned()),
        Just("    at f (/b/src/a.ts:".to_owned()),
        Just("\tat com.a.B.c(B.java:".to_owned()),
        Just("panicked at ".to_owned()),
        Just("E   assert ".to_owned()),
        Just("AssertionError: ".to_owned()),
        Just(":".to_owned()),
        Just(".py:".to_owned()),
        "[0-9]{1,4}",
        "[A-Za-z0-9._-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn ts() -> impl Strategy<Value = Option<Timestamp>> {
    prop::option::of(
        (-100_000_000i64..4_000_000_000i64).prop_map(|s| Timestamp::from_second(s).unwrap()),
    )
}

fn result() -> impl Strategy<Value = Option<ExecutionResult>> {
    prop::option::of(prop_oneof![
        Just(ExecutionResult::Passed),
        Just(ExecutionResult::Failed),
        Just(ExecutionResult::Error),
        Just(ExecutionResult::Skipped),
        "[A-Z_]{0,8}".prop_map(ExecutionResult::Unknown),
    ])
}

fn status() -> impl Strategy<Value = ExecutionStatus> {
    prop_oneof![
        Just(ExecutionStatus::Pending),
        Just(ExecutionStatus::Running),
        Just(ExecutionStatus::Completed),
        Just(ExecutionStatus::Cancelled),
        Just(ExecutionStatus::Timeout),
        "[A-Z]{0,5}".prop_map(ExecutionStatus::Unknown),
    ]
}

const KEYS: &[&str] = &["A", "B", "K1", "x.y", "Z-9"];

fn case_result() -> impl Strategy<Value = CaseResult> {
    (
        0usize..5,
        prop::sample::select(KEYS),
        prop::option::of(status()),
        result(),
        prop::option::of(any::<u64>()),
        prop::option::of(text()),
        ts(),
    )
        .prop_map(
            |(index, key, status, result, duration_ms, error, started_at)| CaseResult {
                index,
                case_key: key.to_owned(),
                name: Some(format!("n|{key}*")),
                status,
                result,
                duration_ms,
                error,
                started_at,
                ..CaseResult::default()
            },
        )
}

fn execution() -> impl Strategy<Value = Execution> {
    (
        "[A-Z0-9-]{1,12}",
        status(),
        result(),
        prop::option::of("[a-z|]{0,6}"),
        ts(),
        ts(),
        prop::collection::vec(case_result(), 0..6),
    )
        .prop_map(
            |(key, status, result, env, started_at, completed_at, cases)| Execution {
                key,
                status,
                result,
                pipeline_key: Some("P-1".into()),
                pipeline_name: None,
                workspace: None,
                environment: env,
                trigger: Some(Trigger::Unknown("x|y".into())),
                started_at,
                completed_at,
                duration_ms: None,
                cases,
            },
        )
}

fn edit() -> impl Strategy<Value = TextEdit> {
    (0u32..40, 0u32..5, 0u32..40, 0u32..5, text()).prop_map(|(sl, sc, el, ec, t)| TextEdit {
        range: Range::new(Position::new(sl, sc), Position::new(el, ec)),
        new_text: t,
    })
}

fn assert_inside(text: &str, idx: &LineIndex, r: Range, enc: Encoding) {
    assert_eq!(r.start.line, r.end.line, "{r:?}");
    let line = idx
        .line_text(text, r.start.line)
        .unwrap_or_else(|| panic!("line of {r:?} outside"));
    let len = len_in(line, enc);
    assert!(
        r.start.character <= r.end.character && r.end.character <= len,
        "{r:?} len {len}"
    );
}

/// Few distinct times, so equal ones (and undated ones) are common.
fn coarse_ts() -> impl Strategy<Value = Option<Timestamp>> {
    prop::option::of((0i64..4).prop_map(|s| Timestamp::from_second(s).unwrap()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `newest_first` orders exactly as a stable sort by (start or completion) time,
    /// newest first and undated last.
    #[test]
    fn newest_first_is_a_stable_sort(
        times in prop::collection::vec((coarse_ts(), coarse_ts()), 0..40),
    ) {
        let execs: Vec<Execution> = times
            .iter()
            .enumerate()
            .map(|(i, (started_at, completed_at))| Execution {
                started_at: *started_at,
                completed_at: *completed_at,
                ..Execution::new(i.to_string(), ExecutionStatus::Completed)
            })
            .collect();
        let mut want: Vec<&Execution> = execs.iter().collect();
        want.sort_by_key(|e| {
            let t = e.started_at.or(e.completed_at);
            (t.is_none(), std::cmp::Reverse(t))
        });
        let got: Vec<&str> = newest_first(&execs).iter().map(|e| e.key.as_str()).collect();
        let want: Vec<&str> = want.iter().map(|e| e.key.as_str()).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn markers_inside_document(t in text()) {
        let idx = LineIndex::new(&t);
        for m in scan(&t) {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                assert_inside(&t, &idx, m.range(enc), enc);
                assert_inside(&t, &idx, m.key_span.range(m.line, enc), enc);
            }
            let line = idx.line_text(&t, m.line).unwrap();
            let start = m.span.utf8.start as usize;
            prop_assert!(line[start..].starts_with("testany:"));
            let key = &line[m.key_span.utf8.start as usize..m.key_span.utf8.end as usize];
            prop_assert_eq!(key, m.case_key.as_str());
            prop_assert!(key.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric()));
            prop_assert_eq!(
                convert_character(line, m.span.utf8.end, Encoding::Utf8, Encoding::Utf16),
                m.span.utf16.end
            );
        }
    }

    #[test]
    fn ansi_never_leaves_escapes(t in text()) {
        let s = ansi::strip(&t);
        prop_assert!(!s.contains('\x1b'));
        prop_assert_eq!(ansi::strip(&s), s.clone());
        // Spans keep the controls that `strip` drops (the viewer shows them, issue 17);
        // the rest of their text is exactly the stripped text.
        let joined: String = ansi::spans(&t).into_iter().map(|sp| sp.text).collect();
        let shown: String = joined
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect();
        prop_assert_eq!(shown, s);
    }

    #[test]
    fn locations_are_sane(error in prop::option::of(text()), log in text()) {
        let lines = log.split('\n').count();
        let locs = extract(error.as_deref(), &log);
        for l in &locs {
            prop_assert!(l.line >= 1);
            prop_assert!(!l.path.is_empty());
            if let Some(i) = l.log_line {
                prop_assert!(i < lines);
            }
        }
        let files = ["tests/t.py", "src/a.ts", "com/a/B.java", "a/b/t.py"];
        let resolved = resolve(&locs, &files);
        prop_assert_eq!(resolved.len(), locs.len());
        for r in resolved {
            if let Some(f) = r.file {
                prop_assert!(files.contains(&f.as_str()));
            }
        }
    }

    #[test]
    fn streaming_equals_whole_log(error in prop::option::of(text()), log in text()) {
        let whole = extract(error.as_deref(), &log);
        let mut ex = Extractor::new();
        if let Some(e) = &error {
            ex.error_text(e);
        }
        let mut lines: Vec<&str> = log.split('\n').collect();
        if log.ends_with('\n') || log.is_empty() {
            lines.pop();
        }
        for line in lines {
            ex.log_line(line.strip_suffix('\r').unwrap_or(line));
        }
        prop_assert_eq!(ex.finish(), whole);
    }

    #[test]
    fn plan_positions_inside_document(
        t in text(),
        execs in prop::collection::vec(execution(), 0..5),
        edits in prop::collection::vec(edit(), 0..3),
        loc_lines in prop::collection::vec((0u32..50, prop::option::of(0u32..80)), 0..5),
        utf8 in any::<bool>(),
        stale in any::<bool>(),
        history in 0usize..4,
    ) {
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let idx = LineIndex::new(&t);
        let markers = scan(&t);
        let mapping: BTreeMap<String, String> = [("B".to_owned(), "t.py".to_owned())].into_iter().collect();
        let anchors = anchors("t.py", &t, &markers, &mapping);
        let locations: Vec<CaseLocations> = execs
            .iter()
            .flat_map(|e| e.cases.iter().map(move |c| (e, c)))
            .map(|(e, c)| CaseLocations {
                case_key: c.case_key.clone(),
                execution: e.key.clone(),
                locations: resolve(
                    &loc_lines
                        .iter()
                        .map(|(line, column)| FailureLocation {
                            path: "/b/t.py".into(),
                            line: *line,
                            column: *column,
                            message: None,
                            log_line: None,
                            kind: testany_core::locations::LocationKind::Generic,
                        })
                        .collect::<Vec<_>>(),
                    &["t.py"],
                ),
            })
            .collect();
        let map = LineMap::new(&edits);
        let input = PlanInput {
            uri: "file:///t.py",
            path: "t.py",
            text: &t,
            anchors: &anchors,
            executions: &execs,
            locations: &locations,
            related: &[],
            encoding: enc,
            history,
            stale,
            now: Timestamp::from_second(1_800_000_000).unwrap(),
            drift: Some(&map),
        };
        let p = plan(&input);
        for l in &p.lenses {
            assert_inside(&t, &idx, l.range, enc);
        }
        for d in &p.diagnostics {
            assert_inside(&t, &idx, d.range, enc);
            for r in &d.related_information {
                assert_inside(&t, &idx, r.range, enc);
            }
        }
        for a in &anchors {
            let r = a.range(enc);
            if let Some(h) = hover(&input, r.start) {
                assert_inside(&t, &idx, h.range, enc);
            }
        }
    }

    #[test]
    fn drift_and_health_never_panic(
        edits in prop::collection::vec(edit(), 0..6),
        line in any::<u32>(),
        execs in prop::collection::vec(execution(), 0..8),
        days in any::<u32>(),
        now in -100_000_000i64..4_000_000_000i64,
    ) {
        let _ = LineMap::new(&edits).map_line(line);
        let h = health(&execs, Timestamp::from_second(now).unwrap(), days);
        prop_assert_eq!(h.series.len() as u32, h.days);
        prop_assert!(h.passed + h.failed + h.other == h.runs);
        if let Some(rate) = h.pass_rate {
            prop_assert!((0.0..=1.0).contains(&rate));
        }
    }
}
