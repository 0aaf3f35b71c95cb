//! Handler-level regression tests: untrusted editor input (positions past the end,
//! ranges in bad order, huge numbers, malformed command arguments) must never panic
//! the server. Small fixtures on disk, handlers called directly (tombi style).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::ErrorCode;
use tower_lsp_server::ls_types::*;

use crate::handler;
use crate::state::State;

use crate::state::test_state as state;

/// A temporary project: testany.toml (service unreachable) and one file.
fn project(name: &str, file: &str, text: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "testany-lsp-regression-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("testany.toml"),
        "url = \"http://127.0.0.1:9/api/v2/mcp/\"\nworkspace = \"SHP\"\npipelines = [\"SHP-1\"]\n",
    )
    .unwrap();
    std::fs::write(root.join(file), text).unwrap();
    root
}

fn uri_of(path: &Path) -> Uri {
    Uri::from_file_path(path).unwrap()
}

async fn open(state: &Arc<State>, uri: &Uri, text: &str) {
    handler::did_open::handle(
        state,
        DidOpenTextDocumentParams {
            text_document: TextDocumentItem::new(uri.clone(), "python".into(), 1, text.into()),
        },
    )
    .await;
}

fn hover_at(state: &State, uri: &Uri, line: u32, character: u32) -> Option<Hover> {
    handler::hover::handle(
        state,
        HoverParams {
            text_document_position_params: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(uri.clone()),
                Position::new(line, character),
            ),
            work_done_progress_params: Default::default(),
        },
    )
}

fn lenses(state: &State, uri: &Uri) -> Vec<(u32, String)> {
    handler::code_lens::handle(
        state,
        CodeLensParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        },
    )
    .unwrap_or_default()
    .into_iter()
    .map(|l| {
        (
            l.range.start.line,
            l.command.map(|c| c.command).unwrap_or_default(),
        )
    })
    .collect()
}

async fn execute(
    state: &Arc<State>,
    command: &str,
    arguments: Vec<Value>,
) -> tower_lsp_server::jsonrpc::Result<Option<Value>> {
    handler::execute_command::handle(
        state,
        ExecuteCommandParams {
            command: command.into(),
            arguments,
            work_done_progress_params: Default::default(),
        },
    )
    .await
}

/// (start line, start character, end line, end character)
type Span = (u32, u32, u32, u32);

const TEXT: &str = "# testany: A1B2C3D4 😀漢\ndef test_x():\n    pass\n";

#[tokio::test]
async fn positions_past_the_end_and_reversed_ranges_do_not_panic() {
    let root = project("positions", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    assert_eq!(lenses(&st, &uri).len(), 1, "one marker, one lens");

    for (line, character) in [(0, u32::MAX), (u32::MAX, 0), (u32::MAX, u32::MAX), (3, 1)] {
        assert!(
            hover_at(&st, &uri, line, character).is_none(),
            "{line}:{character}"
        );
    }

    // (range, text, expected document)
    let edits: [(Span, &str, &str); 4] = [
        // Reversed range: treated as start..end.
        (
            (1, 5, 1, 4),
            "",
            "# testany: A1B2C3D4 😀漢\ndef est_x():\n    pass\n",
        ),
        // Past the end on both sides: appends.
        (
            (u32::MAX, u32::MAX, 99, 0),
            "#",
            "# testany: A1B2C3D4 😀漢\ndef est_x():\n    pass\n#",
        ),
        // Inside the emoji's surrogate pair (UTF-16 column 21): snaps to its start.
        (
            (0, 21, 0, 21),
            "x",
            "# testany: A1B2C3D4 x😀漢\ndef est_x():\n    pass\n#",
        ),
        // Start past the end, end in the document: the tail goes.
        (
            (u32::MAX, 0, 2, 0),
            "",
            "# testany: A1B2C3D4 x😀漢\ndef est_x():\n",
        ),
    ];
    for (version, ((l0, c0, l1, c1), text, want)) in (2..).zip(edits) {
        handler::did_change::handle(
            &st,
            DidChangeTextDocumentParams {
                text_document: VersionedTextDocumentIdentifier::new(uri.clone(), version),
                content_changes: vec![TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(l0, c0), Position::new(l1, c1))),
                    range_length: None,
                    text: text.into(),
                }],
            },
        );
        let doc = st.lock().documents.get(&uri).map(|d| d.text.clone());
        assert_eq!(doc.as_deref(), Some(want), "edit {version}");
        assert_eq!(
            lenses(&st, &uri),
            vec![(0, String::new())],
            "edit {version}"
        );
    }
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn a_change_or_hover_for_an_unknown_document_is_ignored() {
    let st = state(&std::env::temp_dir());
    let uri = Uri::from_str("file:///nowhere/x.py").unwrap();
    handler::did_change::handle(
        &st,
        DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri.clone(), i32::MAX),
            content_changes: vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(9, 9), Position::new(0, 0))),
                range_length: Some(u32::MAX),
                text: "x".into(),
            }],
        },
    );
    assert!(st.lock().documents.is_empty());
    assert!(hover_at(&st, &uri, 0, 0).is_none());
    assert!(lenses(&st, &uri).is_empty());
}

