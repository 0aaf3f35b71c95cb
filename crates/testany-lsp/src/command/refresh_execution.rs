//! `testany.refreshExecution {execution}`: asks the service to refresh it, then
//! re-publishes lenses and diagnostics.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Error;

use super::{client_for_execution, not_configured, parse, service_error};
use crate::poller;
use crate::state::State;

#[derive(Deserialize)]
struct Args {
    execution: String,
}

pub async fn run(state: &Arc<State>, arg: Value) -> Result<Value, Error> {
    let args: Args = parse("testany.refreshExecution", "{execution}", arg)?;
    let client = client_for_execution(state, &args.execution)
        .ok_or_else(|| not_configured(&args.execution))?;
    let exec = client
        .refresh_execution(&args.execution)
        .await
        .map_err(|e| service_error(state, &e))?;
    poller::merge_execution(state, &exec);
    poller::wake(state, exec.pipeline_key.as_deref());
    serde_json::to_value(&exec).map_err(|e| Error::invalid_params(e.to_string()))
}
