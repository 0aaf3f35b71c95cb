//! Lens, diagnostic and hover planning with literal expectations.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde_json::json;
use testany_core::drift::{LineMap, TextEdit};
use testany_core::locations::{FailureLocation, LocationKind, ResolvedLocation};
use testany_core::markers::{Encoding, Position, Range, anchors, scan};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus, Trigger};
use testany_core::plan::{
    CaseLocations, CodeLens, Diagnostic, Plan, PlanInput, RelatedInformation, RelatedMarker,
    Severity, format_duration, hover, plan,
};

const URI: &str = "file:///w/tests/test_cart.py";
const PATH: &str = "tests/test_cart.py";

const TEXT: &str = "import pytest\n\
\n\
# testany: A1B2C3D4\n\
def test_total():\n\
\x20   assert total() == 3\n\
# testany: PASS0001\n\
# testany: RUN00001\n\
# testany: UNKNOWN1\n\
x = '漢' # testany: FLAKY001\n";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn case(
    index: usize,
    key: &str,
    result: Option<ExecutionResult>,
    ms: Option<u64>,
    error: Option<&str>,
) -> CaseResult {
    CaseResult {
        index,
        case_key: key.into(),
        name: Some(format!("test_{}", key.to_ascii_lowercase())),
        status: Some(if result.is_some() {
            ExecutionStatus::Completed
        } else {
            ExecutionStatus::Running
        }),
        result,
        duration_ms: ms,
        error: error.map(str::to_owned),
        ..CaseResult::default()
    }
}

fn exec(key: &str, status: ExecutionStatus, at: &str, cases: Vec<CaseResult>) -> Execution {
    Execution {
        key: key.into(),
        status,
        result: None,
        pipeline_key: Some("Y2K-0601".into()),
        pipeline_name: None,
        workspace: Some("Y2K".into()),
        environment: Some("staging".into()),
        trigger: Some(Trigger::Manual),
        started_at: Some(ts(at)),
        completed_at: None,
        duration_ms: None,
        cases,
    }
}

fn executions() -> Vec<Execution> {
    use ExecutionResult::{Failed, Passed};
    vec![
        exec(
            "Y2K-0601-00009",
            ExecutionStatus::Completed,
            "2026-11-26T03:00:00Z",
            vec![
                case(
                    0,
                    "A1B2C3D4",
                    Some(Failed),
                    Some(1000),
                    Some("AssertionError: old"),
                ),
                case(1, "PASS0001", Some(Passed), Some(11_000), None),
                case(2, "FLAKY001", Some(Passed), Some(700), None),
            ],
        ),
        exec(
            "Y2K-0601-0000B",
            ExecutionStatus::Running,
            "2026-11-26T04:30:00Z",
            vec![case(0, "RUN00001", None, None, None)],
        ),
        exec(
            "Y2K-0601-0000A",
            ExecutionStatus::Completed,
            "2026-11-26T04:00:00Z",
            vec![
                case(
                    0,
                    "A1B2C3D4",
                    Some(Failed),
                    Some(135_000),
                    Some("\x1b[31mAssertionError: assert 2 == 3\x1b[0m\nE  + where 2 = total()"),
                ),
                case(1, "PASS0001", Some(Passed), Some(12_000), None),
                case(2, "FLAKY001", Some(Failed), Some(850), Some("Error: boom")),
            ],
        ),
    ]
}

