//! Bad input never panics the model; what it reads is a fixpoint of its canonical JSON;
//! generated models round-trip through Serialize -> Deserialize unchanged.

use jiff::Timestamp;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use testany_core::model::{
    CaseResult, Execution, ExecutionList, ExecutionResult, ExecutionStatus, LogSign, Pipeline,
    Trigger,
};

/// Field names the readers look for, so generated objects reach the interesting paths.
const FIELDS: &[&str] = &[
    "execution_key",
    "executionKey",
    "execution_id",
    "key",
    "id",
    "case_key",
    "caseKey",
    "status",
    "state",
    "result",
    "caseResult",
    "trigger",
    "triggered_by",
    "triggerType",
    "pipeline",
    "pipeline_key",
    "pipelineName",
    "workspace",
    "env",
    "environment",
    "started_at",
    "startTime",
    "exe_start_time",
    "completed_at",
    "finishedAt",
    "end_time",
    "duration_ms",
    "durationMs",
    "duration_seconds",
    "cases",
    "testCases",
    "index",
    "caseIndex",
    "error",
    "message",
    "runtime_uuid",
    "name",
    "case",
    "execution",
    "data",
    "items",
    "executions",
    "records",
    "list",
    "total",
    "page",
    "pageSize",
    "has_more",
    "next_cursor",
    "sign",
    "logUrl",
    "operatorId",
    "headers",
    "X-Sign",
];

const WORDS: &[&str] = &[
    "PASSED",
    "FAILED",
    "SUCCESS",
    "FAILURE",
    "FAIL_AS_EXPECTED",
    "NOT_STARTED",
    "RUNNING",
    "COMPLETED",
    "CANCELED",
    "timed out",
    "ERROR",
    "SKIPPED",
    "plan",
    "api",
    "a@b.c",
    "2024-01-15T10:00:00Z",
    "2024-01-15 10:00:00",
    "2024-01-15T18:00:00+08:00",
    "1705312800000",
    "-1",
    "",
    " ",
    "true",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e20f64..1.0e20).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(WORDS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        (0i64..4_000_000_000_000).prop_map(Value::from),
        // Extremes random draws almost never hit (`i64::MIN` once overflowed `abs()`).
        prop::sample::select(EDGE_NUMBERS).prop_map(Value::from),
        prop::sample::select(EDGE_FLOATS)
            .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(EDGE_TEXTS).prop_map(Value::from),
    ]
}

