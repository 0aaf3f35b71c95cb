//! The MCP session and the typed operations over any [`Transport`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use testany_core::model::{CaseResult, Execution, ExecutionList, LogSign, Pipeline};

use crate::args::{Arg, map_arguments};
use crate::error::{Error, Result, TimeoutKind};
use crate::filter::{ListFilter, retain_matching_page};
use crate::protocol::{self, BodyKind, METHOD_NOT_FOUND, ToolSchema};
use crate::retry::RetryPolicy;
use crate::secret::{self, Secret, scrub};
use crate::transport::{HttpRequest, HttpResponse, Method, Transport, TransportError, sleep};

/// Tool names (execution-skill.md, facts.md).
pub mod tools {
    pub const LIST_EXECUTIONS: &str = "testany_list_executions";
    pub const GET_EXECUTION: &str = "testany_get_execution";
    pub const GET_EXECUTION_CASE: &str = "testany_get_execution_case";
    pub const REFRESH_EXECUTION: &str = "testany_refresh_execution";
    pub const LOG_SIGN: &str = "testany_log_sign";
    pub const EXECUTE_PIPELINE: &str = "testany_execute_pipeline";
    pub const GET_PIPELINE: &str = "testany_get_pipeline";
    pub const CANCEL_EXECUTION: &str = "testany_cancel_execution";
    pub const LIST_PIPELINES: &str = "testany_list_pipelines";
    pub const GET_CASE: &str = "testany_get_case";
}

/// Everything the client needs to know. Secrets are [`Secret`]s; `Debug` also drops
/// user info and query from `url`.
#[derive(Clone)]
pub struct ClientConfig {
    /// The MCP endpoint, e.g. `https://testany.com.cn/api/v2/mcp/`.
    pub url: String,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<Secret>,
    /// Log hosts must be `{label}.tr.{log_domain}`; default: the host of `url`.
    pub log_domain: Option<String>,
    /// `X-Operator-Id` when the sign reply carries none (`TESTANY_OPERATOR`).
    pub operator_id: Option<Secret>,
    /// Limit for one MCP exchange (request to end of answer).
    pub request_timeout: Duration,
    /// Limit for one whole log download (the transport's read timeout still applies).
    pub log_timeout: Duration,
    /// Logs are cut after this many bytes (design.md section 9: default 64 MiB).
    pub log_cap_bytes: u64,
    /// Largest MCP answer accepted.
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("url", &redact_url(&self.url))
            .field("token", &self.token)
            .field("log_domain", &self.log_domain)
            .field("operator_id", &self.operator_id)
            .field("request_timeout", &self.request_timeout)
            .field("log_timeout", &self.log_timeout)
            .field("log_cap_bytes", &self.log_cap_bytes)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            token: None,
            log_domain: None,
            operator_id: None,
            request_timeout: Duration::from_secs(30),
            log_timeout: Duration::from_secs(300),
            log_cap_bytes: 64 * 1024 * 1024,
            max_response_bytes: 32 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }

    /// The configured log domain, else the host of `url` (without port).
    pub fn effective_log_domain(&self) -> String {
        if let Some(domain) = self.log_domain.as_deref().filter(|d| !d.trim().is_empty()) {
            return domain.trim().to_ascii_lowercase();
        }
        host_of(&self.url).unwrap_or_default()
    }
}

/// The host of an absolute URL, lower-cased, without user info or port.
pub fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?.to_owned()
    } else {
        authority.split(':').next()?.to_owned()
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// "the Testany service at URL" for error messages, the URL without its secrets.
fn service_name(url: &str) -> String {
    format!("the Testany service at {}", redact_url(url))
}

/// `url` without user info, query and fragment: a password or `?token=` there must not
/// reach an error message or a `Debug` print.
fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = rest.get(..end).unwrap_or(rest);
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    match scheme {
        Some(scheme) => format!("{scheme}://{host}{path}"),
        None => format!("{host}{path}"),
    }
}

