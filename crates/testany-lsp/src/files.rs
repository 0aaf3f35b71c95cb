//! The files of a workspace: which directories are never searched, the relative paths
//! of the rest (for resolving failure locations) and the markers in them. One walker for
//! the language server and the CLI (`testany status`, `testany analyze`).

#[cfg(feature = "native")]
use std::collections::BTreeMap;
#[cfg(feature = "native")]
use std::path::Path;

use testany_core::markers::{self, Marker};

/// Files listed per root at most (a huge monorepo must not stall the server).
pub const MAX_FILES: usize = 200_000;
/// Files larger than this are not read for markers (generated or data files).
pub const MAX_MARKER_FILE: u64 = 2 * 1024 * 1024;
/// Directories never searched besides hidden ones (`.git`, `.venv`, `.gradle`, …):
/// dependencies, build output and caches, where test sources do not live.
const SKIPPED_DIRS: [&str; 6] = [
    "target",
    "node_modules",
    "venv",
    "__pycache__",
    "build",
    "dist",
];

/// Whether a directory called `name` is never searched.
pub fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || SKIPPED_DIRS.contains(&name)
}

/// Whether a file-watch event's relative, `/`-separated path is of no interest: it names
/// a skipped directory or lies in one. Every part is checked, because an event does
/// not say whether the path is a directory (a hidden file's events are dropped too).
pub fn is_ignored(rel: &str) -> bool {
    rel.split('/').any(skipped_dir)
}

/// Files under `root`, relative and `/`-separated, sorted; skipped directories are not
/// entered and at most [`MAX_FILES`] are listed.
#[cfg(feature = "native")]
pub fn list(root: &Path) -> Vec<String> {
    list_bounded(root).0
}

/// [`list`], and whether it stopped at [`MAX_FILES`].
#[cfg(feature = "native")]
pub fn list_bounded(root: &Path) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                if !skipped_dir(&entry.file_name().to_string_lossy()) {
                    stack.push(path);
                }
            } else if kind.is_file()
                && let Ok(rel) = path.strip_prefix(root)
            {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
                if out.len() >= MAX_FILES {
                    tracing::warn!(limit = MAX_FILES, root = %root.display(), "file listing stopped at the limit");
                    out.sort();
                    return (out, true);
                }
            }
        }
    }
    out.sort();
    (out, false)
}

/// The markers of a text that mentions `testany:` (else `None` without scanning).
pub fn scan_text(text: &str) -> Option<Vec<Marker>> {
    if !text.contains("testany:") {
        return None;
    }
    let found = markers::scan(text);
    (!found.is_empty()).then_some(found)
}

/// The markers of one file on disk; `None` when it has none or cannot be read as text
/// (missing, too large, not UTF-8).
#[cfg(feature = "native")]
pub fn markers_of(path: &Path) -> Option<Vec<Marker>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MARKER_FILE {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    scan_text(std::str::from_utf8(&bytes).ok()?)
}

/// The markers of the listed files (each read once), by relative path.
#[cfg(feature = "native")]
pub fn scan_markers(root: &Path, files: &[String]) -> BTreeMap<String, Vec<Marker>> {
    files
        .iter()
        .filter_map(|rel| Some((rel.clone(), markers_of(&root.join(rel))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_directories() {
        let table = [
            ("src", false),
            ("tests", false),
            ("target", true),
            ("node_modules", true),
            (".git", true),
            (".venv", true),
            ("venv", true),
            ("__pycache__", true),
            ("build", true),
            ("dist", true),
            ("out", false),
            ("builds", false),
            ("Target", false),
        ];
        for (name, skipped) in table {
            assert_eq!(skipped_dir(name), skipped, "{name}");
        }
        let paths = [
            ("tests/test_cart.py", false),
            ("src/build.py", false),
            ("target", true),
            ("web/node_modules", true),
            (".env", true),
            ("target/debug/x.rs", true),
            ("a/.git/HEAD", true),
            ("web/node_modules/y/i.js", true),
            ("pkg/__pycache__/m.pyc", true),
        ];
        for (rel, ignored) in paths {
            assert_eq!(is_ignored(rel), ignored, "{rel}");
        }
    }

    #[cfg(feature = "native")]
    #[test]
    fn listing_skips_dependencies_build_output_and_hidden_directories() {
        let root = std::env::temp_dir().join(format!("testany-lsp-list-{}", std::process::id()));
        let dirs = [
            "a/b",
            "target/x",
            "node_modules/y",
            ".git/z",
            ".venv/lib",
            "pkg/__pycache__",
            "dist",
        ];
        for d in dirs {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        for f in [
            "target/x/o.rs",
            "node_modules/y/i.js",
            ".git/z/h",
            ".venv/lib/site.py",
            "pkg/__pycache__/m.pyc",
            "pkg/m.py",
            "dist/bundle.js",
            ".env",
        ] {
            std::fs::write(root.join(f), "").unwrap();
        }
        std::fs::write(
            root.join("a/b/c.py"),
            "# testany: K1\ndef test_x():\n    pass\n",
        )
        .unwrap();
        std::fs::write(root.join("top.txt"), [0xff, 0xfe, b't']).unwrap();
        let files = list(&root);
        let index = scan_markers(&root, &files);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(files, [".env", "a/b/c.py", "pkg/m.py", "top.txt"]);
        let keys: Vec<(&str, Vec<&str>)> = index
            .iter()
            .map(|(f, m)| (f.as_str(), m.iter().map(|m| m.case_key.as_str()).collect()))
            .collect();
        assert_eq!(keys, vec![("a/b/c.py", vec!["K1"])]);
    }
}
