//! The server's shared state: one mutex over plain data, so every handler applies its
//! edit before its first `.await` and concurrent handlers cannot reorder edits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::future::AbortHandle;
use testany_client::ClientConfig;
use testany_client::{Client as Tc, Secret};
use testany_core::markers::Encoding;
use tokio::sync::{Notify, Semaphore};
use tower_lsp_server::ls_types::Uri;

use crate::data::{self, Derived, LogEntry, PipelineData, PollKey};
use crate::document::Document;
use crate::env::{ClientFiles, Env};
use crate::peer::Peer;
use crate::project::Project;

/// How the server is run (the same for every host but `files`).
#[derive(Debug, Clone)]
pub struct Options {
    /// Quiet period before diagnostics are computed and sent.
    pub debounce: Duration,
    /// Logs fetched at the same time in the background (each streamed to the cache,
    /// capped by testany-client, then scanned line by line: bounded memory).
    pub log_concurrency: usize,
    /// Where workspace files come from.
    pub files: Files,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(60),
            log_concurrency: 4,
            files: Files::Env,
        }
    }
}

/// Where the server reads the workspace's files from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Files {
    /// The [`Env`]'s own (`NativeEnv`: the disk).
    #[default]
    Env,
    /// The editor, through `testany/listFiles` and `testany/readFile` (`env::ClientFiles`):
    /// for hosts without a disk (the browser worker).
    Client,
}

/// What the client said it supports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Caps {
    pub code_lens_refresh: bool,
    pub show_document: bool,
    pub work_done_progress: bool,
    pub watch_dynamic: bool,
    pub configuration_dynamic: bool,
}

/// The session's data: plain values, behind one mutex (events on it: `session.rs`).
/// What runs (pollers) and what talks to the service (clients) is in [`Resources`].
#[derive(Default)]
pub struct Inner {
    pub encoding: Encoding,
    pub caps: Caps,
    pub folders: Vec<PathBuf>,
    /// initializationOptions, then the latest didChangeConfiguration section: applied
    /// in this order over the file and the environment (a client that sends empty
    /// settings later does not erase its initializationOptions).
    pub settings: [serde_json::Value; 2],
    pub token: Option<Secret>,
    /// `TESTANY_OPERATOR` (an e-mail): redacted like the token.
    pub operator: Option<Secret>,
    pub documents: HashMap<Uri, Document>,
    /// Keyed by the config file path (or the folder root for env-only configs).
    pub projects: BTreeMap<PathBuf, Project>,
    pub pipelines: HashMap<PollKey, PipelineData>,
    /// Diagnostics last sent per URI (to skip unchanged ones and clear stale ones).
    pub published: HashMap<Uri, Vec<tower_lsp_server::ls_types::Diagnostic>>,
    /// URIs waiting for the debounced publisher.
    pub dirty: HashSet<Uri>,
    /// Also republish every file with failure locations.
    pub dirty_all: bool,
    /// Ask the client to re-request lenses after the next publish.
    pub lens_dirty: bool,
    pub stale_warned: bool,
    /// Configuration problems already shown (one showMessage per distinct problem).
    pub shown_errors: HashSet<String>,
    pub logs: HashMap<(String, usize), LogEntry>,
    /// Per-test results of each case (issue 15: `tests_model`).
    pub tests: crate::tests_model::TestsData,
    /// Bumped on any change of data, logs or files: invalidates derived caches.
    pub generation: u64,
    /// Per-project data derived from the above, rebuilt lazily after a change.
    pub derived: HashMap<PathBuf, Arc<Derived>>,
    pub shutdown: bool,
}

/// The runtime's resources, apart from the session's data: running pollers and the
/// service clients (one MCP session per URL). Never locked together with [`Inner`].
#[derive(Default)]
pub struct Resources {
    pub pollers: HashMap<PollKey, PollerHandle>,
    pub clients: HashMap<String, Arc<Tc>>,
}

/// A running poller: wake it to poll now; abort it to end it.
pub struct PollerHandle {
    pub wake: Arc<Notify>,
    pub abort: AbortHandle,
}

/// Shared by all handlers (`Arc<State>`).
pub struct State {
    /// The editor ([`Peer`]: tower-lsp-server's client natively, a host's channel otherwise).
    pub client: Peer,
    /// Clock, files, HTTP and the log cache ([`Env`]).
    pub env: Arc<dyn Env>,
    pub options: Options,
    inner: Mutex<Inner>,
    resources: Mutex<Resources>,
    pub publish_wake: Notify,
    /// Woken when didOpen has found a document's project (lens requests wait for it).
    pub resolved: Notify,
    /// One lock per log cache file: openLog and the background fetcher never write the
    /// same file (and its `.part`) at the same time.
    pub log_files: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
    pub log_slots: Arc<Semaphore>,
    /// One lock per project key: callers wanting a project at the same moment
    /// (`initialized`, a settings change, didOpen) share one load of it (issue 16: in the
    /// browser every file read is a round trip to the editor).
    pub project_loads: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
}

