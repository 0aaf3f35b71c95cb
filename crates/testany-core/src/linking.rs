//! Links each test of a case log to its definition in the workspace (issue 15), without
//! markers: a file and a 0-based line, or a clear reason why not. Never a guessed line.
//!
//! The order of evidence (design.md section 4):
//! 1. an explicit override: a per-test site, or files a marker or `[cases]` entry gives
//!    the whole case ([`Override`]);
//! 2. the case's `trigger_path` / the paths in its `trigger_command` ([`CaseSource`]):
//!    which files or folder the case covers, and where the case's ZIP root lies in the
//!    workspace (`tests/e2e/login.spec.ts` found at `web/tests/e2e/login.spec.ts` puts
//!    the root at `web/`, so a printed `tests/x.spec.ts` is `web/tests/x.spec.ts`);
//! 3. what the log prints for the test: a path (pytest node ids, Playwright and Jest
//!    files), a JUnit class (`com.acme.FooTest` → `com/acme/FooTest.java` or `.kt`), a
//!    unittest module, a Newman collection and request, a Go test name;
//! 4. the definition in that file by the [`crate::testdefs`] scan of the test's name and
//!    enclosing suites.
//!
//! Paths resolve with the longest matching path-component suffix, as failure locations
//! do ([`crate::locations`]), but a tie is not broken by taste: the files are read and
//! when exactly one defines the test it wins; otherwise the test is
//! [`Link::Ambiguous`]. Each file is read (through the caller's closure: the core does
//! no I/O) and scanned at most once per call.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::frameworks::{Framework, TestResult};
use crate::testdefs::{self, DefKind, Language, Scan, ScanError, TestDef};

/// At most this many files are read to search for tests whose log names no file (Go,
/// Mocha, JUnit without a package) when the case does not narrow the search.
pub const MAX_SEARCH_FILES: usize = 2_000;
/// At most this many candidates are listed for an ambiguous test.
pub const MAX_CANDIDATES: usize = 20;

/// What the case says about where its tests live.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseSource<'a> {
    /// `case_meta.trigger_method.executor`: `pyres`, `python`, `maven`, `gradle`,
    /// `postman`, `playwright`. Linking reads each result's framework instead; kept
    /// here so one value describes the case (run_locally needs it).
    pub executor: Option<&'a str>,
    /// A spec file, a collection, `./` or a test class path, relative to the case's ZIP.
    pub trigger_path: Option<&'a str>,
    /// Python cases: `["python", "-m", "pytest", "tests/", "-v"]`.
    pub trigger_command: &'a [String],
    /// Explicit overrides from markers and `[cases]`.
    pub overrides: &'a [Override<'a>],
}

/// An explicit link: the whole case (`test: None`, a `[cases]` entry or a marker: its
/// tests are searched in `file` first) or one test by id (`line` then wins outright).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override<'a> {
    pub test: Option<&'a str>,
    /// Workspace-relative.
    pub file: &'a str,
    /// 0-based.
    pub line: Option<u32>,
}

/// The workspace's files (relative paths with `/`), indexed once for many lookups.
#[derive(Debug)]
pub struct Workspace<'a> {
    files: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
    /// File name → files.
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Folder name → folder paths (no trailing `/`).
    dirs: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Workspace<'a> {
    pub fn new(files: &[&'a str]) -> Self {
        let mut ws = Workspace {
            files: Vec::with_capacity(files.len()),
            index: HashMap::with_capacity(files.len()),
            by_name: HashMap::new(),
            dirs: HashMap::new(),
        };
        let mut seen_dirs: HashSet<&'a str> = HashSet::new();
        for &f in files {
            let f = f.strip_prefix("./").unwrap_or(f);
            if f.is_empty() || ws.index.contains_key(f) {
                continue;
            }
            let i = ws.files.len();
            ws.files.push(f);
            ws.index.insert(f, i);
            let name = f.rsplit('/').next().unwrap_or(f);
            ws.by_name.entry(name).or_default().push(i);
            for (p, _) in f.match_indices('/') {
                let dir = f.get(..p).unwrap_or("");
                if !dir.is_empty() && seen_dirs.insert(dir) {
                    let last = dir.rsplit('/').next().unwrap_or(dir);
                    ws.dirs.entry(last).or_default().push(dir);
                }
            }
        }
        ws
    }

    pub fn files(&self) -> &[&'a str] {
        &self.files
    }

    /// Files whose path ends with the most components of `path`; several on a tie.
    fn suffix_files(&self, path: &str) -> (usize, Vec<usize>) {
        let Some(name) = comps(path).next_back() else {
            return (0, Vec::new());
        };
        let Some(list) = self.by_name.get(name) else {
            return (0, Vec::new());
        };
        best_by(list.iter().copied(), |&i| {
            matched(self.files.get(i).copied().unwrap_or(""), path)
        })
    }

    /// Folders whose path ends with the most components of `path`.
    fn suffix_dirs(&self, path: &str) -> (usize, Vec<&'a str>) {
        let Some(name) = comps(path).next_back() else {
            return (0, Vec::new());
        };
        let Some(list) = self.dirs.get(name) else {
            return (0, Vec::new());
        };
        best_by(list.iter().copied(), |d| matched(d, path))
    }
}

fn best_by<T>(items: impl Iterator<Item = T>, score: impl Fn(&T) -> usize) -> (usize, Vec<T>) {
    let mut best = 0;
    let mut out = Vec::new();
    for it in items {
        let m = score(&it);
        if m == 0 || m < best {
            continue;
        }
        if m > best {
            best = m;
            out.clear();
        }
        out.push(it);
    }
    (best, out)
}

/// Path components, without empty ones and `.`/`..` (printed paths can be relative to
/// another folder: `../tests/a.py`).
fn comps(p: &str) -> impl DoubleEndedIterator<Item = &str> {
    p.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
}

/// How many trailing components `a` and `b` share.
fn matched(a: &str, b: &str) -> usize {
    comps(a)
        .rev()
        .zip(comps(b).rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// A definition site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub file: String,
    /// 0-based; `None` when the file is a candidate but no definition was found in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// Which evidence gave the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A per-test override.
    Override,
    /// The test's own definition, found by the scan.
    Definition,
    /// The enclosing definition: a table-driven Go subtest's test function, a Postman
    /// request whose `pm.test` title is computed.
    Parent,
    /// The only test of that name in the file (the log's suites did not match the
    /// file's, e.g. a class printed by its display name).
    NameInFile,
    /// The line the log printed (Playwright `file:line`), the scan confirming no title.
    PrintedLine,
    /// The file itself (line 0): the result is about the whole file, such as a pytest
    /// collection error, whose id is the file.
    File,
}

/// Why a test has no site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Unlinked {
    /// The printed path matches no workspace file.
    FileNotInWorkspace { path: String },
    /// The log names no file and no file of the case defines the test.
    NotFound,
    /// The file could not be read.
    Unreadable { file: String },
    /// The file was read but cannot be scanned (a collection that is not JSON).
    InvalidFile { file: String, error: ScanError },
    /// No scanner reads this framework's files and the log printed no line.
    NoScanner { framework: Framework },
    /// The log names no file and the workspace has too many candidates to search.
    TooManyFiles { files: usize },
}

impl fmt::Display for Unlinked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlinked::FileNotInWorkspace { path } => write!(
                f,
                "{path} is not in the workspace (renamed or deleted since the run?)"
            ),
            Unlinked::NotFound => write!(
                f,
                "no file of the case defines this test: add a `testany:` marker or a [cases] entry"
            ),
            Unlinked::Unreadable { file } => write!(f, "{file} could not be read"),
            Unlinked::InvalidFile { file, error } => write!(f, "{file}: {error}"),
            Unlinked::NoScanner { framework } => write!(
                f,
                "{} test definitions are not scanned and the log printed no line",
                serde_json::to_value(framework)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            Unlinked::TooManyFiles { files } => write!(
                f,
                "the log names no file and {files} files could define this test: set the case's trigger_path or a [cases] entry"
            ),
        }
    }
}

/// Where one test is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "link", rename_all = "snake_case")]
pub enum Link {
    Linked {
        file: String,
        /// 0-based.
        line: u32,
        via: Via,
    },
    /// Several sites fit equally; none is chosen.
    Ambiguous {
        candidates: Vec<Site>,
    },
    /// The file is there but no longer defines the test (renamed or removed since the
    /// run): the result is stale for this file.
    Stale {
        file: String,
    },
    Unlinked(Unlinked),
}

impl Link {
    /// The site of a linked test.
    pub fn site(&self) -> Option<(&str, u32)> {
        match self {
            Link::Linked { file, line, .. } => Some((file, *line)),
            _ => None,
        }
    }
}

/// A problem with the case as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CaseProblem {
    /// A trigger path (or a path in the trigger command) matches no workspace file or
    /// folder.
    TriggerNotInWorkspace { path: String },
    /// A trigger path matches several files or folders equally.
    TriggerAmbiguous {
        path: String,
        candidates: Vec<String>,
    },
}

impl fmt::Display for CaseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseProblem::TriggerNotInWorkspace { path } => write!(
                f,
                "the case's trigger path {path} is not in the workspace: open the folder holding the case's project or add a [cases] entry"
            ),
            CaseProblem::TriggerAmbiguous { path, candidates } => write!(
                f,
                "the case's trigger path {path} matches {}: add a [cases] entry to choose",
                candidates.join(", ")
            ),
        }
    }
}

/// The links of one case's tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLinks {
    /// One per test given, in the same order.
    pub links: Vec<Link>,
    /// The workspace files and folders the case covers (overrides, then trigger paths).
    pub scope: Vec<String>,
    /// The workspace file the case's lens goes on when it has no marker: its trigger
    /// file, when the trigger is a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_file: Option<String>,
    /// The workspace folder holding the case's project (its ZIP root: `""` for the
    /// workspace root), when its trigger path places it unambiguously. Printed paths and
    /// "Run locally" commands are relative to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<CaseProblem>,
}

