//! No import cycle between the top-level modules of testany-lsp (issue 16: `state ↔
//! data ↔ project` and `poller ↔ logs` made the "data changed" fan-out impossible to
//! follow). A module is a file `src/<name>.rs` or a directory `src/<name>/`; it depends
//! on every module it names as `crate::<name>` (also in `use crate::{a, b}`), comments
//! and tests included, so a cycle cannot hide in a doc link either.
//!
//! `TESTANY_LSP_SRC` points the check at another source tree (to see it fail on an old
//! checkout: `git archive <rev> crates/testany-lsp/src | tar -x -C /tmp/old`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn idents(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Module → the modules it names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |path: &Path| -> String {
        let rel = path.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_owned()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|p| module_of(p))
        .filter(|m| m != "lib")
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files {
        let me = module_of(path);
        let text = std::fs::read_to_string(path).unwrap();
        let mut named = BTreeSet::new();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or("");
                // Only the first segment of each path in the group: `{a::X, b}`.
                for part in group.split(',') {
                    named.extend(idents(part).next());
                }
            } else {
                named.extend(idents(rest).next());
            }
        }
        let entry = out.entry(me.clone()).or_default();
        for m in named {
            if m != me && modules.contains(m) {
                entry.insert(m.to_owned());
            }
        }
    }
    out
}

/// A cycle through the graph, if any (as a path `a -> b -> ... -> a`).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(c) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_checker_finds_a_cycle() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry((*a).into()).or_default().insert((*b).into());
        }
        g
    };
    assert_eq!(
        find_cycle(&edges(&[
            ("data", "state"),
            ("state", "project"),
            ("project", "data")
        ])),
        Some(vec![
            "data".into(),
            "state".into(),
            "project".into(),
            "data".into()
        ])
    );
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])),
        None
    );
}

#[test]
fn no_module_of_the_server_imports_itself_through_another() {
    let src = std::env::var_os("TESTANY_LSP_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let graph = graph(&src);
    assert!(
        graph.get("handler").is_some_and(|h| h.contains("state")),
        "the module graph was not read: {graph:?}"
    );
    assert_eq!(
        find_cycle(&graph),
        None,
        "an import cycle between modules of testany-lsp: break it (the session returns \
         effects, the runtime carries them out)"
    );
}
