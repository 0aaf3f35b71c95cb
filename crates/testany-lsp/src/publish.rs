//! Planning per document and the debounced diagnostics publisher: diagnostics are
//! computed after a quiet period, sent only when they changed, and also sent for files
//! that are not open but hold resolved failure locations.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use testany_core::document::Document;
use testany_core::locations::ResolvedLocation;
use testany_core::markers::{self, Marker};
use testany_core::plan::{CaseLocations, Plan, RelatedMarker};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert;
use crate::document::{Drift, LocationKey};
use crate::env::Env;
use crate::state::{Inner, State};

/// One document to plan: open, or read from disk.
pub struct DocRef<'a> {
    pub uri: &'a str,
    pub project: &'a std::path::Path,
    pub path: &'a std::path::Path,
    pub text: &'a str,
    pub markers: &'a [Marker],
}

/// `doc`'s workspace-relative path, `[cases]` mapping and history (None: no project
/// configuration, so no lenses).
fn settings(inner: &Inner, doc: &DocRef<'_>) -> Option<(String, BTreeMap<String, String>, u32)> {
    let project = inner.projects.get(doc.project)?;
    let config = project.config.as_ref()?;
    let rel = project.relative(doc.path)?;
    Some((rel, config.cases.clone(), config.history))
}

/// Markers of the project other than `except`'s (for relatedInformation): open
/// documents as edited, every other file from the project's marker index.
fn related(
    env: &dyn Env,
    inner: &Inner,
    project: &std::path::Path,
    except: &str,
) -> Vec<RelatedMarker> {
    let encoding = inner.encoding;
    let open = inner
        .documents
        .iter()
        .filter(|(_, d)| d.project.as_deref() == Some(project));
    let mut out: Vec<RelatedMarker> = Vec::new();
    let mut open_paths: HashSet<&std::path::Path> = HashSet::new();
    for (u, d) in open {
        if let Some(p) = &d.path {
            open_paths.insert(p);
        }
        if u.as_str() == except {
            continue;
        }
        out.extend(d.markers.iter().map(|m| RelatedMarker {
            case_key: m.case_key.clone(),
            uri: u.as_str().to_owned(),
            range: m.range(encoding),
        }));
    }
    let Some(p) = inner.projects.get(project) else {
        return out;
    };
    for (rel, markers) in p.markers.iter() {
        let abs = p.root.join(rel);
        if open_paths.contains(abs.as_path()) {
            continue;
        }
        let Some(uri) = env.to_uri(&abs) else {
            continue;
        };
        if uri.as_str() == except {
            continue;
        }
        out.extend(markers.iter().map(|m| RelatedMarker {
            case_key: m.case_key.clone(),
            uri: uri.as_str().to_owned(),
            range: m.range(encoding),
        }));
    }
    out
}

/// Lenses and diagnostics of one document. With `with_related`, failure locations of
/// cases anchored in other files point back at their markers. With `drift` (an open
/// document's edits), failure lines in this document follow the edits. The clock and
/// URIs come from `env`.
pub fn plan_doc(
    env: &dyn Env,
    inner: &mut Inner,
    doc: &DocRef<'_>,
    with_related: bool,
    drift: Option<&mut Drift>,
) -> Plan {
    let Some((rel, mapping, history)) = settings(inner, doc) else {
        return Plan::default();
    };
    let derived = inner.derived(doc.project);
    let related = if with_related && derived.location_files.contains(&rel) {
        related(env, inner, doc.project, doc.uri)
    } else {
        Vec::new()
    };
    let mut drift = drift;
    let drifted;
    let locations = match drift.as_deref_mut() {
        Some(drift) => {
            drifted = drifted_locations(&derived.locations, &rel, drift);
            &drifted
        }
        None => &derived.locations,
    };
    let mut plan_doc = Document::new(
        doc.uri,
        &rel,
        doc.text,
        &mapping,
        &derived.executions,
        env.now(),
    );
    plan_doc.markers = Some(doc.markers);
    plan_doc.locations = locations;
    plan_doc.related = &related;
    plan_doc.encoding = inner.encoding;
    plan_doc.history = history as usize;
    plan_doc.stale = derived.stale;
    let mut plan = plan_doc.plan();
    // Per-test lenses and diagnostics (issue 15).
    let marker_cases: HashSet<&str> = doc.markers.iter().map(|m| m.case_key.as_str()).collect();
    crate::test_lenses::extend(
        env,
        inner,
        doc.project,
        &rel,
        doc.text,
        &marker_cases,
        drift,
        &mut plan,
    );
    plan
}

