//! `TestanyClient`: testany-client's `Client` over the browser's fetch (gloo-net), for
//! JavaScript. Every method returns a Promise of a plain JSON-like value (the model's
//! canonical snake_case shapes) or rejects with an `Error` whose message is the client's
//! one-sentence, secret-free description. The log sign never reaches JavaScript:
//! `fetchLogText` signs and downloads in one call.

use std::rc::Rc;
use std::time::Duration;

use js_sys::Promise;
use serde_json::Value;
use testany_client::{Client, ClientConfig, ListFilter, Secret};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::fields::Fields;
use crate::{from_js, to_js};

/// `listExecutions` filters (all optional, as the tool takes them), camelCase keys.
fn list_filter(value: &Value) -> Result<ListFilter, String> {
    let f = Fields::new(value)?;
    Ok(ListFilter {
        workspace: f.string("workspace")?,
        pipeline_key: f.string("pipelineKey")?,
        status: f.string("status")?,
        date_from: f.string("dateFrom")?,
        date_to: f.string("dateTo")?,
        triggered_by: f.string("triggeredBy")?,
        env: f.string("env")?,
        exe_start_time_from: f.string("exeStartTimeFrom")?,
        exe_start_time_to: f.string("exeStartTimeTo")?,
        page: f.u64("page")?,
        page_size: f.u64("pageSize")?,
    })
}

/// Constructor options `{url, token, logDomain, operatorId, requestTimeoutMs,
/// logCapBytes}`; `url` is required. Errors are whole sentences.
fn client_config(value: &Value) -> Result<ClientConfig, String> {
    let read = || -> Result<_, String> {
        let f = Fields::new(value)?;
        let url = f.string("url")?.unwrap_or_default();
        let mut config = ClientConfig::new(url);
        config.token = f
            .string("token")?
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        config.operator_id = f
            .string("operatorId")?
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        config.log_domain = f.string("logDomain")?;
        if let Some(ms) = f.u64("requestTimeoutMs")? {
            config.request_timeout = Duration::from_millis(ms);
        }
        if let Some(cap) = f.u64("logCapBytes")? {
            config.log_cap_bytes = cap;
        }
        Ok(config)
    };
    let config = read().map_err(|e| format!("invalid client options: {e}"))?;
    if config.url.trim().is_empty() {
        return Err("the client needs the service `url`".into());
    }
    Ok(config)
}

/// The log text of a case, as `fetchLogText` resolves it.
#[derive(serde::Serialize)]
struct LogTextJs {
    text: String,
    bytes: u64,
    truncated: bool,
}

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsError::new(&e.to_string()).into()
}

/// The Testany service from a browser (MCP over fetch; see testany-client).
#[wasm_bindgen]
pub struct TestanyClient {
    inner: Rc<Client>,
}