impl State {
    /// With `Files::Client`, `env`'s files are replaced by the editor's ([`ClientFiles`]).
    pub fn new(client: impl Into<Peer>, env: Arc<dyn Env>, options: Options) -> Self {
        let client = client.into();
        let slots = options.log_concurrency.max(1);
        let env: Arc<dyn Env> = match options.files {
            Files::Env => env,
            Files::Client => Arc::new(ClientFiles::new(env, client.clone())),
        };
        let inner = Inner {
            operator: env.var("TESTANY_OPERATOR").map(Secret::new),
            ..Inner::default()
        };
        State {
            client,
            env,
            options,
            inner: Mutex::new(inner),
            resources: Mutex::default(),
            publish_wake: Notify::new(),
            resolved: Notify::new(),
            log_files: Mutex::new(HashMap::new()),
            log_slots: Arc::new(Semaphore::new(slots)),
            project_loads: Mutex::new(HashMap::new()),
        }
    }

    /// The state, locked. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pollers and clients, locked. Never hold this and [`State::lock`] at once.
    pub fn resources(&self) -> MutexGuard<'_, Resources> {
        self.resources.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds the cache file `path` for the caller (released on drop).
    pub async fn lock_log_file(&self, path: &std::path::Path) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut files = self.log_files.lock().unwrap_or_else(|e| e.into_inner());
            // Forget locks nobody holds or waits for (bounded over days of executions).
            files.retain(|_, l| Arc::strong_count(l) > 1);
            files.entry(path.to_path_buf()).or_default().clone()
        };
        lock.lock_owned().await
    }

    /// Holds the loading of project `key` for the caller (released on drop).
    pub async fn lock_project(&self, key: &std::path::Path) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut loads = self.project_loads.lock().unwrap_or_else(|e| e.into_inner());
            loads.retain(|_, l| Arc::strong_count(l) > 1);
            loads.entry(key.to_path_buf()).or_default().clone()
        };
        lock.lock_owned().await
    }

    /// Marks data as changed: drops derived caches.
    pub fn touch(inner: &mut Inner) {
        inner.generation += 1;
        inner.derived.clear();
    }

    /// `window/showMessage`, its text made safe for display: messages quote service
    /// errors and configuration files (`convert::display`).
    pub async fn show_message(&self, typ: tower_lsp_server::ls_types::MessageType, text: String) {
        self.client
            .show_message(typ, crate::convert::display(&text))
            .await;
    }

    /// An environment variable (empty counts as unset).
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.var(name)
    }

    /// The shared client for a service URL (one MCP session per URL), made by the
    /// [`Env`] on first use.
    pub fn client_for(&self, url: &str) -> Option<Arc<Tc>> {
        if let Some(c) = self.resources().clients.get(url) {
            return Some(c.clone());
        }
        let mut config = ClientConfig::new(url);
        {
            let inner = self.lock();
            config.log_domain = inner
                .projects
                .values()
                .filter_map(|p| p.config.as_ref())
                .find(|c| c.url.as_deref() == Some(url))
                .and_then(|c| c.log_domain());
            config.token = inner.token.clone();
        }
        config.operator_id = self.var("TESTANY_OPERATOR").map(Secret::new);
        match self.env.client(config) {
            // Two callers may both make one: the first stored is the one kept.
            Ok(c) => Some(
                self.resources()
                    .clients
                    .entry(url.to_owned())
                    .or_insert_with(|| Arc::new(c))
                    .clone(),
            ),
            Err(e) => {
                let message = redact(&e.to_string(), &self.lock());
                tracing::warn!(error = %message, "cannot create the Testany client");
                None
            }
        }
    }
}

impl Inner {
    /// The derived data of project `key`, cached until the next change.
    pub fn derived(&mut self, key: &std::path::Path) -> Arc<Derived> {
        if let Some(d) = self.derived.get(key) {
            return d.clone();
        }
        let d = Arc::new(match self.projects.get(key) {
            Some(project) => data::compute(project, &self.pipelines, &self.logs),
            None => Derived::default(),
        });
        self.derived.insert(key.to_path_buf(), d.clone());
        d
    }
}

/// Replaces every occurrence of the secrets in `text` (belt and braces for messages
/// that reach the editor or the log).
pub fn redact(text: &str, inner: &Inner) -> String {
    let mut out = text.to_owned();
    for secret in [&inner.token, &inner.operator].into_iter().flatten() {
        if !secret.is_empty() {
            out = out.replace(secret.expose(), "[redacted]");
        }
    }
    out
}

/// A state with a client whose socket is gone (notifications go nowhere), on disk files
/// and the log cache in `cache_dir`: for handler tests.
#[cfg(all(test, feature = "native"))]
pub fn test_state(cache_dir: &std::path::Path) -> Arc<State> {
    let env = Arc::new(crate::env::NativeEnv::new(
        HashMap::new(),
        cache_dir.to_path_buf(),
    ));
    let options = Options {
        debounce: Duration::from_millis(1),
        log_concurrency: 1,
        ..Options::default()
    };
    let mut out = None;
    let (_service, _socket) = tower_lsp_server::LspService::new(|client| {
        let state = Arc::new(State::new(client, env, options));
        out = Some(state.clone());
        crate::Backend::from_state(state)
    });
    out.expect("LspService::new calls its init")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_removes_the_token_and_the_operator() {
        let inner = Inner {
            token: Some(Secret::new("tok-123".to_owned())),
            operator: Some(Secret::new("ops@acme.test".to_owned())),
            ..Inner::default()
        };
        assert_eq!(
            redact("401 for tok-123 as ops@acme.test (tok-123)", &inner),
            "401 for [redacted] as [redacted] ([redacted])"
        );
        assert_eq!(redact("plain", &Inner::default()), "plain");
    }
}