const EDGE_NUMBERS: &[i64] = &[i64::MIN, i64::MIN + 1, i64::MAX, -1, 0, 1];
const EDGE_FLOATS: &[f64] = &[f64::MAX, f64::MIN, f64::MIN_POSITIVE, -0.0, 1.8e19, 9.0e15];
const EDGE_TEXTS: &[&str] = &[
    "-9223372036854775808",
    "9223372036854775807",
    "18446744073709551615",
    "-0",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "[a-zA-Z_-]{0,10}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..10)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object that almost always has a key, so the whole reader runs.
fn execution_like() -> impl Strategy<Value = Value> {
    (json(), "[A-Z0-9-]{1,14}").prop_map(|(value, key)| {
        let mut obj = match value {
            Value::Object(obj) => obj,
            other => {
                let mut m = Map::new();
                m.insert("cases".into(), other);
                m
            }
        };
        obj.insert("key".into(), Value::String(key));
        Value::Object(obj)
    })
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let _ = Execution::from_json(&value);
        let _ = ExecutionList::from_json(&value);
        let _ = Pipeline::from_json(&value);
        let _ = LogSign::from_json(&value);
        let _ = CaseResult::from_json(&value, 3);
        let _ = serde_json::from_value::<Execution>(value.clone());
        let _ = serde_json::from_value::<ExecutionStatus>(value);
    }

    /// What the reader accepts, written canonically, reads back to the same value.
    #[test]
    fn read_values_are_fixpoints_of_canonical_json(value in execution_like()) {
        let execution = Execution::from_json(&value).expect("has a key");
        let canonical = serde_json::to_value(&execution).unwrap();
        prop_assert_eq!(Execution::from_json(&canonical), Ok(execution));
        if let Ok(pipeline) = Pipeline::from_json(&value) {
            let canonical = serde_json::to_value(&pipeline).unwrap();
            prop_assert_eq!(Pipeline::from_json(&canonical), Ok(pipeline));
        }
    }

    /// Wide objects take the indexed lookup path; it must read exactly like the scan.
    #[test]
    fn wide_objects_read_like_narrow_ones(value in execution_like(), filler in 40usize..80) {
        let Value::Object(mut obj) = value.clone() else { unreachable!() };
        for i in 0..filler {
            obj.entry(format!("zz_filler_{i}")).or_insert(Value::from(i));
        }
        let wide = Value::Object(obj);
        prop_assert_eq!(Execution::from_json(&wide), Execution::from_json(&value));
        prop_assert_eq!(Pipeline::from_json(&wide), Pipeline::from_json(&value));
        prop_assert_eq!(LogSign::from_json(&wide), LogSign::from_json(&value));
    }

    #[test]
    fn lists_keep_every_keyed_row(rows in prop::collection::vec(json(), 0..6), wrap in 0usize..4) {
        let keyed = rows.iter().filter(|r| Execution::from_json(r).is_ok()).count();
        let array = Value::Array(rows.clone());
        let value = match wrap {
            0 => array,
            1 => serde_json::json!({"items": array, "total": 9}),
            2 => serde_json::json!({"data": {"records": array}}),
            _ => serde_json::json!({"executions": array, "has_more": true}),
        };
        let list = ExecutionList::from_json(&value).expect("a list shape");
        prop_assert_eq!(list.executions.len(), keyed);
        prop_assert_eq!(list.skipped_rows, rows.len() - keyed);
        let canonical = serde_json::to_value(&list).unwrap();
        let again = ExecutionList::from_json(&canonical).unwrap();
        prop_assert_eq!(again.executions, list.executions);
        prop_assert_eq!(again.total, list.total);
        prop_assert_eq!(again.has_more, list.has_more);
    }
}

// ---- generated models (canonical form: what the reader produces) ----

fn text() -> impl Strategy<Value = String> {
    ".{0,16}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn key_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9._-]{0,15}"
}

/// Raw words that no table knows (what `Unknown` holds after reading).
fn unknown_raw() -> impl Strategy<Value = String> {
    "[^@]{0,12}".prop_filter("known word", |s| {
        matches!(ExecutionStatus::parse(s), ExecutionStatus::Unknown(_))
            && matches!(ExecutionResult::parse(s), ExecutionResult::Unknown(_))
            && matches!(Trigger::parse(s), Trigger::Unknown(_))
    })
}

fn status() -> impl Strategy<Value = ExecutionStatus> {
    prop_oneof![
        Just(ExecutionStatus::Pending),
        Just(ExecutionStatus::Running),
        Just(ExecutionStatus::Completed),
        Just(ExecutionStatus::Cancelled),
        Just(ExecutionStatus::Timeout),
        unknown_raw().prop_map(ExecutionStatus::Unknown),
    ]
}

fn result() -> impl Strategy<Value = ExecutionResult> {
    prop_oneof![
        Just(ExecutionResult::Passed),
        Just(ExecutionResult::Failed),
        Just(ExecutionResult::Error),
        Just(ExecutionResult::Skipped),
        unknown_raw().prop_map(ExecutionResult::Unknown),
    ]
}

fn trigger() -> impl Strategy<Value = Trigger> {
    prop_oneof![
        Just(Trigger::Manual),
        Just(Trigger::Plan),
        Just(Trigger::Gatekeeper),
        Just(Trigger::Api),
        unknown_raw().prop_map(Trigger::Unknown),
    ]
}

fn timestamp() -> impl Strategy<Value = Option<Timestamp>> {
    prop::option::of(
        (-60_000_000_000i64..250_000_000_000, 0i32..1_000_000_000)
            .prop_map(|(s, ns)| Timestamp::new(s, ns).expect("in range")),
    )
}

