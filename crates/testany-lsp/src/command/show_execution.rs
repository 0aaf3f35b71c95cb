//! `testany.showExecution {execution}`: the execution as model JSON, its names and errors
//! as display text (`convert::execution`).

use std::sync::Arc;

use testany_core::model::Execution;
use tower_lsp_server::jsonrpc::Error;

use super::{client_for_execution, known_execution, not_configured, service_error};
use crate::ext::ExecutionRef;
use crate::state::State;

pub async fn run(state: &Arc<State>, args: ExecutionRef) -> Result<Execution, Error> {
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
    Ok(crate::convert::execution(exec))
}