/// Links `tests` (one case's, from its log) to their definitions. `read` gives a
/// workspace file's text (`None`: unreadable); it is called at most once per file.
pub fn link_case(
    case: &CaseSource<'_>,
    tests: &[TestResult],
    ws: &Workspace<'_>,
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> CaseLinks {
    let mut l = Linker::new(case, ws, read);
    let links = tests.iter().map(|t| l.link(t)).collect();
    CaseLinks {
        links,
        scope: l.scope_paths(),
        trigger_file: l.trigger_file.map(|i| ws.file(i).to_owned()),
        root: match l.roots.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        },
        problems: l.problems,
    }
}

/// The workspace files that paths printed in the case's log name (failure frames, for
/// diagnostics at failing lines), by the rules tests are linked with: under the case's
/// root exactly, else the longest suffix narrowed to the case's scope. One list per
/// path: empty when none matches, several on a tie (the caller must not pick one).
pub fn resolve_paths(
    case: &CaseSource<'_>,
    ws: &Workspace<'_>,
    paths: &[&str],
) -> Vec<Vec<String>> {
    let mut no_read = |_: &str| None;
    let mut l = Linker::new(case, ws, &mut no_read);
    paths
        .iter()
        .map(|p| {
            l.resolve(p)
                .into_iter()
                .map(|i| ws.file(i).to_owned())
                .collect()
        })
        .collect()
}

impl Workspace<'_> {
    fn file(&self, i: usize) -> &str {
        self.files.get(i).copied().unwrap_or("")
    }
}

#[derive(Debug, Clone)]
enum Scope<'a> {
    File(usize),
    Dir(&'a str),
}

/// A file's definitions, indexed by name and alias.
struct FileDefs {
    scan: Scan,
    by_name: HashMap<String, Vec<usize>>,
    lines: u32,
}

/// The test's identity as the linker needs it.
struct Target {
    framework: Framework,
    /// Paths to try, best first (JUnit: `.java` then `.kt`; unittest: module prefixes).
    paths: Vec<String>,
    /// Search files of this kind in the scope when no path is printed or found.
    search: Option<Search>,
    matcher: Matcher,
    /// 1-based line printed by the log.
    printed_line: Option<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Search {
    Go,
    Js,
    Jvm,
    Collection,
}

enum Matcher {
    /// Enclosing suites then the test's name; `parent` allows linking to the enclosing
    /// definition (Go table-driven subtests).
    Chain { chain: Vec<String>, parent: bool },
    /// Newman: the id `collection / folders / request / test` ends with the definition's
    /// path and name; `name` is the assertion's title.
    Newman { id: String, name: String },
    /// The result is about the whole file.
    File,
    /// No scanner: only a printed file and line can link.
    None,
}

struct Linker<'c, 'w, 'r> {
    ws: &'c Workspace<'w>,
    read: &'r mut dyn FnMut(&str) -> Option<String>,
    overrides: &'c [Override<'c>],
    /// Override scope, then trigger scope.
    tiers: Vec<Vec<Scope<'w>>>,
    /// Where the case's ZIP root lies in the workspace (`""`: the workspace root).
    roots: Vec<String>,
    trigger_file: Option<usize>,
    problems: Vec<CaseProblem>,
    scans: HashMap<usize, Option<FileDefs>>,
    resolved: HashMap<String, Vec<usize>>,
    /// Per search kind: the files searched and, by name, their definitions.
    searches: HashMap<u8, SearchIndex>,
}

#[derive(Default)]
struct SearchIndex {
    files: Vec<usize>,
    by_name: HashMap<String, Vec<(usize, usize)>>,
}

impl<'c, 'w, 'r> Linker<'c, 'w, 'r> {
    fn new(
        case: &CaseSource<'c>,
        ws: &'c Workspace<'w>,
        read: &'r mut dyn FnMut(&str) -> Option<String>,
    ) -> Self {
        let mut l = Linker {
            ws,
            read,
            overrides: case.overrides,
            tiers: Vec::new(),
            roots: Vec::new(),
            trigger_file: None,
            problems: Vec::new(),
            scans: HashMap::new(),
            resolved: HashMap::new(),
            searches: HashMap::new(),
        };
        let mut over = Vec::new();
        for o in case.overrides.iter().filter(|o| o.test.is_none()) {
            let f = o.file.strip_prefix("./").unwrap_or(o.file);
            if let Some(&i) = ws.index.get(f) {
                over.push(Scope::File(i));
            } else if let Some(d) = ws.dirs.values().flatten().find(|d| **d == f) {
                over.push(Scope::Dir(d));
            }
        }
        if !over.is_empty() {
            l.tiers.push(over);
        }
        let mut trig = Vec::new();
        for p in trigger_paths(case, ws) {
            l.trigger_scope(&p, &mut trig);
        }
        if !trig.is_empty() {
            l.tiers.push(trig);
        }
        l.roots.sort();
        l.roots.dedup();
        l
    }

    /// Resolves one trigger path into the scope, noting the case root it implies.
    fn trigger_scope(&mut self, path: &str, out: &mut Vec<Scope<'w>>) {
        let want = comps(path).count();
        if want == 0 {
            // `./`: the whole project; its root is unknown.
            return;
        }
        let (m, files) = self.ws.suffix_files(path);
        if m == want && files.len() == 1 {
            if let Some(&i) = files.first() {
                let file: &'w str = self.ws.files.get(i).copied().unwrap_or("");
                let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
                if is_build_file(name) {
                    // `pom.xml`, `playwright.config.ts`: the project is its folder.
                    if !dir.is_empty() {
                        out.push(Scope::Dir(dir));
                    }
                } else {
                    out.push(Scope::File(i));
                    self.trigger_file.get_or_insert(i);
                }
                self.roots.push(strip_tail(file, want));
            }
            return;
        }
        let (md, dirs) = self.ws.suffix_dirs(path);
        if md == want && dirs.len() == 1 && files.is_empty() {
            if let Some(&d) = dirs.first() {
                out.push(Scope::Dir(d));
                self.roots.push(strip_tail(d, want));
            }
            return;
        }
        let mut candidates: Vec<String> = Vec::new();
        if m == want {
            candidates.extend(files.iter().map(|&i| self.ws.file(i).to_owned()));
        }
        if md == want {
            candidates.extend(dirs.iter().map(|d| format!("{d}/")));
        }
        if candidates.is_empty() {
            self.problems.push(CaseProblem::TriggerNotInWorkspace {
                path: path.to_owned(),
            });
            return;
        }
        // Every candidate is in scope: the tests themselves may tell them apart.
        if m == want {
            for &i in &files {
                out.push(Scope::File(i));
                self.roots.push(strip_tail(self.ws.file(i), want));
            }
        }
        if md == want {
            for &d in &dirs {
                out.push(Scope::Dir(d));
                self.roots.push(strip_tail(d, want));
            }
        }
        candidates.truncate(MAX_CANDIDATES);
        self.problems.push(CaseProblem::TriggerAmbiguous {
            path: path.to_owned(),
            candidates,
        });
    }

    fn scope_paths(&self) -> Vec<String> {
        self.tiers
            .iter()
            .flatten()
            .map(|s| match s {
                Scope::File(i) => self.ws.file(*i).to_owned(),
                Scope::Dir(d) => format!("{d}/"),
            })
            .collect()
    }

    /// The tier (0 = overrides) whose scope holds file `i`, if any.
    fn tier_of(&self, i: usize) -> Option<usize> {
        let f = self.ws.file(i);
        self.tiers.iter().position(|tier| {
            tier.iter().any(|s| match s {
                Scope::File(j) => *j == i,
                Scope::Dir(d) => f.strip_prefix(d).is_some_and(|r| r.starts_with('/')),
            })
        })
    }

    fn link(&mut self, t: &TestResult) -> Link {
        if let Some(o) = self
            .overrides
            .iter()
            .find(|o| o.test == Some(t.id.as_str()))
        {
            let file = o.file.strip_prefix("./").unwrap_or(o.file);
            if let Some(line) = o.line {
                return Link::Linked {
                    file: file.to_owned(),
                    line,
                    via: Via::Override,
                };
            }
            if let Some(&i) = self.ws.index.get(file) {
                let target = target(t);
                return self.in_files(&[i], &target, t.framework);
            }
        }
        let target = target(t);
        // Files named by the log, resolved in the case's scope.
        let mut not_found = None;
        for p in &target.paths {
            let files = self.resolve(p);
            if files.is_empty() {
                not_found.get_or_insert_with(|| p.clone());
                continue;
            }
            return self.in_files(&files, &target, t.framework);
        }
        if let Some(kind) = target.search {
            return self.search(kind, &target);
        }
        match (not_found, &target.matcher) {
            (Some(path), _) => Link::Unlinked(Unlinked::FileNotInWorkspace { path }),
            (None, Matcher::None) => Link::Unlinked(Unlinked::NoScanner {
                framework: t.framework,
            }),
            (None, _) => Link::Unlinked(Unlinked::NotFound),
        }
    }

