//! `testany.pipelineHealth {pipeline, days?}`: pass rate, runs, flaky and slowest
//! cases over `days` (default 7), computed by testany-core's health from the service's
//! executions of that period.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use testany_client::ListFilter;
use testany_core::{health, plan};
use tower_lsp_server::jsonrpc::Error;

use super::{known_execution, not_configured, parse, service_error, url_for_pipeline};
use crate::poller;
use crate::state::State;

/// Executions read per request at most (one list page).
const MAX_RUNS: u64 = 100;

#[derive(Deserialize)]
struct Args {
    pipeline: String,
    days: Option<u32>,
}

pub async fn run(state: &Arc<State>, arg: Value) -> Result<Value, Error> {
    let args: Args = parse("testany.pipelineHealth", "{pipeline, days?}", arg)?;
    let days = args.days.unwrap_or(7).max(1);
    let url = url_for_pipeline(state, Some(&args.pipeline))
        .ok_or_else(|| not_configured(&args.pipeline))?;
    let client = poller::client_for(state, &url).ok_or_else(|| not_configured(&args.pipeline))?;
    let now = Timestamp::now();
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
    let report = health::health(&executions, now, days);
    serde_json::to_value(&report).map_err(|e| Error::invalid_params(e.to_string()))
}
