//! Per-test results (issue 15): for each case of the known executions (the newest
//! finished run of each case, passing ones too: their logs list the passing tests), the
//! case's metadata (`testany_get_case`, cached by testany-client), its log fetched once
//! into the log cache (a finished case's log never changes), read with the core's
//! `Analyzer` and linked to the definitions in each project serving the pipeline with
//! the core's `linking`. The results are plain data in `Inner::tests`; the fetches run
//! in the background (`test_fetch`, bounded by `Options::log_concurrency`), started by
//! the runtime after new data. This module only holds the data and pure steps: it
//! imports neither the state nor the runtime (no module cycle).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use testany_client::{CaseMeta, Executor};
use testany_core::frameworks::{Analyzer, Framework, TestResult};
use testany_core::lines::LineSplitter;
use testany_core::linking::{self, CaseLinks, CaseSource, Override, Workspace};
use testany_core::markers::Marker;

use crate::env::Env;

/// Workspace files larger than this are not scanned for definitions (a bundle, a dump).
pub const MAX_SCAN_BYTES: u64 = 8 * 1024 * 1024;
/// Rounds of reading the files linking asked for (each round reads the files the
/// previous one named; linking reads a case's trigger and its printed files).
const LINK_ROUNDS: usize = 6;

/// One case's log to read for its tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestJob {
    pub url: String,
    pub pipeline: String,
    pub execution: String,
    pub case_index: usize,
    pub case_key: String,
    /// The case's newest finished run: its tests are linked. Older runs are read for
    /// the tests' history only.
    pub link: bool,
}

/// The per-test data of the session.
#[derive(Debug, Default)]
pub struct TestsData {
    /// By (execution, case index).
    pub cases: HashMap<(String, usize), CaseEntry>,
    /// Cases being linked again (their old links are shown meanwhile).
    pub relinking: HashSet<(String, usize)>,
}

#[derive(Debug, Clone)]
pub enum CaseEntry {
    Pending,
    Done(Arc<CaseTests>),
    /// The metadata or the log could not be read (one sentence, secrets removed), and
    /// when it is read again.
    Failed(String, crate::data::Retry),
}

/// One case's tests in one execution, linked in each project serving its pipeline.
#[derive(Debug, Clone)]
pub struct CaseTests {
    pub meta: Option<CaseMeta>,
    pub tests: Vec<TestResult>,
    /// By project key (the configuration path or folder).
    pub projects: HashMap<PathBuf, ProjectLinks>,
}

/// The links of a case's tests in one project.
#[derive(Debug, Clone, Default)]
pub struct ProjectLinks {
    pub links: CaseLinks,
    /// Per test: where it failed, when a frame of its failure resolves to exactly one
    /// workspace file.
    pub failures: Vec<Option<FailureSite>>,
    /// A marker or `[cases]` entry names the case in this project.
    pub anchored: bool,
    /// The project's file list and marker index these links were made with: when the
    /// project's are other ones (files created or deleted, markers edited, a reload), the
    /// case is linked again.
    pub basis: Option<Basis>,
}

/// Where a test failed in the workspace: the frame as the log printed it, its path
/// resolved to one workspace file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureSite {
    /// Workspace-relative path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters), when the log printed one (`spec.ts:14:50`): the
    /// diagnostic starts there, as a case's does.
    pub column: Option<u32>,
}

/// A project's file list and marker index, as shared by the project.
#[derive(Debug, Clone)]
pub struct Basis {
    pub files: Arc<Vec<String>>,
    pub markers: Arc<BTreeMap<String, Vec<Marker>>>,
}

impl Basis {
    /// Whether the project's lists are still these very ones.
    pub fn is(
        &self,
        files: &Arc<Vec<String>>,
        markers: &Arc<BTreeMap<String, Vec<Marker>>>,
    ) -> bool {
        Arc::ptr_eq(&self.files, files) && Arc::ptr_eq(&self.markers, markers)
    }
}

impl CaseTests {
    /// The case's executor word (`pyres`, `maven`...), when known.
    pub fn executor(&self) -> Option<&str> {
        self.meta
            .as_ref()
            .and_then(|m| m.executor.as_ref())
            .map(Executor::as_str)
    }
}

/// The frameworks a known executor runs: results other modules read from its log (a
/// runner's preamble, a build step's output) are not the case's tests.
pub fn executor_frameworks(executor: &Executor) -> Option<&'static [Framework]> {
    match executor {
        Executor::Pyres | Executor::Python => Some(&[Framework::Pytest, Framework::Unittest]),
        Executor::Maven | Executor::Gradle => Some(&[Framework::Junit]),
        Executor::Playwright => Some(&[Framework::Playwright]),
        Executor::Postman => Some(&[Framework::Newman]),
        Executor::Other(_) => None,
    }
}

/// The tests a cached log reports. The log is read whole first, then analysed in one
/// synchronous pass: the `Analyzer` is not `Send` and must not live across an await.
/// Logs are capped by testany-client at 64 MiB; reads are bounded by the log slots.
pub async fn analyze(env: &dyn Env, path: &Path) -> std::io::Result<Vec<TestResult>> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut chunks = env.read_log(path).await?;
    while let Some(chunk) = chunks.next().await {
        bytes.extend_from_slice(&chunk?);
    }
    Ok(analyze_bytes(&bytes))
}