    /// Workspace files for a printed path: under a case root exactly, else by the
    /// longest suffix, narrowed to the best scope tier that holds any.
    fn resolve(&mut self, path: &str) -> Vec<usize> {
        if let Some(files) = self.resolved.get(path) {
            return files.clone();
        }
        let rel = path.strip_prefix("./").unwrap_or(path);
        let mut exact: Vec<usize> = Vec::new();
        if !rel.starts_with('/') && !rel.contains('\\') {
            for root in &self.roots {
                let joined = if root.is_empty() {
                    rel.to_owned()
                } else {
                    format!("{root}/{rel}")
                };
                if let Some(&i) = self.ws.index.get(joined.as_str()) {
                    exact.push(i);
                }
            }
            if exact.is_empty()
                && let Some(&i) = self.ws.index.get(rel)
            {
                exact.push(i);
            }
        }
        let files = if exact.is_empty() {
            let (_, mut files) = self.ws.suffix_files(path);
            if let Some(best) = files.iter().filter_map(|&i| self.tier_of(i)).min() {
                files.retain(|&i| self.tier_of(i) == Some(best));
            }
            files
        } else {
            exact
        };
        self.resolved.insert(path.to_owned(), files.clone());
        files
    }

    fn defs(&mut self, i: usize) -> Option<&FileDefs> {
        if !self.scans.contains_key(&i) {
            let file = self.ws.file(i);
            let scanned = Language::from_path(file).and_then(|lang| {
                let text = (self.read)(file)?;
                let scan = testdefs::scan(lang, &text);
                let lines = line_count(&text);
                let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
                for (k, d) in scan.defs.iter().enumerate() {
                    by_name.entry(d.name.clone()).or_default().push(k);
                    if let Some(a) = &d.alias {
                        by_name.entry(a.clone()).or_default().push(k);
                    }
                }
                Some(FileDefs {
                    scan,
                    by_name,
                    lines,
                })
            });
            self.scans.insert(i, scanned);
        }
        self.scans.get(&i).and_then(Option::as_ref)
    }

    /// The definition of `target` in one of `files` (those the path resolved to).
    fn in_files(&mut self, files: &[usize], target: &Target, framework: Framework) -> Link {
        let mut found: Vec<(usize, u32, Via)> = Vec::new();
        let mut stale: Vec<usize> = Vec::new();
        let mut unreadable = None;
        let mut invalid = None;
        for &i in files {
            let Some(fd) = self.defs(i) else {
                if Language::from_path(self.ws.file(i)).is_none() {
                    // No scanner: a printed line is all there is.
                    if let Some(l) = target.printed_line.and_then(|l| l.checked_sub(1)) {
                        found.push((i, l, Via::PrintedLine));
                    } else {
                        return Link::Unlinked(Unlinked::NoScanner { framework });
                    }
                } else {
                    unreadable.get_or_insert(i);
                }
                continue;
            };
            if let Some(e) = &fd.scan.error {
                invalid.get_or_insert((i, e.clone()));
                continue;
            }
            let sites = find(fd, target);
            if sites.is_empty() {
                stale.push(i);
            }
            found.extend(sites.into_iter().map(|(l, via)| (i, l, via)));
        }
        // The best evidence only: a definition beats a name-only or parent match.
        if let Some(best) = found.iter().map(|f| rank(f.2)).min() {
            found.retain(|f| rank(f.2) == best);
        }
        match found.as_slice() {
            [(i, line, via)] => Link::Linked {
                file: self.ws.file(*i).to_owned(),
                line: *line,
                via: *via,
            },
            [] => {
                if let Some((i, error)) = invalid {
                    return Link::Unlinked(Unlinked::InvalidFile {
                        file: self.ws.file(i).to_owned(),
                        error,
                    });
                }
                match (stale.as_slice(), unreadable) {
                    ([i], _) => Link::Stale {
                        file: self.ws.file(*i).to_owned(),
                    },
                    ([], Some(i)) => Link::Unlinked(Unlinked::Unreadable {
                        file: self.ws.file(i).to_owned(),
                    }),
                    (many, _) => Link::Ambiguous {
                        candidates: many
                            .iter()
                            .take(MAX_CANDIDATES)
                            .map(|&i| Site {
                                file: self.ws.file(i).to_owned(),
                                line: None,
                            })
                            .collect(),
                    },
                }
            }
            many => Link::Ambiguous {
                candidates: many
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|&(i, line, _)| Site {
                        file: self.ws.file(i).to_owned(),
                        line: Some(line),
                    })
                    .collect(),
            },
        }
    }

    /// Searches the case's files of one kind for a test whose log names no file.
    fn search(&mut self, kind: Search, target: &Target) -> Link {
        let key = kind as u8;
        if !self.searches.contains_key(&key) {
            let files = self.search_files(kind);
            let mut index = SearchIndex {
                files: files.clone(),
                by_name: HashMap::new(),
            };
            if files.len() <= MAX_SEARCH_FILES {
                for i in files {
                    let Some(fd) = self.defs(i) else { continue };
                    for (name, ks) in &fd.by_name {
                        let e = index.by_name.entry(name.clone()).or_default();
                        e.extend(ks.iter().map(|&k| (i, k)));
                    }
                }
            }
            self.searches.insert(key, index);
        }
        let Some(index) = self.searches.get(&key) else {
            return Link::Unlinked(Unlinked::NotFound);
        };
        if index.files.len() > MAX_SEARCH_FILES {
            return Link::Unlinked(Unlinked::TooManyFiles {
                files: index.files.len(),
            });
        }
        let mut files: Vec<usize> = Vec::new();
        if let Matcher::Newman { .. } = target.matcher {
            // A collection's request is found by its path, not by the test's title
            // (which may be computed): every collection of the case is looked at.
            files.clone_from(&index.files);
        }
        for name in target.matcher.names() {
            if let Some(list) = index.by_name.get(name.as_str()) {
                files.extend(list.iter().map(|&(i, _)| i));
            }
        }
        files.sort_unstable();
        files.dedup();
        if files.is_empty() {
            return Link::Unlinked(Unlinked::NotFound);
        }
        let link = self.in_files(&files, target, target.framework);
        match link {
            // Files holding the name but not the test: not found rather than stale.
            Link::Stale { .. } => Link::Unlinked(Unlinked::NotFound),
            Link::Ambiguous { candidates } if candidates.iter().all(|c| c.line.is_none()) => {
                Link::Unlinked(Unlinked::NotFound)
            }
            other => other,
        }
    }

    /// The files a search looks at: in the best scope tier with any, else the workspace.
    fn search_files(&self, kind: Search) -> Vec<usize> {
        let fits = |f: &str| match kind {
            Search::Go => f.ends_with("_test.go"),
            Search::Js => Language::from_path(f) == Some(Language::JavaScript),
            Search::Jvm => f.ends_with(".java") || f.ends_with(".kt"),
            Search::Collection => f.ends_with(".json"),
        };
        for tier in &self.tiers {
            let mut out: Vec<usize> = Vec::new();
            for s in tier {
                match s {
                    Scope::File(i) => out.push(*i),
                    Scope::Dir(d) => out.extend(
                        self.ws
                            .files
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| f.strip_prefix(*d).is_some_and(|r| r.starts_with('/')))
                            .map(|(i, _)| i),
                    ),
                }
            }
            out.retain(|&i| fits(self.ws.file(i)));
            out.sort_unstable();
            out.dedup();
            if !out.is_empty() {
                return out;
            }
        }
        self.ws
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                fits(f)
                    && (kind != Search::Collection
                        || f.ends_with(".postman_collection.json")
                        || f.contains("collection"))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

impl Matcher {
    /// The names a definition may carry (for the search index).
    fn names(&self) -> Vec<String> {
        match self {
            Matcher::Chain { chain, parent } => {
                let mut v: Vec<String> = chain.last().cloned().into_iter().collect();
                if let Some(stripped) = chain.last().map(|l| strip_params(l))
                    && stripped != v.first().map(String::as_str).unwrap_or("")
                {
                    v.push(stripped.to_owned());
                }
                if *parent && let Some(p) = chain.iter().rev().nth(1) {
                    v.push(p.clone());
                }
                if *parent && let Some(first) = chain.first() {
                    v.push(first.clone());
                }
                v
            }
            Matcher::Newman { name, .. } => vec![name.clone()],
            Matcher::File | Matcher::None => Vec::new(),
        }
    }
}

fn rank(via: Via) -> u8 {
    match via {
        Via::Override => 0,
        Via::Definition => 1,
        Via::NameInFile => 2,
        Via::Parent => 3,
        Via::PrintedLine => 4,
        Via::File => 5,
    }
}