fn locations(line: u32) -> Vec<CaseLocations> {
    let loc = |path: &str, line: u32, file: Option<&str>| ResolvedLocation {
        location: FailureLocation {
            path: path.into(),
            line,
            column: None,
            message: Some("AssertionError: assert 2 == 3".into()),
            log_line: Some(10),
            kind: LocationKind::Python,
        },
        file: file.map(str::to_owned),
    };
    vec![
        CaseLocations {
            case_key: "A1B2C3D4".into(),
            execution: "Y2K-0601-0000A".into(),
            locations: vec![
                loc("/builds/acme/shop/tests/test_cart.py", line, Some(PATH)),
                loc("/builds/acme/shop/shop/cart.py", 9, Some("shop/cart.py")),
                loc("/builds/acme/shop/tests/test_cart.py", 999, Some(PATH)),
            ],
        },
        // Locations of an older execution are not shown.
        CaseLocations {
            case_key: "A1B2C3D4".into(),
            execution: "Y2K-0601-00009".into(),
            locations: vec![loc("tests/test_cart.py", 1, Some(PATH))],
        },
    ]
}

fn run(
    text: &str,
    encoding: Encoding,
    stale: bool,
    drift: Option<&LineMap>,
    loc_line: u32,
) -> Plan {
    let markers = scan(text);
    let anchors = anchors(PATH, text, &markers, &BTreeMap::new());
    let execs = executions();
    let locs = locations(loc_line);
    plan(&PlanInput {
        uri: URI,
        path: PATH,
        text,
        anchors: &anchors,
        executions: &execs,
        locations: &locs,
        related: &[],
        encoding,
        history: 10,
        stale,
        now: ts("2026-11-26T04:31:05Z"),
        drift,
    })
}

fn lens(
    line: u32,
    s: u32,
    e: u32,
    title: &str,
    command: Option<&str>,
    args: serde_json::Value,
) -> CodeLens {
    CodeLens {
        range: Range::on_line(line, s, e),
        title: title.to_owned().into(),
        command: command.map(|c| c.to_owned().into()),
        arguments: args,
    }
}

fn expected_lenses(flaky_range: (u32, u32), suffix: &str) -> Vec<CodeLens> {
    let rerun = |l: u32, s: u32, e: u32| {
        lens(
            l,
            s,
            e,
            "↻ Re-run",
            Some("testany.runPipeline"),
            json!({"pipeline": "Y2K-0601"}),
        )
    };
    vec![
        lens(
            2,
            2,
            19,
            &format!("✗ FAILED 2m 15s · Y2K-0601-0000A · staging{suffix}"),
            Some("testany.openLog"),
            json!({"execution": "Y2K-0601-0000A", "caseIndex": 0}),
        ),
        rerun(2, 2, 19),
        lens(
            5,
            2,
            19,
            &format!("✓ PASSED 12s · Y2K-0601-0000A · staging{suffix}"),
            Some("testany.showExecution"),
            json!({"execution": "Y2K-0601-0000A"}),
        ),
        rerun(5, 2, 19),
        lens(
            6,
            2,
            19,
            &format!("⟳ RUNNING 1m 5s · Y2K-0601-0000B · staging{suffix}"),
            Some("testany.refreshExecution"),
            json!({"execution": "Y2K-0601-0000B"}),
        ),
        rerun(6, 2, 19),
        lens(
            7,
            2,
            19,
            &format!("? no result yet{suffix}"),
            None,
            serde_json::Value::Null,
        ),
        lens(
            8,
            flaky_range.0,
            flaky_range.1,
            &format!("✗ FAILED 850ms · Y2K-0601-0000A · staging{suffix}"),
            Some("testany.openLog"),
            json!({"execution": "Y2K-0601-0000A", "caseIndex": 2}),
        ),
        rerun(8, flaky_range.0, flaky_range.1),
    ]
}

fn diag(
    range: Range,
    severity: Severity,
    code: &str,
    message: &str,
    related: Vec<RelatedInformation>,
) -> Diagnostic {
    Diagnostic {
        range,
        severity,
        code: Some(code.to_owned().into()),
        source: "testany".into(),
        message: message.into(),
        related_information: related,
    }
}

