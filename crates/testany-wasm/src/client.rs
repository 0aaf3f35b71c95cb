//! `TestanyClient`: testany-client's `Client` over the browser's fetch (gloo-net), for
//! JavaScript. Every method returns a Promise of a plain JSON-like value (the model's
//! canonical snake_case shapes) or rejects with an `Error` whose message is the client's
//! one-sentence, secret-free description. The log sign never reaches JavaScript:
//! `fetchLogText` signs and downloads in one call.

use std::rc::Rc;
use std::time::Duration;

use js_sys::Promise;
use serde::Deserialize;
use testany_client::{Client, ClientConfig, ListFilter, Secret};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::{from_js, to_js};

/// Constructor options; `url` is required.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Options {
    url: String,
    token: Option<String>,
    log_domain: Option<String>,
    operator_id: Option<String>,
    request_timeout_ms: Option<u64>,
    log_cap_bytes: Option<u64>,
}

/// `listExecutions` filters (all optional, as the tool takes them).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Filter {
    workspace: Option<String>,
    pipeline_key: Option<String>,
    status: Option<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    triggered_by: Option<String>,
    env: Option<String>,
    exe_start_time_from: Option<String>,
    exe_start_time_to: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
}

impl From<Filter> for ListFilter {
    fn from(f: Filter) -> Self {
        ListFilter {
            workspace: f.workspace,
            pipeline_key: f.pipeline_key,
            status: f.status,
            date_from: f.date_from,
            date_to: f.date_to,
            triggered_by: f.triggered_by,
            env: f.env,
            exe_start_time_from: f.exe_start_time_from,
            exe_start_time_to: f.exe_start_time_to,
            page: f.page,
            page_size: f.page_size,
        }
    }
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
        let options: Options = serde_json::from_value(from_js(options)?)
            .map_err(|e| JsError::new(&format!("invalid client options: {e}")))?;
        if options.url.trim().is_empty() {
            return Err(JsError::new("the client needs the service `url`"));
        }
        let mut config = ClientConfig::new(options.url);
        config.token = options.token.filter(|t| !t.is_empty()).map(Secret::new);
        config.operator_id = options
            .operator_id
            .filter(|t| !t.is_empty())
            .map(Secret::new);
        config.log_domain = options.log_domain;
        if let Some(ms) = options.request_timeout_ms {
            config.request_timeout = Duration::from_millis(ms);
        }
        if let Some(cap) = options.log_cap_bytes {
            config.log_cap_bytes = cap;
        }
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
            let filter: Filter = if filter.is_undefined() || filter.is_null() {
                Filter::default()
            } else {
                serde_json::from_value(from_js(filter).map_err(JsValue::from)?).map_err(js_err)?
            };
            let list = client
                .list_executions(&filter.into())
                .await
                .map_err(js_err)?;
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