/// The sites of `target` in one file, best evidence first.
fn find(fd: &FileDefs, target: &Target) -> Vec<(u32, Via)> {
    let defs = &fd.scan.defs;
    let get = |name: &str| -> Vec<&TestDef> {
        fd.by_name
            .get(name)
            .map(|ks| ks.iter().filter_map(|&k| defs.get(k)).collect())
            .unwrap_or_default()
    };
    let printed = target.printed_line.and_then(|l| l.checked_sub(1));
    let pick = |cands: Vec<&TestDef>, via: Via| -> Vec<(u32, Via)> {
        // The printed line tells apart same-titled tests.
        if let Some(p) = printed
            && let Some(d) = cands.iter().find(|d| d.line == p)
        {
            return vec![(d.line, via)];
        }
        let mut lines: Vec<u32> = cands.iter().map(|d| d.line).collect();
        lines.dedup();
        lines.into_iter().map(|l| (l, via)).collect()
    };
    let out = match &target.matcher {
        Matcher::Chain { chain, parent } => {
            let Some(last) = chain.last() else {
                return Vec::new();
            };
            let outer = chain.get(..chain.len() - 1).unwrap_or(&[]);
            let is_test = |d: &&TestDef| d.kind != DefKind::Suite || chain.len() == 1;
            let same_chain = |d: &&TestDef| {
                d.path.len() == outer.len() && d.path.iter().zip(outer).all(|(a, b)| a == b)
            };
            let exact: Vec<&TestDef> = get(last).into_iter().filter(same_chain).collect();
            let stripped = strip_params(last);
            let exact = if exact.is_empty() && stripped != last {
                get(stripped).into_iter().filter(same_chain).collect()
            } else {
                exact
            };
            if !exact.is_empty() {
                return pick(exact, Via::Definition);
            }
            let by_name: Vec<&TestDef> = get(stripped).into_iter().filter(is_test).collect();
            if !by_name.is_empty() {
                return pick(by_name, Via::NameInFile);
            }
            if *parent && chain.len() > 1 {
                // The nearest enclosing definition that exists (table-driven subtests).
                for n in (1..chain.len()).rev() {
                    let Some(head) = chain.get(..n) else { continue };
                    let Some((name, outer)) = head.split_last() else {
                        continue;
                    };
                    let cands: Vec<&TestDef> = get(name)
                        .into_iter()
                        .filter(|d| {
                            d.path.len() == outer.len()
                                && d.path.iter().zip(outer).all(|(a, b)| a == b)
                        })
                        .collect();
                    if !cands.is_empty() {
                        return pick(cands, Via::Parent);
                    }
                }
            }
            Vec::new()
        }
        Matcher::Newman { id, name } => {
            let ends = |d: &TestDef, tail: &str| {
                let mut key = d.path.join(" / ");
                if !key.is_empty() {
                    key.push_str(" / ");
                }
                key.push_str(&d.name);
                key.push_str(tail);
                id.strip_suffix(key.as_str())
                    .is_some_and(|head| head.is_empty() || head.ends_with(" / "))
            };
            let exact: Vec<&TestDef> = get(name)
                .into_iter()
                .filter(|d| d.kind == DefKind::Assertion && ends(d, ""))
                .collect();
            if !exact.is_empty() {
                return pick(exact, Via::Definition);
            }
            // A computed title: the request that ran it.
            let tail = format!(" / {name}");
            let requests: Vec<&TestDef> = defs
                .iter()
                .filter(|d| d.kind == DefKind::Request && ends(d, &tail))
                .collect();
            pick(requests, Via::Parent)
        }
        Matcher::File => vec![(0, Via::File)],
        Matcher::None => Vec::new(),
    };
    if out.is_empty()
        && let Some(p) = printed
        && p < fd.lines
        && !matches!(target.matcher, Matcher::Newman { .. })
    {
        return vec![(p, Via::PrintedLine)];
    }
    out
}

/// `test_x[1-2]` → `test_x`, `testX(String)[1]` → `testX`, `adds two()` → `adds two`.
fn strip_params(name: &str) -> &str {
    let end = name.find(['[', '(']).unwrap_or(name.len());
    let s = name.get(..end).unwrap_or(name).trim_end();
    if s.is_empty() { name } else { s }
}

/// The test's identity per framework.
fn target(t: &TestResult) -> Target {
    let chain_of = |parts: Vec<&str>| -> Vec<String> {
        parts
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let printed_path = t.file.as_deref().filter(|f| !f.is_empty());
    match t.framework {
        Framework::Pytest => {
            let (file, rest) = match t.id.split_once("::") {
                Some((f, r)) => (Some(f), r),
                None => (None, ""),
            };
            let file = printed_path.or(file).or_else(|| {
                // A collection error's id is the file.
                t.id.ends_with(".py").then_some(t.id.as_str())
            });
            let chain = if rest.is_empty() {
                Vec::new()
            } else {
                chain_of(split_outside_brackets(rest, "::"))
            };
            Target {
                framework: t.framework,
                paths: file.map(str::to_owned).into_iter().collect(),
                search: None,
                matcher: if chain.is_empty() {
                    Matcher::File
                } else {
                    Matcher::Chain {
                        chain,
                        parent: false,
                    }
                },
                printed_line: t.line,
            }
        }
        Framework::Unittest => {
            // `pkg.mod.Class.test_x`: the longest module prefix that is a file.
            let parts: Vec<&str> = t.id.split('.').collect();
            let mut paths = Vec::new();
            if let Some(f) = printed_path {
                paths.push(f.to_owned());
            }
            // `mod.Class.test` first (the usual shape, and the path a missing file is
            // reported by), then longer and shorter module prefixes.
            let usual = parts.len().saturating_sub(2);
            let order = std::iter::once(usual)
                .chain((1..parts.len()).rev().filter(|&k| k != usual))
                .filter(|&k| k >= 1);
            for k in order {
                if let Some(m) = parts.get(..k) {
                    paths.push(format!("{}.py", m.join("/")));
                }
            }
            let chain_len = parts.len().min(2);
            let chain = chain_of(parts.get(parts.len() - chain_len..).unwrap_or(&[]).to_vec());
            Target {
                framework: t.framework,
                paths,
                search: None,
                matcher: Matcher::Chain {
                    chain,
                    parent: false,
                },
                printed_line: None,
            }
        }
        Framework::Playwright | Framework::Jest => {
            let mut parts: Vec<&str> = t.id.split(" › ").collect();
            // `[project] › file:line:col › describe › test` / `file › describe › test`.
            if parts
                .first()
                .is_some_and(|p| p.starts_with('[') && p.ends_with(']'))
            {
                parts.remove(0);
            }
            let mut file = printed_path.map(str::to_owned);
            if let Some(first) = parts.first().copied()
                && (file.is_some() || Language::from_path(strip_line_col(first)).is_some())
            {
                if file.is_none() {
                    file = Some(strip_line_col(first).to_owned());
                }
                parts.remove(0);
            }
            let chain = chain_of(parts);
            Target {
                framework: t.framework,
                search: file.is_none().then_some(Search::Js),
                paths: file.into_iter().collect(),
                matcher: Matcher::Chain {
                    chain,
                    parent: false,
                },
                printed_line: t.line,
            }
        }
        Framework::Junit => {
            let (class, method) = t.id.split_once('#').unwrap_or((t.id.as_str(), ""));
            let segs: Vec<&str> = class.split(['.', '$']).filter(|s| !s.is_empty()).collect();
            // The first capitalised segment is the top-level class; before it, the package.
            let top = segs
                .iter()
                .position(|s| s.chars().next().is_some_and(char::is_uppercase))
                .unwrap_or(segs.len().saturating_sub(1));
            let package = segs.get(..top).unwrap_or(&[]).join("/");
            let mut chain: Vec<String> = segs
                .get(top..)
                .unwrap_or(&[])
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
            if !method.is_empty() {
                chain.push(method.to_owned());
            }
            let mut paths = Vec::new();
            if let Some(f) = printed_path {
                paths.push(f.to_owned());
            }
            if let Some(top) = segs.get(top) {
                for ext in ["java", "kt"] {
                    paths.push(if package.is_empty() {
                        format!("{top}.{ext}")
                    } else {
                        format!("{package}/{top}.{ext}")
                    });
                }
            }
            Target {
                framework: t.framework,
                paths,
                search: Some(Search::Jvm),
                matcher: Matcher::Chain {
                    chain,
                    parent: false,
                },
                printed_line: None,
            }
        }
        Framework::Newman => Target {
            framework: t.framework,
            paths: printed_path.map(str::to_owned).into_iter().collect(),
            search: Some(Search::Collection),
            matcher: Matcher::Newman {
                id: t.id.clone(),
                name: t.name.clone(),
            },
            printed_line: None,
        },
        Framework::Go => {
            let mut paths: Vec<String> = printed_path.map(str::to_owned).into_iter().collect();
            // The test's own messages name its file (`sum_test.go:12:`).
            paths.extend(
                t.locations
                    .iter()
                    .filter(|l| l.path.ends_with("_test.go"))
                    .map(|l| l.path.clone())
                    .take(1),
            );
            Target {
                framework: t.framework,
                paths,
                search: Some(Search::Go),
                matcher: Matcher::Chain {
                    chain: chain_of(t.id.split('/').collect()),
                    parent: true,
                },
                printed_line: None,
            }
        }
        _ => Target {
            framework: t.framework,
            paths: printed_path.map(str::to_owned).into_iter().collect(),
            search: None,
            matcher: Matcher::None,
            printed_line: t.line,
        },
    }
}

/// `tests/a.spec.ts:10:7` → `tests/a.spec.ts`.
fn strip_line_col(s: &str) -> &str {
    let mut s = s;
    for _ in 0..2 {
        if let Some((head, tail)) = s.rsplit_once(':')
            && !tail.is_empty()
            && tail.bytes().all(|b| b.is_ascii_digit())
        {
            s = head;
        }
    }
    s
}

/// Splits at `sep` outside `[...]` (pytest parameters may hold `::`).
fn split_outside_brackets<'s>(s: &'s str, sep: &str) -> Vec<&'s str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        match b.get(i) {
            Some(b'[') => depth += 1,
            Some(b']') => depth = depth.saturating_sub(1),
            _ if depth == 0 && b.get(i..i + sep.len()) == Some(sep.as_bytes()) => {
                out.push(s.get(start..i).unwrap_or(""));
                i += sep.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// `path` without its last `n` components (the case root of a trigger path).
fn strip_tail(path: &str, n: usize) -> String {
    let parts: Vec<&str> = comps(path).collect();
    parts
        .get(..parts.len().saturating_sub(n))
        .unwrap_or(&[])
        .join("/")
}

/// The paths a case's trigger names: `trigger_path`, and the arguments of
/// `trigger_command` that look like paths (not options, not `-m`'s module, not the
/// program), with pytest's `::` selectors cut.
fn trigger_paths(case: &CaseSource<'_>, ws: &Workspace<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = case.trigger_path {
        let p = p.trim();
        if !p.is_empty() {
            out.push(class_path(p, ws).unwrap_or_else(|| p.to_owned()));
        }
    }
    let mut skip_next = true; // the program
    for arg in case.trigger_command {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if arg == "-m" || arg == "-k" || arg == "-c" || arg == "--rootdir" {
            skip_next = arg != "--rootdir";
            continue;
        }
        if arg.starts_with('-') {
            continue;
        }
        let p = arg.split("::").next().unwrap_or(arg);
        let looks_like_path = p.contains('/')
            || Language::from_path(p).is_some()
            || ws.dirs.contains_key(p)
            || ws.by_name.contains_key(p);
        if looks_like_path {
            out.push(p.to_owned());
        }
    }
    out
}