fn expected_diagnostics(
    flaky_range: (u32, u32),
    location_line: u32,
    marker_line: u32,
) -> Vec<Diagnostic> {
    let marker = Range::on_line(marker_line, 2, 19);
    vec![
        diag(
            marker,
            Severity::Error,
            "assertion",
            "FAILED in Y2K-0601-0000A · failing since Y2K-0601-00009 (2 runs): \
             AssertionError: assert 2 == 3\nE  + where 2 = total()",
            vec![],
        ),
        diag(
            Range::on_line(marker_line + 6, flaky_range.0, flaky_range.1),
            Severity::Error,
            "error",
            // Passed in 00009, failed in 0000A: a regression, not flakiness (issue 17).
            "FAILED in Y2K-0601-0000A · new failure: Error: boom",
            vec![],
        ),
        // Failure locations come after the per-marker diagnostics.
        diag(
            Range::on_line(location_line, 4, 23),
            Severity::Error,
            "assertion",
            "AssertionError: assert 2 == 3 (A1B2C3D4 FAILED in Y2K-0601-0000A)",
            vec![RelatedInformation {
                uri: URI.into(),
                range: marker,
                message: "testany: A1B2C3D4".into(),
            }],
        ),
    ]
}

#[test]
fn plan_utf16() {
    let p = run(TEXT, Encoding::Utf16, false, None, 5);
    assert_eq!(p.lenses, expected_lenses((10, 27), ""));
    assert_eq!(p.diagnostics, expected_diagnostics((10, 27), 4, 2));
}

#[test]
fn plan_utf8_and_stale() {
    let p = run(TEXT, Encoding::Utf8, true, None, 5);
    assert_eq!(p.lenses, expected_lenses((12, 29), " (stale)"));
    assert_eq!(p.diagnostics, expected_diagnostics((12, 29), 4, 2));
}

#[test]
fn plan_with_drift_keeps_failure_on_its_statement() {
    // Two lines were inserted at the top since the execution ran.
    let text = format!("\"\"\"Cart tests.\"\"\"\n\n{TEXT}");
    let map = LineMap::new(&[TextEdit {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        new_text: "\"\"\"Cart tests.\"\"\"\n\n".into(),
    }]);
    let p = run(&text, Encoding::Utf16, false, Some(&map), 5);
    let mut want = expected_diagnostics((10, 27), 6, 4);
    want.iter_mut().for_each(|d| {
        if let Some(r) = d.related_information.first_mut() {
            r.range = Range::on_line(4, 2, 19);
        }
    });
    assert_eq!(p.diagnostics, want);
    // The failing statement line was deleted: its diagnostic goes, the case's stays.
    let map = LineMap::new(&[TextEdit {
        range: Range::new(Position::new(4, 0), Position::new(5, 0)),
        new_text: String::new(),
    }]);
    let p = run(TEXT, Encoding::Utf16, false, Some(&map), 5);
    assert_eq!(p.diagnostics.len(), 2);
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.related_information.is_empty())
    );
}

#[test]
fn hover_on_marker() {
    let markers = scan(TEXT);
    let anchors = anchors(PATH, TEXT, &markers, &BTreeMap::new());
    let execs = executions();
    let input = PlanInput {
        uri: URI,
        path: PATH,
        text: TEXT,
        anchors: &anchors,
        executions: &execs,
        locations: &[],
        related: &[],
        encoding: Encoding::Utf16,
        history: 10,
        stale: false,
        now: ts("2026-11-26T04:31:05Z"),
        drift: None,
    };
    let h = hover(&input, Position::new(8, 12)).unwrap();
    assert_eq!(h.range, Range::on_line(8, 10, 27));
    assert_eq!(
        h.markdown,
        "**testany: FLAKY001** · test\\_flaky001\n\n\
Pass rate: 50% (1 of 2)\n\n\
| | Result | Duration | Environment | Trigger | Execution | Started |\n\
|---|---|---|---|---|---|---|\n\
| ✗ | FAILED | 850ms | staging | manual | Y2K-0601-0000A | 2026-11-26 04:00 UTC |\n\
| ✓ | PASSED | 700ms | staging | manual | Y2K-0601-00009 | 2026-11-26 03:00 UTC |\n"
    );
    let h = hover(&input, Position::new(7, 5)).unwrap();
    assert_eq!(h.markdown, "**testany: UNKNOWN1**\n\nNo result yet.\n");
    assert_eq!(hover(&input, Position::new(3, 0)), None);
    // history = 1 keeps only the newest run.
    let h = hover(
        &PlanInput {
            history: 1,
            ..input
        },
        Position::new(2, 2),
    )
    .unwrap();
    assert!(
        h.markdown.contains("Pass rate: 0% (0 of 1)"),
        "{}",
        h.markdown
    );
    assert_eq!(h.markdown.matches("| ✗ |").count(), 1);
}

