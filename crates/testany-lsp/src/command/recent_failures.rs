//! `testany.recentFailures {pipeline?, days?}`: failed cases of the known executions of
//! the last `days` (default 7), each with its failure locations resolved to files (at
//! their current lines in documents edited since: the same lines as the diagnostics).

use std::sync::Arc;

use testany_core::category;
use testany_core::locations::{self, WorkspaceIndex};
use testany_core::model::CaseResult;
use testany_core::recent::RecentFilter;
use tower_lsp_server::jsonrpc::Error;

use crate::data::LogEntry;
use crate::ext::{FailurePlace, RecentFailure, RecentFailuresArgs};
use crate::state::State;
use crate::tests_model::CaseEntry;

pub async fn run(
    state: &Arc<State>,
    args: RecentFailuresArgs,
) -> Result<Vec<RecentFailure>, Error> {
    let filter = RecentFilter::new(args.pipeline.as_deref(), args.days, state.env.now());
    let mut inner = state.lock();
    let keys: Vec<_> = inner.projects.keys().cloned().collect();
    let mut rows = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for key in keys {
        let derived = inner.derived(&key);
        let Some(project) = inner.projects.get(&key) else {
            continue;
        };
        let files: Vec<&str> = project.files.iter().map(String::as_str).collect();
        let index = WorkspaceIndex::new(&files);
        for (exec, case) in filter.failures(&derived.executions, &mut seen) {
            let pipeline = exec.pipeline_key.clone().unwrap_or_default();
            let found = match inner.logs.get(&(exec.key.clone(), case.index)) {
                Some(LogEntry::Done(l)) => l.as_ref().clone(),
                _ => locations::extract(case.error.as_deref(), ""),
            };
            // The same place is often named twice (error text and log, or an
            // absolute CI path and a relative one): once per (file, line).
            let mut places = std::collections::HashSet::new();
            let locs: Vec<FailurePlace> = found
                .iter()
                .filter_map(|l| {
                    let rel = index.resolve(&l.path)?;
                    if !places.insert((rel, l.line)) {
                        return None;
                    }
                    let abs = project.root.join(rel);
                    let uri = state.env.to_uri(&abs)?;
                    // In a document open and edited since: where its diagnostic is.
                    let key = (exec.key.clone(), case.case_key.clone(), l.line);
                    let line = inner
                        .documents
                        .values()
                        .find(|d| d.path.as_deref() == Some(abs.as_path()))
                        .and_then(|d| d.drift.current(&key))
                        .unwrap_or(l.line.saturating_sub(1));
                    Some(FailurePlace {
                        uri: uri.as_str().to_owned(),
                        path: rel.to_owned(),
                        line,
                        column: l.column,
                        message: l.message.clone(),
                    })
                })
                .collect();
            // As `testany status`: a test project's category is its first failing
            // test's, not its summary error text's ("2 of 5 tests failed: ...").
            let first_failing = match inner.tests.cases.get(&(exec.key.clone(), case.index)) {
                Some(CaseEntry::Done(t)) => t.tests.iter().find(|t| t.status.is_failure()),
                _ => None,
            };
            let cat = testany_core::plan::case_category(
                case,
                first_failing.map(|t| (t.status, t.message.as_deref())),
            )
            .map(|c| category::code(c).to_owned());
            rows.push(crate::convert::recent_failure(RecentFailure {
                execution: exec.key.clone(),
                pipeline: pipeline.clone(),
                case_key: case.case_key.clone(),
                case_index: case.index,
                name: case.name.clone(),
                result: result_word(case),
                category: cat,
                error: case.error.clone(),
                locations: locs,
            }));
        }
    }
    Ok(rows)
}

/// The case's result word, else its status word (a TIMEOUT or CANCELLED case has no
/// result), so clients need not guess.
fn result_word(case: &CaseResult) -> Option<String> {
    case.result
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .or_else(|| case.status.as_ref().map(|s| s.as_str().to_owned()))
}

#[cfg(test)]
mod tests {
    use testany_core::model::{ExecutionResult, ExecutionStatus};

    use super::*;

    #[test]
    fn result_falls_back_to_the_status_word() {
        let case = |status, result| CaseResult {
            status,
            result,
            ..CaseResult::default()
        };
        let cases = [
            (
                case(
                    Some(ExecutionStatus::Completed),
                    Some(ExecutionResult::Failed),
                ),
                Some("FAILED"),
            ),
            (case(Some(ExecutionStatus::Timeout), None), Some("TIMEOUT")),
            (case(None, Some(ExecutionResult::Error)), Some("ERROR")),
            (case(None, None), None),
        ];
        for (c, want) in cases {
            assert_eq!(result_word(&c).as_deref(), want);
        }
    }
}
