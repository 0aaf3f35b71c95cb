//! `testany/caseStates {uri?}`: each anchored case's state in the newest execution that
//! ran it, from the last known data (no I/O), for test trees and status bars: open
//! documents as edited (markers and `[cases]` mappings), other files from the project's
//! marker index.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

use testany_core::category;
use testany_core::markers::{self, Anchor};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus};
use testany_core::plan::newest_first;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Uri;

use crate::convert;
use crate::data;
use crate::ext::{CaseState, CaseStatesParams, TestState};
use crate::state::State;

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
    // (project, URI, anchors) of every document asked for.
    let mut docs: Vec<(PathBuf, String, Vec<Anchor>)> = Vec::new();
    let mut open_paths = std::collections::HashSet::new();
    for (uri, d) in &inner.documents {
        let (Some(project), Some(path)) = (&d.project, &d.path) else {
            continue;
        };
        open_paths.insert(path.clone());
        if only.as_ref().is_some_and(|o| o != uri) {
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
            let Some(uri) = convert::file_uri(&abs) else {
                continue;
            };
            if only.as_ref().is_some_and(|o| *o != uri) {
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
    let mut out = Vec::new();
    let mut latest_by_project: HashMap<PathBuf, (bool, Latest)> = HashMap::new();
    for (project, uri, anchors) in docs {
        if !latest_by_project.contains_key(&project) {
            let derived = data::derived(&mut inner, &project);
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
                key: a.case_key,
                stale: *stale,
            });
        }
    }
    out.sort_by(|a, b| (&a.uri, a.line, &a.key).cmp(&(&b.uri, b.line, &b.key)));
    Ok(out)
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
