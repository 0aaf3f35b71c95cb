//! `testany/pipelineStates {}`: per pipeline, how its cases stand in their newest runs
//! and the status bar's text, from the case entries `testany/caseStates` gives (no I/O).
//! A case shown at several places (a lens on each file of its tests, a marker and its
//! trigger file) counts once, so editors count and word nothing themselves (issue 16).

use testany_core::plan::newest_first;
use tower_lsp_server::jsonrpc::Result;

use crate::ext::{CaseState, PipelineState, PipelineStatesParams, TestState};
use crate::state::{Inner, State};

#[tracing::instrument(skip_all)]
pub fn handle(state: &State, _params: PipelineStatesParams) -> Result<Vec<PipelineState>> {
    let mut inner = state.lock();
    let cases = super::case_states::case_entries(state, &mut inner, None);
    Ok(summarise(&cases, &ranks(&inner)))
}

/// Each known execution and its place among its pipeline's executions, newest first (0).
/// A few dozen at most (`history` per pipeline): a list, not a map, keeps the browser
/// worker small.
fn ranks(inner: &Inner) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    for data in inner.pipelines.values() {
        for (rank, e) in newest_first(&data.executions).into_iter().enumerate() {
            out.push((e.key.as_str(), rank));
        }
    }
    out
}

