//! The model reads every JSON example of execution-skill.md and one fixture per
//! variant named in facts.md, to fully written-out expected values.

use jiff::Timestamp;
use serde_json::{Value, json};
use testany_core::model::{
    CaseResult, Execution, ExecutionList, ExecutionResult, ExecutionStatus, FailureCategory,
    LogSign, ModelError, Pipeline, PipelineCase, Trigger,
};

fn ts(s: &str) -> Option<Timestamp> {
    Some(s.parse().expect("test timestamp"))
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

/// An execution with only its key and status set.
fn exec(key: &str, status: ExecutionStatus) -> Execution {
    Execution::new(key, status)
}

/// A case with index, key, status and result.
fn case(
    index: usize,
    key: &str,
    status: Option<ExecutionStatus>,
    result: Option<ExecutionResult>,
) -> CaseResult {
    CaseResult {
        index,
        case_key: key.to_owned(),
        status,
        result,
        ..CaseResult::default()
    }
}

use ExecutionResult as R;
use ExecutionStatus as S;

fn done(result: ExecutionResult) -> (Option<ExecutionStatus>, Option<ExecutionResult>) {
    (Some(S::Completed), Some(result))
}

fn execution_fixtures() -> Vec<(&'static str, &'static str, Execution)> {
    let completed = Some(S::Completed);
    vec![
        (
            "skill_typical.json",
            include_str!("fixtures/model/skill_typical.json"),
            Execution {
                result: Some(R::Failed),
                pipeline_key: s("pl-regression"),
                environment: s("staging"),
                started_at: ts("2024-01-15T10:00:00Z"),
                completed_at: ts("2024-01-15T10:05:32Z"),
                duration_ms: Some(332_000),
                cases: vec![
                    CaseResult {
                        duration_ms: Some(12_000),
                        ..case(0, "case-login", completed.clone(), Some(R::Passed))
                    },
                    CaseResult {
                        duration_ms: Some(135_000),
                        error: s("AssertionError: Expected status 200, got 500"),
                        ..case(1, "case-payment", completed.clone(), Some(R::Failed))
                    },
                ],
                ..exec("exec-12345", S::Completed)
            },
        ),
        (
            "synonyms.json",
            include_str!("fixtures/model/synonyms.json"),
            Execution {
                result: Some(R::Passed),
                pipeline_key: s("Y2K-0601"),
                cases: [
                    ("A1B2C3D4", done(R::Failed)),
                    ("A1B2C3D5", done(R::Failed)),
                    ("A1B2C3D6", (Some(S::Pending), None)),
                    ("A1B2C3D7", done(R::Passed)),
                    ("A1B2C3D8", (Some(S::Cancelled), None)),
                    ("A1B2C3D9", (Some(S::Timeout), None)),
                    ("A1B2C3DA", (Some(S::Cancelled), None)),
                    ("A1B2C3DB", (Some(S::Timeout), None)),
                    ("A1B2C3DC", done(R::Passed)),
                    ("A1B2C3DD", done(R::Skipped)),
                    ("A1B2C3DE", done(R::Error)),
                    ("A1B2C3DF", (Some(S::Running), None)),
                    ("A1B2C3E0", done(R::Passed)),
                ]
                .into_iter()
                .enumerate()
                .map(|(i, (key, (st, r)))| case(i, key, st, r))
                .collect(),
                ..exec("Y2K-0601-0000A", S::Completed)
            },
        ),
        (
            "camel_case.json",
            include_str!("fixtures/model/camel_case.json"),
            Execution {
                result: Some(R::Passed),
                pipeline_key: s("Y2K-0601"),
                pipeline_name: s("Checkout smoke"),
                workspace: s("Y2K"),
                environment: s("staging"),
                trigger: Some(Trigger::Plan),
                started_at: ts("2024-01-15T10:00:00Z"),
                completed_at: ts("2024-01-15T10:01:00.5Z"),
                duration_ms: Some(60_500),
                cases: vec![CaseResult {
                    name: s("Login works"),
                    duration_ms: Some(12_000),
                    runtime_uuid: s("81c91231-1b55-4e0a-ac12-80b3ad3fd372"),
                    started_at: ts("2024-01-15T10:00:00Z"),
                    completed_at: ts("2024-01-15T10:00:12Z"),
                    ..case(0, "A1B2C3D4", completed.clone(), Some(R::Passed))
                }],
                ..exec("Y2K-0601-0000B", S::Completed)
            },
        ),
        (
            "alt_names.json",
            include_str!("fixtures/model/alt_names.json"),
            Execution {
                result: Some(R::Failed),
                pipeline_key: s("Y2K-0601"),
                pipeline_name: s("Checkout smoke"),
                workspace: s("Y2K"),
                environment: s("prod"),
                trigger: Some(Trigger::Gatekeeper),
                started_at: ts("2024-01-15T10:00:00Z"),
                completed_at: ts("2024-01-15T10:02:15Z"),
                duration_ms: Some(135_000),
                cases: vec![CaseResult {
                    name: s("Pay by card"),
                    duration_ms: Some(135_000),
                    error: s("TimeoutError: page.click: Timeout 30000ms exceeded"),
                    runtime_uuid: s("0f6b1a52-7f0e-4e43-9d5d-1f1fa1b2c3d4"),
                    started_at: ts("2024-01-15T10:00:00Z"),
                    completed_at: ts("2024-01-15T10:02:15Z"),
                    ..case(0, "A1B2C3D4", completed.clone(), Some(R::Failed))
                }],
                ..exec("Y2K-0601-0000C", S::Completed)
            },
        ),
        (
            "epoch_millis.json",
            include_str!("fixtures/model/epoch_millis.json"),
            Execution {
                trigger: Some(Trigger::Api),
                started_at: ts("2024-01-15T10:00:00Z"),
                completed_at: ts("2024-01-15T10:05:32Z"),
                duration_ms: Some(332_000),
                cases: vec![
                    CaseResult {
                        started_at: ts("2024-01-15T10:00:00Z"),
                        ..case(0, "A1B2C3D4", Some(S::Running), None)
                    },
                    case(1, "A1B2C3D5", Some(S::Pending), None),
                ],
                ..exec("Y2K-0601-0000D", S::Running)
            },
        ),
        (
            "numeric_codes.json",
            include_str!("fixtures/model/numeric_codes.json"),
            Execution {
                result: Some(R::Unknown("0".into())),
                trigger: Some(Trigger::Unknown("2".into())),
                cases: vec![
                    case(0, "A1B2C3D4", Some(S::Unknown("2".into())), None),
                    case(
                        1,
                        "A1B2C3D5",
                        Some(S::Unknown("3".into())),
                        Some(R::Unknown("1.5".into())),
                    ),
                ],
                ..exec("Y2K-0601-0000E", S::Unknown("1".into()))
            },
        ),
        (
            "unknown_words.json",
            include_str!("fixtures/model/unknown_words.json"),
            Execution {
                result: Some(R::Unknown("FLAKY".into())),
                trigger: Some(Trigger::Unknown("Webhook".into())),
                cases: vec![
                    case(0, "A1B2C3D4", Some(S::Unknown("QUARANTINED".into())), None),
                    case(
                        1,
                        "A1B2C3D5",
                        completed.clone(),
                        Some(R::Unknown("partial".into())),
                    ),
                ],
                ..exec("Y2K-0601-0000F", S::Unknown("Paused".into()))
            },
        ),
        (
            "explicit_index.json",
            include_str!("fixtures/model/explicit_index.json"),
            Execution {
                result: Some(R::Failed),
                cases: vec![
                    case(2, "A1B2C3D4", completed.clone(), Some(R::Failed)),
                    case(0, "A1B2C3D5", completed.clone(), Some(R::Passed)),
                    case(2, "A1B2C3D6", completed.clone(), Some(R::Passed)),
                ],
                ..exec("Y2K-0601-00010", S::Completed)
            },
        ),
        (
            "wrong_types.json",
            include_str!("fixtures/model/wrong_types.json"),
            Execution {
                cases: vec![
                    case(0, "A1B2C3D4", None, None),
                    case(1, "", None, None),
                    CaseResult {
                        error: s("boom"),
                        ..case(2, "A1B2C3D5", None, None)
                    },
                ],
                ..exec("Y2K-0601-00011", S::Unknown(String::new()))
            },
        ),
        (
            "duration_seconds.json",
            include_str!("fixtures/model/duration_seconds.json"),
            Execution {
                result: Some(R::Passed),
                started_at: ts("2024-01-15T10:00:00Z"),
                completed_at: ts("2024-01-15T10:00:30Z"),
                duration_ms: Some(12_500),
                ..exec("4711", S::Completed)
            },
        ),
        (
            "wrapped.json",
            include_str!("fixtures/model/wrapped.json"),
            Execution {
                pipeline_key: s("Y2K-0601"),
                ..exec("Y2K-0601-00012", S::Pending)
            },
        ),
        (
            "no_status.json",
            include_str!("fixtures/model/no_status.json"),
            exec("Y2K-0601-00013", S::Unknown(String::new())),
        ),
    ]
}

#[test]
fn execution_fixtures_parse_to_expected_model() {
    for (name, text, expected) in execution_fixtures() {
        let value = parse(text);
        assert_eq!(Execution::from_json(&value), Ok(expected.clone()), "{name}");
        let via_serde: Execution = serde_json::from_str(text).expect(name);
        assert_eq!(via_serde, expected, "{name} via Deserialize");
    }
}

#[test]
fn execution_fixtures_round_trip_through_canonical_json() {
    for (name, _, expected) in execution_fixtures() {
        let json = serde_json::to_value(&expected).expect(name);
        assert_eq!(Execution::from_json(&json), Ok(expected), "{name}");
    }
}

#[test]
fn canonical_json_of_the_typical_result() {
    let execution =
        Execution::from_json(&parse(include_str!("fixtures/model/skill_typical.json"))).unwrap();
    let expected = json!({
        "key": "exec-12345",
        "status": "COMPLETED",
        "result": "FAILED",
        "pipeline_key": "pl-regression",
        "pipeline_name": null,
        "workspace": null,
        "environment": "staging",
        "trigger": null,
        "started_at": "2024-01-15T10:00:00Z",
        "completed_at": "2024-01-15T10:05:32Z",
        "duration_ms": 332000,
        "cases": [
            {
                "index": 0, "case_key": "case-login", "name": null, "status": "COMPLETED",
                "result": "PASSED", "duration_ms": 12000, "error": null, "runtime_uuid": null,
                "started_at": null, "completed_at": null
            },
            {
                "index": 1, "case_key": "case-payment", "name": null, "status": "COMPLETED",
                "result": "FAILED", "duration_ms": 135000,
                "error": "AssertionError: Expected status 200, got 500", "runtime_uuid": null,
                "started_at": null, "completed_at": null
            }
        ]
    });
    assert_eq!(serde_json::to_value(&execution).unwrap(), expected);
}

fn list_of(keys: &[(&str, ExecutionStatus, Option<ExecutionResult>)]) -> Vec<Execution> {
    keys.iter()
        .map(|(key, status, result)| Execution {
            result: result.clone(),
            ..exec(key, status.clone())
        })
        .collect()
}

#[test]
fn list_shapes_parse_to_expected_pages() {
    let table: Vec<(&str, &str, ExecutionList)> = vec![
        (
            "list_bare_array.json",
            include_str!("fixtures/model/list_bare_array.json"),
            ExecutionList {
                executions: list_of(&[
                    ("Y2K-0601-0000A", S::Completed, Some(R::Failed)),
                    ("Y2K-0601-00009", S::Completed, Some(R::Passed)),
                ])
                .into_iter()
                .map(|e| Execution {
                    pipeline_key: s("Y2K-0601"),
                    ..e
                })
                .collect(),
                ..ExecutionList::default()
            },
        ),
        (
            "list_executions.json",
            include_str!("fixtures/model/list_executions.json"),
            ExecutionList {
                executions: vec![Execution {
                    environment: s("staging"),
                    started_at: ts("2024-01-15T10:00:00Z"),
                    ..exec("Y2K-0601-0000A", S::Running)
                }],
                total: Some(42),
                page: Some(1),
                page_size: Some(20),
                has_more: Some(true),
                ..ExecutionList::default()
            },
        ),
        (
            "list_items.json",
            include_str!("fixtures/model/list_items.json"),
            ExecutionList {
                executions: list_of(&[
                    ("Y2K-0601-0000A", S::Completed, Some(R::Passed)),
                    ("Y2K-0601-00009", S::Completed, Some(R::Failed)),
                ]),
                total: Some(2),
                page_size: Some(50),
                has_more: Some(false),
                ..ExecutionList::default()
            },
        ),
        (
            "list_data.json",
            include_str!("fixtures/model/list_data.json"),
            ExecutionList {
                executions: list_of(&[("Y2K-0601-0000A", S::Pending, None)]),
                total: Some(1),
                ..ExecutionList::default()
            },
        ),
        (
            "list_list.json",
            include_str!("fixtures/model/list_list.json"),
            ExecutionList {
                executions: list_of(&[("Y2K-0601-0000A", S::Cancelled, None)]),
                total: Some(7),
                page: Some(2),
                next_cursor: s("c2"),
                ..ExecutionList::default()
            },
        ),
        (
            "list_records.json",
            include_str!("fixtures/model/list_records.json"),
            ExecutionList {
                executions: list_of(&[("Y2K-0601-0000A", S::Timeout, None)]),
                total: Some(1),
                page: Some(1),
                page_size: Some(10),
                ..ExecutionList::default()
            },
        ),
        (
            "list_nested_data.json",
            include_str!("fixtures/model/list_nested_data.json"),
            ExecutionList {
                executions: list_of(&[
                    ("Y2K-0601-0000A", S::Completed, Some(R::Passed)),
                    ("Y2K-0601-00009", S::Unknown("0".into()), None),
                ]),
                total: Some(4),
                skipped_rows: 2,
                ..ExecutionList::default()
            },
        ),
    ];
    for (name, text, expected) in table {
        assert_eq!(
            ExecutionList::from_json(&parse(text)),
            Ok(expected.clone()),
            "{name}"
        );
        let via_serde: ExecutionList = serde_json::from_str(text).expect(name);
        assert_eq!(via_serde, expected, "{name} via Deserialize");
    }
}

#[test]
fn list_paging_says_whether_more_follow() {
    let cases = [
        (json!({"items": [], "has_more": true}), 0, true),
        (json!({"items": [{"key": "a"}], "total": 3}), 1, true),
        (json!({"items": [{"key": "a"}], "total": 3}), 3, false),
        (json!({"items": [], "total": 3}), 0, false),
        (
            json!({"items": [{"key": "a"}], "next_cursor": "x"}),
            1,
            true,
        ),
        (json!([{"key": "a"}]), 1, false),
    ];
    for (value, seen, expected) in cases {
        let list = ExecutionList::from_json(&value).unwrap();
        assert_eq!(list.more_after(seen), expected, "{value}");
    }
}

#[test]
fn pipelines_parse_to_expected_model() {
    let table = [
        (
            include_str!("fixtures/model/pipeline.json"),
            Pipeline {
                key: "Y2K-0601".into(),
                name: s("Checkout smoke"),
                workspace: s("Y2K"),
                environment: s("staging"),
                cases: vec![
                    PipelineCase {
                        case_key: "A1B2C3D4".into(),
                        name: s("Login works"),
                    },
                    PipelineCase {
                        case_key: "A1B2C3D5".into(),
                        name: None,
                    },
                    PipelineCase {
                        case_key: "A1B2C3D6".into(),
                        name: None,
                    },
                ],
            },
        ),
        (
            include_str!("fixtures/model/pipeline_camel_wrapped.json"),
            Pipeline {
                key: "Y2K-0602".into(),
                name: s("Nightly"),
                workspace: None,
                environment: s("prod"),
                cases: vec![PipelineCase {
                    case_key: "B0000001".into(),
                    name: s("Search"),
                }],
            },
        ),
    ];
    for (text, expected) in table {
        assert_eq!(Pipeline::from_json(&parse(text)), Ok(expected.clone()));
        let via_serde: Pipeline = serde_json::from_str(text).unwrap();
        assert_eq!(via_serde, expected.clone());
        let canonical = serde_json::to_value(&expected).unwrap();
        assert_eq!(Pipeline::from_json(&canonical), Ok(expected));
    }
}

#[test]
fn log_sign_replies_parse_to_expected_values() {
    let skill =
        LogSign::from_json(&parse(include_str!("fixtures/model/skill_log_sign.json"))).unwrap();
    assert_eq!(skill.sign, "eyJhbGciOiJS...");
    assert_eq!(
        skill.log_url.as_deref(),
        Some(
            "https://81c91231-1b55-4e0a-ac12-80b3ad3fd372.tr.dev.testany.com.cn/api/v2/logproxy/internal/view"
        )
    );
    assert_eq!(skill.operator_id.as_deref(), Some("user@example.com"));
    assert_eq!(
        skill.curl_command.as_deref(),
        Some(r#"curl -s -H "X-Sign: ..." -H "X-Operator-Id: ..." "https://...""#)
    );
    assert!(skill.headers.is_empty());
    assert_eq!(skill.runtime_uuid, None);

    let headers: LogSign =
        serde_json::from_str(include_str!("fixtures/model/log_sign_headers.json")).unwrap();
    assert_eq!(headers.sign, "eyJhbGciOiJIUzI1NiJ9.e30.sig");
    assert_eq!(headers.operator_id.as_deref(), Some("dev@example.com"));
    assert_eq!(
        headers.log_url.as_deref(),
        Some(
            "https://81c91231-1b55-4e0a-ac12-80b3ad3fd372.tr.testany.com.cn/api/v2/logproxy/internal/view"
        )
    );
    assert_eq!(
        headers.headers.keys().collect::<Vec<_>>(),
        ["X-Operator-Id", "X-Sign"]
    );
    assert_eq!(
        headers.runtime_uuid.as_deref(),
        Some("81c91231-1b55-4e0a-ac12-80b3ad3fd372")
    );
}

#[test]
fn log_sign_debug_never_shows_secrets() {
    let sign =
        LogSign::from_json(&parse(include_str!("fixtures/model/skill_log_sign.json"))).unwrap();
    let debug = format!("{sign:?}");
    assert!(!debug.contains("eyJ"), "{debug}");
    assert!(!debug.contains("user@example.com"), "{debug}");
    assert!(!debug.contains("curl -s"), "{debug}");
    assert_eq!(
        LogSign::from_json(&json!({"logUrl": "https://x"})),
        Err(ModelError::MissingSign)
    );
}

#[test]
fn errors_only_for_non_objects_and_missing_keys() {
    let table: [(Value, ModelError, &str); 4] = [
        (
            json!([1, 2]),
            ModelError::NotAnObject {
                what: "an execution",
                found: "an array",
            },
            "expected an execution as a JSON object, found an array",
        ),
        (
            json!({"status": "RUNNING", "key": "  "}),
            ModelError::MissingKey {
                what: "an execution",
                fields: "execution_key, executionKey, execution_id, executionId, key, id",
            },
            "an execution has no key (none of execution_key, executionKey, execution_id, executionId, key, id)",
        ),
        (
            json!(null),
            ModelError::NotAnObject {
                what: "an execution",
                found: "null",
            },
            "expected an execution as a JSON object, found null",
        ),
        (
            json!({"execution": {"data": {"result": {"key": "too deep"}}}}),
            ModelError::MissingKey {
                what: "an execution",
                fields: "execution_key, executionKey, execution_id, executionId, key, id",
            },
            "an execution has no key (none of execution_key, executionKey, execution_id, executionId, key, id)",
        ),
    ];
    for (value, error, message) in table {
        assert_eq!(Execution::from_json(&value), Err(error.clone()), "{value}");
        assert_eq!(error.to_string(), message);
    }
    assert_eq!(
        ExecutionList::from_json(&json!({"total": 3})),
        Err(ModelError::NotAList {
            found: "an object without an array of rows"
        })
    );
    assert_eq!(
        ExecutionList::from_json(&json!("x"))
            .unwrap_err()
            .to_string(),
        "expected a list of executions (an array, or an object holding one), found a string"
    );
    assert_eq!(
        Pipeline::from_json(&json!({"cases": []}))
            .unwrap_err()
            .to_string(),
        "a pipeline has no key (none of pipeline_key, pipelineKey, pipeline_id, key, id)"
    );
}

#[test]
fn status_words_fold_synonyms_and_keep_unknown_raw() {
    let table = [
        ("PENDING", S::Pending),
        ("not_started", S::Pending),
        ("Not Started", S::Pending),
        ("RUNNING", S::Running),
        ("in-progress", S::Running),
        ("COMPLETED", S::Completed),
        ("finished", S::Completed),
        ("CANCELLED", S::Cancelled),
        ("canceled", S::Cancelled),
        ("TIMEOUT", S::Timeout),
        ("Timed_Out", S::Timeout),
        (" running ", S::Running),
        ("PASSED", S::Unknown("PASSED".into())),
        ("0", S::Unknown("0".into())),
        ("", S::Unknown(String::new())),
    ];
    for (raw, expected) in table {
        assert_eq!(S::parse(raw), expected, "{raw:?}");
    }
    let results = [
        ("PASSED", R::Passed),
        ("success", R::Passed),
        ("FAIL_AS_EXPECTED", R::Passed),
        ("fail-as-expected", R::Passed),
        ("FAILED", R::Failed),
        ("FAILURE", R::Failed),
        ("Fail", R::Failed),
        ("ERROR", R::Error),
        ("SKIPPED", R::Skipped),
        ("flaky", R::Unknown("flaky".into())),
    ];
    for (raw, expected) in results {
        assert_eq!(R::parse(raw), expected, "{raw:?}");
    }
    let triggers = [
        ("MANUAL", Trigger::Manual),
        ("plan", Trigger::Plan),
        ("Scheduled", Trigger::Plan),
        ("gatekeeper", Trigger::Gatekeeper),
        ("API", Trigger::Api),
        ("webhook", Trigger::Unknown("webhook".into())),
    ];
    for (raw, expected) in triggers {
        assert_eq!(Trigger::parse(raw), expected, "{raw:?}");
    }
}

#[test]
fn display_and_as_str_are_the_canonical_words() {
    assert_eq!(S::Cancelled.to_string(), "CANCELLED");
    assert_eq!(S::Unknown("Paused".into()).to_string(), "Paused");
    assert_eq!(S::Unknown(String::new()).to_string(), "UNKNOWN");
    assert_eq!(S::Unknown(String::new()).as_str(), "");
    assert_eq!(R::Passed.as_str(), "PASSED");
    assert_eq!(R::Unknown("7".into()).as_str(), "7");
    assert_eq!(Trigger::Gatekeeper.to_string(), "GATEKEEPER");
    let categories: Vec<String> = FailureCategory::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        categories,
        ["assertion", "timeout", "error", "infrastructure"]
    );
    assert_eq!(
        FailureCategory::parse("Timeout"),
        Some(FailureCategory::Timeout)
    );
    assert_eq!(FailureCategory::parse("flaky"), None);
    assert_eq!(
        serde_json::to_value(FailureCategory::Infrastructure).unwrap(),
        json!("infrastructure")
    );
    let status: ExecutionStatus = serde_json::from_value(json!("timed_out")).unwrap();
    assert_eq!(status, S::Timeout);
    let status: ExecutionStatus = serde_json::from_value(json!(1)).unwrap();
    assert_eq!(status, S::Unknown("1".into()));
}

#[test]
fn helpers_answer_from_the_model() {
    let execution =
        Execution::from_json(&parse(include_str!("fixtures/model/synonyms.json"))).unwrap();
    let failed: Vec<&str> = execution
        .failed_cases()
        .map(|c| c.case_key.as_str())
        .collect();
    // FAILURE, fail, two timeouts and error; FAIL_AS_EXPECTED passed.
    assert_eq!(
        failed,
        ["A1B2C3D4", "A1B2C3D5", "A1B2C3D9", "A1B2C3DB", "A1B2C3DE"]
    );
    assert!(!execution.is_active());
    assert_eq!(
        execution.case_by_key("A1B2C3D7").map(|c| c.is_passed()),
        Some(true)
    );
    assert_eq!(execution.case_at(11).map(|c| c.is_active()), Some(true));
    assert!(S::Pending.is_active() && S::Running.is_active());
    assert!(!S::Completed.is_active() && !S::Unknown("x".into()).is_active());
    assert!(R::Failed.is_failure() && R::Error.is_failure());
    assert!(!R::Passed.is_failure() && !R::Skipped.is_failure());
    let pipeline =
        Pipeline::from_json(&parse(include_str!("fixtures/model/pipeline.json"))).unwrap();
    assert_eq!(pipeline.case_index("A1B2C3D6"), Some(2));
    assert_eq!(pipeline.case_index("nope"), None);
}

#[test]
fn timestamps_accept_the_documented_forms() {
    let table = [
        (json!("2024-01-15T10:00:00Z"), ts("2024-01-15T10:00:00Z")),
        (
            json!("2024-01-15T18:00:00+08:00"),
            ts("2024-01-15T10:00:00Z"),
        ),
        (json!("2024-01-15 10:00:00"), ts("2024-01-15T10:00:00Z")),
        (
            json!("2024-01-15T10:00:00.250"),
            ts("2024-01-15T10:00:00.25Z"),
        ),
        (json!(1_705_312_800_000_i64), ts("2024-01-15T10:00:00Z")),
        (json!(1_705_312_800), ts("2024-01-15T10:00:00Z")),
        (json!("1705312800000"), ts("2024-01-15T10:00:00Z")),
        (json!("not a time"), None),
        (json!(""), None),
        (json!(true), None),
    ];
    for (value, expected) in table {
        let execution = Execution::from_json(&json!({"key": "k", "started_at": value})).unwrap();
        assert_eq!(execution.started_at, expected, "{value}");
    }
}

/// `i64::MIN` as an epoch number overflowed `abs()` and panicked (debug builds).
#[test]
fn epoch_i64_min_timestamp_is_absent_not_a_panic() {
    let table = [
        json!(i64::MIN),
        json!("-9223372036854775808"),
        json!(i64::MAX),
        json!(-1_705_312_800_000_i64),
    ];
    let expected = [None, None, None, ts("1915-12-18T14:00:00Z")];
    for (value, expected) in table.into_iter().zip(expected) {
        let execution = Execution::from_json(&json!({"key": "k", "started_at": value})).unwrap();
        assert_eq!(execution.started_at, expected, "{value}");
    }
}
