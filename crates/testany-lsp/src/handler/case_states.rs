//! `testany/caseStates {uri?}`: each anchored case's state in the newest execution that
//! ran it, from the last known data (no I/O), for test trees and status bars: open
//! documents as edited (markers and `[cases]` mappings), other files from the project's
//! marker index and `[cases]` entries, and the case lens on a trigger file or, for a
//! case with no trigger file and no anchor, on each file of its linked tests (each case
//! lens has its entry, open or not, as test entries do).

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

use testany_core::category;
use testany_core::markers::{self, Anchor};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus};
use testany_core::plan::newest_first;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::ext::{CaseState, CaseStatesParams, TestState};
use crate::state::{Inner, State};

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, params: CaseStatesParams) -> Result<Vec<CaseState>> {
    let only = match params.uri.as_deref() {
        Some(u) => Some(Uri::from_str(u).map_err(|_| {
            Error::invalid_params(format!(
                "bad params: testany/caseStates needs `uri` to be a URI, not {u:?}"
            ))
        })?),
        None => None,
    };
    let mut inner = state.lock();
    let mut out = case_entries(state, &mut inner, only.as_ref());
    // Each linked test of the newest runs (issue 15).
    out.extend(crate::test_lenses::test_states(
        state.env.as_ref(),
        &mut inner,
        only.as_ref(),
    ));
    set_pipelines(&inner, &mut out);
    out.sort_by(|a, b| (&a.uri, a.line, &a.key).cmp(&(&b.uri, b.line, &b.key)));
    // Editors render these names as they come (issue 16: the server is the sanitiser).
    Ok(out.into_iter().map(crate::convert::case_state).collect())
}

/// The case entries (one per case lens) of document `only`, or of every document, each
/// with its pipeline; unsorted, names as the service sent them. `testany/pipelineStates`
/// counts these.
pub(crate) fn case_entries(state: &State, inner: &mut Inner, only: Option<&Uri>) -> Vec<CaseState> {
    // (project, URI, anchors) of every document asked for.
    let mut docs: Vec<(PathBuf, String, Vec<Anchor>)> = Vec::new();
    let mut open_paths = std::collections::HashSet::new();
    for (uri, d) in &inner.documents {
        let (Some(project), Some(path)) = (&d.project, &d.path) else {
            continue;
        };
        open_paths.insert(path.clone());
        if only.is_some_and(|o| o != uri) {
            continue;
        }
        let Some(p) = inner.projects.get(project) else {
            continue;
        };
        let (Some(config), Some(rel)) = (&p.config, p.relative(path)) else {
            continue;
        };
        let anchors = markers::anchors(&rel, &d.text, &d.markers, &config.cases);
        docs.push((project.clone(), uri.as_str().to_owned(), anchors));
    }
    for (key, p) in &inner.projects {
        if p.config.is_none() {
            continue;
        }
        for (rel, found) in p.markers.iter() {
            let abs = p.root.join(rel);
            if open_paths.contains(&abs) {
                continue;
            }
            let Some(uri) = state.env.to_uri(&abs) else {
                continue;
            };
            if only.is_some_and(|o| *o != uri) {
                continue;
            }
            let anchors = found
                .iter()
                .map(|m| Anchor {
                    case_key: m.case_key.clone(),
                    line: m.line,
                    span: m.span,
                    source: markers::AnchorSource::Marker,
                })
                .collect();
            docs.push((key.clone(), uri.as_str().to_owned(), anchors));
        }
    }
    // `[cases]` entries of files not open (their anchor is line 0, as in an open one,
    // unless a marker there names the case), and the case lenses on trigger files or the
    // files of an unanchored case's tests (line 0, when nothing else in the file anchors
    // the case), as the lenses show them.
    let mut extra: Vec<(PathBuf, String, String)> = Vec::new();
    let keys: Vec<PathBuf> = inner.projects.keys().cloned().collect();
    for key in keys {
        let Some(p) = inner.projects.get(&key) else {
            continue;
        };
        let Some(config) = &p.config else {
            continue;
        };
        for (case_key, file) in &config.cases {
            let file = file.trim_start_matches("./");
            if p.files.binary_search_by(|f| f.as_str().cmp(file)).is_ok()
                && !open_paths.contains(&p.root.join(file))
            {
                extra.push((key.clone(), file.to_owned(), case_key.clone()));
            }
        }
        for (file, case_key) in crate::test_lenses::case_lens_sites(inner, &key) {
            extra.push((key.clone(), file, case_key));
        }
    }
    for (key, file, case_key) in extra {
        let Some(p) = inner.projects.get(&key) else {
            continue;
        };
        let Some(uri) = state.env.to_uri(&p.root.join(&file)) else {
            continue;
        };
        if only.is_some_and(|o| *o != uri) {
            continue;
        }
        let uri = uri.as_str().to_owned();
        let anchor = Anchor {
            case_key,
            line: 0,
            span: markers::Span::default(),
            source: markers::AnchorSource::Mapping,
        };
        match docs.iter_mut().find(|d| d.0 == key && d.1 == uri) {
            Some(d) if d.2.iter().any(|a| a.case_key == anchor.case_key) => {}
            Some(d) => d.2.push(anchor),
            None => docs.push((key.clone(), uri, vec![anchor])),
        }
    }
    let mut out = Vec::new();
    let mut latest_by_project: HashMap<PathBuf, (bool, Latest)> = HashMap::new();
    for (project, uri, anchors) in docs {
        if !latest_by_project.contains_key(&project) {
            let derived = inner.derived(&project);
            latest_by_project.insert(
                project.clone(),
                (derived.stale, latest(&derived.executions)),
            );
        }
        let Some((stale, latest)) = latest_by_project.get(&project) else {
            continue;
        };
        for a in anchors {
            let found = latest.get(&a.case_key);
            out.push(CaseState {
                uri: uri.clone(),
                line: a.line,
                name: found.and_then(|f| f.2.clone()),
                state: found.map_or(TestState::Unknown, |f| f.1),
                execution: found.map(|f| f.0.clone()),
                pipeline: None,
                key: a.case_key,
                stale: *stale,
                test: None,
            });
        }
    }
    set_pipelines(inner, &mut out);
    out
}