/// A Maven/Gradle trigger given as a class (`com.acme.OrderTest`): its source file
/// (`com/acme/OrderTest.java`, else `.kt`) when the workspace has one of that name.
fn class_path(p: &str, ws: &Workspace<'_>) -> Option<String> {
    if p.contains(['/', '\\']) || Language::from_path(p).is_some() {
        return None;
    }
    let segs: Vec<&str> = p.split('.').collect();
    let (last, package) = segs.split_last()?;
    if package.is_empty()
        || !last.chars().next().is_some_and(char::is_uppercase)
        || segs.iter().any(|s| s.is_empty())
    {
        return None;
    }
    ["java", "kt"].iter().find_map(|ext| {
        let name = format!("{last}.{ext}");
        ws.by_name
            .contains_key(name.as_str())
            .then(|| format!("{}/{name}", package.join("/")))
    })
}

/// Build files name their project's folder rather than tests.
fn is_build_file(name: &str) -> bool {
    matches!(
        name,
        "pom.xml"
            | "build.gradle"
            | "build.gradle.kts"
            | "settings.gradle"
            | "settings.gradle.kts"
            | "package.json"
            | "go.mod"
            | "pytest.ini"
            | "pyproject.toml"
            | "setup.cfg"
            | "tox.ini"
    ) || name.starts_with("playwright.config.")
}

fn line_count(text: &str) -> u32 {
    let b = text.as_bytes();
    let mut n: u32 = 1;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            n = n.saturating_add(1);
        }
    }
    n
}

/// Linked tests by file and line, for the lenses of one document.
#[derive(Debug, Default)]
pub struct LinkIndex {
    by_file: HashMap<String, Vec<(u32, usize)>>,
}

impl LinkIndex {
    /// Indexes the linked ones of `links` (positions in `links` are kept).
    pub fn new(links: &[Link]) -> Self {
        let mut by_file: HashMap<String, Vec<(u32, usize)>> = HashMap::new();
        for (k, l) in links.iter().enumerate() {
            if let Some((file, line)) = l.site() {
                by_file.entry(file.to_owned()).or_default().push((line, k));
            }
        }
        for v in by_file.values_mut() {
            v.sort_unstable();
        }
        LinkIndex { by_file }
    }

    /// (line, position in `links`) of the tests defined in `file`, by line.
    pub fn in_file(&self, file: &str) -> &[(u32, usize)] {
        let file = file.strip_prefix("./").unwrap_or(file);
        self.by_file.get(file).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frameworks::TestStatus;
    use crate::locations::{FailureLocation, LocationKind};

    const PY_CART: &str = "\
import pytest

def test_total():
    assert 1

@pytest.mark.parametrize('n', [1, 2])
def test_param(n):
    pass

class TestRefund:
    def test_rejected(self):
        assert False
";
    const PY_USERS: &str = "def test_login():\n    pass\n";
    const SPEC: &str = "\
import { test } from '@playwright/test';

test.describe('checkout', () => {
  test('adds an item', async () => {});
  for (const n of [1, 2]) {
    test(`pays ${n}`, async () => {});
  }
});
";
    const JAVA: &str = "\
package com.acme;

class OrderTest {
    @Test
    void createsOrder() {}

    @Nested
    class Refunds {
        @Test
        void refunds() {}
    }
}
";
    const KOTLIN: &str =
        "package com.acme\n\nclass PriceTest {\n    @Test\n    fun `adds two`() {}\n}\n";
    const GO_A: &str = "package a\n\nfunc TestSum(t *testing.T) {\n\tt.Run(\"small\", func(t *testing.T) {})\n\tfor _, tc := range cases {\n\t\tt.Run(tc.name, func(t *testing.T) {})\n\t}\n}\n";
    const GO_B: &str = "package b\n\nfunc TestSum(t *testing.T) {}\n";
    const COLLECTION: &str = r#"{
  "info": {"name": "Shop API"},
  "item": [
    {"name": "Orders", "item": [
      {"name": "Create order",
       "event": [{"listen": "test", "script": {"exec": [
         "pm.test('Status is 201', () => {});",
         "pm.test(`took ${ms} ms`, () => {});"
       ]}}]}
    ]}
  ]
}"#;

    fn files() -> Vec<(&'static str, &'static str)> {
        vec![
            ("shop/tests/test_cart.py", PY_CART),
            ("shop/tests/test_users.py", PY_USERS),
            ("legacy/tests/test_cart.py", "def test_old(): pass\n"),
            ("web/tests/e2e/checkout.spec.ts", SPEC),
            ("api/src/test/java/com/acme/OrderTest.java", JAVA),
            ("api/src/test/kotlin/com/acme/PriceTest.kt", KOTLIN),
            ("svc/a/sum_test.go", GO_A),
            ("svc/b/sum_test.go", GO_B),
            ("postman/shop.postman_collection.json", COLLECTION),
            ("postman/broken.postman_collection.json", "{\"item\": [,]}"),
            ("README.md", "# shop\n"),
        ]
    }

    /// Links `tests` in the fixture workspace; also returns how often each file was read.
    fn run(case: CaseSource<'_>, tests: &[TestResult]) -> (CaseLinks, HashMap<String, usize>) {
        let fs = files();
        let paths: Vec<&str> = fs.iter().map(|(p, _)| *p).collect();
        let ws = Workspace::new(&paths);
        let mut reads: HashMap<String, usize> = HashMap::new();
        let mut read = |p: &str| {
            *reads.entry(p.to_owned()).or_default() += 1;
            fs.iter()
                .find(|(f, _)| *f == p)
                .map(|(_, t)| (*t).to_owned())
        };
        let links = link_case(&case, tests, &ws, &mut read);
        (links, reads)
    }

    fn test(framework: Framework, id: &str, name: &str, file: Option<&str>) -> TestResult {
        let mut t = TestResult::new(framework, id, TestStatus::Passed, 0);
        t.name = name.to_owned();
        t.file = file.map(str::to_owned);
        t
    }

    fn linked(file: &str, line: u32, via: Via) -> Link {
        Link::Linked {
            file: file.to_owned(),
            line,
            via,
        }
    }

    #[test]
    fn pytest_node_ids_under_the_trigger_folder() {
        let cmd: Vec<String> = ["python", "-m", "pytest", "shop/tests/", "-v"]
            .map(String::from)
            .to_vec();
        let case = CaseSource {
            executor: Some("pyres"),
            trigger_command: &cmd,
            ..CaseSource::default()
        };
        let p = Framework::Pytest;
        let tests = [
            test(
                p,
                "tests/test_cart.py::test_total",
                "test_total",
                Some("tests/test_cart.py"),
            ),
            test(
                p,
                "tests/test_cart.py::test_param[2]",
                "test_param[2]",
                Some("tests/test_cart.py"),
            ),
            test(
                p,
                "tests/test_cart.py::TestRefund::test_rejected",
                "TestRefund.test_rejected",
                Some("tests/test_cart.py"),
            ),
            // A CI path: the longest suffix in the case's folder.
            test(
                p,
                "/builds/x/shop/tests/test_users.py::test_login",
                "test_login",
                Some("/builds/x/shop/tests/test_users.py"),
            ),
            // Renamed since the run: the file is there, the test is not.
            test(
                p,
                "tests/test_cart.py::test_gone",
                "test_gone",
                Some("tests/test_cart.py"),
            ),
            // Deleted since the run.
            test(
                p,
                "tests/test_deleted.py::test_x",
                "test_x",
                Some("tests/test_deleted.py"),
            ),
            // A collection error: the id is the file.
            test(p, "tests/test_users.py", "tests/test_users.py", None),
        ];
        let (links, reads) = run(case, &tests);
        assert_eq!(
            links.links,
            vec![
                linked("shop/tests/test_cart.py", 2, Via::Definition),
                linked("shop/tests/test_cart.py", 6, Via::Definition),
                linked("shop/tests/test_cart.py", 10, Via::Definition),
                linked("shop/tests/test_users.py", 0, Via::Definition),
                Link::Stale {
                    file: "shop/tests/test_cart.py".into()
                },
                Link::Unlinked(Unlinked::FileNotInWorkspace {
                    path: "tests/test_deleted.py".into()
                }),
                linked("shop/tests/test_users.py", 0, Via::File),
            ]
        );
        assert_eq!(links.scope, vec!["shop/tests/".to_owned()]);
        assert_eq!(links.trigger_file, None);
        assert_eq!(links.problems, vec![]);
        // Each file read once, the other `tests/test_cart.py` never.
        let mut reads: Vec<(String, usize)> = reads.into_iter().collect();
        reads.sort();
        assert_eq!(
            reads,
            vec![
                ("shop/tests/test_cart.py".into(), 1),
                ("shop/tests/test_users.py".into(), 1)
            ]
        );
    }

