//! The commands of design.md section 6, one per module.

pub mod open_log;
pub mod pipeline_health;
pub mod recent_failures;
pub mod refresh_execution;
pub mod run_locally;
pub mod run_pipeline;
pub mod show_execution;

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use testany_client::Client as Tc;
use testany_core::model::Execution;
use tower_lsp_server::jsonrpc::{Error, ErrorCode};

use crate::state::{State, redact};

/// The command's one JSON object argument (absent, `null` and `[]` already read as
/// `{}` by the handler). `usage` is the shape of design.md section 6, e.g.
/// `{execution, caseIndex}`: a missing field is named in one sentence with it.
pub fn parse<T: DeserializeOwned>(command: &str, usage: &str, arg: Value) -> Result<T, Error> {
    serde_json::from_value(arg).map_err(|e| {
        let text = e.to_string();
        let missing = text
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(field, _)| field);
        Error::invalid_params(match missing {
            Some(field) => format!("bad arguments: {command} needs `{field}` (arguments: {usage})"),
            None => format!("bad arguments: {command} (arguments: {usage}): {text}"),
        })
    })
}

/// A service error as a JSON-RPC error, secrets removed.
pub fn service_error(state: &State, e: &testany_client::Error) -> Error {
    Error {
        code: ErrorCode::ServerError(-32000),
        message: redact(&e.to_string(), &state.lock()).into(),
        data: None,
    }
}

/// An error that names what is missing.
pub fn not_configured(what: &str) -> Error {
    Error {
        code: ErrorCode::ServerError(-32001),
        message: format!(
            "no Testany configuration serves {what}: add it to `pipelines` in testany.toml"
        )
        .into(),
        data: None,
    }
}

/// Known execution by key, from the polled data.
pub fn known_execution(state: &State, key: &str) -> Option<Execution> {
    let inner = state.lock();
    inner
        .pipelines
        .values()
        .flat_map(|d| d.executions.iter())
        .find(|e| e.key == key)
        .cloned()
}

/// The service URL that serves `pipeline` (configured pipelines first, then any).
pub fn url_for_pipeline(state: &State, pipeline: Option<&str>) -> Option<String> {
    let inner = state.lock();
    let configs = inner.projects.values().filter_map(|p| p.config.as_ref());
    let mut fallback = None;
    for c in configs {
        let Some(url) = &c.url else { continue };
        if pipeline.is_some_and(|p| c.pipelines.iter().any(|q| q == p)) {
            return Some(url.clone());
        }
        fallback.get_or_insert_with(|| url.clone());
    }
    fallback
}

/// The client for the service that ran `execution` (its pipeline is the key prefix).
pub fn client_for_execution(state: &State, execution: &str) -> Option<Arc<Tc>> {
    let from_data = {
        let inner = state.lock();
        inner
            .pipelines
            .iter()
            .find(|(_, d)| d.executions.iter().any(|e| e.key == execution))
            .map(|(k, _)| k.url.clone())
    };
    let url = from_data.or_else(|| {
        let pipeline = execution.rsplit_once('-').map(|(p, _)| p);
        url_for_pipeline(state, pipeline)
    })?;
    state.client_for(&url)
}