/// The tests of a log's bytes (core's line rule: lossy UTF-8, bounded lines).
pub fn analyze_bytes(bytes: &[u8]) -> Vec<TestResult> {
    let mut analyzer = Analyzer::new();
    let mut splitter = LineSplitter::new();
    let mut each = |line: &str, _: &[u8]| -> std::io::Result<bool> {
        analyzer.line(line);
        Ok(true)
    };
    let _ = splitter.push(bytes, &mut each);
    let _ = splitter.finish(&mut each);
    analyzer.finish().tests
}

/// Links a case's tests in one project. `link_case` reads files synchronously; files
/// come from the [`Env`] (the disk, or the editor with `Files::Client`), so linking runs
/// in rounds: each round's reads that were not there yet are read, then it runs again,
/// until it asks for nothing new.
pub async fn link_in(
    env: &dyn Env,
    root: &Path,
    files: &[String],
    overrides: &[String],
    case: &CaseTests,
) -> ProjectLinks {
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let ws = Workspace::new(&refs);
    let overrides: Vec<Override<'_>> = overrides
        .iter()
        .map(|f| Override {
            test: None,
            file: f,
            line: None,
        })
        .collect();
    let no_command: &[String] = &[];
    let meta = case.meta.as_ref();
    let source = CaseSource {
        executor: case.executor(),
        trigger_path: meta.and_then(|m| m.trigger_path.as_deref()),
        trigger_command: meta.map_or(no_command, |m| m.trigger_command.as_slice()),
        overrides: &overrides,
    };
    let mut texts: HashMap<String, Option<String>> = HashMap::new();
    let mut links = CaseLinks::default();
    for _ in 0..LINK_ROUNDS {
        let mut wanted: Vec<String> = Vec::new();
        let mut read = |rel: &str| -> Option<String> {
            match texts.get(rel) {
                Some(t) => t.clone(),
                None => {
                    wanted.push(rel.to_owned());
                    None
                }
            }
        };
        links = linking::link_case(&source, &case.tests, &ws, &mut read);
        if wanted.is_empty() {
            break;
        }
        for rel in wanted {
            let text = env.read_text(&root.join(&rel), MAX_SCAN_BYTES).await.ok();
            texts.insert(rel, text);
        }
    }
    let failures = case
        .tests
        .iter()
        .zip(&links.links)
        .map(|(t, link)| failure_site(&source, &ws, t, link.site().map(|s| s.0)))
        .collect();
    ProjectLinks {
        links,
        failures,
        anchored: !overrides.is_empty(),
        basis: None,
    }
}

/// Where a failed test failed: the first frame that resolves to exactly one workspace
/// file, one in the test's own file first. Newman's locations are script ordinals, not
/// file lines.
fn failure_site(
    source: &CaseSource<'_>,
    ws: &Workspace<'_>,
    t: &TestResult,
    own: Option<&str>,
) -> Option<FailureSite> {
    if !t.status.is_failure() || t.framework == Framework::Newman || t.locations.is_empty() {
        return None;
    }
    let paths: Vec<&str> = t.locations.iter().map(|l| l.path.as_str()).collect();
    let resolved = linking::resolve_paths(source, ws, &paths);
    let sites: Vec<FailureSite> = t
        .locations
        .iter()
        .zip(resolved)
        .filter_map(|(l, files)| match files.as_slice() {
            [one] if l.line > 0 => Some(FailureSite {
                file: one.clone(),
                line: l.line,
                column: l.column,
            }),
            _ => None,
        })
        .collect();
    let pick = own
        .and_then(|f| sites.iter().position(|s| s.file == f))
        .unwrap_or(0);
    sites.into_iter().nth(pick)
}

#[cfg(test)]
mod tests {
    use testany_core::frameworks::TestStatus;
    use testany_core::frameworks::generic::{FailureLocation, LocationKind};

    use super::*;

    fn frame(path: &str, line: u32, column: Option<u32>) -> FailureLocation {
        FailureLocation {
            path: path.into(),
            line,
            column,
            message: None,
            log_line: None,
            kind: LocationKind::Node,
        }
    }

    /// A Playwright failure printed as `storefront.spec.ts:14:50` keeps its column (the
    /// per-test diagnostic starts there); a frame without one has none.
    #[test]
    fn failure_site_keeps_the_logs_column() {
        let files = ["web/tests/e2e/storefront.spec.ts"];
        let ws = Workspace::new(&files);
        let source = CaseSource {
            executor: Some("playwright"),
            trigger_path: None,
            trigger_command: &[],
            overrides: &[],
        };
        let mut t = TestResult::new(
            Framework::Playwright,
            "storefront.spec.ts:12 adds to cart",
            TestStatus::Failed,
            3,
        );
        t.locations = vec![
            frame("/builds/acme/shop/node_modules/x/index.js", 3, Some(7)),
            frame(
                "/builds/acme/shop/web/tests/e2e/storefront.spec.ts",
                14,
                Some(50),
            ),
        ];
        assert_eq!(
            failure_site(&source, &ws, &t, None),
            Some(FailureSite {
                file: "web/tests/e2e/storefront.spec.ts".into(),
                line: 14,
                column: Some(50),
            })
        );
        t.locations = vec![frame("web/tests/e2e/storefront.spec.ts", 9, None)];
        assert_eq!(
            failure_site(&source, &ws, &t, None),
            Some(FailureSite {
                file: "web/tests/e2e/storefront.spec.ts".into(),
                line: 9,
                column: None,
            })
        );
    }
}
