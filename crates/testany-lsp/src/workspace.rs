//! Projects of the workspace: discovery from folders and files, (re)loading on config
//! changes, and reporting invalid configurations once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::MessageType;

use crate::files;
use crate::poller;
use crate::project::{self, Project};
use crate::runtime;
use crate::session::Effects;
use crate::state::State;

/// Loads (or reloads) one project with the current environment.
async fn load(
    state: &State,
    key: &Path,
    env_only: bool,
    settings: &[serde_json::Value],
) -> Project {
    let env = state.env.as_ref();
    project::load(env, |name| env.var(name), key, env_only, settings).await
}

/// Loads the project of `key` unless known. Returns its key. Callers at the same moment
/// share one load: the others wait for it and find the project known.
pub async fn ensure(state: &State, key: &Path, env_only: bool) -> PathBuf {
    if state.lock().projects.contains_key(key) {
        return key.to_path_buf();
    }
    let _loading = state.lock_project(key).await;
    if state.lock().projects.contains_key(key) {
        return key.to_path_buf();
    }
    let mut settings = state.lock().settings.clone();
    let mut loaded = load(state, key, env_only, &settings).await;
    // Settings that arrived during the load (a reload then found no project to redo).
    loop {
        let now = state.lock().settings.clone();
        if now == settings {
            break;
        }
        settings = now;
        reconfigure(state, &mut loaded, &settings).await;
    }
    let mut inner = state.lock();
    inner.projects.entry(key.to_path_buf()).or_insert(loaded);
    State::touch(&mut inner);
    key.to_path_buf()
}

/// `project`'s configuration merged again with `settings` (its files stay).
async fn reconfigure(state: &State, project: &mut Project, settings: &[serde_json::Value]) {
    let env = state.env.as_ref();
    (project.config, project.error) = project::configure(
        env,
        |name| env.var(name),
        project.config_path.as_deref(),
        settings,
    )
    .await;
}

/// The project key for the file at `path` (loading the project when new), if configured.
pub async fn project_of(state: &State, path: &Path) -> Option<PathBuf> {
    project_from(state, path.parent()?).await
}

/// The project key for a file in directory `start` (or for the folder `start`).
async fn project_from(state: &State, start: &Path) -> Option<PathBuf> {
    let folders = state.lock().folders.clone();
    let env = state.env.as_ref();
    let (key, env_only) = project::key_for(env, |name| env.var(name), &folders, start).await?;
    Some(ensure(state, &key, env_only).await)
}

/// Projects of the workspace folders themselves (so failure locations and polling work
/// before any file is opened).
pub async fn load_folders(state: &State) {
    let folders = state.lock().folders.clone();
    for folder in folders {
        let _ = project_from(state, &folder).await;
    }
}

/// Reloads every project's configuration with the current settings, and re-assigns
/// documents (a testany.toml may have appeared or gone). Files and markers stay: settings
/// and folders do not change them, and file events keep them current (issue 16: a client
/// sends its settings right after `initialized`; reading the workspace again cost the
/// browser a second round trip per file).
pub async fn reload_all(state: &State) {
    let (settings, keys): ([serde_json::Value; 2], Vec<(PathBuf, bool)>) = {
        let inner = state.lock();
        (
            inner.settings.clone(),
            inner
                .projects
                .iter()
                .map(|(k, p)| (k.clone(), p.config_path.is_none()))
                .collect(),
        )
    };
    let mut fresh: Vec<(PathBuf, Project)> = Vec::new();
    for (key, env_only) in keys {
        if !env_only && !state.env.exists(&key).await {
            continue;
        }
        let _loading = state.lock_project(&key).await;
        let known = state.lock().projects.get(&key).cloned();
        let project = match known {
            Some(mut p) => {
                reconfigure(state, &mut p, &settings).await;
                p
            }
            None => load(state, &key, env_only, &settings).await,
        };
        fresh.push((key.clone(), project));
    }
    {
        let mut inner = state.lock();
        inner.projects = fresh.into_iter().collect();
        State::touch(&mut inner);
    }
    // Service settings may have changed: new clients pick them up.
    state.resources().clients.clear();
    load_folders(state).await;
    assign_documents(state).await;
}

/// Reloads one project whose config file changed (or appeared / went away).
pub async fn reload_config(state: &State, config_path: &Path) {
    let settings = state.lock().settings.clone();
    let fresh = if state.env.exists(config_path).await {
        Some(load(state, config_path, false, &settings).await)
    } else {
        None
    };
    {
        let mut inner = state.lock();
        match fresh {
            Some(p) => {
                inner.projects.insert(config_path.to_path_buf(), p);
            }
            None => {
                inner.projects.remove(config_path);
            }
        }
        State::touch(&mut inner);
    }
    state.resources().clients.clear();
    load_folders(state).await;
    assign_documents(state).await;
}