/// Each entry's pipeline from the polled data, so editors never take an execution key
/// apart to find it (issue 16).
fn set_pipelines(inner: &Inner, entries: &mut [CaseState]) {
    let pipelines = pipelines(inner);
    for s in entries {
        s.pipeline = s
            .execution
            .as_deref()
            .and_then(|e| pipelines.get(e))
            .map(|p| (*p).to_owned());
    }
}

/// The pipeline of each known execution: its `pipeline_key`, else the pipeline it was
/// polled for (the poller keeps only executions of that pipeline).
fn pipelines(inner: &Inner) -> HashMap<&str, &str> {
    let mut out = HashMap::new();
    for (key, data) in &inner.pipelines {
        for e in &data.executions {
            let pipeline = e.pipeline_key.as_deref().unwrap_or(&key.pipeline);
            out.insert(e.key.as_str(), pipeline);
        }
    }
    out
}

/// Per case key: (execution, state, name) in the newest execution that ran it.
type Latest = HashMap<String, (String, TestState, Option<String>)>;

/// [`Latest`] of `executions`.
fn latest(executions: &[Execution]) -> Latest {
    let mut out = HashMap::new();
    for exec in newest_first(executions) {
        for case in &exec.cases {
            out.entry(case.case_key.clone())
                .or_insert_with(|| (exec.key.clone(), test_state(exec, case), case.name.clone()));
        }
    }
    out
}

/// The state the status lens shows (testany-core's plan: a TIMEOUT status wins over the
/// result, `SUCCESS`/`FAIL_AS_EXPECTED` pass, a case without a result takes its own
/// status, else its execution's); a cancelled case counts as skipped.
pub fn test_state(exec: &Execution, case: &CaseResult) -> TestState {
    use ExecutionStatus as S;
    match (&case.result, case.status.as_ref()) {
        (_, Some(S::Timeout)) => TestState::Timeout,
        (Some(ExecutionResult::Passed), _) => TestState::Passed,
        (Some(ExecutionResult::Failed), _) => TestState::Failed,
        (Some(ExecutionResult::Error), _) => TestState::Error,
        (Some(ExecutionResult::Skipped), _) => TestState::Skipped,
        (Some(ExecutionResult::Unknown(raw)), _) => {
            if raw.eq_ignore_ascii_case("SUCCESS") || raw.eq_ignore_ascii_case("FAIL_AS_EXPECTED") {
                TestState::Passed
            } else if category::is_failure(None, case.result.as_ref()) {
                TestState::Failed
            } else {
                TestState::Unknown
            }
        }
        (None, Some(S::Running)) => TestState::Running,
        (None, Some(S::Pending)) => TestState::Pending,
        (None, Some(S::Cancelled)) => TestState::Skipped,
        (None, _) => match exec.status {
            S::Running => TestState::Running,
            S::Pending => TestState::Pending,
            S::Timeout => TestState::Timeout,
            S::Cancelled => TestState::Skipped,
            _ => TestState::Unknown,
        },
    }
}

