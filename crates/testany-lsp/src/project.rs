//! Projects: one per `testany.toml` (or per folder when only the environment configures
//! the service), with the merged configuration and the list of workspace files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use testany_core::config::{CONFIG_FILE_NAME, Config};
use testany_core::markers::Marker;

use crate::env::Env;

/// One configuration root.
#[derive(Debug, Clone)]
pub struct Project {
    /// Directory paths are relative to (the config file's directory).
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
    /// `None` when the configuration is invalid (see `error`).
    pub config: Option<Config>,
    pub error: Option<String>,
    /// Workspace-relative, `/`-separated.
    pub files: Arc<Vec<String>>,
    /// Markers of the files on disk by relative path (files without markers left out):
    /// failure locations point back at a marker whose file was never opened.
    pub markers: Arc<BTreeMap<String, Vec<Marker>>>,
}

impl Project {
    /// `path` relative to the root, `/`-separated, if inside it.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

/// The configuration from `text` (the file, if any), the environment and the editor's
/// settings, validated. The error is one sentence naming file, line and key.
pub fn merge_config(
    file: Option<(&str, &str)>,
    env: impl Fn(&str) -> Option<String>,
    settings: &[Value],
) -> Result<Config, String> {
    let mut config = match file {
        Some((text, name)) => Config::from_toml_str(text, name).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    config.apply_env(env);
    for layer in settings.iter().filter(|s| s.is_object()) {
        config.merge_json(layer).map_err(|e| e.to_string())?;
    }
    config.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

/// Loads (or reloads) the project of `key`: a config file path, or a folder root when
/// `env_only`. Files come from `env`; `var` looks up `TESTANY_*` variables.
pub async fn load(
    env: &dyn Env,
    var: impl Fn(&str) -> Option<String>,
    key: &Path,
    env_only: bool,
    settings: &[Value],
) -> Project {
    let (root, config_path) = if env_only {
        (key.to_path_buf(), None)
    } else {
        (
            key.parent().map(Path::to_path_buf).unwrap_or_default(),
            Some(key.to_path_buf()),
        )
    };
    let (config, error) = configure(env, var, config_path.as_deref(), settings).await;
    let files = env.list_files(&root).await.files;
    let markers = env.scan_markers(&root, &files).await;
    Project {
        files: Arc::new(files),
        markers: Arc::new(markers),
        root,
        config_path,
        config,
        error,
    }
}

/// The configuration of a project: its file (`None`: the environment alone), `var` and
/// `settings` merged; else the error. Settings do not change the project's files, so a
/// settings change re-reads only this (issue 16).
pub async fn configure(
    env: &dyn Env,
    var: impl Fn(&str) -> Option<String>,
    config_path: Option<&Path>,
    settings: &[Value],
) -> (Option<Config>, Option<String>) {
    let result = match config_path {
        // Any size: an oversized testany.toml is for its parser to refuse, as before.
        Some(path) => env
            .read_text(path, u64::MAX)
            .await
            .and_then(|text| merge_config(Some((&text, &env.display_path(path))), var, settings)),
        None => merge_config(None, var, settings),
    };
    match result {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e)),
    }
}

/// Where the project of a file in directory `start` (or of the folder `start`) lives:
/// the nearest `testany.toml` at or above it, else (only when TESTANY_URL is set, as
/// `var` says) the workspace folder holding it. `None`: no configuration, nothing to show
/// and nothing polls.
pub async fn key_for(
    env: &dyn Env,
    var: impl Fn(&str) -> Option<String>,
    folders: &[PathBuf],
    start: &Path,
) -> Option<(PathBuf, bool)> {
    for dir in start.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if env.exists(&candidate).await {
            return Some((candidate, false));
        }
    }
    var("TESTANY_URL")?;
    let folder = folders
        .iter()
        .filter(|f| start.starts_with(f))
        .max_by_key(|f| f.as_os_str().len())
        .cloned()
        .unwrap_or_else(|| start.to_path_buf());
    Some((folder, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_override_the_file_and_errors_name_line_and_key() {
        let file = "url = \"http://testany.localhost:1/api/v2/mcp/\"\npipelines = [\"A-1\"]\n";
        let c = merge_config(
            Some((file, "t.toml")),
            |_| None,
            &[
                serde_json::json!({"pipelines": ["B-2"], "history": 4}),
                serde_json::json!({"history": 7}),
            ],
        )
        .unwrap();
        assert_eq!((c.pipelines, c.history), (vec!["B-2".to_owned()], 7));

        let bad = "url = \"http://x.localhost/\"\n\n[poll]\nrunning_secs = \"fast\"\n";
        let e = merge_config(Some((bad, "/p/testany.toml")), |_| None, &[]).unwrap_err();
        assert!(e.starts_with("/p/testany.toml line 4"), "{e}");
        assert!(e.contains("running_secs"), "{e}");

        let env = |k: &str| (k == "TESTANY_URL").then(|| "http://e.localhost/".to_owned());
        let c = merge_config(None, env, &[]).unwrap();
        assert_eq!(c.url.as_deref(), Some("http://e.localhost/"));
    }
}