/// Duration as the reader leaves it: computed from the timestamps when not given.
fn settle_duration(
    duration: Option<u64>,
    started: Option<Timestamp>,
    completed: Option<Timestamp>,
) -> Option<u64> {
    duration.or_else(|| {
        let ms = completed?
            .as_millisecond()
            .checked_sub(started?.as_millisecond())?;
        u64::try_from(ms).ok()
    })
}

fn case() -> impl Strategy<Value = CaseResult> {
    (
        (
            0usize..10_000,
            prop_oneof![Just(String::new()), key_text()],
            opt_text(),
        ),
        (prop::option::of(status()), prop::option::of(result())),
        (
            prop::option::of(any::<u64>()),
            opt_text(),
            prop::option::of(key_text()),
        ),
        (timestamp(), timestamp()),
    )
        .prop_map(
            |((index, case_key, name), (status, result), (duration, error, uuid), (s, c))| {
                CaseResult {
                    index,
                    case_key,
                    name,
                    // A result without a status reads as COMPLETED.
                    status: status.or(result.as_ref().map(|_| ExecutionStatus::Completed)),
                    result,
                    duration_ms: settle_duration(duration, s, c),
                    error,
                    runtime_uuid: uuid,
                    started_at: s,
                    completed_at: c,
                }
            },
        )
}

fn execution() -> impl Strategy<Value = Execution> {
    (
        (key_text(), status(), prop::option::of(result())),
        (
            prop::option::of(key_text()),
            opt_text(),
            opt_text(),
            opt_text(),
        ),
        (
            prop::option::of(trigger()),
            timestamp(),
            timestamp(),
            prop::option::of(any::<u64>()),
        ),
        prop::collection::vec(case(), 0..5),
    )
        .prop_map(
            |((key, status, result), (pk, pn, ws, env), (trigger, s, c, d), cases)| Execution {
                key,
                status,
                result,
                pipeline_key: pk,
                pipeline_name: pn,
                workspace: ws,
                environment: env,
                trigger,
                started_at: s,
                completed_at: c,
                duration_ms: settle_duration(d, s, c),
                cases,
            },
        )
}

proptest! {
    #[test]
    fn generated_executions_round_trip(execution in execution()) {
        let text = serde_json::to_string(&execution).unwrap();
        let back: Execution = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, execution);
    }
}

// ---- timestamps ----

/// Date, separator, time, fraction, zone and trailing text, each picked from valid and
/// near-miss forms (and anything), so many inputs parse and many almost do.
fn timestamp_text() -> impl Strategy<Value = String> {
    let date = prop_oneof![
        Just("2024-01-15"),
        Just("2016-12-31"),
        Just("2024-02-30"),
        Just("2024-1-15"),
        Just(""),
    ];
    let sep = prop_oneof![Just("T"), Just("t"), Just(" "), Just("x"), Just("")];
    let time = prop_oneof![
        Just("10:00:00"),
        Just("23:59:60"),
        Just("10:00:6"),
        Just("24:00:00"),
        Just("10:00"),
        Just(""),
    ];
    let frac = prop_oneof![
        Just(""),
        Just(".5"),
        Just(".123456789"),
        Just(".1234567891"),
        Just(".")
    ];
    let zone = prop_oneof![
        Just("Z"),
        Just("z"),
        Just("+08:00"),
        Just("-04:30"),
        Just("+24:00"),
        Just("+0800"),
        Just(""),
    ];
    let tail = prop_oneof![
        4 => Just(String::new()),
        1 => any::<char>().prop_map(String::from),
        1 => "[0-9:.+é漢-]{1,3}",
    ];
    (date, sep, time, frac, zone, tail)
        .prop_map(|(d, s, t, f, z, tail)| format!("{d}{s}{t}{f}{z}{tail}"))
}

proptest! {
    /// Never panics; what it reads prints (RFC 3339) and reads back to the same instant.
    #[test]
    fn timestamps_never_panic_and_round_trip(text in timestamp_text()) {
        use testany_core::model::parse_timestamp;
        if let Some(ts) = parse_timestamp(&text) {
            prop_assert_eq!(parse_timestamp(&ts.to_string()), Some(ts), "{}", text);
        }
    }
}
