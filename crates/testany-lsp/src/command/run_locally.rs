//! `testany.runLocally {execution, caseIndex, testId}`: the framework's own command for
//! one test (`testany_core::run_locally`), built from the case's tests as read from its
//! log and linked in the workspace (`tests_model`); the editor runs it in a terminal.

use std::sync::Arc;

use testany_core::run_locally::{LocalInput, command};
use tower_lsp_server::jsonrpc::Error;

use crate::ext::{LocalCommandResult, TestRef};
use crate::state::State;
use crate::tests_model::CaseEntry;

pub async fn run(state: &Arc<State>, args: TestRef) -> Result<LocalCommandResult, Error> {
    let inner = state.lock();
    let case = match inner
        .tests
        .cases
        .get(&(args.execution.clone(), args.case_index))
    {
        Some(CaseEntry::Done(case)) => case.clone(),
        _ => {
            return Err(Error::invalid_params(format!(
                "the tests of case {} of {} are not read yet: try again once its lenses show results",
                args.case_index, args.execution
            )));
        }
    };
    let Some(k) = case.tests.iter().position(|t| t.id == args.test_id) else {
        return Err(Error::invalid_params(format!(
            "case {} of {} has no test `{}` in its log",
            args.case_index, args.execution, args.test_id
        )));
    };
    let test = &case.tests[k];
    // The project where the test is linked (any project serving the pipeline otherwise).
    let mut projects: Vec<_> = case.projects.iter().collect();
    projects.sort_by_key(|(key, links)| {
        let linked = links.links.links.get(k).and_then(|l| l.site()).is_some();
        (!linked, (*key).clone())
    });
    let meta = case.meta.as_ref();
    for (key, links) in projects {
        let Some(root) = inner.projects.get(key).map(|p| p.root.clone()) else {
            continue;
        };
        let site = links.links.links.get(k).and_then(|l| l.site());
        let input = LocalInput {
            test,
            executor: case.executor(),
            file: site.map(|s| s.0),
            line: site.map(|s| s.1),
            root: links.links.root.as_deref(),
            trigger_path: meta.and_then(|m| m.trigger_path.as_deref()),
        };
        if let Some(cmd) = command(&input) {
            let cwd = if cmd.cwd.is_empty() {
                root
            } else {
                root.join(&cmd.cwd)
            };
            return Ok(LocalCommandResult {
                argv: cmd.argv,
                cwd: cwd.display().to_string(),
            });
        }
    }
    Err(Error::invalid_params(format!(
        "no local command runs `{}` alone (its framework has none, or the log does not identify it well enough)",
        args.test_id
    )))
}