/// The state of one MCP session.
#[derive(Debug, Default)]
struct Session {
    ready: bool,
    generation: u64,
    id: Option<String>,
    version: Option<String>,
    /// `None` when the server could not list its tools: seed names are used then.
    tools: Option<Arc<Vec<ToolSchema>>>,
    /// The `serverInfo` of the last `initialize` answer: while a new session reports
    /// the same server and version, its tools are the ones already listed.
    server: Option<Value>,
}

/// What one call needs from the session.
#[derive(Debug, Clone)]
struct Snapshot {
    generation: u64,
    id: Option<String>,
    version: Option<String>,
    tools: Option<Arc<Vec<ToolSchema>>>,
}

impl Snapshot {
    fn schema(&self, tool: &str) -> Option<&ToolSchema> {
        self.tools.as_ref()?.iter().find(|t| t.name == tool)
    }

    fn empty() -> Self {
        Self {
            generation: 0,
            id: None,
            version: None,
            tools: None,
        }
    }
}

/// One failed exchange, with what the retry logic needs to know.
#[derive(Debug)]
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
    session_expired: bool,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry_after: None,
            session_expired: false,
        }
    }
}

/// The Testany client. Share it (`Arc<Client>`); concurrent calls share one session.
pub struct Client {
    transport: Arc<dyn Transport>,
    config: ClientConfig,
    session: futures_util::lock::Mutex<Session>,
    ids: AtomicU64,
    /// `Retry-After` of the last MCP call that gave up, in ms; `NO_RETRY_AFTER` if none.
    retry_after_ms: AtomicU64,
    /// Case metadata, fetched once per case (`get_case`).
    cases: crate::case::CaseCache,
}

