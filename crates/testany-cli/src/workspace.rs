//! The files of a workspace: their relative paths (for resolving failure locations)
//! and the case markers in them (for linking cases to files).

use std::collections::BTreeMap;
use std::path::Path;

use testany_core::markers::{self, CaseIndex, Marker};

/// Directories never searched: tool caches, dependencies and VCS data.
const SKIP_DIRS: &[&str] = &[
    "target",
    "node_modules",
    "__pycache__",
    "venv",
    ".venv",
    "dist",
    "build",
];
/// Bounds that keep a scan of an unexpectedly large tree quick.
const MAX_FILES: usize = 50_000;
const MAX_SCAN_BYTES: u64 = 2 * 1024 * 1024;

/// Workspace-relative `/`-separated paths of the files under `root`, sorted.
pub fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_ref()) {
                    stack.push(entry.path());
                }
            } else if kind.is_file() {
                if let Ok(rel) = entry.path().strip_prefix(root) {
                    let rel: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    out.push(rel.join("/"));
                }
                if out.len() >= MAX_FILES {
                    tracing::warn!(
                        limit = MAX_FILES,
                        "workspace scan stopped at the file limit"
                    );
                    out.sort();
                    return out;
                }
            }
        }
    }
    out.sort();
    out
}

/// The case index of the workspace: markers in every small text file plus the
/// configuration's `[cases]` mapping.
pub fn case_index(root: &Path, files: &[String], mapping: &BTreeMap<String, String>) -> CaseIndex {
    let mut found: Vec<(String, Vec<Marker>)> = Vec::new();
    for rel in files {
        let path = root.join(rel);
        if std::fs::metadata(&path).map_or(true, |m| m.len() > MAX_SCAN_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let found_here = markers::scan(&text);
        if !found_here.is_empty() {
            found.push((rel.clone(), found_here));
        }
    }
    CaseIndex::build(
        found.iter().map(|(p, m)| (p.as_str(), m.as_slice())),
        mapping,
    )
}