#[wasm_bindgen]
impl TestanyClient {
    /// `new TestanyClient({url, token, logDomain, operatorId, requestTimeoutMs, logCapBytes})`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<TestanyClient, JsError> {
        let config = client_config(&from_js(options)?).map_err(|e| JsError::new(&e))?;
        let client = Client::new(config).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(TestanyClient {
            inner: Rc::new(client),
        })
    }

    /// `{executions, total, page, page_size, has_more, next_cursor, skipped_rows}`.
    #[wasm_bindgen(js_name = listExecutions)]
    pub fn list_executions(&self, filter: JsValue) -> Promise {
        let filter = if filter.is_undefined() || filter.is_null() {
            Ok(ListFilter::default())
        } else {
            from_js(filter)
                .map_err(JsValue::from)
                .and_then(|v| list_filter(&v).map_err(|e| js_err(format!("invalid filter: {e}"))))
        };
        match filter {
            Ok(filter) => self.run(Op::ListExecutions(filter)),
            Err(e) => Promise::reject(&e),
        }
    }

    #[wasm_bindgen(js_name = getExecution)]
    pub fn get_execution(&self, execution_key: String) -> Promise {
        self.run(Op::GetExecution(execution_key))
    }

    #[wasm_bindgen(js_name = getExecutionCase)]
    pub fn get_execution_case(&self, execution_key: String, case_index: usize) -> Promise {
        self.run(Op::GetExecutionCase(execution_key, case_index))
    }

    #[wasm_bindgen(js_name = refreshExecution)]
    pub fn refresh_execution(&self, execution_key: String) -> Promise {
        self.run(Op::RefreshExecution(execution_key))
    }

    /// Starts a run (never retried).
    #[wasm_bindgen(js_name = executePipeline)]
    pub fn execute_pipeline(&self, pipeline_key: String) -> Promise {
        self.run(Op::ExecutePipeline(pipeline_key))
    }

    /// The cancelled execution, or `null` when the service returns none.
    #[wasm_bindgen(js_name = cancelExecution)]
    pub fn cancel_execution(&self, execution_key: String) -> Promise {
        self.run(Op::CancelExecution(execution_key))
    }

    #[wasm_bindgen(js_name = getPipeline)]
    pub fn get_pipeline(&self, pipeline_key: String) -> Promise {
        self.run(Op::GetPipeline(pipeline_key))
    }

    #[wasm_bindgen(js_name = listPipelines)]
    pub fn list_pipelines(&self, workspace: Option<String>) -> Promise {
        self.run(Op::ListPipelines(workspace))
    }

    /// `{text, bytes, truncated}`: signs the case's log URL, checks it against the log
    /// domain and downloads it (capped at `logCapBytes`, default 64 MiB).
    #[wasm_bindgen(js_name = fetchLogText)]
    pub fn fetch_log_text(&self, execution_key: String, case_index: usize) -> Promise {
        self.run(Op::FetchLogText(execution_key, case_index))
    }

    /// Ends the MCP session (best effort).
    pub fn close(&self) -> Promise {
        self.run(Op::Close)
    }
}

/// One call of a `TestanyClient` method. Every method runs through the one future of
/// [`run`], so the .wasm holds one copy of the promise glue rather than ten (size budget).
enum Op {
    ListExecutions(ListFilter),
    GetExecution(String),
    GetExecutionCase(String, usize),
    RefreshExecution(String),
    ExecutePipeline(String),
    CancelExecution(String),
    GetPipeline(String),
    ListPipelines(Option<String>),
    FetchLogText(String, usize),
    Close,
}

impl TestanyClient {
    fn run(&self, op: Op) -> Promise {
        future_to_promise(run(self.inner.clone(), op))
    }
}

async fn run(client: Rc<Client>, op: Op) -> Result<JsValue, JsValue> {
    Ok(match op {
        Op::ListExecutions(filter) => {
            to_js(&client.list_executions(&filter).await.map_err(js_err)?)?
        }
        Op::GetExecution(key) => to_js(&client.get_execution(&key).await.map_err(js_err)?)?,
        Op::GetExecutionCase(key, index) => to_js(
            &client
                .get_execution_case(&key, index)
                .await
                .map_err(js_err)?,
        )?,
        Op::RefreshExecution(key) => to_js(&client.refresh_execution(&key).await.map_err(js_err)?)?,
        Op::ExecutePipeline(key) => to_js(&client.execute_pipeline(&key).await.map_err(js_err)?)?,
        Op::CancelExecution(key) => to_js(&client.cancel_execution(&key).await.map_err(js_err)?)?,
        Op::GetPipeline(key) => to_js(&client.get_pipeline(&key).await.map_err(js_err)?)?,
        Op::ListPipelines(workspace) => to_js(
            &client
                .list_pipelines(workspace.as_deref())
                .await
                .map_err(js_err)?,
        )?,
        Op::FetchLogText(key, index) => {
            let log = client.fetch_log_text(&key, index).await.map_err(js_err)?;
            to_js(&LogTextJs {
                text: log.text,
                bytes: log.bytes,
                truncated: log.truncated,
            })?
        }
        Op::Close => {
            client.close().await;
            JsValue::UNDEFINED
        }
    })
}