/// `retry_after_ms` when the last call succeeded or named no wait.
const NO_RETRY_AFTER: u64 = u64::MAX;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over the target's default transport (reqwest natively, fetch in a browser).
    pub fn new(config: ClientConfig) -> Result<Self> {
        #[cfg(not(target_arch = "wasm32"))]
        let transport = crate::transport::ReqwestTransport::new();
        #[cfg(target_arch = "wasm32")]
        let transport = crate::transport::FetchTransport::new();
        let transport = transport.map_err(|e| Error::Connect {
            target: service_name(&config.url),
            detail: e.to_string(),
        })?;
        Ok(Self::with_transport(config, Arc::new(transport)))
    }

    /// A client over any transport (tests, custom stacks).
    pub fn with_transport(config: ClientConfig, transport: Arc<dyn Transport>) -> Self {
        // A password or `?token=` in the configured URL is a configured secret too.
        secret::remember_configured_url(&config.url);
        Self {
            transport,
            config,
            session: futures_util::lock::Mutex::new(Session::default()),
            ids: AtomicU64::new(1),
            retry_after_ms: AtomicU64::new(NO_RETRY_AFTER),
            cases: crate::case::CaseCache::default(),
        }
    }

    pub(crate) fn case_cache(&self) -> &crate::case::CaseCache {
        &self.cases
    }

    /// The `Retry-After` the service sent with the last MCP call that failed (after
    /// this client's own retries), `None` once a call succeeds: a caller that polls
    /// waits at least this long before asking again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.retry_after_ms.load(Ordering::Relaxed) {
            NO_RETRY_AFTER => None,
            ms => Some(Duration::from_millis(ms)),
        }
    }

    fn note_retry_after(&self, wait: Option<Duration>) {
        let ms = wait.map_or(NO_RETRY_AFTER, |w| {
            u64::try_from(w.as_millis())
                .unwrap_or(NO_RETRY_AFTER - 1)
                .min(NO_RETRY_AFTER - 1)
        });
        self.retry_after_ms.store(ms, Ordering::Relaxed);
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The negotiated protocol version and session id, once a session exists.
    pub async fn session_info(&self) -> Option<(Option<String>, Option<String>)> {
        let session = self.session.lock().await;
        session
            .ready
            .then(|| (session.version.clone(), session.id.clone()))
    }

    fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    fn secrets(&self) -> Vec<&Secret> {
        self.config
            .token
            .iter()
            .chain(self.config.operator_id.iter())
            .collect()
    }

    /// Removes our secrets (and every one the process remembers) from service-provided
    /// text inside an error, so its fields are clean too, not only its `Display`.
    pub(crate) fn scrub_error(&self, mut error: Error, extra: &[&Secret]) -> Error {
        let mut secrets = self.secrets();
        secrets.extend_from_slice(extra);
        if let Error::Rpc { message: text, .. }
        | Error::Tool { message: text, .. }
        | Error::Http { message: text, .. }
        | Error::Connect { detail: text, .. }
        | Error::Malformed { detail: text } = &mut error
        {
            *text = scrub(text, &secrets);
        }
        error
    }

    /// `target` names the peer for the message, e.g. "the Testany service at URL".
    fn transport_error(&self, target: &str, error: TransportError, limit: Duration) -> Error {
        match error {
            TransportError::Timeout => Error::Timeout {
                target: target.to_owned(),
                limit_ms: millis(limit),
                kind: TimeoutKind::Answer,
                attempts: 1,
            },
            TransportError::Idle(idle) => Error::Timeout {
                target: target.to_owned(),
                limit_ms: millis(idle),
                kind: TimeoutKind::Idle,
                attempts: 1,
            },
            TransportError::Body(_) => Error::Truncated,
            TransportError::TooLarge(cap) => Error::Malformed {
                detail: format!("the answer is larger than {cap} bytes"),
            },
            TransportError::Connect(detail) | TransportError::Other(detail) => Error::Connect {
                target: target.to_owned(),
                detail,
            },
        }
    }

    fn service(&self) -> String {
        service_name(&self.config.url)
    }

    /// A POST of `body` to the MCP endpoint with the session's headers.
    fn mcp_post(&self, body: Vec<u8>, snap: &Snapshot) -> HttpRequest {
        HttpRequest {
            method: Method::Post,
            url: self.config.url.clone(),
            headers: protocol::request_headers(
                self.config.token.as_ref(),
                snap.id.as_deref(),
                snap.version.as_deref(),
            ),
            body,
            timeout: Some(self.config.request_timeout),
        }
    }

    /// Sends one JSON-RPC request and decodes the answer.
    async fn rpc_once(
        &self,
        method: &str,
        params: &Value,
        snap: &Snapshot,
    ) -> std::result::Result<(Value, Option<String>), Failure> {
        let id = self.next_id();
        let limit = self.config.request_timeout;
        let request = self.mcp_post(protocol::encode_request(id, method, params.clone()), snap);
        let response = self
            .transport
            .send(request)
            .await
            .map_err(|e| Failure::from(self.transport_error(&self.service(), e, limit)))?;
        let session_id = response.header("mcp-session-id").map(str::to_owned);
        let status = response.status;
        if (200..300).contains(&status) {
            let result = self.decode_success(response, id, limit).await?;
            return Ok((result, session_id));
        }
        Err(self.http_failure(response, snap.id.is_some()).await)
    }

    async fn decode_success(
        &self,
        response: HttpResponse,
        id: u64,
        limit: Duration,
    ) -> Result<Value> {
        let kind = protocol::body_kind(response.header("content-type"));
        match kind {
            BodyKind::EventStream => {
                let mut body = response.body;
                let cap = self.config.max_response_bytes;
                let on_transport = |e| self.transport_error(&self.service(), e, limit);
                let result = protocol::decode_event_stream(&mut body, id, cap, on_transport).await;
                protocol::drain_ready(&mut body);
                result
            }
            BodyKind::Json => {
                let body = protocol::collect_body(response.body, self.config.max_response_bytes)
                    .await
                    .map_err(|e| self.transport_error(&self.service(), e, limit))?;
                if body.is_empty() {
                    return Err(Error::Malformed {
                        detail: format!("HTTP {} with an empty body", response.status),
                    });
                }
                protocol::decode_json(&body, id)
            }
            BodyKind::Other(mime) => Err(Error::Malformed {
                detail: format!("unexpected content type {mime}"),
            }),
        }
    }

    async fn http_failure(&self, response: HttpResponse, had_session: bool) -> Failure {
        let status = response.status;
        let retry_after = response
            .header("retry-after")
            .and_then(|v| protocol::parse_retry_after(v, crate::transport::now()));
        let error = match status {
            401 | 403 => Error::Unauthorized { status },
            300..=399 => Error::Http {
                status,
                message: "a redirect, which is never followed".to_owned(),
            },
            _ => {
                let body = protocol::collect_body(response.body, 64 * 1024)
                    .await
                    .unwrap_or_default();
                Error::Http {
                    status,
                    message: protocol::error_body_message(&body),
                }
            }
        };
        Failure {
            error,
            retry_after,
            session_expired: status == 404 && had_session,
        }
    }

    /// `rpc_once` with retries for idempotent requests.
    async fn rpc(
        &self,
        method: &str,
        params: &Value,
        snap: &Snapshot,
        idempotent: bool,
    ) -> std::result::Result<(Value, Option<String>), Failure> {
        let mut retry = 0u32;
        loop {
            match self.rpc_once(method, params, snap).await {
                Ok(answer) => {
                    self.note_retry_after(None);
                    return Ok(answer);
                }
                Err(mut failure) => {
                    // Scrub before the error is logged or returned.
                    failure.error = self.scrub_error(failure.error, &[]);
                    let again = idempotent
                        && !failure.session_expired
                        && failure.error.is_transient()
                        && retry + 1 < self.config.retry.max_attempts;
                    if !again {
                        self.note_retry_after(failure.retry_after);
                        failure.error = failure.error.after_attempts(retry + 1);
                        return Err(failure);
                    }
                    let wait = self.config.retry.delay(retry, failure.retry_after);
                    tracing::debug!(method, retry, wait_ms = wait.as_millis() as u64, error = %failure.error, "retrying");
                    sleep(wait).await;
                    retry += 1;
                }
            }
        }
    }

    /// Posts a notification; the server answers 202 without a body.
    async fn notify(&self, method: &str, snap: &Snapshot) -> Result<()> {
        let limit = self.config.request_timeout;
        let request = self.mcp_post(protocol::encode_notification(method), snap);
        let response = self
            .transport
            .send(request)
            .await
            .map_err(|e| self.transport_error(&self.service(), e, limit))?;
        let status = response.status;
        // Drain so the connection goes back to the pool.
        let _ = protocol::collect_body(response.body, 64 * 1024).await;
        if !(200..300).contains(&status) {
            tracing::debug!(method, status, "the server did not accept a notification");
        }
        Ok(())
    }

    /// Initializes a session (once), or falls back to a sessionless server.
    async fn ensure_session(&self) -> Result<Snapshot> {
        let mut session = self.session.lock().await;
        if session.ready {
            return Ok(Snapshot {
                generation: session.generation,
                id: session.id.clone(),
                version: session.version.clone(),
                tools: session.tools.clone(),
            });
        }
        // Only this caller initialises: the others wait on the lock held until the
        // new session is ready, then use it (one re-initialisation however many
        // callers saw the old session expire).
        let mut snap = Snapshot::empty();
        let mut server = None;
        match self
            .rpc("initialize", &protocol::initialize_params(), &snap, true)
            .await
        {
            Ok((result, session_id)) => {
                snap.version = Some(protocol::negotiated_version(&result));
                snap.id = session_id;
                server = result.get("serverInfo").cloned();
                tracing::debug!(
                    version = snap.version.as_deref(),
                    session = snap.id.is_some(),
                    "MCP session initialized"
                );
                self.notify("notifications/initialized", &snap).await?;
            }
            Err(Failure {
                error:
                    Error::Rpc {
                        code: METHOD_NOT_FOUND,
                        ..
                    },
                ..
            })
            | Err(Failure {
                error: Error::Http {
                    status: 404 | 405, ..
                },
                ..
            }) => {
                // The 2026-07-28 revision has no initialize and no sessions.
                tracing::debug!("the server has no initialize; continuing without a session");
                snap.version = Some(protocol::PROTOCOL_VERSION.to_owned());
            }
            Err(failure) => return Err(self.scrub_error(failure.error, &[])),
        }
        // A session that replaces an expired one reuses the tool list when the same
        // server answers: listing again spent the new session's requests, and with a
        // short session lifetime a waiting caller's retry found it expired (issue 17).
        let same_server = server.is_some()
            && session.server == server
            && session.version == snap.version
            && session.tools.is_some();
        snap.tools = if same_server {
            tracing::debug!("the same server answered; reusing its tool list");
            session.tools.clone()
        } else {
            self.list_tools(&snap).await?
        };
        session.server = server;
        session.generation += 1;
        session.ready = true;
        session.id = snap.id.clone();
        session.version = snap.version.clone();
        session.tools = snap.tools.clone();
        snap.generation = session.generation;
        Ok(snap)
    }

    /// Reads every page of `tools/list`; `None` when the server has no tools/list.
    async fn list_tools(&self, snap: &Snapshot) -> Result<Option<Arc<Vec<ToolSchema>>>> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        for _page in 0..20 {
            let params = match &cursor {
                Some(c) => json!({"cursor": c.as_str()}),
                None => json!({}),
            };
            match self.rpc("tools/list", &params, snap, true).await {
                Ok((result, _)) => {
                    let (tools, next) = protocol::parse_tools(&result);
                    all.extend(tools);
                    cursor = next;
                    if cursor.is_none() {
                        break;
                    }
                }
                Err(Failure {
                    error:
                        Error::Rpc {
                            code: METHOD_NOT_FOUND,
                            ..
                        },
                    ..
                }) => return Ok(None),
                Err(failure) if failure.session_expired => return Err(Error::SessionExpired),
                Err(failure) => return Err(self.scrub_error(failure.error, &[])),
            }
        }
        tracing::debug!(tools = all.len(), "read the tool list");
        Ok(Some(Arc::new(all)))
    }

    /// Ends the session (HTTP DELETE with its id, as the spec asks of a client that is
    /// done). Best effort: failures are logged at debug level. A later call starts a
    /// new session.
    pub async fn close(&self) {
        let mut session = self.session.lock().await;
        let Some(id) = session.id.take() else {
            session.ready = false;
            return;
        };
        session.ready = false;
        let limit = self.config.request_timeout;
        let mut headers = protocol::request_headers(
            self.config.token.as_ref(),
            Some(&id),
            session.version.as_deref(),
        );
        headers.retain(|(name, _)| name != "content-type");
        let request = HttpRequest {
            method: Method::Delete,
            url: self.config.url.clone(),
            headers,
            body: Vec::new(),
            timeout: Some(limit),
        };
        match self.transport.send(request).await {
            Ok(response) => {
                let status = response.status;
                let _ = protocol::collect_body(response.body, 64 * 1024).await;
                tracing::debug!(status, "closed the MCP session");
            }
            Err(error) => tracing::debug!(%error, "could not close the MCP session"),
        }
    }

    /// Forgets the session `generation` (unless a newer one already replaced it).
    async fn drop_session(&self, generation: u64) {
        let mut session = self.session.lock().await;
        if session.generation == generation {
            session.ready = false;
            session.id = None;
        }
    }

    /// Calls `tool` with typed arguments; returns its JSON payload and the arguments
    /// the tool's schema does not declare (not sent; the caller filters instead).
    #[cfg_attr(not(target_arch = "wasm32"), tracing::instrument(skip_all, fields(tool = %tool)))]
    pub async fn call_tool(
        &self,
        tool: &str,
        args: &[(Arg, Value)],
        idempotent: bool,
    ) -> Result<(Value, Vec<Arg>)> {
        let mut reinitialized = false;
        loop {
            let snap = self.ensure_session().await?;
            let mapped = map_arguments(tool, snap.schema(tool), args);
            let params = protocol::tool_call_params(tool, mapped.arguments);
            match self.rpc("tools/call", &params, &snap, idempotent).await {
                Ok((result, _)) => {
                    let payload = protocol::tool_payload(tool, &result)
                        .map_err(|e| self.scrub_error(e, &[]))?;
                    return Ok((payload, mapped.undeclared));
                }
                Err(failure) if failure.session_expired && !reinitialized => {
                    tracing::debug!("the session expired; initializing again");
                    self.drop_session(snap.generation).await;
                    reinitialized = true;
                }
                Err(failure) if failure.session_expired => {
                    // The renewed session expired too: say so, not "check the url".
                    self.drop_session(snap.generation).await;
                    return Err(Error::SessionExpired);
                }
                Err(failure) => return Err(self.scrub_error(failure.error, &[])),
            }
        }
    }

    /// `testany_list_executions` with every filter; filters the tool does not declare
    /// are applied to the rows here.
    pub async fn list_executions(&self, filter: &ListFilter) -> Result<ExecutionList> {
        let (payload, undeclared) = self
            .call_tool(tools::LIST_EXECUTIONS, &filter.to_args(), true)
            .await?;
        let mut list = ExecutionList::from_json(&payload).map_err(|e| Error::Malformed {
            detail: e.to_string(),
        })?;
        if !undeclared.is_empty() {
            tracing::debug!(filters = ?undeclared, "applying list filters the tool does not declare to the results");
            retain_matching_page(&mut list, filter, &undeclared);
        }
        Ok(list)
    }

    pub async fn get_execution(&self, execution_key: &str) -> Result<Execution> {
        let args = [(Arg::ExecutionKey, Value::from(execution_key))];
        let (payload, _) = self.call_tool(tools::GET_EXECUTION, &args, true).await?;
        decode_execution(&payload)
    }

    pub async fn get_execution_case(
        &self,
        execution_key: &str,
        case_index: usize,
    ) -> Result<CaseResult> {
        let args = [
            (Arg::ExecutionKey, Value::from(execution_key)),
            (Arg::CaseIndex, Value::from(case_index)),
        ];
        let (payload, _) = self
            .call_tool(tools::GET_EXECUTION_CASE, &args, true)
            .await?;
        // Unwrap `{"case": {...}}` / `{"data": {...}}` envelopes.
        let inner = ["case", "data"]
            .iter()
            .find_map(|k| payload.get(*k).filter(|v| v.is_object()))
            .unwrap_or(&payload);
        CaseResult::from_json(inner, case_index).map_err(|e| Error::Malformed {
            detail: e.to_string(),
        })
    }

    pub async fn refresh_execution(&self, execution_key: &str) -> Result<Execution> {
        let args = [(Arg::ExecutionKey, Value::from(execution_key))];
        let (payload, _) = self
            .call_tool(tools::REFRESH_EXECUTION, &args, true)
            .await?;
        decode_execution(&payload)
    }

    /// Starts the pipeline. Never retried: a retry could start it twice.
    pub async fn execute_pipeline(&self, pipeline_key: &str) -> Result<Execution> {
        let args = [(Arg::PipelineKey, Value::from(pipeline_key))];
        let (payload, _) = self
            .call_tool(tools::EXECUTE_PIPELINE, &args, false)
            .await?;
        decode_execution(&payload)
    }

    /// Cancels the execution. Never retried. Returns the execution when the reply
    /// describes it.
    pub async fn cancel_execution(&self, execution_key: &str) -> Result<Option<Execution>> {
        let args = [(Arg::ExecutionKey, Value::from(execution_key))];
        let (payload, _) = self
            .call_tool(tools::CANCEL_EXECUTION, &args, false)
            .await?;
        Ok(Execution::from_json(&payload).ok())
    }

    pub async fn get_pipeline(&self, pipeline_key: &str) -> Result<Pipeline> {
        let args = [(Arg::PipelineKey, Value::from(pipeline_key))];
        let (payload, _) = self.call_tool(tools::GET_PIPELINE, &args, true).await?;
        Pipeline::from_json(&payload).map_err(|e| Error::Malformed {
            detail: e.to_string(),
        })
    }

    /// `testany_list_pipelines`, optionally for one workspace (filtered here when the
    /// tool does not declare a workspace argument).
    pub async fn list_pipelines(&self, workspace: Option<&str>) -> Result<Vec<Pipeline>> {
        let args: Vec<(Arg, Value)> = workspace
            .map(|w| (Arg::Workspace, Value::from(w)))
            .into_iter()
            .collect();
        let (payload, undeclared) = self.call_tool(tools::LIST_PIPELINES, &args, true).await?;
        let mut pipelines = decode_pipelines(&payload)?;
        if let Some(workspace) = workspace.filter(|_| undeclared.contains(&Arg::Workspace)) {
            tracing::debug!("filtering pipelines by workspace here: the tool does not declare it");
            pipelines.retain(|p| {
                p.workspace
                    .as_deref()
                    .is_none_or(|w| w.eq_ignore_ascii_case(workspace))
            });
        }
        Ok(pipelines)
    }

    /// `testany_log_sign`: the sign, URL and operator for one case's log.
    pub async fn log_sign(&self, execution_key: &str, case_index: usize) -> Result<LogSign> {
        let args = [
            (Arg::ExecutionKey, Value::from(execution_key)),
            (Arg::CaseIndex, Value::from(case_index)),
        ];
        let (payload, _) = self.call_tool(tools::LOG_SIGN, &args, true).await?;
        let reply = LogSign::from_json(&payload).map_err(|e| match e {
            testany_core::model::ModelError::MissingSign => Error::SignReply { field: "sign" },
            other => Error::Malformed {
                detail: other.to_string(),
            },
        })?;
        remember_sign_reply(&reply);
        Ok(reply)
    }

    pub(crate) fn transport(&self) -> &dyn Transport {
        self.transport.as_ref()
    }

    pub(crate) fn map_transport_error(
        &self,
        target: &str,
        error: TransportError,
        limit: Duration,
    ) -> Error {
        self.transport_error(target, error, limit)
    }
}