/// The locations of cases with one in file `rel`, that file's lines mapped through the
/// document's edits since each location was first planned (a location whose line was
/// deleted is left out: pointing at a neighbour would mislead).
fn drifted_locations(all: &[CaseLocations], rel: &str, drift: &mut Drift) -> Vec<CaseLocations> {
    let here = |rl: &ResolvedLocation| rl.file.as_deref().map(strip_dot) == Some(strip_dot(rel));
    let mut live: HashSet<LocationKey> = HashSet::new();
    let mut out = Vec::new();
    for cl in all.iter().filter(|cl| cl.locations.iter().any(here)) {
        let mut cl = cl.clone();
        cl.locations.retain_mut(|rl| {
            if !here(rl) {
                return true;
            }
            let Some(line0) = rl.location.line.checked_sub(1) else {
                return true;
            };
            let key = (cl.execution.clone(), cl.case_key.clone(), rl.location.line);
            let now = drift.line(&key, line0);
            live.insert(key);
            match now {
                Some(line0) => {
                    rl.location.line = line0.saturating_add(1);
                    true
                }
                None => false,
            }
        });
        out.push(cl);
    }
    drift.retain(|k| live.contains(k) || crate::test_lenses::is_test_key(k));
    out
}

fn strip_dot(p: &str) -> &str {
    p.strip_prefix("./").unwrap_or(p)
}

/// Plans open document `uri` as edited (its text, markers and line drift); with its
/// version. `None` when it is not open or belongs to no project.
pub fn plan_open(
    env: &dyn Env,
    inner: &mut Inner,
    uri: &Uri,
    with_related: bool,
) -> Option<(Plan, i32)> {
    let doc = inner.documents.get_mut(uri)?;
    let (project, path) = (doc.project.clone()?, doc.path.clone()?);
    let (text, markers, version) = (doc.text.clone(), doc.markers.clone(), doc.version);
    let mut drift = std::mem::take(&mut doc.drift);
    let plan = plan_doc(
        env,
        inner,
        &DocRef {
            uri: uri.as_str(),
            project: &project,
            path: &path,
            text: &text,
            markers: &markers,
        },
        with_related,
        Some(&mut drift),
    );
    if let Some(doc) = inner.documents.get_mut(uri) {
        doc.drift = drift;
    }
    Some((plan, version))
}

/// Asks for `uri`'s diagnostics to be (re)computed after the debounce.
pub fn schedule(state: &State, uri: Uri) {
    state.lock().dirty.insert(uri);
    state.publish_wake.notify_one();
}

/// Asks for every document's diagnostics (after new data).
pub fn schedule_all(state: &State) {
    state.lock().dirty_all = true;
    state.publish_wake.notify_one();
}

/// The publisher task: waits for work, lets edits settle, publishes.
pub async fn run(state: Arc<State>) {
    loop {
        state.publish_wake.notified().await;
        state.env.sleep(state.options.debounce).await;
        if state.lock().shutdown {
            return;
        }
        publish_pending(&state).await;
    }
}

/// Computes and sends what changed since the last time.
pub async fn publish_pending(state: &State) {
    // Files with failure locations that are not open: read outside the lock.
    let (all, disk_wanted) = {
        let mut inner = state.lock();
        let all = std::mem::take(&mut inner.dirty_all);
        let mut wanted: Vec<(PathBuf, PathBuf)> = Vec::new();
        if all {
            let keys: Vec<PathBuf> = inner.projects.keys().cloned().collect();
            let open: HashSet<PathBuf> = inner
                .documents
                .values()
                .filter_map(|d| d.path.clone())
                .collect();
            for key in keys {
                let derived = inner.derived(&key);
                let Some(project) = inner.projects.get(&key) else {
                    continue;
                };
                // With the files where a test failed (issue 15).
                let test_files = crate::test_lenses::failure_files(&inner, &key, &derived);
                for rel in derived.location_files.iter().chain(&test_files) {
                    let abs = project.root.join(rel);
                    if !open.contains(&abs) && !wanted.iter().any(|w| w.1 == abs) {
                        wanted.push((key.clone(), abs));
                    }
                }
            }
        }
        (all, wanted)
    };
    let env = state.env.as_ref();
    let mut scanned: Vec<Scanned> = Vec::with_capacity(disk_wanted.len());
    for (key, abs) in disk_wanted {
        let Ok(text) = env.read_text(&abs, u64::MAX).await else {
            continue;
        };
        let Some(uri) = env.to_uri(&abs) else {
            continue;
        };
        let found = markers::scan(&text);
        scanned.push((key, abs, uri, text, found));
    }

    let step = {
        let mut inner = state.lock();
        step(env, &mut inner, all, &scanned)
    };
    for (uri, diags, version) in step.diagnostics {
        state.client.publish_diagnostics(uri, diags, version).await;
    }
    if step.refresh_lenses {
        // Right behind this step's diagnostics, from the same snapshot. Not awaited:
        // the client answers when it likes; publishing must not wait.
        let client = state.client.clone();
        env.spawn(Box::pin(async move {
            let _ = client.code_lens_refresh().await;
        }));
    }
}

