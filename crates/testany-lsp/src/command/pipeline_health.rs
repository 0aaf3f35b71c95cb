//! `testany.pipelineHealth {pipeline, days?}`: pass rate, runs, flaky and slowest
//! cases over `days` (default 7), computed by testany-core's health from the service's
//! executions of that period.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use testany_client::ListFilter;
use testany_core::health;
use testany_core::plan;
use tower_lsp_server::jsonrpc::Error;

use super::{known_execution, not_configured, service_error, url_for_pipeline};
use crate::ext::{PipelineHealthArgs, PipelineHealthView};
use crate::state::State;

/// Executions read per request at most (one list page).
const MAX_RUNS: u64 = 100;

pub async fn run(
    state: &Arc<State>,
    args: PipelineHealthArgs,
) -> Result<PipelineHealthView, Error> {
    let days = args.days.unwrap_or(7).max(1);
    let url = url_for_pipeline(state, Some(&args.pipeline))
        .ok_or_else(|| not_configured(&args.pipeline))?;
    let client = state
        .client_for(&url)
        .ok_or_else(|| not_configured(&args.pipeline))?;
    let now = state.env.now();
    let since = now
        .checked_sub(SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let date_from: String = plan::format_timestamp(since).chars().take(10).collect();
    let filter = ListFilter {
        pipeline_key: Some(args.pipeline.clone()),
        date_from: Some(date_from),
        page_size: Some(MAX_RUNS),
        ..ListFilter::default()
    };
    let list = client
        .list_executions(&filter)
        .await
        .map_err(|e| service_error(state, &e))?;
    let mut executions = Vec::with_capacity(list.executions.len());
    for row in list.executions {
        if !row.cases.is_empty() {
            executions.push(row);
            continue;
        }
        match known_execution(state, &row.key).filter(|e| !e.cases.is_empty()) {
            Some(e) => executions.push(e),
            None => executions.push(
                client
                    .get_execution(&row.key)
                    .await
                    .map_err(|e| service_error(state, &e))?,
            ),
        }
    }
    Ok(crate::convert::health(health::health(&executions, now, days)).into())
}