#[test]
fn duration_table() {
    let cases = [
        (0, "0ms"),
        (850, "850ms"),
        (999, "999ms"),
        (1000, "1s"),
        (12_000, "12s"),
        (59_999, "59s"),
        (60_000, "1m"),
        (135_000, "2m 15s"),
        (3_599_000, "59m 59s"),
        (3_600_000, "1h"),
        (3_780_000, "1h 3m"),
        (90_000_000, "25h"),
    ];
    for (ms, want) in cases {
        assert_eq!(format_duration(ms), want, "{ms}");
    }
}

#[test]
fn serde_shape() {
    let d = diag(
        Range::on_line(1, 2, 3),
        Severity::Error,
        "timeout",
        "TIMEOUT in X",
        vec![],
    );
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        json!({
            "range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 3}},
            "severity": "error",
            "code": "timeout",
            "source": "testany",
            "message": "TIMEOUT in X",
            "relatedInformation": []
        })
    );
    assert_eq!(Severity::Information.lsp(), 3);
}

#[test]
fn location_in_a_document_without_the_marker() {
    // shop/cart.py holds no marker; the case's marker is in the test file.
    let text = "class Cart:\n    def total(self):\n        return sum(\n            x.price\n            for x in self.items\n        )\n\n    def add(self, x):\n        raise AssertionError('bad')\n";
    let execs = executions();
    let locs = locations(5);
    let related = [RelatedMarker {
        case_key: "A1B2C3D4".into(),
        uri: URI.into(),
        range: Range::on_line(2, 2, 19),
    }];
    let input = PlanInput {
        uri: "file:///w/shop/cart.py",
        path: "shop/cart.py",
        text,
        anchors: &[],
        executions: &execs,
        locations: &locs,
        related: &related,
        encoding: Encoding::Utf16,
        history: 10,
        stale: false,
        now: ts("2026-11-26T04:31:05Z"),
        drift: None,
    };
    let p = plan(&input);
    assert!(p.lenses.is_empty());
    assert_eq!(
        p.diagnostics,
        vec![diag(
            Range::on_line(8, 8, 35),
            Severity::Error,
            "assertion",
            "AssertionError: assert 2 == 3 (A1B2C3D4 FAILED in Y2K-0601-0000A)",
            vec![RelatedInformation {
                uri: URI.into(),
                range: Range::on_line(2, 2, 19),
                message: "testany: A1B2C3D4".into(),
            }],
        )]
    );
    // Without a known marker the diagnostic still shows, with no related information.
    let p = plan(&PlanInput {
        related: &[],
        ..input
    });
    assert_eq!(p.diagnostics.len(), 1);
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.related_information.is_empty())
    );
}

/// A diagnostic as (severity, code, message).
type Said = (Severity, String, String);

