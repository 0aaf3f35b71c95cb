//! `workspace/executeCommand`: routes the commands of design.md section 6 through
//! one typed table ([`REGISTRY`]), from which `COMMANDS` and `executeCommandProvider`
//! come, so a command cannot be advertised without a handler or the other way round.

use std::sync::Arc;

use serde_json::{Map, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::ExecuteCommandParams;

use crate::command;
use crate::env::BoxFuture;
use crate::ext::{self, Command};
use crate::state::State;

/// A command's handler over its raw argument object (`Send` natively; see `crate::local`).
type Run = for<'a> fn(&'a Arc<State>, Value) -> BoxFuture<'a, Result<Value>>;

/// One command: its name and its handler.
pub struct Entry {
    pub name: &'static str,
    run: Run,
}

/// An entry for command `$cmd` handled by `$run(state, args) -> Result<$cmd::Result>`:
/// the argument is parsed into `$cmd::Args` and the result serialized here, once.
macro_rules! entry {
    ($cmd:ty, $run:path) => {
        Entry {
            name: <$cmd as Command>::NAME,
            run: |state, arg| {
                Box::pin(async move {
                    let args: <$cmd as Command>::Args =
                        command::parse(<$cmd as Command>::NAME, <$cmd as Command>::USAGE, arg)?;
                    let result: <$cmd as Command>::Result = $run(state, args).await?;
                    serde_json::to_value(&result).map_err(|e| Error::invalid_params(e.to_string()))
                })
            },
        }
    };
}

/// Every command, in the order `executeCommandProvider` lists them.
pub const REGISTRY: [Entry; 7] = [
    entry!(ext::OpenLog, command::open_log::run),
    entry!(ext::ShowExecution, command::show_execution::run),
    entry!(ext::RefreshExecution, command::refresh_execution::run),
    entry!(ext::RunPipeline, command::run_pipeline::run),
    entry!(ext::RecentFailures, command::recent_failures::run),
    entry!(ext::PipelineHealthCommand, command::pipeline_health::run),
    entry!(ext::RunLocally, command::run_locally::run),
];

/// The names of [`REGISTRY`], in its order.
pub const fn names() -> [&'static str; REGISTRY.len()] {
    let mut out = [""; REGISTRY.len()];
    let mut i = 0;
    while i < REGISTRY.len() {
        out[i] = REGISTRY[i].name;
        i += 1;
    }
    out
}

#[tracing::instrument(skip_all, fields(command = %params.command))]
pub async fn handle(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    // Errors quote service messages and the editor's own arguments: shown as text.
    // Results are data (the editor renders them itself) but carry case errors and names
    // that may quote a secret: every string in them is redacted here, for every command.
    run(state, params)
        .await
        .map(|mut result| {
            redact_strings(&mut result);
            Some(result)
        })
        .map_err(|mut e| {
            e.message = crate::convert::display(&e.message).into();
            e
        })
}

/// Redacts the secrets the process has seen from every string (and key) in `value`.
fn redact_strings(value: &mut Value) {
    use std::borrow::Cow;
    use testany_client::secret::redact;
    match value {
        Value::String(s) => {
            if let Cow::Owned(clean) = redact(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => {
            let dirty: Vec<String> = map
                .keys()
                .filter(|k| matches!(redact(k), Cow::Owned(_)))
                .cloned()
                .collect();
            for key in dirty {
                if let Some(v) = map.remove(&key) {
                    map.insert(redact(&key).into_owned(), v);
                }
            }
            map.values_mut().for_each(redact_strings);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

async fn run(state: &Arc<State>, params: ExecuteCommandParams) -> Result<Value> {
    let command = params.command.as_str();
    let Some(entry) = REGISTRY.iter().find(|e| e.name == command) else {
        return Err(Error::invalid_params(format!("unknown command {command}")));
    };
    let arg = options(command, params.arguments)?;
    (entry.run)(state, arg).await
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