#[tokio::test]
async fn malformed_command_arguments_are_invalid_params() {
    let st = state(&std::env::temp_dir());
    // (command, arguments)
    let cases: Vec<(&str, Vec<Value>)> = vec![
        ("testany.openLog", vec![]),
        ("testany.openLog", vec![json!("SHP-1-1")]),
        (
            "testany.openLog",
            vec![json!({"execution": 5, "caseIndex": 0})],
        ),
        (
            "testany.openLog",
            vec![json!({"execution": "SHP-1-1", "caseIndex": -1})],
        ),
        (
            "testany.openLog",
            vec![json!({"execution": "SHP-1-1", "caseIndex": 1e300})],
        ),
        ("testany.openLog", vec![json!({"execution": "SHP-1-1"})]),
        ("testany.showExecution", vec![json!([1, 2])]),
        ("testany.refreshExecution", vec![json!(null)]),
        ("testany.runPipeline", vec![json!({"pipeline": null})]),
        ("testany.recentFailures", vec![json!({"days": -3})]),
        ("testany.recentFailures", vec![json!({"days": 1e20})]),
        (
            "testany.pipelineHealth",
            vec![json!({"pipeline": "SHP-1", "days": "x"})],
        ),
        ("testany.nope", vec![]),
    ];
    for (command, arguments) in cases {
        let got = execute(&st, command, arguments.clone()).await;
        let code = got.as_ref().err().map(|e| e.code);
        assert_eq!(
            code,
            Some(ErrorCode::InvalidParams),
            "{command} {arguments:?}: {got:?}"
        );
    }
}

#[tokio::test]
async fn commands_without_a_configuration_say_so() {
    let st = state(&std::env::temp_dir());
    // (command, argument): well-formed, but no project serves them.
    let cases = [
        (
            "testany.openLog",
            json!({"execution": "../../etc-1", "caseIndex": usize::MAX}),
        ),
        ("testany.showExecution", json!({"execution": "SHP-1-1"})),
        ("testany.refreshExecution", json!({"execution": ""})),
        ("testany.runPipeline", json!({"pipeline": "SHP-1"})),
        (
            "testany.pipelineHealth",
            json!({"pipeline": "SHP-1", "days": u32::MAX}),
        ),
    ];
    for (command, argument) in cases {
        let got = execute(&st, command, vec![argument]).await;
        let code = got.as_ref().err().map(|e| e.code);
        assert_eq!(
            code,
            Some(ErrorCode::ServerError(-32001)),
            "{command}: {got:?}"
        );
    }
    // recentFailures has nothing to report, whatever the window.
    let got = execute(
        &st,
        "testany.recentFailures",
        vec![json!({"days": u32::MAX})],
    )
    .await;
    assert_eq!(got.ok().flatten(), Some(json!([])));
}

#[tokio::test]
async fn documents_outside_any_project_get_nothing() {
    let st = state(&std::env::temp_dir());
    // (URI, text): not a file, a path that is not UTF-8, a file with no testany.toml.
    let cases = [
        ("untitled:Untitled-1", TEXT),
        ("file:///nowhere/%FF%FE.py", TEXT),
        ("file:///nowhere/x.py", "\u{feff}# testany: \r\r\n\u{2028}"),
    ];
    for (uri, text) in cases {
        let uri = Uri::from_str(uri).unwrap();
        open(&st, &uri, text).await;
        assert!(lenses(&st, &uri).is_empty(), "{uri:?}");
        assert!(hover_at(&st, &uri, 0, 12).is_none(), "{uri:?}");
        let project = st.lock().documents.get(&uri).map(|d| d.project.clone());
        assert_eq!(project, Some(None), "{uri:?}");
    }
}