#[cfg(all(test, feature = "native"))]
pub(crate) mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use serde_json::json;
    use tower_lsp_server::ls_types::{DidOpenTextDocumentParams, TextDocumentItem};

    use super::*;
    pub use crate::state::test_state as state;

    /// A temporary project serving `SHP-1` (service unreachable) with `files`.
    pub fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("testany-lsp-ext-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("testany.toml"),
            "url = \"http://127.0.0.1:9/api/v2/mcp/\"\nworkspace = \"SHP\"\npipelines = [\"SHP-1\"]\n\n[cases]\nF00DF00D = \"t.py\"\n",
        )
        .unwrap();
        for (file, text) in files {
            std::fs::write(root.join(file), text).unwrap();
        }
        root
    }

    pub async fn open(state: &Arc<State>, path: &Path) -> Uri {
        let uri = Uri::from_file_path(path).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        crate::handler::did_open::handle(
            state,
            DidOpenTextDocumentParams {
                text_document: TextDocumentItem::new(uri.clone(), "python".into(), 1, text),
            },
        )
        .await;
        uri
    }

    pub fn shp1() -> crate::data::PollKey {
        crate::data::PollKey {
            url: "http://127.0.0.1:9/api/v2/mcp/".into(),
            pipeline: "SHP-1".into(),
        }
    }

    pub fn execution(value: serde_json::Value) -> Execution {
        Execution::from_json(&value).expect("execution")
    }

    #[tokio::test]
    async fn states_of_open_and_closed_markers_and_mappings_from_the_newest_run() {
        let root = project(
            "states",
            &[
                (
                    "t.py",
                    "# testany: A1B2C3D4\ndef test_x():\n    pass\n# testany: DEADBEEF\n",
                ),
                ("other.py", "\n\n# testany: C0FFEE00\n"),
            ],
        );
        let st = state(&root.join(".cache"));
        let t_py = open(&st, &root.join("t.py")).await;
        let other = Uri::from_file_path(root.join("other.py")).unwrap();
        crate::runtime::store(
            &st,
            &shp1(),
            vec![
                execution(json!({
                    "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                    "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
                    "cases": [
                        {"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED", "result": "PASSED"},
                        {"case_key": "C0FFEE00", "index": 1, "status": "TIMEOUT", "name": "slow"},
                        {"case_key": "F00DF00D", "index": 2, "status": "COMPLETED", "result": "SKIPPED"},
                    ]
                })),
                execution(json!({
                    "execution_id": "SHP-1-00002", "status": "RUNNING",
                    "pipeline_key": "SHP-1", "started_at": "2026-12-02T10:00:00Z",
                    "cases": [
                        {"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED", "result": "FAILED",
                         "name": "test_x"},
                        {"case_key": "F00DF00D", "index": 1},
                    ]
                })),
            ],
        );
        let row =
            |uri: &Uri, line, key: &str, name: Option<&str>, state, execution: Option<&str>| {
                CaseState {
                    uri: uri.as_str().to_owned(),
                    line,
                    key: key.to_owned(),
                    name: name.map(str::to_owned),
                    state,
                    execution: execution.map(str::to_owned),
                    pipeline: execution.map(|_| "SHP-1".to_owned()),
                    stale: false,
                    test: None,
                }
            };
        let t_rows = vec![
            row(
                &t_py,
                0,
                "A1B2C3D4",
                Some("test_x"),
                TestState::Failed,
                Some("SHP-1-00002"),
            ),
            // The mapping's case: no result yet in the running execution.
            row(
                &t_py,
                0,
                "F00DF00D",
                None,
                TestState::Running,
                Some("SHP-1-00002"),
            ),
            row(&t_py, 3, "DEADBEEF", None, TestState::Unknown, None),
        ];
        let other_rows = vec![row(
            &other,
            2,
            "C0FFEE00",
            Some("slow"),
            TestState::Timeout,
            Some("SHP-1-00001"),
        )];
        let all = handle(&st, CaseStatesParams { uri: None }).unwrap();
        let mut want = [other_rows.clone(), t_rows.clone()].concat();
        want.sort_by(|a, b| (&a.uri, a.line, &a.key).cmp(&(&b.uri, b.line, &b.key)));
        assert_eq!(all, want);
        let one = |uri: &str| {
            handle(
                &st,
                CaseStatesParams {
                    uri: Some(uri.to_owned()),
                },
            )
        };
        assert_eq!(one(t_py.as_str()).unwrap(), t_rows);
        assert_eq!(one(other.as_str()).unwrap(), other_rows);
        assert_eq!(one("file:///nowhere/x.py").unwrap(), vec![]);
        let err = one("not a uri").unwrap_err();
        assert_eq!(
            err.message,
            "bad params: testany/caseStates needs `uri` to be a URI, not \"not a uri\""
        );
        // The wire shape: camelCase enum words, absent optional fields left out.
        assert_eq!(
            serde_json::to_value(&t_rows[2]).unwrap(),
            json!({"uri": t_py.as_str(), "line": 3, "key": "DEADBEEF", "state": "unknown", "stale": false})
        );
        // A failed poll marks every state stale.
        st.lock().pipelines.get_mut(&shp1()).unwrap().stale = true;
        State::touch(&mut st.lock());
        let stale: Vec<bool> = handle(&st, CaseStatesParams::default())
            .unwrap()
            .iter()
            .map(|s| s.stale)
            .collect();
        assert_eq!(stale, vec![true; 4]);
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Every case's lens has its entry whether or not its file is open (the web e2e's
    /// marker-free shop had none until pom.xml was opened): a `[cases]` entry's file at
    /// line 0, a trigger file's case lens at line 0, and no second entry for a case a
    /// marker in its trigger file anchors already; a case with no lens anywhere (its
    /// trigger a folder, no test linked, nothing mapping it) has none.
    #[tokio::test]
    async fn closed_mappings_and_trigger_files_have_their_case_entries() {
        use crate::tests_model::{CaseEntry, CaseTests, ProjectLinks};
        use testany_core::linking::{CaseLinks, Link, Unlinked};
        let root = project(
            "anchored",
            &[
                ("t.py", "def test_a():\n    pass\n"),
                ("spec.ts", "import { test } from 'x';\n"),
                ("m.ts", "\n\n// testany: C0FFEE00\n"),
                ("open.py", "x = 1\n"),
            ],
        );
        let st = state(&root.join(".cache"));
        open(&st, &root.join("open.py")).await;
        let exec = |key: &str, at: &str, result: &str| {
            execution(json!({
                "execution_id": key, "status": "COMPLETED", "result": result,
                "pipeline_key": "SHP-1", "started_at": at,
                "cases": [
                    {"case_key": "F00DF00D", "index": 0, "status": "COMPLETED", "result": result},
                    {"case_key": "C0FFEE00", "index": 1, "status": "COMPLETED", "result": result},
                    {"case_key": "6B2DAF18", "index": 2, "status": "COMPLETED", "result": result,
                     "name": "storefront"},
                    {"case_key": "5A1C9E07", "index": 3, "status": "COMPLETED", "result": result},
                ]
            }))
        };
        crate::runtime::store(
            &st,
            &shp1(),
            vec![
                exec("SHP-1-00002", "2026-12-02T10:00:00Z", "FAILED"),
                exec("SHP-1-00001", "2026-12-01T10:00:00Z", "PASSED"),
            ],
        );
        let project_key = st.lock().projects.keys().next().cloned().unwrap();
        // Each case's tests as read from its log: two tests, none linked; the Playwright
        // and marked cases name a trigger file, the pytest one a folder (no file).
        let tests = |trigger: Option<&str>| {
            let t = |id: &str| {
                testany_core::frameworks::TestResult::new(
                    testany_core::frameworks::Framework::Playwright,
                    id,
                    testany_core::frameworks::TestStatus::Failed,
                    1,
                )
            };
            let unlinked = || {
                Link::Unlinked(Unlinked::FileNotInWorkspace {
                    path: "gone.ts".into(),
                })
            };
            CaseEntry::Done(Arc::new(CaseTests {
                meta: None,
                tests: vec![t("a"), t("b")],
                projects: std::collections::HashMap::from([(
                    project_key.clone(),
                    ProjectLinks {
                        links: CaseLinks {
                            links: vec![unlinked(), unlinked()],
                            trigger_file: trigger.map(str::to_owned),
                            ..CaseLinks::default()
                        },
                        ..ProjectLinks::default()
                    },
                )]),
            }))
        };
        {
            let mut inner = st.lock();
            for (index, trigger) in [(1, Some("m.ts")), (2, Some("spec.ts")), (3, None)] {
                inner
                    .tests
                    .cases
                    .insert(("SHP-1-00002".into(), index), tests(trigger));
            }
            State::touch(&mut inner);
        }
        let uri = |f: &str| {
            Uri::from_file_path(root.join(f))
                .unwrap()
                .as_str()
                .to_owned()
        };
        let entry = |file: &str, line, key: &str, name: Option<&str>| CaseState {
            uri: uri(file),
            line,
            key: key.to_owned(),
            name: name.map(str::to_owned),
            state: TestState::Failed,
            execution: Some("SHP-1-00002".into()),
            pipeline: Some("SHP-1".into()),
            stale: false,
            test: None,
        };
        let mut want = vec![
            entry("m.ts", 2, "C0FFEE00", None),
            entry("spec.ts", 0, "6B2DAF18", Some("storefront")),
            entry("t.py", 0, "F00DF00D", None),
        ];
        want.sort_by(|a, b| (&a.uri, a.line, &a.key).cmp(&(&b.uri, b.line, &b.key)));
        assert_eq!(handle(&st, CaseStatesParams::default()).unwrap(), want);
        // One document: its entries only.
        assert_eq!(
            handle(
                &st,
                CaseStatesParams {
                    uri: Some(uri("spec.ts"))
                }
            )
            .unwrap(),
            vec![entry("spec.ts", 0, "6B2DAF18", Some("storefront"))]
        );
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The shop's pytest case runs a folder (`tests/api/`) and nothing maps it: it had
    /// no lens and so no entry (VS Code's status bar counted 3 failed cases of 4). Its
    /// lens is now on the first line of each file holding a linked test, open or not,
    /// and each has its entry (the status bar counts a case once per execution); a
    /// marker or `[cases]` entry anchoring it takes the place of those.
    #[tokio::test]
    async fn a_case_triggered_by_a_folder_has_an_entry_at_each_file_of_its_tests() {
        use crate::tests_model::{CaseEntry, CaseTests, ProjectLinks};
        use testany_core::frameworks::{Framework, TestResult, TestStatus};
        use testany_core::linking::{CaseLinks, Link, Via};
        let root = project(
            "folder",
            &[
                ("test_orders.py", "def test_a():\n    pass\n"),
                ("test_refunds.py", "\ndef test_b():\n    pass\n"),
            ],
        );
        let st = state(&root.join(".cache"));
        let orders = open(&st, &root.join("test_orders.py")).await;
        crate::runtime::store(
            &st,
            &shp1(),
            vec![execution(json!({
                "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
                "cases": [{"case_key": "5A1C9E07", "index": 0, "status": "COMPLETED",
                           "result": "FAILED", "name": "API tests"}]
            }))],
        );
        let project_key = st.lock().projects.keys().next().cloned().unwrap();
        let linked = |file: &str, line| Link::Linked {
            file: file.into(),
            line,
            via: Via::Definition,
        };
        let set = |anchored: bool| {
            let mut inner = st.lock();
            inner.tests.cases.insert(
                ("SHP-1-00001".into(), 0),
                CaseEntry::Done(Arc::new(CaseTests {
                    meta: None,
                    tests: vec![
                        TestResult::new(Framework::Pytest, "a", TestStatus::Failed, 1),
                        TestResult::new(Framework::Pytest, "b", TestStatus::Passed, 2),
                    ],
                    projects: std::collections::HashMap::from([(
                        project_key.clone(),
                        ProjectLinks {
                            links: CaseLinks {
                                links: vec![
                                    linked("test_orders.py", 0),
                                    linked("test_refunds.py", 1),
                                ],
                                trigger_file: None,
                                ..CaseLinks::default()
                            },
                            anchored,
                            ..ProjectLinks::default()
                        },
                    )]),
                })),
            );
            State::touch(&mut inner);
        };
        set(false);
        let cases = |params: CaseStatesParams| -> Vec<(String, u32, String, TestState)> {
            handle(&st, params)
                .unwrap()
                .into_iter()
                .filter(|s| s.test.is_none())
                .map(|s| (s.uri, s.line, s.key, s.state))
                .collect()
        };
        let refunds = Uri::from_file_path(root.join("test_refunds.py")).unwrap();
        let entry = |uri: &Uri| {
            (
                uri.as_str().to_owned(),
                0,
                "5A1C9E07".to_owned(),
                TestState::Failed,
            )
        };
        assert_eq!(
            cases(CaseStatesParams::default()),
            vec![entry(&orders), entry(&refunds)]
        );
        // One document (closed): its entry only.
        assert_eq!(
            cases(CaseStatesParams {
                uri: Some(refunds.as_str().to_owned())
            }),
            vec![entry(&refunds)]
        );
        // Anchored by a marker or a `[cases]` entry: the anchor is its place, not these.
        set(true);
        assert_eq!(cases(CaseStatesParams::default()), vec![]);
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Issue 16: a failed test's entry says where its diagnostic is, so editors put the
    /// test's message there without matching diagnostics to tests (VS Code's
    /// `failureLocations` did, by related information). In an open document the line
    /// follows the edits made since (2 lines inserted above: line 2 is now 4) and starts
    /// at the first non-blank character when the log printed no column; in a closed file
    /// it is the published diagnostic's range (the log's column 14, after an emoji: 14
    /// UTF-16 units). A passed test has none; neither has a failure whose line was deleted.
    #[tokio::test]
    async fn a_failed_tests_entry_has_its_diagnostics_place_after_edits() {
        use crate::tests_model::{CaseEntry, CaseTests, FailureSite, ProjectLinks};
        use testany_core::frameworks::{Framework, TestResult, TestStatus};
        use testany_core::linking::{CaseLinks, Link, Via};
        use tower_lsp_server::ls_types::{
            DidChangeTextDocumentParams, Position, Range, TextDocumentContentChangeEvent,
            VersionedTextDocumentIdentifier,
        };
        let orders_text = "def test_a():\n    x = 1\n    assert x == 2\n\ndef test_b():\n    helper()\n\ndef test_c():\n    pass\n";
        let helpers_text = "def helper():\n    s = \"\u{1f600}\"; assert s == \"x\"\n";
        let root = project(
            "failure",
            &[
                ("test_orders.py", orders_text),
                ("helpers.py", helpers_text),
            ],
        );
        let st = state(&root.join(".cache"));
        let orders = open(&st, &root.join("test_orders.py")).await;
        let helpers = Uri::from_file_path(root.join("helpers.py")).unwrap();
        crate::runtime::store(
            &st,
            &shp1(),
            vec![execution(json!({
                "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
                "cases": [{"case_key": "5A1C9E07", "index": 0, "status": "COMPLETED",
                           "result": "FAILED"}]
            }))],
        );
        let project_key = st.lock().projects.keys().next().cloned().unwrap();
        let linked = |line| Link::Linked {
            file: "test_orders.py".into(),
            line,
            via: Via::Definition,
        };
        let site = |file: &str, line, column| {
            Some(FailureSite {
                file: file.into(),
                line,
                column,
            })
        };
        {
            let mut inner = st.lock();
            inner.tests.cases.insert(
                ("SHP-1-00001".into(), 0),
                CaseEntry::Done(Arc::new(CaseTests {
                    meta: None,
                    tests: vec![
                        TestResult::new(Framework::Pytest, "a", TestStatus::Failed, 1),
                        TestResult::new(Framework::Pytest, "b", TestStatus::Failed, 2),
                        TestResult::new(Framework::Pytest, "c", TestStatus::Passed, 3),
                    ],
                    projects: std::collections::HashMap::from([(
                        project_key.clone(),
                        ProjectLinks {
                            links: CaseLinks {
                                links: vec![linked(0), linked(4), linked(7)],
                                ..CaseLinks::default()
                            },
                            failures: vec![
                                site("test_orders.py", 3, None),
                                site("helpers.py", 2, Some(14)),
                                None,
                            ],
                            ..ProjectLinks::default()
                        },
                    )]),
                })),
            );
            State::touch(&mut inner);
        }
        // One publish step, as the runtime makes it: the open document as edited, the
        // closed file with a failure as read.
        let publish = || {
            let scanned = [(
                project_key.clone(),
                root.join("helpers.py"),
                helpers.clone(),
                helpers_text.to_owned(),
                Vec::new(),
            )];
            let mut inner = st.lock();
            crate::publish::step(st.env.as_ref(), &mut inner, true, &scanned);
        };
        publish();
        let edit = |version, line, end, text: &str| {
            crate::handler::did_change::handle(
                &st,
                DidChangeTextDocumentParams {
                    text_document: VersionedTextDocumentIdentifier::new(orders.clone(), version),
                    content_changes: vec![TextDocumentContentChangeEvent {
                        range: Some(Range::new(Position::new(line, 0), Position::new(end, 0))),
                        range_length: None,
                        text: text.into(),
                    }],
                },
            )
        };
        edit(2, 0, 0, "import x\n\n");
        let failures = || -> Vec<(String, serde_json::Value)> {
            handle(&st, CaseStatesParams::default())
                .unwrap()
                .into_iter()
                .filter_map(|s| {
                    Some((
                        s.test.as_ref()?.test_id.clone(),
                        serde_json::to_value(&s).ok()?,
                    ))
                })
                .map(|(id, v)| (id, v.get("failure").cloned().unwrap_or_default()))
                .collect()
        };
        let range = |uri: &Uri, line, start, end| {
            json!({"uri": uri.as_str(), "range": {"start": {"line": line, "character": start},
                                                   "end": {"line": line, "character": end}}})
        };
        let want = vec![
            ("a".to_owned(), range(&orders, 4, 4, 17)),
            ("b".to_owned(), range(&helpers, 1, 14, 29)),
            ("c".to_owned(), serde_json::Value::Null),
        ];
        assert_eq!(failures(), want);
        // What the next publish shows: the same places.
        publish();
        let published = |uri: &Uri| {
            st.lock().published[uri]
                .iter()
                .filter(|d| {
                    d.severity == Some(tower_lsp_server::ls_types::DiagnosticSeverity::ERROR)
                })
                .map(|d| {
                    range(
                        uri,
                        d.range.start.line,
                        d.range.start.character,
                        d.range.end.character,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(published(&orders), vec![want[0].1.clone()]);
        assert_eq!(published(&helpers), vec![want[1].1.clone()]);
        // The failing line deleted: no diagnostic, no place.
        edit(3, 4, 5, "");
        assert_eq!(failures()[0], ("a".to_owned(), serde_json::Value::Null));
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A test's entry in an open document is where its lens is: its definition line as
    /// the edits since the lens was planned moved it (3 lines inserted above: line 5 is
    /// now 8), and no entry once that line is deleted (nor a lens); a test in a closed
    /// file keeps its linked line. VS Code's Test Explorer item went to the old line.
    #[tokio::test]
    async fn a_tests_entry_follows_edits_as_its_lens_does() {
        use crate::tests_model::{CaseEntry, CaseTests, ProjectLinks};
        use testany_core::frameworks::{Framework, TestResult, TestStatus};
        use testany_core::linking::{CaseLinks, Link, Via};
        use tower_lsp_server::ls_types::{
            CodeLensParams, DidChangeTextDocumentParams, Position, Range,
            TextDocumentContentChangeEvent, TextDocumentIdentifier,
            VersionedTextDocumentIdentifier,
        };
        let root = project(
            "drift",
            &[
                (
                    "test_drift.py",
                    "import os\n\ndef test_a():\n    pass\n\ndef test_b():\n    pass\n",
                ),
                ("test_closed.py", "\ndef test_c():\n    pass\n"),
            ],
        );
        let st = state(&root.join(".cache"));
        let doc = open(&st, &root.join("test_drift.py")).await;
        let closed = Uri::from_file_path(root.join("test_closed.py")).unwrap();
        crate::runtime::store(
            &st,
            &shp1(),
            vec![execution(json!({
                "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
                "cases": [{"case_key": "5A1C9E07", "index": 0, "status": "COMPLETED",
                           "result": "FAILED"}]
            }))],
        );
        let project_key = st.lock().projects.keys().next().cloned().unwrap();
        let linked = |file: &str, line| Link::Linked {
            file: file.into(),
            line,
            via: Via::Definition,
        };
        {
            let mut inner = st.lock();
            inner.tests.cases.insert(
                ("SHP-1-00001".into(), 0),
                CaseEntry::Done(Arc::new(CaseTests {
                    meta: None,
                    tests: vec![
                        TestResult::new(Framework::Pytest, "a", TestStatus::Passed, 1),
                        TestResult::new(Framework::Pytest, "b", TestStatus::Failed, 2),
                        TestResult::new(Framework::Pytest, "c", TestStatus::Passed, 3),
                    ],
                    projects: std::collections::HashMap::from([(
                        project_key.clone(),
                        ProjectLinks {
                            links: CaseLinks {
                                links: vec![
                                    linked("test_drift.py", 2),
                                    linked("test_drift.py", 5),
                                    linked("test_closed.py", 1),
                                ],
                                ..CaseLinks::default()
                            },
                            ..ProjectLinks::default()
                        },
                    )]),
                })),
            );
            State::touch(&mut inner);
        }
        // (test id, line) of each test entry, and of each test's `Run locally` lens.
        let entries = || -> Vec<(String, String, u32)> {
            handle(&st, CaseStatesParams::default())
                .unwrap()
                .into_iter()
                .filter_map(|s| Some((s.test?.test_id, s.uri, s.line)))
                .collect()
        };
        let lenses = || -> Vec<(String, u32)> {
            crate::handler::code_lens::handle(
                &st,
                CodeLensParams {
                    text_document: TextDocumentIdentifier::new(doc.clone()),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                },
            )
            .unwrap_or_default()
            .into_iter()
            .filter_map(|l| {
                let c = l.command?;
                (c.command == "testany.runLocally").then(|| {
                    let id = c.arguments.as_ref()?.first()?.get("testId")?.as_str()?;
                    Some((id.to_owned(), l.range.start.line))
                })?
            })
            .collect()
        };
        let edit = |version, line, end, text: &str| {
            crate::handler::did_change::handle(
                &st,
                DidChangeTextDocumentParams {
                    text_document: VersionedTextDocumentIdentifier::new(doc.clone(), version),
                    content_changes: vec![TextDocumentContentChangeEvent {
                        range: Some(Range::new(Position::new(line, 0), Position::new(end, 0))),
                        range_length: None,
                        text: text.into(),
                    }],
                },
            )
        };
        let row = |id: &str, uri: &Uri, line| (id.to_owned(), uri.as_str().to_owned(), line);
        // As linked, the lenses planned (as the editor asks for them on opening).
        assert_eq!(lenses(), vec![("a".to_owned(), 2), ("b".to_owned(), 5)]);
        assert_eq!(
            entries(),
            vec![row("c", &closed, 1), row("a", &doc, 2), row("b", &doc, 5)]
        );
        // 3 lines inserted above both tests: entries first, then the lenses, same lines.
        edit(2, 0, 0, "# one\n# two\n# three\n");
        assert_eq!(
            entries(),
            vec![row("c", &closed, 1), row("a", &doc, 5), row("b", &doc, 8)]
        );
        assert_eq!(lenses(), vec![("a".to_owned(), 5), ("b".to_owned(), 8)]);
        // test_b's definition line deleted: neither its lens nor its entry.
        edit(3, 8, 9, "");
        assert_eq!(lenses(), vec![("a".to_owned(), 5)]);
        assert_eq!(entries(), vec![row("c", &closed, 1), row("a", &doc, 5)]);
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Issue 16: each entry names its execution's pipeline from the data, so editors
    /// never take an execution key apart: the execution's `pipeline_key`, else the
    /// pipeline it was polled for; none without an execution.
    #[tokio::test]
    async fn entries_name_their_pipeline_from_the_data() {
        let root = project(
            "pipeline",
            &[("t.py", "# testany: A1B2C3D4\n# testany: C0FFEE00\n")],
        );
        let st = state(&root.join(".cache"));
        let t_py = open(&st, &root.join("t.py")).await;
        crate::runtime::store(
            &st,
            &shp1(),
            vec![
                execution(json!({
                    "execution_id": "RUN-77", "status": "COMPLETED", "result": "PASSED",
                    "pipeline_key": "SHP-1", "started_at": "2026-12-02T10:00:00Z",
                    "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED",
                               "result": "PASSED"}]
                })),
                execution(json!({
                    "execution_id": "X-9", "status": "COMPLETED", "result": "FAILED",
                    "started_at": "2026-12-01T10:00:00Z",
                    "cases": [{"case_key": "C0FFEE00", "index": 0, "status": "COMPLETED",
                               "result": "FAILED"}]
                })),
            ],
        );
        let states = handle(&st, CaseStatesParams::default()).unwrap();
        let got: Vec<(&str, Option<&str>, Option<&str>)> = states
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.execution.as_deref(),
                    s.pipeline.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("A1B2C3D4", Some("RUN-77"), Some("SHP-1")),
                // The fixture's `[cases]` mapping (line 0), never run.
                ("F00DF00D", None, None),
                ("C0FFEE00", Some("X-9"), Some("SHP-1")),
            ]
        );
        assert_eq!(
            serde_json::to_value(&states[0]).unwrap(),
            json!({"uri": t_py.as_str(), "line": 0, "key": "A1B2C3D4", "state": "passed",
                   "execution": "RUN-77", "pipeline": "SHP-1", "stale": false})
        );
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Issue 16: the server is the one sanitiser, so what editors show from
    /// `testany/caseStates`, `testany.showExecution` and `testany.recentFailures` comes as
    /// display text: escape sequences removed, ESC, CR and bidi overrides made visible.
    #[tokio::test]
    async fn hostile_names_and_errors_come_as_display_text() {
        let root = project("hostile", &[("t.py", "# testany: A1B2C3D4\n")]);
        let st = state(&root.join(".cache"));
        let t_py = open(&st, &root.join("t.py")).await;
        crate::runtime::store(
            &st,
            &shp1(),
            vec![execution(json!({
                "execution_id": "SHP-1-00001", "status": "COMPLETED", "result": "FAILED",
                "pipeline_key": "SHP-1", "pipeline_name": "shop\u{1b}[2J",
                "environment": "\u{202e}dorp", "started_at": "2026-12-01T10:00:00Z",
                "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED",
                           "result": "FAILED", "name": "\u{1b}]0;owned\u{7}login\u{202e}txt.exe",
                           "error": "\u{1b}[31mAssertionError\u{1b}[0m: a\rb \u{1b}"}]
            }))],
        );
        let states = handle(&st, CaseStatesParams::default()).unwrap();
        assert_eq!(
            states,
            vec![
                CaseState {
                    uri: t_py.as_str().to_owned(),
                    line: 0,
                    key: "A1B2C3D4".into(),
                    name: Some("login<U+202E>txt.exe".into()),
                    state: TestState::Failed,
                    execution: Some("SHP-1-00001".into()),
                    pipeline: Some("SHP-1".into()),
                    stale: false,
                    test: None,
                },
                // The fixture's `[cases]` mapping, never run.
                CaseState {
                    uri: t_py.as_str().to_owned(),
                    line: 0,
                    key: "F00DF00D".into(),
                    name: None,
                    state: TestState::Unknown,
                    execution: None,
                    pipeline: None,
                    stale: false,
                    test: None,
                }
            ]
        );
        let shown = crate::command::show_execution::run(
            &st,
            crate::ext::ExecutionRef {
                execution: "SHP-1-00001".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(shown.pipeline_name.as_deref(), Some("shop"));
        assert_eq!(shown.environment.as_deref(), Some("<U+202E>dorp"));
        assert_eq!(
            shown.cases[0].case.name.as_deref(),
            Some("login<U+202E>txt.exe")
        );
        assert_eq!(
            shown.cases[0].case.error.as_deref(),
            Some("AssertionError: a\u{240d}b \u{241b}")
        );
        // The polled data itself stays as the service sent it.
        assert_eq!(
            crate::command::known_execution(&st, "SHP-1-00001")
                .unwrap()
                .environment
                .as_deref(),
            Some("\u{202e}dorp")
        );
        let failures = crate::command::recent_failures::run(
            &st,
            crate::ext::RecentFailuresArgs {
                pipeline: None,
                days: Some(36500),
            },
        )
        .await
        .unwrap();
        let names: Vec<(Option<&str>, Option<&str>)> = failures
            .iter()
            .map(|f| (f.name.as_deref(), f.error.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![(
                Some("login<U+202E>txt.exe"),
                Some("AssertionError: a\u{240d}b \u{241b}")
            )]
        );
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn state_words_follow_the_status_lens() {
        let exec = |status: &str| {
            execution(json!({"execution_id": "SHP-1-1", "status": status, "cases": []}))
        };
        let case = |c: serde_json::Value| {
            let e =
                execution(json!({"execution_id": "SHP-1-1", "status": "COMPLETED", "cases": [c]}));
            e.cases.into_iter().next().unwrap()
        };
        // (execution status, case, state)
        let cases = [
            (
                "COMPLETED",
                json!({"case_key": "K", "status": "TIMEOUT", "result": "PASSED"}),
                TestState::Timeout,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "PASSED"}),
                TestState::Passed,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "FAILED"}),
                TestState::Failed,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "ERROR"}),
                TestState::Error,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "SKIPPED"}),
                TestState::Skipped,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "success"}),
                TestState::Passed,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "FAIL_AS_EXPECTED"}),
                TestState::Passed,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "result": "WEIRD"}),
                TestState::Unknown,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "status": "RUNNING"}),
                TestState::Running,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "status": "PENDING"}),
                TestState::Pending,
            ),
            (
                "COMPLETED",
                json!({"case_key": "K", "status": "CANCELLED"}),
                TestState::Skipped,
            ),
            ("RUNNING", json!({"case_key": "K"}), TestState::Running),
            ("PENDING", json!({"case_key": "K"}), TestState::Pending),
            ("TIMEOUT", json!({"case_key": "K"}), TestState::Timeout),
            ("CANCELLED", json!({"case_key": "K"}), TestState::Skipped),
            ("COMPLETED", json!({"case_key": "K"}), TestState::Unknown),
        ];
        for (status, c, want) in cases {
            assert_eq!(
                test_state(&exec(status), &case(c.clone())),
                want,
                "{status} {c}"
            );
        }
    }
}
