//! `testany.refreshExecution {execution}`: asks the service to refresh it, then
//! re-publishes lenses and diagnostics.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Error;

use super::{client_for_execution, not_configured, service_error};
use crate::ext::{ExecutionRef, ExecutionView};
use crate::runtime;
use crate::state::State;

pub async fn run(state: &Arc<State>, args: ExecutionRef) -> Result<ExecutionView, Error> {
    let client = client_for_execution(state, &args.execution)
        .ok_or_else(|| not_configured(&args.execution))?;
    let exec = client
        .refresh_execution(&args.execution)
        .await
        .map_err(|e| service_error(state, &e))?;
    let effects = state.lock().merge_execution(&exec);
    runtime::execute(state, effects).await;
    runtime::wake(state, exec.pipeline_key.as_deref());
    Ok(crate::convert::execution(exec).into())
}
