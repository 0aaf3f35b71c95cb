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
        let client = self.inner.clone();
        future_to_promise(async move {
            let filter = if filter.is_undefined() || filter.is_null() {
                ListFilter::default()
            } else {
                list_filter(&from_js(filter).map_err(JsValue::from)?)
                    .map_err(|e| js_err(format!("invalid filter: {e}")))?
            };
            let list = client.list_executions(&filter).await.map_err(js_err)?;
            Ok(to_js(&list)?)
        })
    }

    #[wasm_bindgen(js_name = getExecution)]
    pub fn get_execution(&self, execution_key: String) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let e = client.get_execution(&execution_key).await.map_err(js_err)?;
            Ok(to_js(&e)?)
        })
    }

    #[wasm_bindgen(js_name = getExecutionCase)]
    pub fn get_execution_case(&self, execution_key: String, case_index: usize) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let c = client
                .get_execution_case(&execution_key, case_index)
                .await
                .map_err(js_err)?;
            Ok(to_js(&c)?)
        })
    }

    #[wasm_bindgen(js_name = refreshExecution)]
    pub fn refresh_execution(&self, execution_key: String) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let e = client
                .refresh_execution(&execution_key)
                .await
                .map_err(js_err)?;
            Ok(to_js(&e)?)
        })
    }

    /// Starts a run (never retried).
    #[wasm_bindgen(js_name = executePipeline)]
    pub fn execute_pipeline(&self, pipeline_key: String) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let e = client
                .execute_pipeline(&pipeline_key)
                .await
                .map_err(js_err)?;
            Ok(to_js(&e)?)
        })
    }

    /// The cancelled execution, or `null` when the service returns none.
    #[wasm_bindgen(js_name = cancelExecution)]
    pub fn cancel_execution(&self, execution_key: String) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let e = client
                .cancel_execution(&execution_key)
                .await
                .map_err(js_err)?;
            Ok(to_js(&e)?)
        })
    }

    #[wasm_bindgen(js_name = getPipeline)]
    pub fn get_pipeline(&self, pipeline_key: String) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let p = client.get_pipeline(&pipeline_key).await.map_err(js_err)?;
            Ok(to_js(&p)?)
        })
    }

    #[wasm_bindgen(js_name = listPipelines)]
    pub fn list_pipelines(&self, workspace: Option<String>) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let p = client
                .list_pipelines(workspace.as_deref())
                .await
                .map_err(js_err)?;
            Ok(to_js(&p)?)
        })
    }

    /// `{text, bytes, truncated}`: signs the case's log URL, checks it against the log
    /// domain and downloads it (capped at `logCapBytes`, default 64 MiB).
    #[wasm_bindgen(js_name = fetchLogText)]
    pub fn fetch_log_text(&self, execution_key: String, case_index: usize) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            let log = client
                .fetch_log_text(&execution_key, case_index)
                .await
                .map_err(js_err)?;
            Ok(to_js(&LogTextJs {
                text: log.text,
                bytes: log.bytes,
                truncated: log.truncated,
            })?)
        })
    }

    /// Ends the MCP session (best effort).
    pub fn close(&self) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            client.close().await;
            Ok(JsValue::UNDEFINED)
        })
    }
}