/// Whether `abs` is a file `p` lists (inside its root, outside ignored directories).
fn listed_in(p: &Project, abs: &Path) -> Option<String> {
    let rel = p.relative(abs)?;
    (!rel.is_empty() && !files::is_ignored(&rel)).then_some(rel)
}

/// Lists files again for the projects holding `paths` (files created or deleted) and
/// updates their marker index. Returns whether anything changed (build output under
/// `target/` and the like changes nothing).
pub async fn relist(state: &State, paths: &[PathBuf]) -> bool {
    let roots: Vec<(PathBuf, PathBuf)> = {
        let inner = state.lock();
        inner
            .projects
            .iter()
            .filter(|(_, p)| paths.iter().any(|f| listed_in(p, f).is_some()))
            .map(|(k, p)| (k.clone(), p.root.clone()))
            .collect()
    };
    let relisted = !roots.is_empty();
    for (key, root) in roots {
        let files = Arc::new(state.env.list_files(&root).await.files);
        let mut inner = state.lock();
        if let Some(p) = inner.projects.get_mut(&key) {
            p.files = files;
        }
        State::touch(&mut inner);
    }
    rescan_markers(state, paths).await || relisted
}

/// Reads the markers of `paths` (files changed, created or deleted on disk) again into
/// the marker index of the projects holding them. Returns whether the index changed.
pub async fn rescan_markers(state: &State, paths: &[PathBuf]) -> bool {
    let targets: Vec<(PathBuf, String, PathBuf)> = {
        let inner = state.lock();
        inner
            .projects
            .iter()
            .flat_map(|(key, p)| {
                paths.iter().filter_map(move |abs| {
                    listed_in(p, abs).map(|rel| (key.clone(), rel, abs.clone()))
                })
            })
            .collect()
    };
    if targets.is_empty() {
        return false;
    }
    let mut found = Vec::with_capacity(targets.len());
    for (key, rel, abs) in targets {
        let markers = state.env.markers_of(&abs).await;
        found.push((key, rel, markers));
    }
    let mut inner = state.lock();
    let mut changed = false;
    for (key, rel, markers) in found {
        let Some(p) = inner.projects.get_mut(&key) else {
            continue;
        };
        if p.markers.get(&rel) == markers.as_ref() {
            continue;
        }
        changed = true;
        let index = Arc::make_mut(&mut p.markers);
        match markers {
            Some(m) => {
                index.insert(rel, m);
            }
            None => {
                index.remove(&rel);
            }
        }
    }
    if changed {
        State::touch(&mut inner);
    }
    changed
}

/// Points every open document at its project.
pub async fn assign_documents(state: &State) {
    let docs: Vec<(tower_lsp_server::ls_types::Uri, PathBuf)> = state
        .lock()
        .documents
        .iter()
        .filter_map(|(u, d)| Some((u.clone(), d.path.clone()?)))
        .collect();
    for (uri, path) in docs {
        let key = project_of(state, &path).await;
        if let Some(doc) = state.lock().documents.get_mut(&uri) {
            doc.project = key;
            doc.lenses = None;
        }
    }
}

/// After any configuration change: pollers follow the projects, views are refreshed,
/// and each new configuration error is shown once.
pub async fn settle(state: &Arc<State>) {
    poller::sync(state);
    runtime::wake(state, None);
    runtime::start(state, Effects::refresh_views());
    report_errors(state).await;
}

/// One `window/showMessage` per configuration problem (not one per reload): an error
/// per invalid configuration, a warning per `[cases]` entry whose file is not in the
/// project (it links nothing; the CLI's `status` and `tests` say the same sentence).
/// Called after configuration changes and after files come or go.
pub async fn report_errors(state: &State) {
    let new: Vec<(MessageType, String)> = {
        let mut inner = state.lock();
        let problems: Vec<(MessageType, String)> = inner
            .projects
            .values()
            .flat_map(|p| {
                let error = p.error.clone().map(|e| (MessageType::ERROR, e));
                let missing = p.config.iter().flat_map(|c| {
                    c.missing_case_files(&p.files).map(|(key, file)| {
                        (
                            MessageType::WARNING,
                            testany_core::config::missing_case_file(key, file),
                        )
                    })
                });
                error.into_iter().chain(missing)
            })
            .collect();
        let new: Vec<(MessageType, String)> = problems
            .iter()
            .filter(|(_, text)| !inner.shown_errors.contains(text))
            .cloned()
            .collect();
        inner.shown_errors = problems.into_iter().map(|(_, text)| text).collect();
        new
    };
    for (typ, text) in new {
        tracing::warn!(problem = %text, "Testany configuration");
        state.show_message(typ, format!("Testany: {text}")).await;
    }
}