    #[test]
    fn failure_frames_resolve_in_the_case() {
        let fs = files();
        let paths: Vec<&str> = fs.iter().map(|(p, _)| *p).collect();
        let ws = Workspace::new(&paths);
        let cmd: Vec<String> = ["pytest", "shop/tests"].map(String::from).to_vec();
        let scoped = CaseSource {
            trigger_command: &cmd,
            ..CaseSource::default()
        };
        let frames = [
            "/builds/acme/shop/tests/test_cart.py",
            "tests/test_cart.py",
            "test_cart.py",
            "/usr/lib/python3/site-packages/requests/api.py",
        ];
        let shop = vec!["shop/tests/test_cart.py".to_owned()];
        assert_eq!(
            resolve_paths(&scoped, &ws, &frames),
            vec![shop.clone(), shop.clone(), shop.clone(), vec![]]
        );
        // Without a trigger the bare name is a tie, reported as both.
        assert_eq!(
            resolve_paths(&CaseSource::default(), &ws, &frames[2..3]),
            vec![vec![
                "shop/tests/test_cart.py".to_owned(),
                "legacy/tests/test_cart.py".to_owned()
            ]]
        );
    }

    #[test]
    fn same_file_name_in_two_folders_without_a_trigger() {
        let p = Framework::Pytest;
        let tests = [
            // Both files match `tests/test_cart.py`; only one defines the test.
            test(
                p,
                "tests/test_cart.py::test_total",
                "test_total",
                Some("tests/test_cart.py"),
            ),
            // Neither defines it: ambiguous between the files, no line.
            test(
                p,
                "tests/test_cart.py::test_none",
                "test_none",
                Some("tests/test_cart.py"),
            ),
        ];
        let (links, _) = run(CaseSource::default(), &tests);
        assert_eq!(
            links.links,
            vec![
                linked("shop/tests/test_cart.py", 2, Via::Definition),
                Link::Ambiguous {
                    candidates: vec![
                        Site {
                            file: "shop/tests/test_cart.py".into(),
                            line: None
                        },
                        Site {
                            file: "legacy/tests/test_cart.py".into(),
                            line: None
                        },
                    ]
                },
            ]
        );
    }

    #[test]
    fn playwright_file_line_and_the_case_root_of_its_trigger_path() {
        let case = CaseSource {
            executor: Some("playwright"),
            trigger_path: Some("tests/e2e/checkout.spec.ts"),
            ..CaseSource::default()
        };
        let w = Framework::Playwright;
        let mut a = test(
            w,
            "[chromium] › tests/e2e/checkout.spec.ts:4:3 › checkout › adds an item",
            "checkout › adds an item",
            Some("tests/e2e/checkout.spec.ts"),
        );
        a.line = Some(4);
        // The title moved (lines inserted above since the run): the scan wins.
        let mut moved = a.clone();
        moved.line = Some(2);
        // A computed title: the printed line, within the file.
        let mut computed = test(
            w,
            "tests/e2e/checkout.spec.ts:6:5 › checkout › pays 1",
            "checkout › pays 1",
            Some("tests/e2e/checkout.spec.ts"),
        );
        computed.line = Some(6);
        let mut past_end = computed.clone();
        past_end.line = Some(99);
        let (links, _) = run(case, &[a, moved, computed, past_end]);
        let spec = "web/tests/e2e/checkout.spec.ts";
        assert_eq!(
            links.links,
            vec![
                linked(spec, 3, Via::Definition),
                linked(spec, 3, Via::Definition),
                linked(spec, 5, Via::PrintedLine),
                Link::Stale { file: spec.into() },
            ]
        );
        assert_eq!(links.trigger_file.as_deref(), Some(spec));
        assert_eq!(links.root.as_deref(), Some("web"));
        assert_eq!(links.scope, vec![spec.to_owned()]);
    }

    #[test]
    fn junit_classes_by_package_java_and_kotlin() {
        let case = CaseSource {
            executor: Some("maven"),
            trigger_path: Some("./"),
            ..CaseSource::default()
        };
        let j = Framework::Junit;
        let tests = [
            test(j, "com.acme.OrderTest#createsOrder", "createsOrder", None),
            test(j, "com.acme.OrderTest$Refunds#refunds", "refunds", None),
            test(j, "com.acme.PriceTest#adds two()", "adds two()", None),
            // Class-level failure: the class itself.
            test(j, "com.acme.OrderTest", "OrderTest", None),
            test(j, "com.other.MissingTest#x", "x", None),
        ];
        let (links, _) = run(case, &tests);
        let java = "api/src/test/java/com/acme/OrderTest.java";
        assert_eq!(
            links.links,
            vec![
                linked(java, 4, Via::Definition),
                linked(java, 9, Via::Definition),
                linked(
                    "api/src/test/kotlin/com/acme/PriceTest.kt",
                    4,
                    Via::Definition
                ),
                linked(java, 2, Via::Definition),
                Link::Unlinked(Unlinked::NotFound),
            ]
        );
        assert_eq!(links.problems, vec![]);
        assert_eq!(links.scope, Vec::<String>::new());
    }

    #[test]
    fn junit_triggers_as_a_class_or_a_build_file() {
        let fs: Vec<(&str, &str)> = vec![
            ("api/pom.xml", "<project/>"),
            ("api/src/test/java/com/acme/OrderTest.java", JAVA),
            ("old/src/test/java/com/acme/OrderTest.java", JAVA),
        ];
        let paths: Vec<&str> = fs.iter().map(|(p, _)| *p).collect();
        let ws = Workspace::new(&paths);
        let mut read = |p: &str| {
            fs.iter()
                .find(|(f, _)| *f == p)
                .map(|(_, t)| (*t).to_owned())
        };
        let tests = [test(
            Framework::Junit,
            "com.acme.OrderTest#createsOrder",
            "createsOrder",
            None,
        )];
        let by_pom = link_case(
            &CaseSource {
                trigger_path: Some("api/pom.xml"),
                ..CaseSource::default()
            },
            &tests,
            &ws,
            &mut read,
        );
        assert_eq!(
            (by_pom.links, by_pom.scope, by_pom.trigger_file, by_pom.root),
            (
                vec![linked(
                    "api/src/test/java/com/acme/OrderTest.java",
                    4,
                    Via::Definition
                )],
                vec!["api/".to_owned()],
                None,
                Some(String::new())
            )
        );
        let by_class = link_case(
            &CaseSource {
                trigger_path: Some("com.acme.OrderTest"),
                ..CaseSource::default()
            },
            &tests,
            &ws,
            &mut read,
        );
        // Both projects hold the class: reported, and the test stays ambiguous.
        assert_eq!(
            by_class.problems,
            vec![CaseProblem::TriggerAmbiguous {
                path: "com/acme/OrderTest.java".into(),
                candidates: vec![
                    "api/src/test/java/com/acme/OrderTest.java".into(),
                    "old/src/test/java/com/acme/OrderTest.java".into()
                ]
            }]
        );
        assert_eq!(
            by_class.links,
            vec![Link::Ambiguous {
                candidates: vec![
                    Site {
                        file: "api/src/test/java/com/acme/OrderTest.java".into(),
                        line: Some(4)
                    },
                    Site {
                        file: "old/src/test/java/com/acme/OrderTest.java".into(),
                        line: Some(4)
                    },
                ]
            }]
        );
    }

    #[test]
    fn newman_requests_and_assertions_in_the_trigger_collection() {
        let case = CaseSource {
            executor: Some("postman"),
            trigger_path: Some("shop.postman_collection.json"),
            ..CaseSource::default()
        };
        let n = Framework::Newman;
        let tests = [
            test(
                n,
                "Shop API / Orders / Create order / Status is 201",
                "Status is 201",
                None,
            ),
            // A computed title: the request that ran it.
            test(
                n,
                "Shop API / Orders / Create order / took 12 ms",
                "took 12 ms",
                None,
            ),
            test(
                n,
                "Shop API / Orders / Delete order / Status is 201",
                "Status is 201",
                None,
            ),
        ];
        let (links, _) = run(case, &tests);
        let c = "postman/shop.postman_collection.json";
        assert_eq!(
            links.links,
            vec![
                linked(c, 6, Via::Definition),
                linked(c, 4, Via::Parent),
                Link::Unlinked(Unlinked::NotFound),
            ]
        );
    }

    #[test]
    fn a_collection_that_does_not_parse() {
        let case = CaseSource {
            executor: Some("postman"),
            trigger_path: Some("broken.postman_collection.json"),
            ..CaseSource::default()
        };
        let t = test(Framework::Newman, "Shop / R / ok", "ok", None);
        let (links, _) = run(case, &[t]);
        let link = links.links.first().cloned();
        assert_eq!(
            link,
            Some(Link::Unlinked(Unlinked::InvalidFile {
                file: "postman/broken.postman_collection.json".into(),
                error: ScanError::InvalidJson {
                    line: 1,
                    what: "unexpected `,`".into()
                }
            }))
        );
        let Some(Link::Unlinked(u)) = link else {
            return;
        };
        assert_eq!(
            u.to_string(),
            "postman/broken.postman_collection.json: the collection is not valid JSON (unexpected `,` at line 1): fix the file or export it again from Postman"
        );
    }

    #[test]
    fn go_tests_by_name_with_subtests_and_two_packages() {
        let g = Framework::Go;
        let mut located = test(g, "TestSum", "TestSum", None);
        located.locations.push(FailureLocation {
            path: "/home/ci/svc/b/sum_test.go".into(),
            line: 3,
            column: None,
            message: None,
            log_line: None,
            kind: LocationKind::Go,
        });
        let tests = [
            test(g, "TestSum/small", "small", None),
            test(g, "TestSum/case_from_a_table", "case_from_a_table", None),
            // Two packages define TestSum: ambiguous without a hint.
            test(g, "TestSum", "TestSum", None),
            // The test's own message names its file.
            located,
        ];
        let (links, _) = run(CaseSource::default(), &tests);
        assert_eq!(
            links.links,
            vec![
                linked("svc/a/sum_test.go", 3, Via::Definition),
                // A table-driven subtest of TestSum: both packages have one.
                Link::Ambiguous {
                    candidates: vec![
                        Site {
                            file: "svc/a/sum_test.go".into(),
                            line: Some(2)
                        },
                        Site {
                            file: "svc/b/sum_test.go".into(),
                            line: Some(2)
                        },
                    ]
                },
                Link::Ambiguous {
                    candidates: vec![
                        Site {
                            file: "svc/a/sum_test.go".into(),
                            line: Some(2)
                        },
                        Site {
                            file: "svc/b/sum_test.go".into(),
                            line: Some(2)
                        },
                    ]
                },
                linked("svc/b/sum_test.go", 2, Via::Definition),
            ]
        );
    }

