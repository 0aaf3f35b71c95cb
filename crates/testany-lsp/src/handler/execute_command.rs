//! `workspace/executeCommand`: routes the six commands of design.md section 6.

use std::sync::Arc;

use serde_json::{Map, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::ExecuteCommandParams;

use crate::command;
use crate::state::State;

#[tracing::instrument(skip_all, fields(command = %params.command))]
pub async fn handle(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    // Errors quote service messages and the editor's own arguments: shown as text.
    run(state, params).await.map(Some).map_err(|mut e| {
        e.message = crate::convert::display(&e.message).into();
        e
    })
}

async fn run(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Value> {
    let command = params.command.as_str();
    if !crate::COMMANDS.contains(&command) {
        return Err(Error::invalid_params(format!("unknown command {command}")));
    }
    let arg = options(command, params.arguments)?;
    match command {
        "testany.openLog" => command::open_log::run(state, arg).await,
        "testany.showExecution" => command::show_execution::run(state, arg).await,
        "testany.refreshExecution" => command::refresh_execution::run(state, arg).await,
        "testany.runPipeline" => command::run_pipeline::run(state, arg).await,
        "testany.recentFailures" => command::recent_failures::run(state, arg).await,
        "testany.pipelineHealth" => command::pipeline_health::run(state, arg).await,
        other => Err(Error::invalid_params(format!("unknown command {other}"))),
    }
}

/// The command's one JSON object. No argument, `null`, `[]` and `{}` all mean "no
/// options": editors disagree on how to send nothing (Neovim encodes an empty Lua table
/// as `[]`, issue 17), and a user who passes nothing should get the defaults or be told
/// which field is missing, never a serde message about tuple lengths.
fn options(command: &str, arguments: Vec<Value>) -> Result<Value> {
    match arguments.into_iter().next() {
        None | Some(Value::Null) => Ok(Value::Object(Map::new())),
        Some(Value::Array(a)) if a.is_empty() => Ok(Value::Object(Map::new())),
        // A field set to `null` is a field not given (`{"days": null}` is the default).
        Some(Value::Object(mut obj)) => {
            obj.retain(|_, v| !v.is_null());
            Ok(Value::Object(obj))
        }
        Some(other) => Err(Error::invalid_params(format!(
            "bad arguments: {command} takes one JSON object, not {}",
            kind(&other)
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