/// The diagnostics of one marked case whose runs are `results`, newest first (`P`
/// passed, `F` failed, `T` timed out, `S` skipped); execution `E{n}` is the n-th oldest.
fn trend_diagnostics(results: &str) -> Vec<Said> {
    use ExecutionResult::{Failed, Passed, Skipped};
    let text = "# testany: K1\n";
    let markers = scan(text);
    let anchors = anchors(PATH, text, &markers, &BTreeMap::new());
    let n = results.len();
    let execs: Vec<Execution> = results
        .chars()
        .enumerate()
        .map(|(i, r)| {
            let (result, status, error) = match r {
                'P' => (Some(Passed), ExecutionStatus::Completed, None),
                'F' => (
                    Some(Failed),
                    ExecutionStatus::Completed,
                    Some("AssertionError: x"),
                ),
                'T' => (None, ExecutionStatus::Timeout, Some("Timeout: 300s")),
                _ => (Some(Skipped), ExecutionStatus::Completed, None),
            };
            let mut c = case(0, "K1", result, Some(1000), error);
            c.status = Some(status);
            // Newest first: the first letter is the latest execution.
            let at = format!("2026-11-{:02}T04:00:00Z", 26 - i);
            exec(
                &format!("E{}", n - i),
                ExecutionStatus::Completed,
                &at,
                vec![c],
            )
        })
        .collect();
    let p = plan(&PlanInput {
        uri: URI,
        path: PATH,
        text,
        anchors: &anchors,
        executions: &execs,
        locations: &[],
        related: &[],
        encoding: Encoding::Utf16,
        history: 10,
        stale: false,
        now: ts("2026-11-26T05:00:00Z"),
        drift: None,
    });
    p.diagnostics
        .into_iter()
        .map(|d| {
            let code = d.code.map(|c| c.into_owned()).unwrap_or_default();
            (d.severity, code, d.message)
        })
        .collect()
}

/// Issue 17: a case that failed only in the latest run was `flaky: 1 of last 3 failed`.
/// Flaky now means the result flipped more than once; a failure that started and stayed
/// says since when.
#[test]
fn failure_trend_new_failure_failing_since_and_flaky() {
    let e = |m: &str| (Severity::Error, "assertion".to_owned(), m.to_owned());
    let flaky = |m: &str| (Severity::Information, "flaky".to_owned(), m.to_owned());
    let table: &[(&str, Vec<Said>)] = &[
        // Failed only in the latest run.
        (
            "FPP",
            vec![e("FAILED in E3 · new failure: AssertionError: x")],
        ),
        // Failing in the last 3 runs, passed before: since the oldest of the streak.
        (
            "FFFP",
            vec![e(
                "FAILED in E4 · failing since E2 (3 runs): AssertionError: x",
            )],
        ),
        // Every run in the window failed: since the oldest known.
        (
            "FF",
            vec![e(
                "FAILED in E2 · failing since E1 (2 runs): AssertionError: x",
            )],
        ),
        // pass→fail→pass (newest last): flaky, and no error since it passes now.
        (
            "PFP",
            vec![flaky("flaky: flipped 2 times in the last 3 runs")],
        ),
        // fail→pass→fail: flaky, and the error carries no trend of its own.
        (
            "FPF",
            vec![
                e("FAILED in E3: AssertionError: x"),
                flaky("flaky: flipped 2 times in the last 3 runs"),
            ],
        ),
        (
            "PFPFPF",
            vec![flaky("flaky: flipped 5 times in the last 6 runs")],
        ),
        // Fixed after failing: one flip, nothing to say.
        ("PFF", vec![]),
        ("PPP", vec![]),
        // A single run has no history: the failure alone.
        ("F", vec![e("FAILED in E1: AssertionError: x")]),
        ("P", vec![]),
        // Skipped runs neither break a streak nor count as a flip.
        (
            "FSFP",
            vec![e(
                "FAILED in E4 · failing since E2 (2 runs): AssertionError: x",
            )],
        ),
        (
            "FSP",
            vec![e("FAILED in E3 · new failure: AssertionError: x")],
        ),
        // A timeout is a failure like any other.
        (
            "TP",
            vec![(
                Severity::Error,
                "timeout".to_owned(),
                "TIMEOUT in E2 · new failure: Timeout: 300s".to_owned(),
            )],
        ),
    ];
    for (results, want) in table {
        assert_eq!(&trend_diagnostics(results), want, "{results}");
    }
}
