//! `testany.showExecution {execution}`: the execution as model JSON.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Error;

use super::{client_for_execution, known_execution, not_configured, parse, service_error};
use crate::state::State;

#[derive(Deserialize)]
struct Args {
    execution: String,
}

pub async fn run(state: &Arc<State>, arg: Value) -> Result<Value, Error> {
    let args: Args = parse("testany.showExecution", "{execution}", arg)?;
    let exec = match known_execution(state, &args.execution).filter(|e| !e.cases.is_empty()) {
        Some(e) => e,
        None => {
            let client = client_for_execution(state, &args.execution)
                .ok_or_else(|| not_configured(&args.execution))?;
            client
                .get_execution(&args.execution)
                .await
                .map_err(|e| service_error(state, &e))?
        }
    };
    serde_json::to_value(&exec).map_err(|e| Error::invalid_params(e.to_string()))
}
