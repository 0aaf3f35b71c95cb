//! The server's shared state: one mutex over plain data, so every handler applies its
//! edit before its first `.await` and concurrent handlers cannot reorder edits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use testany_client::{Client as Tc, Secret};
use testany_core::markers::Encoding;
use tokio::sync::{Notify, Semaphore};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::Uri;

use crate::data::{LogEntry, PipelineData, PollKey};
use crate::document::Document;
use crate::project::Project;

/// Process-level inputs, gathered once by the binary (tests set them explicitly).
#[derive(Debug, Clone)]
pub struct Options {
    /// `TESTANY_*` variables (the token among them), read once at start.
    pub env: HashMap<String, String>,
    /// Where `testany/logs/<execution>/<case>.log` goes (`$XDG_CACHE_HOME` or `~/.cache`).
    pub cache_dir: PathBuf,
    /// Quiet period before diagnostics are computed and sent.
    pub debounce: Duration,
    /// Logs fetched at the same time in the background (each streamed to the cache,
    /// capped by testany-client, then scanned line by line: bounded memory).
    pub log_concurrency: usize,
}

impl Options {
    /// Reads the environment: `TESTANY_*`, `XDG_CACHE_HOME`, `HOME`.
    pub fn from_env() -> Self {
        let env: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("TESTANY_"))
            .collect();
        let cache_dir = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(|| std::env::temp_dir().join("testany-cache"));
        Options {
            env,
            cache_dir,
            debounce: Duration::from_millis(60),
            log_concurrency: 4,
        }
    }
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

/// Everything mutable, behind one mutex.
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
    pub pollers: HashMap<PollKey, PollerHandle>,
    /// Diagnostics last sent per URI (to skip unchanged ones and clear stale ones).
    pub published: HashMap<Uri, Vec<tower_lsp_server::ls_types::Diagnostic>>,
    /// URIs waiting for the debounced publisher.
    pub dirty: HashSet<Uri>,
    /// Also republish every file with failure locations.
    pub dirty_all: bool,
    /// Ask the client to re-request lenses after the next publish.
    pub lens_dirty: bool,
    pub stale_warned: bool,
    /// Config error messages already shown (one showMessage per distinct error).
    pub shown_errors: HashSet<String>,
    pub logs: HashMap<(String, usize), LogEntry>,
    pub clients: HashMap<String, Arc<Tc>>,
    /// Bumped on any change of data, logs or files: invalidates derived caches.
    pub generation: u64,
    /// Per-project data derived from the above, rebuilt lazily after a change.
    pub derived: HashMap<PathBuf, Arc<crate::data::Derived>>,
    pub shutdown: bool,
}

/// A running poller: wake it to poll now; drop `stop` to end it.
pub struct PollerHandle {
    pub wake: Arc<Notify>,
    pub task: tokio::task::JoinHandle<()>,
}

/// Shared by all handlers (`Arc<State>`).
pub struct State {
    pub client: Client,
    pub options: Options,
    inner: Mutex<Inner>,
    pub publish_wake: Notify,
    /// Woken when didOpen has found a document's project (lens requests wait for it).
    pub resolved: Notify,
    /// One lock per log cache file: openLog and the background fetcher never write the
    /// same file (and its `.part`) at the same time.
    pub log_files: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
    pub log_slots: Arc<Semaphore>,
}

impl State {
    pub fn new(client: Client, options: Options) -> Self {
        let slots = options.log_concurrency.max(1);
        let inner = Inner {
            operator: options
                .env
                .get("TESTANY_OPERATOR")
                .filter(|v| !v.is_empty())
                .map(|v| Secret::new(v.clone())),
            ..Inner::default()
        };
        State {
            client,
            options,
            inner: Mutex::new(inner),
            publish_wake: Notify::new(),
            resolved: Notify::new(),
            log_files: Mutex::new(HashMap::new()),
            log_slots: Arc::new(Semaphore::new(slots)),
        }
    }

    /// The state, locked. Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
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

    /// An environment variable captured at start (empty counts as unset).
    pub fn env(&self, name: &str) -> Option<String> {
        self.options
            .env
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
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
