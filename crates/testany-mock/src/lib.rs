#![doc = include_str!("../README.md")]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod faults;
mod logtext;
mod scenario;
mod server;
mod sign;
mod store;
mod tools;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use faults::{Faults, Trigger};
pub use scenario::{
    CaseDef, CaseTrigger, History, LogKind, Outcome, Pipeline, ResponseMode, SHOP_TOML, Scenario,
    SuiteTest,
};

/// Protocol versions the emulator speaks, newest first.
pub const PROTOCOL_VERSIONS: [&str; 3] = ["2025-11-25", "2025-06-18", "2025-03-26"];

/// The log domain: logs live at `{runtime_uuid}.tr.testany.localhost:PORT`.
pub const LOG_DOMAIN: &str = "testany.localhost";

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario file is unreadable or invalid.
    #[error("invalid scenario: {0}")]
    Scenario(String),
    /// The faults specification is invalid.
    #[error("invalid faults: {0}")]
    Faults(String),
    /// The port could not be bound.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// Requested port (0: any free port).
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
}

/// How to run the emulator.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// What the service knows and does.
    pub scenario: Scenario,
    /// Active faults (the scenario's, plus any applied with [`MockConfig::faults`]).
    pub faults: Faults,
    /// Port on 127.0.0.1; `None` picks a free one.
    pub port: Option<u16>,
    /// Overrides the scenario's response mode.
    pub response_mode: Option<ResponseMode>,
    /// Divides every scripted duration of new runs (2.0 runs twice as fast).
    pub speed: f64,
}

impl MockConfig {
    /// A configuration for `scenario` with its own faults, any free port, speed 1.
    pub fn new(scenario: Scenario) -> Result<MockConfig, Error> {
        let faults = Faults::parse(&scenario.faults)?;
        Ok(MockConfig {
            scenario,
            faults,
            port: None,
            response_mode: None,
            speed: 1.0,
        })
    }

    /// The built-in `examples/shop` scenario.
    pub fn shop() -> Result<MockConfig, Error> {
        MockConfig::new(Scenario::shop()?)
    }

    /// Adds faults in the `--faults` syntax on top of the scenario's.
    pub fn faults(mut self, spec: &str) -> Result<MockConfig, Error> {
        self.faults.apply(spec)?;
        Ok(self)
    }

    /// Sets the speed factor.
    pub fn speed(mut self, speed: f64) -> MockConfig {
        self.speed = speed;
        self
    }

    /// Sets the port.
    pub fn port(mut self, port: u16) -> MockConfig {
        self.port = Some(port);
        self
    }

    /// Sets the response mode.
    pub fn response_mode(mut self, mode: ResponseMode) -> MockConfig {
        self.response_mode = Some(mode);
        self
    }
}

/// Request counters, for tests that check connection and session reuse.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub initialize: AtomicU64,
    pub connections: AtomicU64,
    pub tool_calls: AtomicU64,
    pub mcp_requests: AtomicU64,
    pub log_fetches: AtomicU64,
    /// `tools/call` requests per tool name (at most [`MAX_TOOL_NAMES`] names).
    pub per_tool: Mutex<std::collections::BTreeMap<String, u64>>,
}

/// Distinct tool names counted, at most (names come from the network).
const MAX_TOOL_NAMES: usize = 64;

impl Counters {
    /// Counts one `tools/call` of `name`.
    pub fn count_tool(&self, name: &str) {
        let mut map = self.per_tool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(name) {
            *n += 1;
        } else if map.len() < MAX_TOOL_NAMES {
            map.insert(name.to_owned(), 1);
        }
    }
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// `initialize` requests answered.
    pub initialize: u64,
    /// TCP connections accepted.
    pub connections: u64,
    /// `tools/call` requests received (faulted ones included).
    pub tool_calls: u64,
    /// POSTs to the MCP endpoint.
    pub mcp_requests: u64,
    /// Log proxy requests.
    pub log_fetches: u64,
}

/// One MCP session.
#[derive(Debug)]
pub(crate) struct Session {
    pub requests: u64,
}

/// State shared by all requests.
#[derive(Debug)]
pub(crate) struct App {
    pub store: Mutex<store::Store>,
    pub sessions: Mutex<HashMap<String, Session>>,
    pub scenario: Arc<Scenario>,
    pub faults: Faults,
    pub mode: ResponseMode,
    pub port: u16,
    pub signer: sign::Signer,
    pub counters: Counters,
    pub seed: u64,
}

/// A running emulator. Dropping it stops the server too; [`MockHandle::shutdown`] waits.
#[derive(Debug)]
pub struct MockHandle {
    addr: SocketAddr,
    app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockHandle {
    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT/api/v2/mcp/`.
    pub fn mcp_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/v2/mcp/", self.port())
    }

    /// `http://testany.localhost:PORT/api/v2/mcp/` (the log domain derives from it).
    pub fn mcp_url_localhost(&self) -> String {
        format!("http://{LOG_DOMAIN}:{}/api/v2/mcp/", self.port())
    }

    /// The log domain, `testany.localhost`.
    pub fn log_domain(&self) -> &'static str {
        LOG_DOMAIN
    }

    /// The scenario's operator e-mail (what `X-Operator-Id` must carry).
    pub fn operator(&self) -> &str {
        &self.app.scenario.operator
    }

    /// Current request counters.
    pub fn counts(&self) -> Counts {
        let c = &self.app.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Counts {
            initialize: get(&c.initialize),
            connections: get(&c.connections),
            tool_calls: get(&c.tool_calls),
            mcp_requests: get(&c.mcp_requests),
            log_fetches: get(&c.log_fetches),
        }
    }

    /// `tools/call` requests received per tool name (faulted ones included), for tests
    /// that count what a client asks for (issue 15: requests per poll cycle).
    pub fn tool_counts(&self) -> std::collections::BTreeMap<String, u64> {
        self.app
            .counters
            .per_tool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stops accepting, lets requests in flight finish (at most 2 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Starts the emulator on 127.0.0.1 and returns once it accepts connections.
pub async fn start(config: MockConfig) -> Result<MockHandle, Error> {
    let requested = config.port.unwrap_or(0);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, requested))
        .await
        .map_err(|source| Error::Bind {
            port: requested,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Bind {
        port: requested,
        source,
    })?;
    // RandomState carries OS randomness: sign secrets and session ids are unguessable.
    let seed = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(now_ms() as u64);
        h.write_u16(addr.port());
        h.finish()
    };
    let scenario = Arc::new(config.scenario);
    let mode = config.response_mode.unwrap_or(scenario.response);
    let app = Arc::new(App {
        store: Mutex::new(store::Store::new(scenario.clone(), config.speed, now_ms())),
        sessions: Mutex::new(HashMap::new()),
        scenario,
        faults: config.faults,
        mode,
        port: addr.port(),
        signer: sign::Signer::new(seed),
        counters: Counters::default(),
        seed,
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve(listener, app.clone(), stopped));
    tracing::info!(port = addr.port(), "testany mock listening");
    Ok(MockHandle {
        addr,
        app,
        stop: Some(stop),
        task: Some(task),
    })
}