/// A file that is not open, read from disk: (project key, path, URI, text, markers).
pub type Scanned = (PathBuf, PathBuf, Uri, String, Vec<Marker>);

/// What one publish step sends: changed diagnostics, then (when the data changed)
/// `workspace/codeLens/refresh`.
#[derive(Debug, Default)]
pub struct Step {
    pub diagnostics: Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)>,
    pub refresh_lenses: bool,
}

/// One publish step from one snapshot of the state (issue 17: lenses kept `? no result
/// yet` after the diagnostics showed the failure). The lens refresh request is decided
/// under the same lock as the diagnostics: data stored after this snapshot keeps
/// `lens_dirty` set for the next step, whose diagnostics then come with their refresh,
/// and a lens request the refresh triggers is planned from data at least this new.
pub fn step(env: &dyn Env, inner: &mut Inner, all: bool, scanned: &[Scanned]) -> Step {
    let mut sends: Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> = Vec::new();
    let refresh_lenses = std::mem::take(&mut inner.lens_dirty) && inner.caps.code_lens_refresh;
    let dirty: Vec<Uri> = if all {
        inner.dirty.clear();
        inner.documents.keys().cloned().collect()
    } else {
        inner.dirty.drain().collect()
    };
    let mut fresh: HashMap<Uri, (Vec<lsp::Diagnostic>, Option<i32>)> = HashMap::new();
    for uri in dirty {
        let Some(version) = inner.documents.get(&uri).map(|d| d.version) else {
            continue;
        };
        let diags = match plan_open(env, inner, &uri, true) {
            Some((plan, _)) => plan.diagnostics.iter().map(convert::diagnostic).collect(),
            None => Vec::new(),
        };
        fresh.insert(uri, (diags, Some(version)));
    }
    for (key, abs, uri, text, found) in scanned {
        let plan = plan_doc(
            env,
            inner,
            &DocRef {
                uri: uri.as_str(),
                project: key,
                path: abs,
                text,
                markers: found,
            },
            true,
            None,
        );
        let diags: Vec<lsp::Diagnostic> =
            plan.diagnostics.iter().map(convert::diagnostic).collect();
        fresh.insert(uri.clone(), (diags, None));
    }
    if all {
        // Closed files that no longer have failure locations: clear them.
        let stale: Vec<Uri> = inner
            .published
            .keys()
            .filter(|u| !fresh.contains_key(*u) && !inner.documents.contains_key(*u))
            .cloned()
            .collect();
        for uri in stale {
            fresh.insert(uri, (Vec::new(), None));
        }
    }
    for (uri, (diags, version)) in fresh {
        let unchanged = match inner.published.get(&uri) {
            Some(old) => *old == diags,
            None => diags.is_empty(),
        };
        if unchanged {
            continue;
        }
        if diags.is_empty() {
            inner.published.remove(&uri);
        } else {
            inner.published.insert(uri.clone(), diags.clone());
        }
        sends.push((uri, diags, version));
    }
    Step {
        diagnostics: sends,
        refresh_lenses,
    }
}