    #[test]
    fn go_tests_in_the_trigger_folder() {
        let case = CaseSource {
            trigger_path: Some("svc/a"),
            ..CaseSource::default()
        };
        let g = Framework::Go;
        let tests = [
            test(g, "TestSum/case_from_a_table", "case_from_a_table", None),
            test(g, "TestSum", "TestSum", None),
        ];
        let (links, reads) = run(case, &tests);
        assert_eq!(
            links.links,
            vec![
                linked("svc/a/sum_test.go", 2, Via::Parent),
                linked("svc/a/sum_test.go", 2, Via::Definition),
            ]
        );
        assert_eq!(links.scope, vec!["svc/a/".to_owned()]);
        assert_eq!(reads.len(), 1);
    }

    #[test]
    fn a_trigger_path_not_in_the_workspace_still_links_printed_paths() {
        let case = CaseSource {
            executor: Some("playwright"),
            trigger_path: Some("e2e/missing.spec.ts"),
            ..CaseSource::default()
        };
        let mut t = test(
            Framework::Playwright,
            "tests/e2e/checkout.spec.ts:4:3 › checkout › adds an item",
            "checkout › adds an item",
            Some("tests/e2e/checkout.spec.ts"),
        );
        t.line = Some(4);
        let (links, _) = run(case, &[t]);
        assert_eq!(
            links.links,
            vec![linked("web/tests/e2e/checkout.spec.ts", 3, Via::Definition)]
        );
        assert_eq!(
            links.problems,
            vec![CaseProblem::TriggerNotInWorkspace {
                path: "e2e/missing.spec.ts".into()
            }]
        );
        assert_eq!(
            links.problems.first().map(ToString::to_string).as_deref(),
            Some(
                "the case's trigger path e2e/missing.spec.ts is not in the workspace: open the folder holding the case's project or add a [cases] entry"
            )
        );
    }

    #[test]
    fn an_ambiguous_trigger_is_reported_and_the_tests_decide() {
        let case = CaseSource {
            trigger_path: Some("tests/test_cart.py"),
            ..CaseSource::default()
        };
        let p = Framework::Pytest;
        let t = test(
            p,
            "tests/test_cart.py::test_old",
            "test_old",
            Some("tests/test_cart.py"),
        );
        let (links, _) = run(case, &[t]);
        assert_eq!(
            links.links,
            vec![linked("legacy/tests/test_cart.py", 0, Via::Definition)]
        );
        assert_eq!(
            links.problems,
            vec![CaseProblem::TriggerAmbiguous {
                path: "tests/test_cart.py".into(),
                candidates: vec![
                    "shop/tests/test_cart.py".into(),
                    "legacy/tests/test_cart.py".into()
                ]
            }]
        );
    }

    #[test]
    fn overrides_come_first() {
        let overrides = [
            Override {
                test: Some("tests/test_cart.py::test_total"),
                file: "shop/tests/test_users.py",
                line: Some(1),
            },
            Override {
                test: None,
                file: "legacy/tests/test_cart.py",
                line: None,
            },
        ];
        let case = CaseSource {
            overrides: &overrides,
            ..CaseSource::default()
        };
        let p = Framework::Pytest;
        let tests = [
            test(
                p,
                "tests/test_cart.py::test_total",
                "test_total",
                Some("tests/test_cart.py"),
            ),
            // The case-level override picks legacy/ among the two `tests/test_cart.py`.
            test(
                p,
                "tests/test_cart.py::test_param[1]",
                "test_param[1]",
                Some("tests/test_cart.py"),
            ),
        ];
        let (links, _) = run(case, &tests);
        assert_eq!(
            links.links,
            vec![
                linked("shop/tests/test_users.py", 1, Via::Override),
                Link::Stale {
                    file: "legacy/tests/test_cart.py".into()
                },
            ]
        );
        assert_eq!(links.scope, vec!["legacy/tests/test_cart.py".to_owned()]);
    }

    #[test]
    fn unittest_modules_kotlin_files_named_otherwise_and_names_alone() {
        let fs: Vec<(&str, &str)> = vec![
            (
                "proj/tests/test_x.py",
                "import unittest\n\nclass T(unittest.TestCase):\n    def test_one(self):\n        pass\n",
            ),
            (
                "proj/src/test/kotlin/com/acme/Specs.kt",
                "package com.acme\n\nclass CartSpec {\n    @Test fun totals() {}\n}\n",
            ),
            ("proj/tests/test_moved.py", "def test_moved():\n    pass\n"),
        ];
        let paths: Vec<&str> = fs.iter().map(|(p, _)| *p).collect();
        let ws = Workspace::new(&paths);
        let mut read = |p: &str| {
            fs.iter()
                .find(|(f, _)| *f == p)
                .map(|(_, t)| (*t).to_owned())
        };
        let tests = [
            test(
                Framework::Unittest,
                "tests.test_x.T.test_one",
                "test_one",
                None,
            ),
            test(
                Framework::Unittest,
                "tests.test_gone.T.test_one",
                "test_one",
                None,
            ),
            // No CartSpec.kt: the Kotlin files are searched for the class and method.
            test(Framework::Junit, "com.acme.CartSpec#totals", "totals", None),
            // The class went away, the function stayed: the only test of that name.
            test(
                Framework::Pytest,
                "tests/test_moved.py::TestOld::test_moved",
                "TestOld.test_moved",
                Some("tests/test_moved.py"),
            ),
        ];
        let links = link_case(&CaseSource::default(), &tests, &ws, &mut read);
        assert_eq!(
            links.links,
            vec![
                linked("proj/tests/test_x.py", 3, Via::Definition),
                Link::Unlinked(Unlinked::FileNotInWorkspace {
                    path: "tests/test_gone.py".into()
                }),
                linked("proj/src/test/kotlin/com/acme/Specs.kt", 3, Via::Definition),
                linked("proj/tests/test_moved.py", 0, Via::NameInFile),
            ]
        );
    }

    #[test]
    fn a_test_listed_twice_links_twice_to_the_same_line() {
        let p = Framework::Pytest;
        let t = test(
            p,
            "tests/test_users.py::test_login",
            "test_login",
            Some("tests/test_users.py"),
        );
        let (links, reads) = run(CaseSource::default(), &[t.clone(), t]);
        assert_eq!(
            links.links,
            vec![
                linked("shop/tests/test_users.py", 0, Via::Definition),
                linked("shop/tests/test_users.py", 0, Via::Definition),
            ]
        );
        assert_eq!(reads.get("shop/tests/test_users.py"), Some(&1));
    }

    #[test]
    fn ten_thousand_tests_in_one_case() {
        let mut text = String::new();
        for k in 0..10_000 {
            text.push_str(&format!("def test_{k}():\n    pass\n"));
        }
        let ws = Workspace::new(&["tests/test_big.py"]);
        let tests: Vec<TestResult> = (0..10_000)
            .map(|k| {
                test(
                    Framework::Pytest,
                    &format!("tests/test_big.py::test_{k}"),
                    &format!("test_{k}"),
                    Some("tests/test_big.py"),
                )
            })
            .collect();
        let mut reads = 0;
        let mut read = |_: &str| {
            reads += 1;
            Some(text.clone())
        };
        let links = link_case(&CaseSource::default(), &tests, &ws, &mut read);
        assert_eq!(reads, 1);
        assert_eq!(links.links.len(), 10_000);
        assert_eq!(
            links.links.get(9_999),
            Some(&linked("tests/test_big.py", 19_998, Via::Definition))
        );
        assert!(links.links.iter().all(|l| l.site().is_some()));
        let index = LinkIndex::new(&links.links);
        assert_eq!(index.in_file("./tests/test_big.py").len(), 10_000);
        assert_eq!(index.in_file("tests/test_big.py").get(1), Some(&(2, 1)));
        assert_eq!(index.in_file("other.py"), &[]);
    }

