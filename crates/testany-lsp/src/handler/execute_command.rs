//! `workspace/executeCommand`: routes the six commands of design.md section 6.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::ExecuteCommandParams;

use crate::command;
use crate::state::State;

#[tracing::instrument(skip_all, fields(command = %params.command))]
pub async fn handle(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let arg = params.arguments.into_iter().next().unwrap_or(Value::Null);
    let result = match params.command.as_str() {
        "testany.openLog" => command::open_log::run(state, arg).await,
        "testany.showExecution" => command::show_execution::run(state, arg).await,
        "testany.refreshExecution" => command::refresh_execution::run(state, arg).await,
        "testany.runPipeline" => command::run_pipeline::run(state, arg).await,
        "testany.recentFailures" => command::recent_failures::run(state, arg).await,
        "testany.pipelineHealth" => command::pipeline_health::run(state, arg).await,
        other => Err(Error::invalid_params(format!("unknown command {other}"))),
    };
    result.map(Some)
}