/// Per pipeline (sorted by key): each case key once, in its newest execution's state.
fn summarise(cases: &[CaseState], ranks: &[(&str, usize)]) -> Vec<PipelineState> {
    let rank = |e: &str| {
        ranks
            .iter()
            .filter(|r| r.0 == e)
            .map(|r| r.1)
            .min()
            .unwrap_or(usize::MAX)
    };
    // (pipeline, case key, rank, execution, state, stale): each case's newest entry first.
    let mut rows: Vec<(&str, &str, usize, &str, TestState, bool)> = cases
        .iter()
        .filter_map(|c| {
            let (p, e) = (c.pipeline.as_deref()?, c.execution.as_deref()?);
            Some((p, c.key.as_str(), rank(e), e, c.state, c.stale))
        })
        .collect();
    rows.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    let mut out: Vec<(PipelineState, usize)> = Vec::new();
    let mut last_case: Option<(&str, &str)> = None;
    for (pipeline, key, rank, execution, state, stale) in rows {
        let new_pipeline = out.last().is_none_or(|(p, _)| p.pipeline != pipeline);
        if new_pipeline {
            out.push((
                PipelineState {
                    pipeline: pipeline.to_owned(),
                    execution: execution.to_owned(),
                    state: TestState::Unknown,
                    passed: 0,
                    failed: 0,
                    running: 0,
                    other: 0,
                    text: String::new(),
                    stale: false,
                },
                rank,
            ));
        }
        let Some((p, newest)) = out.last_mut() else {
            continue;
        };
        p.stale |= stale;
        if rank < *newest {
            *newest = rank;
            execution.clone_into(&mut p.execution);
        }
        // An older entry of a case already counted (or the same case at another place).
        if last_case.replace((pipeline, key)) == Some((pipeline, key)) {
            continue;
        }
        match state {
            TestState::Passed => p.passed += 1,
            TestState::Failed | TestState::Error | TestState::Timeout => p.failed += 1,
            TestState::Running | TestState::Pending => p.running += 1,
            TestState::Skipped | TestState::Unknown => p.other += 1,
        }
    }
    out.into_iter()
        .map(|(mut s, _)| {
            let pipeline = &s.pipeline;
            (s.state, s.text) = if s.running > 0 {
                (
                    TestState::Running,
                    format!("{pipeline} running {}", s.running),
                )
            } else if s.failed > 0 {
                (
                    TestState::Failed,
                    format!("{pipeline} {} failed, {} passed", s.failed, s.passed),
                )
            } else if s.passed > 0 {
                (TestState::Passed, format!("{pipeline} {} passed", s.passed))
            } else {
                (TestState::Unknown, pipeline.clone())
            };
            s
        })
        .collect()
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::handler::case_states::tests::{execution, open, project, shp1, state};

    /// The counts VS Code's status bar showed were its own (`byPipeline` counted the
    /// caseStates entries once per execution and case, and took the greatest execution
    /// key as the newest). Now the server counts: a case shown at two places (a marker in
    /// two files) once, in its newest execution's state; the newest execution by time
    /// (`RUN-2` ran after `SHP-1-00009`); a running case makes the pipeline `running`.
    #[tokio::test]
    async fn each_case_counts_once_in_its_newest_state() {
        let root = project(
            "pipelines",
            &[
                ("t.py", "# testany: A1B2C3D4\n"),
                ("other.py", "# testany: A1B2C3D4\n# testany: C0FFEE00\n"),
            ],
        );
        let st = state(&root.join(".cache"));
        open(&st, &root.join("t.py")).await;
        let older = execution(json!({
            "execution_id": "SHP-1-00009", "status": "COMPLETED", "result": "FAILED",
            "pipeline_key": "SHP-1", "started_at": "2026-12-01T10:00:00Z",
            "cases": [
                {"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED", "result": "PASSED"},
                {"case_key": "C0FFEE00", "index": 1, "status": "COMPLETED", "result": "FAILED"},
                {"case_key": "F00DF00D", "index": 2, "status": "TIMEOUT"},
            ]
        }));
        let newer = execution(json!({
            "execution_id": "RUN-2", "status": "COMPLETED", "result": "FAILED",
            "pipeline_key": "SHP-1", "started_at": "2026-12-02T10:00:00Z",
            "cases": [{"case_key": "A1B2C3D4", "index": 0, "status": "COMPLETED",
                       "result": "FAILED"}]
        }));
        crate::runtime::store(&st, &shp1(), vec![older.clone(), newer.clone()]);
        let got = handle(&st, PipelineStatesParams::default()).unwrap();
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            json!([{"pipeline": "SHP-1", "execution": "RUN-2", "state": "failed",
                    "passed": 0, "failed": 3, "running": 0, "other": 0,
                    "text": "SHP-1 3 failed, 0 passed", "stale": false}])
        );
        // A newer run under way: its running case counts as running, the others keep
        // their newest finished state.
        let running = execution(json!({
            "execution_id": "RUN-3", "status": "RUNNING", "pipeline_key": "SHP-1",
            "started_at": "2026-12-03T10:00:00Z",
            "cases": [{"case_key": "C0FFEE00", "index": 0, "status": "RUNNING"}]
        }));
        crate::runtime::store(&st, &shp1(), vec![older, newer, running]);
        let got = handle(&st, PipelineStatesParams::default()).unwrap();
        assert_eq!(
            got,
            vec![PipelineState {
                pipeline: "SHP-1".into(),
                execution: "RUN-3".into(),
                state: TestState::Running,
                passed: 0,
                failed: 2,
                running: 1,
                other: 0,
                text: "SHP-1 running 1".into(),
                stale: false,
            }]
        );
        // A failed poll: the counts may be old.
        st.lock().pipelines.get_mut(&shp1()).unwrap().stale = true;
        State::touch(&mut st.lock());
        let got = handle(&st, PipelineStatesParams::default()).unwrap();
        assert_eq!(got.iter().map(|p| p.stale).collect::<Vec<_>>(), [true]);
        st.lock().shutdown = true;
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The other texts, and what is not counted: an entry no execution ran, an entry of
    /// another pipeline (a pipeline of its own, sorted by key).
    #[test]
    fn texts_for_passed_and_no_result() {
        let entry = |key: &str, state, execution: Option<&str>, pipeline: Option<&str>| CaseState {
            uri: "file:///w/t.py".into(),
            line: 0,
            key: key.into(),
            name: None,
            state,
            execution: execution.map(str::to_owned),
            pipeline: pipeline.map(str::to_owned),
            stale: false,
            test: None,
        };
        let cases = [
            entry("A", TestState::Passed, Some("Y-1"), Some("Y2K")),
            entry("B", TestState::Passed, Some("Y-1"), Some("Y2K")),
            entry("C", TestState::Skipped, Some("Y-1"), Some("Y2K")),
            entry("D", TestState::Unknown, None, None),
            entry("E", TestState::Unknown, Some("A-7"), Some("ABC")),
        ];
        let ranks = [("Y-1", 0), ("A-7", 0)];
        let rows: Vec<(String, String, TestState, [u32; 4], String)> = summarise(&cases, &ranks)
            .into_iter()
            .map(|p| {
                (
                    p.pipeline,
                    p.execution,
                    p.state,
                    [p.passed, p.failed, p.running, p.other],
                    p.text,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "ABC".into(),
                    "A-7".into(),
                    TestState::Unknown,
                    [0, 0, 0, 1],
                    "ABC".into()
                ),
                (
                    "Y2K".into(),
                    "Y-1".into(),
                    TestState::Passed,
                    [2, 0, 0, 1],
                    "Y2K 2 passed".into()
                ),
            ]
        );
    }
}