    /// The contract with the framework modules: ids and files as they report them from
    /// real log shapes link to the fixtures' definitions.
    #[test]
    fn from_logs_to_definitions() {
        let analyze = |log: &str| {
            let mut a = crate::frameworks::Analyzer::new();
            a.log(log);
            a.finish().tests
        };
        let pytest = analyze(
            "============================= test session starts ==============================
collected 3 items

tests/test_cart.py::test_total PASSED                                    [ 33%]
tests/test_cart.py::test_param[2] PASSED                                 [ 66%]
tests/test_cart.py::TestRefund::test_rejected FAILED                     [100%]

=========================== short test summary info ============================
FAILED tests/test_cart.py::TestRefund::test_rejected - assert False
========================= 1 failed, 2 passed in 0.12s ==========================
",
        );
        let playwright = analyze(
            "Running 2 tests using 1 worker

  \u{2713}  1 [chromium] \u{203a} tests/e2e/checkout.spec.ts:4:3 \u{203a} checkout \u{203a} adds an item (1.2s)
  \u{2713}  2 [chromium] \u{203a} tests/e2e/checkout.spec.ts:6:5 \u{203a} checkout \u{203a} pays 1 (1.0s)

  2 passed (3.0s)
",
        );
        let surefire = analyze(
            "[INFO] Running com.acme.OrderTest
[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in com.acme.OrderTest
[ERROR] com.acme.OrderTest.createsOrder -- Time elapsed: 0.012 s <<< FAILURE!
org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
\tat com.acme.OrderTest.createsOrder(OrderTest.java:5)
",
        );
        let newman = analyze(
            "newman

Shop API

\u{274f} Orders
\u{21b3} Create order
  POST https://shop.test/orders [201 Created, 312B, 85ms]
  \u{2713}  Status is 201
  \u{2713}  took 12 ms
",
        );
        let cmd: Vec<String> = ["python", "-m", "pytest", "shop/tests/"]
            .map(String::from)
            .to_vec();
        let cases = [
            (
                CaseSource {
                    trigger_command: &cmd,
                    ..CaseSource::default()
                },
                &pytest,
            ),
            (
                CaseSource {
                    trigger_path: Some("tests/e2e/checkout.spec.ts"),
                    ..CaseSource::default()
                },
                &playwright,
            ),
            (
                CaseSource {
                    trigger_path: Some("./"),
                    ..CaseSource::default()
                },
                &surefire,
            ),
            (
                CaseSource {
                    trigger_path: Some("shop.postman_collection.json"),
                    ..CaseSource::default()
                },
                &newman,
            ),
        ];
        let mut got: Vec<(String, Link)> = Vec::new();
        for (case, tests) in cases {
            let (links, _) = run(case, tests);
            got.extend(tests.iter().map(|t| t.id.clone()).zip(links.links));
        }
        let spec = "web/tests/e2e/checkout.spec.ts";
        let c = "postman/shop.postman_collection.json";
        let want: Vec<(String, Link)> = vec![
            ("tests/test_cart.py::test_total".into(), linked("shop/tests/test_cart.py", 2, Via::Definition)),
            ("tests/test_cart.py::test_param[2]".into(), linked("shop/tests/test_cart.py", 6, Via::Definition)),
            (
                "tests/test_cart.py::TestRefund::test_rejected".into(),
                linked("shop/tests/test_cart.py", 10, Via::Definition),
            ),
            (
                "[chromium] \u{203a} tests/e2e/checkout.spec.ts:4:3 \u{203a} checkout \u{203a} adds an item".into(),
                linked(spec, 3, Via::Definition),
            ),
            (
                "[chromium] \u{203a} tests/e2e/checkout.spec.ts:6:5 \u{203a} checkout \u{203a} pays 1".into(),
                linked(spec, 5, Via::PrintedLine),
            ),
            (
                "com.acme.OrderTest#createsOrder".into(),
                linked("api/src/test/java/com/acme/OrderTest.java", 4, Via::Definition),
            ),
            ("Shop API / Orders / Create order / Status is 201".into(), linked(c, 6, Via::Definition)),
            ("Shop API / Orders / Create order / took 12 ms".into(), linked(c, 4, Via::Parent)),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn links_serialise_as_tagged_objects() {
        let links = vec![
            linked("a.py", 3, Via::Definition),
            Link::Ambiguous {
                candidates: vec![Site {
                    file: "b.py".into(),
                    line: None,
                }],
            },
            Link::Stale {
                file: "c.py".into(),
            },
            Link::Unlinked(Unlinked::FileNotInWorkspace {
                path: "d.py".into(),
            }),
            Link::Unlinked(Unlinked::InvalidFile {
                file: "e.json".into(),
                error: ScanError::NotACollection,
            }),
        ];
        let json = serde_json::to_value(&links).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"link": "linked", "file": "a.py", "line": 3, "via": "definition"},
                {"link": "ambiguous", "candidates": [{"file": "b.py"}]},
                {"link": "stale", "file": "c.py"},
                {"link": "unlinked", "reason": "file_not_in_workspace", "path": "d.py"},
                {"link": "unlinked", "reason": "invalid_file", "file": "e.json", "error": {"kind": "not_a_collection"}},
            ])
        );
        let back: Vec<Link> = serde_json::from_value(json).unwrap();
        assert_eq!(back, links);
    }

    #[test]
    fn helpers() {
        assert_eq!(strip_params("test_x[1-2]"), "test_x");
        assert_eq!(strip_params("testX(String)[1]"), "testX");
        assert_eq!(strip_params("[weird]"), "[weird]");
        assert_eq!(strip_line_col("tests/a.spec.ts:10:7"), "tests/a.spec.ts");
        assert_eq!(strip_line_col("C:\\a.spec.ts"), "C:\\a.spec.ts");
        assert_eq!(
            split_outside_brackets("TestC::test_x[a::b]", "::"),
            vec!["TestC", "test_x[a::b]"]
        );
        assert_eq!(strip_tail("web/tests/e2e/x.ts", 3), "web");
        assert_eq!(matched("/builds/x/shop/tests/a.py", "shop/tests/a.py"), 3);
        assert_eq!(matched("C:\\ci\\tests\\a.py", "tests/a.py"), 2);
        assert_eq!(line_count("a\r\nb\rc\n"), 4);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const FRAMEWORKS: &[Framework] = &[
            Framework::Pytest,
            Framework::Unittest,
            Framework::Junit,
            Framework::Playwright,
            Framework::Jest,
            Framework::Newman,
            Framework::Go,
            Framework::Rust,
        ];

        /// Pieces of real ids, paths and triggers, so random tests reach every rule.
        const PIECES: &[&str] = &[
            "tests/",
            "test_cart.py",
            "::",
            "TestRefund",
            "test_total",
            "test_param",
            "[1]",
            " \u{203a} ",
            "checkout",
            "adds an item",
            "[chromium]",
            "tests/e2e/checkout.spec.ts",
            ":4:3",
            "#",
            "com.acme.",
            "OrderTest",
            "$Refunds",
            "refunds",
            "/",
            "TestSum",
            "small",
            " / ",
            "Shop API",
            "Orders",
            "Create order",
            "Status is 201",
            "shop/",
            "svc/a",
            ".postman_collection.json",
            "shop",
            "..",
            "./",
            "\\",
            "é",
            "(",
            ")",
        ];

        fn pieces(max: usize) -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn pieced_tests_in_the_fixture_workspace_link_inside_their_files(
                tests in prop::collection::vec(
                    (0..8usize, pieces(8), pieces(3), prop::option::of(pieces(4)), prop::option::of(0u32..20)),
                    0..16,
                ),
                trigger in prop::option::of(pieces(4)),
                command in prop::collection::vec(pieces(3), 0..4),
                overrides in prop::collection::vec((prop::option::of(pieces(6)), pieces(4), prop::option::of(0u32..5)), 0..3),
            ) {
                let tests: Vec<TestResult> = tests
                    .into_iter()
                    .map(|(f, id, name, file, line)| {
                        let mut t = test(FRAMEWORKS.get(f).copied().unwrap_or(Framework::Go), &id, &name, file.as_deref());
                        t.line = line;
                        t
                    })
                    .collect();
                let overrides: Vec<Override<'_>> = overrides
                    .iter()
                    .map(|(t, f, l)| Override { test: t.as_deref(), file: f, line: *l })
                    .collect();
                let case = CaseSource {
                    executor: None,
                    trigger_path: trigger.as_deref(),
                    trigger_command: &command,
                    overrides: &overrides,
                };
                let (links, reads) = run(case, &tests);
                prop_assert_eq!(links.links.len(), tests.len());
                prop_assert!(reads.values().all(|&n| n == 1), "a file read twice: {reads:?}");
                let fs = files();
                for (l, t) in links.links.iter().zip(&tests) {
                    let Some((file, line)) = l.site() else { continue };
                    if matches!(l, Link::Linked { via: Via::Override, .. }) {
                        continue;
                    }
                    let text = fs.iter().find(|(f, _)| *f == file).map(|(_, t)| *t);
                    prop_assert!(text.is_some(), "{file} not in the workspace");
                    let lines = text.map_or(0, line_count);
                    prop_assert!(line < lines, "{t:?} linked past the end: {l:?}");
                }
            }

            #[test]
            fn arbitrary_tests_and_workspaces_never_panic(
                files in prop::collection::vec("[a-z./\\\\:]{0,12}(\\.py|\\.ts|\\.java|\\.go|\\.json|)", 0..12),
                texts in prop::collection::vec("\\PC{0,80}", 0..12),
                tests in prop::collection::vec(
                    (0..8usize, "\\PC{0,40}", "\\PC{0,20}", prop::option::of("[a-z./\\\\:]{0,16}"), prop::option::of(0u32..50)),
                    0..12,
                ),
                trigger in prop::option::of("[a-z./]{0,12}"),
                command in prop::collection::vec("[a-z./:-]{0,10}", 0..4),
            ) {
                let paths: Vec<&str> = files.iter().map(String::as_str).collect();
                let ws = Workspace::new(&paths);
                let tests: Vec<TestResult> = tests
                    .into_iter()
                    .map(|(f, id, name, file, line)| {
                        let mut t = TestResult::new(
                            FRAMEWORKS.get(f).copied().unwrap_or(Framework::Pytest),
                            &id,
                            TestStatus::Failed,
                            0,
                        );
                        t.name = name;
                        t.file = file;
                        t.line = line;
                        t
                    })
                    .collect();
                let case = CaseSource {
                    trigger_path: trigger.as_deref(),
                    trigger_command: &command,
                    ..CaseSource::default()
                };
                let mut read = |p: &str| {
                    let k = files.iter().position(|f| f == p)?;
                    texts.get(k).cloned()
                };
                let links = link_case(&case, &tests, &ws, &mut read);
                prop_assert_eq!(links.links.len(), tests.len());
                for l in &links.links {
                    if let Some((file, _)) = l.site() {
                        prop_assert!(ws.index.contains_key(file), "{file} not in the workspace");
                    }
                }
            }
        }
    }
}