/// An execution of `SHP-1` started `now`, whose case `A1B2C3D4` failed at `t.py:3`.
fn failed_execution(key: &str) -> testany_core::model::Execution {
    let started = testany_core::plan::format_timestamp(jiff::Timestamp::now());
    testany_core::model::Execution::from_json(&json!({
        "execution_id": key, "status": "COMPLETED", "result": "FAILED",
        "pipeline_key": "SHP-1", "started_at": started,
        "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": "FAILED", "duration_ms": 1500,
                   "error": "/builds/x/t.py:3: AssertionError: boom"}]
    }))
    .expect("execution")
}

fn shp1() -> crate::data::PollKey {
    crate::data::PollKey {
        url: "http://127.0.0.1:9/api/v2/mcp/".into(),
        pipeline: "SHP-1".into(),
    }
}

/// Issue 17: Neovim sends `[]` for an empty Lua table. No argument, `null`, `[]` and
/// `{}` all mean "no options"; a command with required fields names the missing one.
#[tokio::test]
async fn no_argument_null_empty_array_and_empty_object_mean_no_options() {
    let root = project("nooptions", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    crate::runtime::store(&st, &shp1(), vec![failed_execution("SHP-1-00001")]);
    let t_py = uri_of(&root.join("t.py"));
    let failures = json!([{
        "execution": "SHP-1-00001", "pipeline": "SHP-1", "caseKey": "A1B2C3D4",
        "caseIndex": 0, "name": null, "result": "FAILED", "category": "assertion",
        "error": "/builds/x/t.py:3: AssertionError: boom",
        "locations": [{"uri": t_py.as_str(), "path": "t.py", "line": 2, "column": null,
                       "message": "AssertionError: boom"}],
    }]);
    let missing = |command: &str, field: &str, usage: &str| {
        Err::<Option<Value>, (ErrorCode, String)>((
            ErrorCode::InvalidParams,
            format!("bad arguments: {command} needs `{field}` (arguments: {usage})"),
        ))
    };
    // (command, expected result for every form of "nothing")
    let cases = [
        ("testany.recentFailures", Ok(Some(failures))),
        (
            "testany.openLog",
            missing("testany.openLog", "execution", "{execution, caseIndex}"),
        ),
        (
            "testany.showExecution",
            missing("testany.showExecution", "execution", "{execution}"),
        ),
        (
            "testany.refreshExecution",
            missing("testany.refreshExecution", "execution", "{execution}"),
        ),
        (
            "testany.runPipeline",
            missing("testany.runPipeline", "pipeline", "{pipeline}"),
        ),
        (
            "testany.pipelineHealth",
            missing("testany.pipelineHealth", "pipeline", "{pipeline, days?}"),
        ),
        (
            "testany.runLocally",
            missing(
                "testany.runLocally",
                "execution",
                "{execution, caseIndex, testId}",
            ),
        ),
    ];
    assert_eq!(cases.len(), crate::COMMANDS.len());
    let forms: [Vec<Value>; 4] = [vec![], vec![json!(null)], vec![json!([])], vec![json!({})]];
    for (command, want) in cases {
        for arguments in forms.clone() {
            let got = execute(&st, command, arguments.clone())
                .await
                .map_err(|e| (e.code, e.message.into_owned()));
            assert_eq!(got, want, "{command} {arguments:?}");
        }
    }
    // Only the missing one of two required fields is named; a non-object says so.
    let cases = [
        (
            json!({"execution": "SHP-1-00001"}),
            "bad arguments: testany.openLog needs `caseIndex` (arguments: {execution, caseIndex})",
        ),
        (
            json!({"execution": null, "caseIndex": 0}),
            "bad arguments: testany.openLog needs `execution` (arguments: {execution, caseIndex})",
        ),
        (
            json!("SHP-1-00001"),
            "bad arguments: testany.openLog takes one JSON object, not a string",
        ),
        (
            json!(["SHP-1-00001", 0]),
            "bad arguments: testany.openLog takes one JSON object, not an array",
        ),
    ];
    for (argument, want) in cases {
        let got = execute(&st, "testany.openLog", vec![argument.clone()]).await;
        let err = got.expect_err("invalid");
        assert_eq!(
            (err.code, err.message.as_ref()),
            (ErrorCode::InvalidParams, want),
            "{argument}"
        );
    }
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}

/// (line, message) of the diagnostics last published for `uri`.
fn published(state: &State, uri: &Uri) -> Vec<(u32, String)> {
    state
        .lock()
        .published
        .get(uri)
        .into_iter()
        .flatten()
        .map(|d| (d.range.start.line, d.message.clone()))
        .collect()
}

fn change(state: &State, uri: &Uri, version: i32, range: Option<Span>, text: &str) {
    handler::did_change::handle(
        state,
        DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(uri.clone(), version),
            content_changes: vec![TextDocumentContentChangeEvent {
                range: range.map(|(l0, c0, l1, c1)| {
                    Range::new(Position::new(l0, c0), Position::new(l1, c1))
                }),
                range_length: None,
                text: text.into(),
            }],
        },
    );
}

