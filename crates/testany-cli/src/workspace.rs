//! The files of a workspace, listed by the language server's walker (one rule for which
//! directories are skipped: `testany_lsp::files`), and the case index of their markers.

use std::collections::BTreeMap;
use std::path::Path;

use testany_core::markers::CaseIndex;

/// Workspace-relative `/`-separated paths of the files under `root`, sorted.
pub fn files(root: &Path) -> Vec<String> {
    testany_lsp::files::list(root)
}

/// The case index of the workspace: markers in every small text file plus the
/// configuration's `[cases]` mapping.
pub fn case_index(root: &Path, files: &[String], mapping: &BTreeMap<String, String>) -> CaseIndex {
    let found = testany_lsp::files::scan_markers(root, files);
    CaseIndex::build(
        found.iter().map(|(p, m)| (p.as_str(), m.as_slice())),
        mapping,
    )
}
