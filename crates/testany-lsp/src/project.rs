//! Projects: one per `testany.toml` (or per folder when only the environment configures
//! the service), with the merged configuration and the list of workspace files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use testany_core::config::{self, Config};
use testany_core::markers::Marker;

use crate::files;
use crate::state::State;

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
/// `env_only`. Blocking file I/O; call without the state lock held.
pub fn load(state: &State, key: &Path, env_only: bool, settings: &[Value]) -> Project {
    let (root, config_path) = if env_only {
        (key.to_path_buf(), None)
    } else {
        (
            key.parent().map(Path::to_path_buf).unwrap_or_default(),
            Some(key.to_path_buf()),
        )
    };
    let env = |name: &str| state.env(name);
    let result = match &config_path {
        Some(path) => read_config(path).and_then(|text| {
            merge_config(Some((&text, &path.display().to_string())), env, settings)
        }),
        None => merge_config(None, env, settings),
    };
    let (config, error) = match result {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e)),
    };
    let files = files::list(&root);
    let markers = files::scan_markers(&root, &files);
    Project {
        files: Arc::new(files),
        markers: Arc::new(markers),
        root,
        config_path,
        config,
        error,
    }
}

/// Whether something is at `path` under the config file's name: a directory, a FIFO or a
/// dangling link named testany.toml is a broken configuration to report, not an absent one
/// (issue 17: these gave silence and empty lenses).
pub fn config_exists(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// The text of the config file at `path`, or the sentence saying what is wrong with it.
/// Only regular files are opened: reading a FIFO would block the server.
pub fn read_config(path: &Path) -> Result<String, String> {
    let name = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if path.symlink_metadata().is_ok_and(|m| m.is_symlink()) => {
            let target = std::fs::read_link(path).unwrap_or_default();
            return Err(format!(
                "{name} is a link to {} that cannot be read ({e}); point it at a TOML file",
                target.display()
            ));
        }
        Err(e) => {
            return Err(format!(
                "{name} cannot be read ({e}); make it a readable TOML file"
            ));
        }
    };
    if meta.is_dir() {
        return Err(format!(
            "{name} is a directory; the configuration must be a TOML file"
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "{name} is not a regular file (a FIFO, socket or device); the configuration must be a TOML file"
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{name} cannot be read ({e}); make it a readable TOML file"))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("{name} is not UTF-8 text (invalid byte at offset {at}); save it as UTF-8")
    })
}

/// Where the project of a file at `path` lives: the nearest `testany.toml` upward, else
/// (only when TESTANY_URL is set) the workspace folder holding the file. `None`: no
/// configuration, nothing to show and nothing polls.
pub fn key_for(state: &State, folders: &[PathBuf], path: &Path) -> Option<(PathBuf, bool)> {
    let start = if path.is_dir() { path } else { path.parent()? };
    if let Some(found) = config::find_config_path(start, config_exists) {
        return Some((found, false));
    }
    state.env("TESTANY_URL")?;
    let folder = folders
        .iter()
        .filter(|f| path.starts_with(f))
        .max_by_key(|f| f.as_os_str().len())
        .cloned()
        .unwrap_or_else(|| start.to_path_buf());
    Some((folder, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17: a testany.toml that is not a readable TOML file is reported like an
    /// invalid one. (Tests run as root, where chmod 000 does not stop a read: a socket
    /// stands in for a FIFO, invalid UTF-8 and a dangling link for unreadable content.)
    #[cfg(unix)]
    #[test]
    fn config_paths_that_are_not_readable_files_say_what_to_fix() {
        let dir = std::env::temp_dir().join(format!("testany-lsp-cfg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let at = |name: &str| dir.join(name);

        std::fs::create_dir(at("dir.toml")).unwrap();
        let _socket = std::os::unix::net::UnixListener::bind(at("socket.toml")).unwrap();
        std::os::unix::fs::symlink(at("missing.toml"), at("dangling.toml")).unwrap();
        std::fs::write(at("latin1.toml"), b"url = \"caf\xe9\"\n").unwrap();
        std::fs::write(at("ok.toml"), "url = \"x\"\n").unwrap();

        let d = dir.display();
        let cases = [
            (
                "dir.toml",
                format!("{d}/dir.toml is a directory; the configuration must be a TOML file"),
            ),
            (
                "socket.toml",
                format!(
                    "{d}/socket.toml is not a regular file (a FIFO, socket or device); the configuration must be a TOML file"
                ),
            ),
            (
                "dangling.toml",
                format!(
                    "{d}/dangling.toml is a link to {d}/missing.toml that cannot be read (No such file or directory (os error 2)); point it at a TOML file"
                ),
            ),
            (
                "latin1.toml",
                format!(
                    "{d}/latin1.toml is not UTF-8 text (invalid byte at offset 10); save it as UTF-8"
                ),
            ),
            (
                "none.toml",
                format!(
                    "{d}/none.toml cannot be read (No such file or directory (os error 2)); make it a readable TOML file"
                ),
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(read_config(&at(name)), Err(expected), "{name}");
            assert_eq!(config_exists(&at(name)), name != "none.toml", "{name}");
        }
        assert_eq!(read_config(&at("ok.toml")), Ok("url = \"x\"\n".to_owned()));
        let _ = std::fs::remove_dir_all(&dir);
    }

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