/// Issue 17: the failing line's diagnostic stayed on its old line after lines were
/// inserted above it. It now follows the edits made since it was first published.
#[tokio::test]
async fn failure_lines_follow_edits_made_since_they_were_published() {
    let root = project("drift", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    crate::runtime::store(&st, &shp1(), vec![failed_execution("SHP-1-00001")]);
    crate::publish::publish_pending(&st).await;
    let case = "FAILED in SHP-1-00001: /builds/x/t.py:3: AssertionError: boom";
    let at_line = "AssertionError: boom (A1B2C3D4 FAILED in SHP-1-00001)";
    let want = |marker: u32, failure: Option<u32>| {
        let mut v = vec![(marker, case.to_owned())];
        v.extend(failure.map(|l| (l, at_line.to_owned())));
        v
    };
    assert_eq!(published(&st, &uri), want(0, Some(2)));

    // (range or whole text, new text, marker line, failure line)
    let after_inserts = format!("import os\nimport re\nimport sys\n{TEXT}");
    let edits: [(Option<Span>, String, u32, Option<u32>); 4] = [
        // Three lines inserted above (incremental sync).
        (
            Some((0, 0, 0, 0)),
            "import os\nimport re\nimport sys\n".into(),
            3,
            Some(5),
        ),
        // A client without incremental sync: the whole text, first import removed.
        (
            None,
            after_inserts.replacen("import os\n", "", 1),
            2,
            Some(4),
        ),
        // An edit inside the failing line keeps it.
        (Some((4, 4, 4, 8)), "return".into(), 2, Some(4)),
        // The failing line itself deleted: its diagnostic goes, it does not jump.
        (Some((4, 0, 5, 0)), String::new(), 2, None),
    ];
    for (version, (range, text, marker, failure)) in (2..).zip(edits) {
        change(&st, &uri, version, range, &text);
        crate::publish::publish_pending(&st).await;
        assert_eq!(
            published(&st, &uri),
            want(marker, failure),
            "edit {version}"
        );
        // recentFailures (quickfix, Problems) names the same line while it exists.
        let rows = execute(&st, "testany.recentFailures", vec![])
            .await
            .expect("recentFailures")
            .expect("rows");
        let line = &rows[0]["locations"][0]["line"];
        assert_eq!(*line, json!(failure.unwrap_or(2)), "edit {version}");
    }
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 17: error texts, case names and environments come from the service. What the
/// editor renders (diagnostics, hover, lens titles) shows control, bidi and format
/// characters as visible text and carries no escape sequence, the same in the diagnostic
/// as in the hover (review: the diagnostic dropped the NUL the hover showed as `␀`).
#[tokio::test]
async fn hostile_service_text_is_shown_as_visible_text() {
    let root = project("hostile", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    let exec = testany_core::model::Execution::from_json(&json!({
        "execution_id": "SHP-1-00002", "status": "COMPLETED", "result": "FAILED",
        "pipeline_key": "SHP-1", "started_at": "2026-11-26T04:00:00Z",
        "environment": "stag\u{1b}]0;pwned\u{7}ing\u{9b}2J",
        "cases": [{
            "case_key": "A1B2C3D4", "index": 0, "status": "FAILED", "duration_ms": 1500,
            "name": "test_x\u{1b}[2J\u{202e}nimda\u{0}",
            "error": "t.py:3: AssertionError: \u{1b}]52;c;aGk=\u{7}boom\u{1b}[31m \u{202e}evil\u{0} bare\rCR",
        }],
    }))
    .expect("execution");
    crate::runtime::store(&st, &shp1(), vec![exec]);
    crate::publish::publish_pending(&st).await;
    assert_eq!(
        published(&st, &uri),
        vec![
            (
                0,
                "FAILED in SHP-1-00002: t.py:3: AssertionError: boom <U+202E>evil␀ bare␍CR"
                    .to_owned()
            ),
            (
                2,
                "AssertionError: boom <U+202E>evil␀ bare␍CR (A1B2C3D4 FAILED in SHP-1-00002)"
                    .to_owned()
            ),
        ]
    );
    let hover = hover_at(&st, &uri, 0, 3).expect("hover on the marker");
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("markdown hover: {hover:?}");
    };
    assert_eq!(
        markup.value,
        "**testany: A1B2C3D4** · test\\_x\\<U+202E\\>nimda␀\n\n\
         Pass rate: 0% (0 of 1)\n\n\
         | | Result | Duration | Environment | Trigger | Execution | Started |\n\
         |---|---|---|---|---|---|---|\n\
         | ✗ | FAILED | 1s | staging\\<U+009B\\>2J |  | SHP-1-00002 | 2026-11-26 04:00 UTC |\n"
    );
    let titles: Vec<String> = handler::code_lens::handle(
        &st,
        CodeLensParams {
            text_document: TextDocumentIdentifier::new(uri.clone()),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        },
    )
    .unwrap_or_default()
    .into_iter()
    .filter_map(|l| l.command.map(|c| c.title))
    .collect();
    assert_eq!(
        titles,
        vec!["✗ FAILED 1s · SHP-1-00002 · staging<U+009B>2J", "↻ Re-run"]
    );
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 17 (review): a case error quoting the token reaches the editor redacted, in the
/// diagnostics and in the lens-side messages alike.
#[tokio::test]
async fn a_case_error_quoting_a_secret_is_shown_redacted() {
    let _token = testany_client::Secret::new("tok-LSP-REVIEW-51d0c2");
    let root = project("secret-quote", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    let exec = testany_core::model::Execution::from_json(&json!({
        "execution_id": "SHP-1-00003", "status": "COMPLETED", "result": "FAILED",
        "pipeline_key": "SHP-1", "started_at": "2026-11-26T04:00:00Z",
        "cases": [{
            "case_key": "A1B2C3D4", "index": 0, "status": "FAILED", "duration_ms": 1500,
            "error": "t.py:3: AuthError: Bearer tok-LSP-REVIEW-51d0c2 refused",
        }],
    }))
    .expect("execution");
    crate::runtime::store(&st, &shp1(), vec![exec]);
    crate::publish::publish_pending(&st).await;
    assert_eq!(
        published(&st, &uri),
        vec![
            (
                0,
                "FAILED in SHP-1-00003: t.py:3: AuthError: Bearer [redacted] refused".to_owned()
            ),
            (
                2,
                "AuthError: Bearer [redacted] refused (A1B2C3D4 FAILED in SHP-1-00003)".to_owned()
            ),
        ]
    );
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}

/// Review of issue 17: command results (showExecution's execution, recentFailures'
/// cases) were returned with a quoted secret as is, and the hover escaped `_` before
/// redacting, so a secret holding one was shown.
#[tokio::test]
async fn command_results_and_hovers_are_redacted() {
    let _token = testany_client::Secret::new("tok_LSP_cmd_review_93e1");
    let root = project("secret-command", "t.py", TEXT);
    let st = state(&root.join(".cache"));
    let uri = uri_of(&root.join("t.py"));
    open(&st, &uri, TEXT).await;
    let exec = testany_core::model::Execution::from_json(&json!({
        "execution_id": "SHP-1-00004", "status": "COMPLETED", "result": "FAILED",
        "pipeline_key": "SHP-1", "started_at": "2026-11-26T04:00:00Z",
        "cases": [{
            "case_key": "A1B2C3D4", "index": 0, "status": "FAILED", "duration_ms": 1500,
            "name": "test_x tok_LSP_cmd_review_93e1",
            "error": "t.py:3: AuthError: Bearer tok_LSP_cmd_review_93e1 refused",
        }],
    }))
    .expect("execution");
    crate::runtime::store(&st, &shp1(), vec![exec]);
    crate::publish::publish_pending(&st).await;
    let shown = execute(
        &st,
        "testany.showExecution",
        vec![json!({"execution": "SHP-1-00004"})],
    )
    .await
    .expect("showExecution")
    .expect("a result");
    assert_eq!(shown["cases"][0]["name"], "test_x [redacted]");
    assert_eq!(
        shown["cases"][0]["error"],
        "t.py:3: AuthError: Bearer [redacted] refused"
    );
    assert!(!shown.to_string().contains("tok_LSP"), "{shown}");
    let hover = hover_at(&st, &uri, 0, 3).expect("hover on the marker");
    let HoverContents::Markup(markup) = hover.contents else {
        panic!("markdown hover: {hover:?}");
    };
    assert_eq!(
        markup.value.lines().next(),
        Some("**testany: A1B2C3D4** · test\\_x [redacted]")
    );
    st.lock().shutdown = true;
    let _ = std::fs::remove_dir_all(&root);
}