/// Remembers every secret of a sign reply for redaction before anyone can print it:
/// the sign, the operator id, secret headers, and the log URL's query.
fn remember_sign_reply(reply: &LogSign) {
    secret::remember_issued(&reply.sign);
    if let Some(operator) = &reply.operator_id {
        secret::remember_issued(operator);
    }
    // Any header the reply asks for may carry a credential; a few never do.
    for (name, value) in &reply.headers {
        let name = name.to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "accept" | "accept-encoding" | "accept-language" | "user-agent" | "range"
        ) {
            secret::remember_issued(value);
        }
    }
    if let Some(url) = &reply.log_url {
        secret::remember_url_query(url);
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn decode_execution(payload: &Value) -> Result<Execution> {
    Execution::from_json(payload).map_err(|e| Error::Malformed {
        detail: e.to_string(),
    })
}

/// A pipeline list: a bare array or an object holding one array.
fn decode_pipelines(payload: &Value) -> Result<Vec<Pipeline>> {
    const ROWS: [&str; 6] = ["pipelines", "items", "data", "list", "records", "results"];
    let rows = match payload {
        Value::Array(rows) => rows,
        Value::Object(obj) => ROWS
            .iter()
            .find_map(|k| obj.get(*k).and_then(Value::as_array))
            .ok_or_else(|| Error::Malformed {
                detail: "a pipeline list without an array of rows".to_owned(),
            })?,
        _ => {
            return Err(Error::Malformed {
                detail: "a pipeline list that is not a list".to_owned(),
            });
        }
    };
    Ok(rows
        .iter()
        .filter_map(|row| Pipeline::from_json(row).ok())
        .collect())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn is_send<T: Send>(_: &T) {}
    fn is_send_sync<T: Send + Sync>() {}

    /// The language server shares one client across tokio tasks: every operation's
    /// future must be `Send` and the client `Send + Sync`.
    #[test]
    fn client_and_its_futures_are_send() {
        is_send_sync::<Client>();
        let client = Client::new(ClientConfig::new("http://127.0.0.1:9/api/v2/mcp/")).unwrap();
        let filter = ListFilter::default();
        is_send(&client.list_executions(&filter));
        is_send(&client.get_execution("E"));
        is_send(&client.get_execution_case("E", 0));
        is_send(&client.refresh_execution("E"));
        is_send(&client.log_sign("E", 0));
        is_send(&client.execute_pipeline("P"));
        is_send(&client.get_pipeline("P"));
        is_send(&client.cancel_execution("E"));
        is_send(&client.list_pipelines(None));
        is_send(&client.fetch_log_text("E", 0));
        is_send(&client.fetch_log_to_file("E", 0, std::path::Path::new("x")));
    }

    /// A password or `?token=` in the configured URL reached every connect and
    /// timeout message.
    #[test]
    fn service_name_drops_user_info_query_and_fragment() {
        let table = [
            (
                "https://testany.com.cn/api/v2/mcp/",
                "the Testany service at https://testany.com.cn/api/v2/mcp/",
            ),
            (
                "https://me:hunter2@testany.com.cn:8443/api/v2/mcp/?token=abc#x",
                "the Testany service at https://testany.com.cn:8443/api/v2/mcp/",
            ),
            (
                "http://127.0.0.1:9?token=abc",
                "the Testany service at http://127.0.0.1:9",
            ),
            ("not a url", "the Testany service at not a url"),
            ("", "the Testany service at "),
        ];
        for (url, expected) in table {
            assert_eq!(service_name(url), expected, "{url}");
        }
        let mut config = ClientConfig::new("https://me:hunter2@h.test/mcp/?token=abc");
        config.token = Some(Secret::new("tok-123456"));
        config.operator_id = Some(Secret::new("op@example.com"));
        let debug = format!("{config:?}");
        assert!(
            debug.starts_with(
                "ClientConfig { url: \"https://h.test/mcp/\", token: Some([redacted]), log_domain: None, operator_id: Some([redacted]), "
            ),
            "{debug}"
        );
    }

    #[test]
    fn log_domain_defaults_to_the_host_of_url() {
        let table = [
            ("https://testany.com.cn/api/v2/mcp/", None, "testany.com.cn"),
            (
                "http://testany.localhost:8080/api/v2/mcp/",
                None,
                "testany.localhost",
            ),
            (
                "https://u@Dev.Testany.com.cn:443/x",
                None,
                "dev.testany.com.cn",
            ),
            (
                "https://testany.com.cn/api/v2/mcp/",
                Some("staging.testany.com.cn"),
                "staging.testany.com.cn",
            ),
            ("https://testany.com.cn/", Some("  "), "testany.com.cn"),
            ("not a url", None, ""),
        ];
        for (url, configured, expected) in table {
            let mut config = ClientConfig::new(url);
            config.log_domain = configured.map(str::to_owned);
            assert_eq!(config.effective_log_domain(), expected, "{url}");
        }
    }
}

/// Case metadata (`testany_get_case`), kept per client in `crate::case`'s cache.
impl Client {
    /// `testany_get_case`: the case's name and trigger method, fetched once per case
    /// for the life of this client (a failed fetch is not kept).
    pub async fn get_case(&self, case_key: &str) -> Result<Arc<crate::case::CaseMeta>> {
        let slot = self.case_cache().slot(case_key);
        let mut held = slot.lock().await;
        if let Some(meta) = held.as_ref() {
            return Ok(meta.clone());
        }
        let args = [(Arg::CaseKey, Value::from(case_key))];
        let (payload, _) = self.call_tool(tools::GET_CASE, &args, true).await?;
        let meta = crate::case::CaseMeta::from_json(&payload, case_key)
            .map(Arc::new)
            .map_err(|detail| Error::Malformed { detail })?;
        *held = Some(meta.clone());
        Ok(meta)
    }

    /// The metadata of `case_key` if this client already fetched it.
    pub async fn cached_case(&self, case_key: &str) -> Option<Arc<crate::case::CaseMeta>> {
        let slot = self.case_cache().slot(case_key);
        let held = slot.lock().await;
        held.clone()
    }
}