/// Clears a closed document's diagnostics at once (no debounce).
pub async fn clear(state: &State, uri: Uri) {
    let had = state.lock().published.remove(&uri).is_some();
    if had {
        state
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}

#[cfg(all(test, feature = "native"))]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use serde_json::json;
    use testany_core::config::Config;
    use testany_core::model::Execution;

    use super::*;
    use crate::data::{PipelineData, PollKey};
    use crate::document::Document;
    use crate::env::NativeEnv;
    use crate::project::Project;

    fn env() -> NativeEnv {
        NativeEnv::new(Default::default(), std::env::temp_dir())
    }

    const TEST: &str =
        "import shop\n\n# testany: K1\ndef test_total():\n    assert shop.total() == 3\n";
    const CART: &str = "def total():\n    x = 1\n    return x + 1\n";

    fn fixture() -> Inner {
        let mut inner = Inner::default();
        let config = Config {
            url: Some("http://t.localhost/api/v2/mcp/".into()),
            pipelines: vec!["P-1".into()],
            ..Config::default()
        };
        inner.projects.insert(
            "/ws/testany.toml".into(),
            Project {
                root: "/ws".into(),
                config_path: Some("/ws/testany.toml".into()),
                config: Some(config),
                error: None,
                files: Arc::new(vec!["shop/cart.py".into(), "tests/test_cart.py".into()]),
                markers: Arc::new(
                    [("tests/test_cart.py".to_owned(), markers::scan(TEST))]
                        .into_iter()
                        .collect(),
                ),
            },
        );
        let exec = Execution::from_json(&json!({
            "execution_id": "P-1-00001", "status": "COMPLETED", "result": "FAILED",
            "pipeline_key": "P-1", "started_at": "2026-11-26T04:00:00Z",
            "cases": [{"case_key": "K1", "index": 0, "status": "FAILED", "duration_ms": 1500,
                       "error": "/builds/x/shop/cart.py:3: AssertionError: 2 != 3"}]
        }))
        .unwrap();
        inner.pipelines.insert(
            PollKey {
                url: "http://t.localhost/api/v2/mcp/".into(),
                pipeline: "P-1".into(),
            },
            PipelineData {
                executions: vec![exec],
                stale: false,
                loaded: true,
            },
        );
        let mut doc = Document::new(TEST.into(), 1, Some("/ws/tests/test_cart.py".into()));
        doc.project = Some("/ws/testany.toml".into());
        inner
            .documents
            .insert("file:///ws/tests/test_cart.py".parse().unwrap(), doc);
        inner
    }

    fn plan_of(inner: &mut Inner, path: &str, text: &str) -> Plan {
        let uri = format!("file://{path}");
        let found = markers::scan(text);
        plan_doc(
            &env(),
            inner,
            &DocRef {
                uri: &uri,
                project: Path::new("/ws/testany.toml"),
                path: Path::new(path),
                text,
                markers: &found,
            },
            true,
            None,
        )
    }

    #[test]
    fn marker_file_gets_the_case_diagnostic_and_lenses() {
        let mut inner = fixture();
        let plan = plan_of(&mut inner, "/ws/tests/test_cart.py", TEST);
        let diags: Vec<(u32, &str)> = plan
            .diagnostics
            .iter()
            .map(|d| (d.range.start.line, d.message.as_str()))
            .collect();
        assert_eq!(
            diags,
            vec![(
                2,
                "FAILED in P-1-00001: /builds/x/shop/cart.py:3: AssertionError: 2 != 3"
            )]
        );
        let titles: Vec<&str> = plan.lenses.iter().map(|l| l.title.as_ref()).collect();
        assert_eq!(titles, vec!["✗ FAILED 1s · P-1-00001", "↻ Re-run"]);
    }

    #[test]
    fn failure_location_in_a_file_without_the_marker() {
        let mut inner = fixture();
        let plan = plan_of(&mut inner, "/ws/shop/cart.py", CART);
        assert!(plan.lenses.is_empty());
        assert_eq!(plan.diagnostics.len(), 1, "{:?}", plan.diagnostics);
        let d = &plan.diagnostics[0];
        assert_eq!(
            (d.range, d.message.as_str(), d.code.as_deref()),
            (
                testany_core::markers::Range::on_line(2, 4, 16),
                "AssertionError: 2 != 3 (K1 FAILED in P-1-00001)",
                Some("assertion")
            )
        );
        // Related information points at the marker in the open test file.
        assert_eq!(d.related_information.len(), 1);
        assert_eq!(
            d.related_information[0].uri,
            "file:///ws/tests/test_cart.py"
        );
        assert_eq!(d.related_information[0].range.start.line, 2);
    }

    #[test]
    fn closed_marker_file_relates_through_the_marker_index() {
        let mut inner = fixture();
        inner.documents.clear();
        // Only the marker index (the files on disk) knows where K1's marker is.
        let found = markers::scan(CART);
        let plan = plan_doc(
            &env(),
            &mut inner,
            &DocRef {
                uri: "file:///ws/shop/cart.py",
                project: Path::new("/ws/testany.toml"),
                path: Path::new("/ws/shop/cart.py"),
                text: CART,
                markers: &found,
            },
            true,
            None,
        );
        let related: Vec<(&str, u32)> = plan
            .diagnostics
            .iter()
            .flat_map(|d| d.related_information.iter())
            .map(|r| (r.uri.as_str(), r.range.start.line))
            .collect();
        assert_eq!(related, vec![("file:///ws/tests/test_cart.py", 2)]);
    }

    #[test]
    fn no_project_no_plan_and_stale_marks_lenses() {
        let mut inner = fixture();
        let none = plan_doc(
            &env(),
            &mut inner,
            &DocRef {
                uri: "file:///else/x.py",
                project: Path::new("/else/testany.toml"),
                path: Path::new("/else/x.py"),
                text: TEST,
                markers: &markers::scan(TEST),
            },
            true,
            None,
        );
        assert_eq!(none, Plan::default());
        for d in inner.pipelines.values_mut() {
            d.stale = true;
        }
        State::touch(&mut inner);
        let plan = plan_of(&mut inner, "/ws/tests/test_cart.py", TEST);
        assert_eq!(plan.lenses[0].title, "✗ FAILED 1s · P-1-00001 (stale)");
    }

    /// Issue 17: lenses kept `? no result yet` after the diagnostics showed the
    /// failure. One step sends the failure and the lens refresh together, and data that
    /// arrives after a step's snapshot keeps its refresh for the step that publishes it.
    #[test]
    fn one_step_sends_new_diagnostics_with_their_lens_refresh() {
        let mut inner = fixture();
        inner.caps.code_lens_refresh = true;
        let uri: Uri = "file:///ws/tests/test_cart.py".parse().unwrap();
        let data = std::mem::take(&mut inner.pipelines);
        let titles = |inner: &mut Inner| -> Vec<String> {
            let (plan, _) = plan_open(&env(), inner, &uri, false).expect("open");
            plan.lenses.iter().map(|l| l.title.to_string()).collect()
        };
        let sent = |step: &Step| -> Vec<(String, Vec<(u32, String)>)> {
            step.diagnostics
                .iter()
                .map(|(u, d, _)| {
                    let d = d.iter().map(|d| (d.range.start.line, d.message.clone()));
                    (u.as_str().to_owned(), d.collect())
                })
                .collect()
        };
        // Projects known, no data yet (settle): no diagnostics, one refresh.
        inner.lens_dirty = true;
        let first = step(&env(), &mut inner, true, &[]);
        assert_eq!((sent(&first), first.refresh_lenses), (vec![], true));
        assert_eq!(titles(&mut inner), vec!["? no result yet"]);

        // The first results arrive (what poller::store does) after that snapshot.
        inner.pipelines = data;
        State::touch(&mut inner);
        inner.lens_dirty = true;
        let second = step(&env(), &mut inner, true, &[]);
        let failure = "FAILED in P-1-00001: /builds/x/shop/cart.py:3: AssertionError: 2 != 3";
        assert_eq!(
            (sent(&second), second.refresh_lenses),
            (
                vec![(uri.as_str().to_owned(), vec![(2, failure.to_owned())])],
                true
            )
        );
        // The lens request that refresh triggers sees the same data.
        assert_eq!(
            titles(&mut inner),
            vec!["✗ FAILED 1s · P-1-00001", "↻ Re-run"]
        );
        // Nothing new: nothing sent, no refresh.
        let third = step(&env(), &mut inner, true, &[]);
        assert_eq!((sent(&third), third.refresh_lenses), (vec![], false));
        // A client without refresh support gets the diagnostics only.
        inner.caps.code_lens_refresh = false;
        inner.lens_dirty = true;
        assert!(!step(&env(), &mut inner, true, &[]).refresh_lenses);
    }
}
