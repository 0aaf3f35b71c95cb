//! `testany.runPipeline {pipeline}`: executes it, shows work-done progress (cases
//! done / total) until the execution completes, then re-publishes. Progress texts quote
//! service strings: shown through `convert::display`.

use std::sync::Arc;
use std::time::Duration;

use testany_core::model::Execution;
use tower_lsp_server::jsonrpc::Error;

use super::{not_configured, service_error, url_for_pipeline};
use crate::convert::display;
use crate::ext::{RunPipelineArgs, RunPipelineResult};
use crate::progress::Run;
use crate::runtime;
use crate::state::State;

/// Consecutive failed status checks after which the progress gives up.
const MAX_ERRORS: u32 = 5;

fn done_total(exec: &Execution) -> (usize, usize) {
    let done = exec
        .cases
        .iter()
        .filter(|c| c.result.is_some() || c.status.as_ref().is_some_and(|s| s.is_finished()))
        .count();
    (done, exec.cases.len())
}

fn interval(state: &State, pipeline: &str) -> Duration {
    let inner = state.lock();
    let secs = inner
        .projects
        .values()
        .filter_map(|p| p.config.as_ref())
        .filter(|c| c.pipelines.iter().any(|p| p == pipeline))
        .map(|c| c.poll.running_secs)
        .min()
        .unwrap_or(5);
    Duration::from_secs(secs).min(Duration::from_millis(500))
}

pub async fn run(state: &Arc<State>, args: RunPipelineArgs) -> Result<RunPipelineResult, Error> {
    let url = url_for_pipeline(state, Some(&args.pipeline))
        .ok_or_else(|| not_configured(&args.pipeline))?;
    let client = state
        .client_for(&url)
        .ok_or_else(|| not_configured(&args.pipeline))?;
    let mut exec = client
        .execute_pipeline(&args.pipeline)
        .await
        .map_err(|e| service_error(state, &e))?;
    let effects = state.lock().merge_execution(&exec);
    runtime::execute(state, effects).await;
    let supported = state.lock().caps.work_done_progress;
    let progress = Run::begin(
        &state.client,
        supported,
        &exec.key,
        display(&format!("Testany: running {}", args.pipeline)),
    )
    .await;
    let step = interval(state, &args.pipeline);
    let mut errors = 0;
    let mut last = None;
    while !exec.status.is_finished() {
        state.env.sleep(step).await;
        match client.get_execution(&exec.key).await {
            Ok(e) => {
                errors = 0;
                exec = e;
            }
            Err(e) => {
                errors += 1;
                if errors >= MAX_ERRORS {
                    let err = service_error(state, &e);
                    if let Some(p) = progress {
                        p.end(display(&format!(
                            "lost track of {}: {}",
                            exec.key, err.message
                        )))
                        .await;
                    }
                    return Err(err);
                }
                continue;
            }
        }
        let (done, total) = done_total(&exec);
        if last != Some((done, total)) {
            last = Some((done, total));
            if let Some(p) = &progress {
                let pct = (done * 100).checked_div(total).unwrap_or(0);
                p.report(
                    display(&format!("{done}/{total} cases · {}", exec.key)),
                    u32::try_from(pct).unwrap_or(100),
                )
                .await;
            }
        }
    }
    let effects = state.lock().merge_execution(&exec);
    runtime::execute(state, effects).await;
    runtime::wake(state, Some(&args.pipeline));
    let result = exec
        .result
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_else(|| exec.status.as_str().to_owned());
    if let Some(p) = progress {
        p.end(display(&format!("{result} · {}", exec.key))).await;
    }
    Ok(RunPipelineResult {
        status: exec.status.as_str().to_owned(),
        result: exec.result.as_ref().map(|r| r.as_str().to_owned()),
        execution: exec.key,
    })
}
