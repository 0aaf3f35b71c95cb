//! What every framework's failure locations share (issue 14): the location type, the
//! `path:line[:col]` token reading that no framework owns, the library rule of every
//! ecosystem (asked by several framework modules and by the extractor, so it is one
//! table: Python's `site-packages`, `node_modules` and Node core files, Go's module cache
//! and GOROOTs, Rust's toolchain and registry, Ruby's gems), the message heuristics for
//! a stack printed after its error line, and the resolution of a location to a workspace
//! file (longest path-component suffix, design.md section 4).
//!
//! Shapes that belong to one framework live in its module: Python tracebacks and pytest's
//! `E` blocks in [`super::pytest`], Java/Kotlin frames and the JVM library packages in
//! [`super::junit`], Node stack frames in [`super::jest`], Rust panics in [`super::rust`];
//! [`super::extract`] runs them all over a log. This module imports none of them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which shape a location was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    Python,
    Pytest,
    Node,
    Java,
    Go,
    Rust,
    Dotnet,
    Ruby,
    Php,
    /// A Postman collection's test script (`at assertion:N in test-script`).
    Newman,
    Generic,
}

/// A `file:line` found in an error text or a log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FailureLocation {
    /// As written in the log, e.g. `/builds/acme/shop/tests/test_cart.py`; for Java frames
    /// the package path, e.g. `com/acme/shop/OrderTest.java`.
    pub path: String,
    /// 1-based, as tools print it.
    pub line: u32,
    /// 1-based column when the tool printed one.
    pub column: Option<u32>,
    /// The nearest meaningful error line, e.g. `AssertionError: assert 2 == 3`.
    pub message: Option<String>,
    /// 0-based line of the log it was found on; `None` when found in the error text.
    pub log_line: Option<usize>,
    pub kind: LocationKind,
}

/// At most this many distinct locations are kept, so a huge log stays bounded.
pub const MAX_LOCATIONS: usize = 1000;
/// Messages are cut to this many bytes (at a char boundary).
pub const MAX_MESSAGE: usize = 500;

/// What the first token of a log line (after an arrow-like prefix, as [`leading_token`]
/// strips it) can be: read in one byte pass over that token (or two), no `char` patterns,
/// since the extractor asks it of every log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FirstToken {
    /// The token is `at`: a stack frame line.
    pub(crate) stack: bool,
    /// The token holds a `.` (a file's extension).
    pub(crate) dot: bool,
    /// The token holds a `:`.
    pub(crate) colon: bool,
    /// The token holds a `:` followed by an ASCII digit (`:42`).
    pub(crate) colon_digit: bool,
}

impl FirstToken {
    /// Whether the token can be a `path:line` location or the line a stack frame: a
    /// location token has an extension and a `:` followed by its line number, since
    /// [`parse_path_line`] takes the digits after the token's last `:`. A token of
    /// [`leading_token`] lies inside this one (it only trims more), so when this is
    /// false the line holds no leading location.
    pub(crate) fn may_locate(self) -> bool {
        self.stack || (self.dot && self.colon_digit)
    }

    /// The looser test the extractor used before `may_locate` (a dot and a colon): kept
    /// for lines too long to be remembered whole, where the choice decides what the
    /// look-back ring keeps (see `Extractor::scan`).
    pub(crate) fn dot_and_colon(self) -> bool {
        self.stack || (self.dot && self.colon)
    }
}

/// [`FirstToken`] of a log line.
pub(crate) fn first_token_shape(line: &str) -> FirstToken {
    let b = line.as_bytes();
    let (start, end, shape) = first_token(b, 0);
    let tok = b.get(start..end).unwrap_or_default();
    if tok == b"at" {
        return FirstToken {
            stack: true,
            ..shape
        };
    }
    // The arrows and words [`leading_token`] strips, by their first byte first.
    if matches!(tok.first(), Some(b'>' | b'E' | b'-' | b'F' | 0xe2))
        && matches!(
            tok,
            b">" | b"E"
                | b"-->"
                | b"FAIL"
                | b"ERROR"
                | [0xe2, 0x9d, 0xaf] // ❯
                | [0xe2, 0x80, 0xba] // ›
                | [0xe2, 0x86, 0x92] // →
        )
    {
        return first_token(b, end).2;
    }
    shape
}

/// Whether a log line's first token is plainly no location and no prefix: shorter than
/// 8 bytes, without `.` or `:`, and not starting like `at` or a prefix [`leading_token`]
/// strips (then [`first_token_shape`] is all false). Read from the line's first 8 bytes
/// as one word, since most log lines start with a short word (`INFO`, `cart`); `false`
/// says nothing (ask [`first_token_shape`]).
#[inline]
pub(crate) fn plainly_no_location(line: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// The high bit of each byte of `w` equal to `c`: the lowest one exactly (a borrow
    /// only marks bytes above a zero byte).
    fn bytes_equal(w: u64, c: u8) -> u64 {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGH
    }
    let b = line.as_bytes();
    let Some(head) = b.first_chunk::<8>() else {
        return false;
    };
    if matches!(
        head[0],
        b' ' | b'\t' | b'.' | b':' | b'a' | b'>' | b'E' | b'-' | b'F' | 0xe2
    ) {
        return false;
    }
    // The first blank, `.` or `:` of the word must be a blank: the token ends there.
    let w = u64::from_le_bytes(*head);
    let marks =
        bytes_equal(w, b' ') | bytes_equal(w, b'\t') | bytes_equal(w, b'.') | bytes_equal(w, b':');
    let first = (marks.trailing_zeros() / 8) as usize;
    first < 8 && b.get(first).is_some_and(|&c| c == b' ' || c == b'\t')
}

/// The token after the blanks from `from`: (start, end, its shape).
fn first_token(b: &[u8], from: usize) -> (usize, usize, FirstToken) {
    let mut start = from;
    while b.get(start).is_some_and(|&c| c == b' ' || c == b'\t') {
        start += 1;
    }
    let rest = b.get(start..).unwrap_or_default();
    let len = memchr::memchr2(b' ', b'\t', rest).unwrap_or(rest.len());
    let tok = rest.get(..len).unwrap_or_default();
    let mut shape = FirstToken {
        stack: false,
        dot: memchr::memchr(b'.', tok).is_some(),
        colon: false,
        colon_digit: false,
    };
    for at in memchr::memchr_iter(b':', tok) {
        shape.colon = true;
        if tok.get(at + 1).is_some_and(u8::is_ascii_digit) {
            shape.colon_digit = true;
            break;
        }
    }
    (start, start + len, shape)
}

/// The next position of something rare, searched forward lazily.
pub(crate) struct Cursor<F: FnMut(usize) -> Option<usize>> {
    find: F,
    /// `None` before the first search; `Some(None)` when there is no more.
    next: Option<Option<usize>>,
}

impl<F: FnMut(usize) -> Option<usize>> Cursor<F> {
    pub(crate) fn new(find: F) -> Self {
        Self { find, next: None }
    }

    /// Whether the next occurrence at or after `start` lies before `end`.
    pub(crate) fn within(&mut self, start: usize, end: usize) -> bool {
        let next = match self.next {
            Some(Some(p)) if p >= start => Some(p),
            Some(None) => None,
            _ => {
                let p = (self.find)(start);
                self.next = Some(p);
                p
            }
        };
        next.is_some_and(|p| p < end)
    }
}

pub(crate) fn is_token_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '(' | ')' | '[' | ']' | '<' | '>' | ',' | '`'
        )
}

/// The first token of a log line after an optional arrow-like prefix, and the rest.
pub(crate) fn leading_token(trimmed: &str) -> Option<(&str, &str)> {
    let mut t = trimmed;
    for prefix in [
        "❯ ", "--> ", "> ", "› ", "→ ", "at ", "FAIL ", "ERROR ", "E ",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
            break;
        }
    }
    let end = memchr::memchr2(b' ', b'\t', t.as_bytes()).unwrap_or(t.len());
    let tok = t.get(..end)?;
    // Cheap rejection before parsing: a location token has a dot (the extension), then
    // a colon and a digit.
    memchr::memchr(b'.', tok.as_bytes())?;
    let colon = memchr::memchr(b':', tok.as_bytes())?;
    if !tok
        .as_bytes()
        .get(colon + 1..)?
        .iter()
        .any(u8::is_ascii_digit)
    {
        return None;
    }
    Some((tok, t.get(end..).unwrap_or("")))
}

/// A parsed `path:line[:col]` and what followed it inside the token (`""` or `":"`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PathLine<'a> {
    pub(crate) path: &'a str,
    pub(crate) line: u32,
    pub(crate) column: Option<u32>,
    pub(crate) tail: &'a str,
}

/// Parse `path:line[:col]` optionally followed by `:` (and, outside tokens, nothing else).
pub(crate) fn parse_path_line(tok: &str) -> Option<PathLine<'_>> {
    parse_path_line_with(tok, false)
}

/// [`parse_path_line`]; `spaced`: the path may hold spaces (not at its ends), as inside
/// a stack frame's parentheses.
pub(crate) fn parse_path_line_with(tok: &str, spaced: bool) -> Option<PathLine<'_>> {
    let tok = tok.trim_end_matches(['.', ',', ';']);
    let (body, tail) = match tok.strip_suffix(':') {
        Some(b) => (b, ":"),
        None => (tok, ""),
    };
    let (head, last) = body.rsplit_once(':')?;
    let last_n = parse_num(last)?;
    let is_path = |p: &str| {
        if spaced {
            p.trim() == p && looks_like_path(&p.replace(' ', "_"))
        } else {
            looks_like_path(p)
        }
    };
    let (path, line, column) = match head.rsplit_once(':') {
        Some((p, mid)) if parse_num(mid).is_some() && is_path(p) => {
            (p, parse_num(mid)?, Some(last_n))
        }
        _ => (head, last_n, None),
    };
    if !is_path(path) || line == 0 {
        return None;
    }
    Some(PathLine {
        path,
        line,
        column,
        tail,
    })
}

/// The `(` that the `)` ending `s` closes, counting nested pairs; `None` when `s` does not
/// end with `)` or the pair is unbalanced.
pub(crate) fn matching_open(s: &str) -> Option<usize> {
    let body = s.strip_suffix(')')?;
    let mut depth = 0usize;
    for (i, b) in body.bytes().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' if depth == 0 => return Some(i),
            b'(' => depth -= 1,
            _ => {}
        }
    }
    None
}

pub(crate) fn parse_num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A file path with an extension that starts with a letter; not a URL.
pub(crate) fn looks_like_path(p: &str) -> bool {
    // By bytes (this runs on every `path:line` candidate): `char` patterns and substring
    // searchers cost more than the path is long.
    let b = p.as_bytes();
    let blank = if p.is_ascii() {
        // `char::is_whitespace` of ASCII (with the vertical tab `u8::is_ascii_whitespace`
        // leaves out).
        b.iter()
            .any(|&c| matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))
    } else {
        p.contains(char::is_whitespace)
    };
    let url =
        memchr::memchr_iter(b':', b).any(|at| b.get(at + 1..at + 3) == Some(b"//".as_slice()));
    if b.is_empty() || blank || url {
        return false;
    }
    let name =
        crate::search::memrchr2(b'/', b'\\', b).map_or(b, |at| b.get(at + 1..).unwrap_or_default());
    let Some(dot) = crate::search::memrchr(b'.', name) else {
        return false;
    };
    let ext = name.get(dot + 1..).unwrap_or_default();
    dot > 0
        && (1..=12).contains(&ext.len())
        && ext.first().is_some_and(u8::is_ascii_alphabetic)
        && ext.iter().all(u8::is_ascii_alphanumeric)
}

/// `file:///x` -> `/x`, `webpack:///./x` -> `./x`.
pub(crate) fn strip_scheme(p: &str) -> &str {
    for scheme in ["file://", "webpack:///", "webpack://"] {
        if let Some(rest) = p.strip_prefix(scheme) {
            return rest;
        }
    }
    p
}

pub(crate) fn kind_of(path: &str, default: LocationKind) -> LocationKind {
    if path.ends_with(".py") {
        LocationKind::Pytest
    } else if path.ends_with(".go") {
        LocationKind::Go
    } else if path.ends_with(".rs") {
        LocationKind::Rust
    } else {
        default
    }
}

/// Library path parts found wherever they stand in a path, by the byte each is found
/// from (its anchor): the path's `/`, `-`, `_` and `:` are found by `memchr` and only the
/// parts of that anchor compared there, from the anchor's offset in the part. A
/// substring search per part set up a searcher each time, thousands of instructions per
/// frame.
const SLASH_PARTS: &[(&str, usize)] = &[
    ("/_pytest/", 0),
    ("/pluggy/", 0),
    ("/lib/python", 0),
    ("/rustc/", 0),
    ("/.cargo/registry/", 0),
    ("/.rustup/toolchains/", 0),
    ("testing/testing.go", 7),
    ("/src/runtime/", 0),
    ("/src/testing/", 0),
    // GOROOTs of the usual installs (the module cache: `is_go_module_path`).
    ("/usr/local/go/src/", 0),
    ("/usr/lib/go/src/", 0),
    ("/usr/lib/go-", 0),
    ("/hostedtoolcache/go/", 0),
    ("/Cellar/go/", 0),
    ("/Program Files/Go/src/", 0),
    // Installed Ruby gems (`.../lib/ruby/gems/3.4.0/gems/rspec-core-3.13.0/...`,
    // bundler's `vendor/bundle/ruby/3.4.0/gems/...`).
    ("/gems/", 0),
];
/// See [`SLASH_PARTS`]: the parts without a `/`, by their `-`, `_` or `:`.
const OTHER_PARTS: &[(&str, usize)] = &[
    ("site-packages", 4),
    ("dist-packages", 4),
    ("node_modules", 4),
    ("node:internal", 4),
    // The test binary's generated main package.
    ("_testmain.go", 0),
];

/// The byte after each part's anchor, in the order of `parts`: most parts differ there,
/// so the parts are compared only where it matches.
const fn next_bytes<const N: usize>(parts: &[(&str, usize)]) -> [u8; N] {
    let mut next = [0u8; N];
    let mut i = 0;
    while i < N {
        let (part, off) = parts[i];
        next[i] = part.as_bytes()[off + 1];
        i += 1;
    }
    next
}
const SLASH_NEXT: [u8; SLASH_PARTS.len()] = next_bytes(SLASH_PARTS);
const OTHER_NEXT: [u8; OTHER_PARTS.len()] = next_bytes(OTHER_PARTS);

/// Whether one of `parts` stands in `b` with its anchor at `at`.
fn part_at(b: &[u8], at: usize, parts: &[(&str, usize)], next: &[u8]) -> bool {
    let Some(&after) = b.get(at + 1) else {
        return false;
    };
    next.iter()
        .zip(parts)
        .filter(|&(&n, _)| n == after)
        .any(|(_, &(part, off))| {
            at.checked_sub(off)
                .and_then(|start| b.get(start..))
                .is_some_and(|tail| tail.starts_with(part.as_bytes()))
        })
}

/// Library, runtime and framework files: never where a user's test failed.
pub fn is_internal(path: &str) -> bool {
    const PREFIXES: &[&str] = &["_pytest/", "pluggy/", "node:", "internal/", "runtime/", "<"];
    let b = path.as_bytes();
    memchr::memchr_iter(b'/', b).any(|at| part_at(b, at, SLASH_PARTS, &SLASH_NEXT))
        || crate::search::memchr3_iter(b'-', b'_', b':', b)
            .any(|at| part_at(b, at, OTHER_PARTS, &OTHER_NEXT))
        || PREFIXES.iter().any(|p| path.starts_with(p))
        || is_go_module_path(path)
        || is_node_core_file(path)
}

/// A file under a versioned module directory: Go's module cache
/// (`$GOPATH/pkg/mod/github.com/x/y@v1.7.2/z.go`, or `github.com/x/y@v1.7.2/z.go` as
/// `-trimpath` builds print it). The version, not `/pkg/mod/`, decides: a project may
/// have a package of its own at `pkg/mod`.
fn is_go_module_path(path: &str) -> bool {
    // From each `@`: a `memmem` iterator built its searcher on every call.
    let b = path.as_bytes();
    memchr::memchr_iter(b'@', b)
        .any(|at| b.get(at + 1) == Some(&b'v') && b.get(at + 2).is_some_and(u8::is_ascii_digit))
}

/// A Node core module as old Node versions print it in stacks: a bare file name without
/// a directory (`assert.js:86`, `module.js:460`, `events.js:96`). A workspace file of the
/// same name is printed with its directory, so it is never taken for one.
fn is_node_core_file(path: &str) -> bool {
    const CORE: &[&str] = &[
        "_stream_duplex",
        "_stream_passthrough",
        "_stream_readable",
        "_stream_transform",
        "_stream_writable",
        "_http_agent",
        "_http_client",
        "_http_common",
        "_http_incoming",
        "_http_outgoing",
        "_http_server",
        "_tls_wrap",
        "assert",
        "async_hooks",
        "bootstrap_node",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "node",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "worker_threads",
        "zlib",
    ];
    path.strip_suffix(".js")
        .is_some_and(|name| !name.contains(['/', '\\']) && CORE.contains(&name))
}

/// `AssertionError` alone, as pytest prints after `path:42:`.
pub(crate) fn is_bare_exception_name(s: &str) -> bool {
    !s.contains(char::is_whitespace)
        && (s.ends_with("Error") || s.ends_with("Exception") || s.ends_with("Failed"))
}

/// Whether a (trimmed) line reads like an error message; returns the message part.
pub(crate) fn error_line(l: &str) -> Option<&str> {
    if l.is_empty()
        || l.starts_with("at ")
        || l.starts_with("File \"")
        || l.starts_with("Traceback")
        || l.starts_with('>')
        || l.starts_with('|')
        || is_code_frame(l)
    {
        return None;
    }
    let m = l
        .strip_prefix("E ")
        .or_else(|| l.strip_prefix("● "))
        .map_or(l, str::trim_start);
    let m = m.strip_prefix("Caused by: ").unwrap_or(m);
    let starts = [
        "assert", "expect(", "error:", "error[", "Error:", "panic:", "thrown:",
    ];
    if starts.iter().any(|s| m.starts_with(s)) || m.contains("panicked at") || names_exception(m) {
        Some(m)
    } else {
        None
    }
}

/// `  17 |  code` lines of Jest/Playwright code frames.
pub(crate) fn is_code_frame(l: &str) -> bool {
    let digits = l.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && l.get(digits..)
            .is_some_and(|r| r.trim_start().starts_with('|'))
}

/// `...Error:`, `...Exception`, `...Error [ERR_X]` as a word.
pub(crate) fn names_exception(m: &str) -> bool {
    for word in ["Error", "Exception"] {
        let mut from = 0;
        while let Some(i) = m.get(from..).and_then(|s| s.find(word)) {
            let at = from + i;
            let end = at + word.len();
            match m.as_bytes().get(end) {
                None | Some(b':' | b' ' | b'[') => return true,
                _ => {}
            }
            from = end;
        }
    }
    false
}

/// A message cut to [`MAX_MESSAGE`] bytes at a char boundary.
pub(crate) fn clip_message(s: &str) -> &str {
    s.get(..floor(s, MAX_MESSAGE)).unwrap_or(s)
}

pub(crate) fn floor(s: &str, n: usize) -> usize {
    crate::markers::floor_char_boundary(s, n)
}

/// A location mapped to a workspace file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResolvedLocation {
    pub location: FailureLocation,
    /// Workspace-relative path (as given in the file list), `None` when no file matches
    /// or the match is ambiguous.
    pub file: Option<String>,
}

/// Workspace files indexed by file name, for repeated resolution.
#[derive(Debug, Clone)]
pub struct WorkspaceIndex<'a> {
    by_name: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> WorkspaceIndex<'a> {
    /// `files` are workspace-relative, `/`-separated paths.
    pub fn new(files: &[&'a str]) -> Self {
        let mut by_name: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        for f in files {
            let name = f.rsplit('/').next().unwrap_or(f);
            by_name.entry(name).or_default().push(f);
        }
        Self { by_name }
    }

    /// The workspace file whose path shares the longest suffix of path components with
    /// `path` (at least the file name). Ties go to the shortest candidate (fewest
    /// components, then fewest bytes); a tie that remains is ambiguous: `None`.
    pub fn resolve(&self, path: &str) -> Option<&'a str> {
        let norm = path.replace('\\', "/");
        let wanted: Vec<&str> = strip_scheme(&norm)
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        let name = wanted.last()?;
        let candidates = self.by_name.get(name)?;
        let mut best: Option<(usize, usize, usize, &'a str)> = None; // (matched, comps, bytes, file)
        let mut tied = false;
        for &file in candidates {
            let comps: Vec<&str> = file
                .split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .collect();
            let matched = comps
                .iter()
                .rev()
                .zip(wanted.iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            if matched == 0 {
                continue;
            }
            let key = (matched, comps.len(), file.len());
            match best {
                None => {
                    best = Some((key.0, key.1, key.2, file));
                    tied = false;
                }
                Some((m, c, b, _)) => {
                    let better = key.0 > m || (key.0 == m && (key.1, key.2) < (c, b));
                    let same = key.0 == m && key.1 == c && key.2 == b;
                    if better {
                        best = Some((key.0, key.1, key.2, file));
                        tied = false;
                    } else if same {
                        tied = true;
                    }
                }
            }
        }
        if tied { None } else { best.map(|b| b.3) }
    }
}

/// Resolve every location against the workspace's files (see [`WorkspaceIndex::resolve`]).
pub fn resolve(locations: &[FailureLocation], workspace_files: &[&str]) -> Vec<ResolvedLocation> {
    let index = WorkspaceIndex::new(workspace_files);
    locations
        .iter()
        .map(|l| ResolvedLocation {
            location: l.clone(),
            file: index.resolve(&l.path).map(str::to_owned),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library parts as a list, before they were split by anchor.
    const LIBRARY_PARTS: &[&str] = &[
        "site-packages",
        "dist-packages",
        "node_modules",
        "/_pytest/",
        "/pluggy/",
        "/lib/python",
        "node:internal",
        "/rustc/",
        "/.cargo/registry/",
        "/.rustup/toolchains/",
        "testing/testing.go",
        "/src/runtime/",
        "/src/testing/",
        "/usr/local/go/src/",
        "/usr/lib/go/src/",
        "/usr/lib/go-",
        "/hostedtoolcache/go/",
        "/Cellar/go/",
        "/Program Files/Go/src/",
        "_testmain.go",
        "/gems/",
    ];

    /// `is_internal` as it read before the anchored search: a substring search per part.
    fn is_internal_by_substrings(path: &str) -> bool {
        const PREFIXES: &[&str] = &["_pytest/", "pluggy/", "node:", "internal/", "runtime/", "<"];
        LIBRARY_PARTS.iter().any(|p| path.contains(p))
            || PREFIXES.iter().any(|p| path.starts_with(p))
            || is_go_module_path(path)
            || is_node_core_file(path)
    }

    /// Each part is in one table, at the offset of its first `/` (or, without one, of its
    /// first `-`, `_` or `:`).
    #[test]
    fn library_part_anchors() {
        let mut all: Vec<&str> = SLASH_PARTS.iter().chain(OTHER_PARTS).map(|p| p.0).collect();
        all.sort_unstable();
        let mut want = LIBRARY_PARTS.to_vec();
        want.sort_unstable();
        assert_eq!(all, want);
        for &(part, off) in SLASH_PARTS {
            assert_eq!(memchr::memchr(b'/', part.as_bytes()), Some(off), "{part}");
        }
        for &(part, off) in OTHER_PARTS {
            assert_eq!(memchr::memchr(b'/', part.as_bytes()), None, "{part}");
            assert_eq!(
                memchr::memchr3(b'-', b'_', b':', part.as_bytes()),
                Some(off),
                "{part}"
            );
        }
    }

    /// `looks_like_path` as it read before it went by bytes.
    fn looks_like_path_by_chars(p: &str) -> bool {
        if p.is_empty() || p.contains("://") || p.contains(char::is_whitespace) {
            return false;
        }
        let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
        let Some((stem, ext)) = name.rsplit_once('.') else {
            return false;
        };
        !stem.is_empty()
            && (1..=12).contains(&ext.len())
            && ext.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    }

    const PATH_PIECES: &[&str] = &[
        "/",
        "-",
        "_",
        ":",
        "@v1",
        "site",
        "dist",
        "-packages",
        "node",
        "_modules",
        ":internal",
        "testing",
        "testing.go",
        "/testing.go",
        "_testmain.go",
        "/src/",
        "runtime/",
        "/usr/lib/go",
        "/lib/python",
        "/gems/",
        "gems",
        "/.cargo/registry/",
        "/Program Files/Go/src/",
        "a",
        "assert.js",
        ".js",
        "<",
        "pluggy/",
        "é",
    ];

    const LINE_PIECES: &[&str] = &[
        " ",
        "\t",
        "\u{a0}",
        "\u{3000}",
        ":",
        ":1",
        "::",
        ".",
        ".py",
        "a.py:12",
        "at",
        "at ",
        "E",
        "E ",
        "FAIL",
        "FAIL ",
        "ERROR ",
        ">",
        "> ",
        "-->",
        "--> ",
        "❯",
        "❯ ",
        "›",
        "› ",
        "→ ",
        "file://",
        "webpack:///",
        "x",
        "1",
        ",",
        ")",
        "(",
        "é",
    ];

    proptest::proptest! {
        #[test]
        fn looks_like_path_equals_char_reading(
            parts in proptest::collection::vec(proptest::sample::select(PATH_PIECES), 0..8),
            odd in proptest::sample::select(&[
                "", " ", "\t", "\u{b}", "\u{85}", "\u{a0}", "\u{3000}", "://", ":/", "\\", ".", ".py", ".x1",
                ".1x", ".toolongextension", "é", "a.b.c",
            ][..]),
            at in 0usize..8,
        ) {
            let mut parts = parts;
            parts.insert(at.min(parts.len()), odd);
            let path = parts.concat();
            proptest::prop_assert_eq!(looks_like_path(&path), looks_like_path_by_chars(&path), "{:?}", path);
        }

        #[test]
        fn is_internal_equals_substring_search(
            parts in proptest::collection::vec(proptest::sample::select(PATH_PIECES), 0..10),
        ) {
            let path = parts.concat();
            proptest::prop_assert_eq!(is_internal(&path), is_internal_by_substrings(&path), "{}", path);
        }

        /// A line whose first token cannot locate (`FirstToken::may_locate`) holds no
        /// leading location and is no stack frame, whatever [`leading_token`] strips.
        #[test]
        fn no_location_outside_may_locate(
            parts in proptest::collection::vec(proptest::sample::select(LINE_PIECES), 0..12),
        ) {
            let line = parts.concat();
            let shape = first_token_shape(&line);
            let indent = line.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
            let trimmed = line.get(indent..).unwrap_or("").trim_end();
            let located = leading_token(trimmed)
                .and_then(|(tok, _)| parse_path_line(strip_scheme(tok)))
                .is_some();
            let stack = trimmed.starts_with("at ");
            if !shape.may_locate() {
                proptest::prop_assert!(!located && !stack, "{:?}", line);
            }
            if shape.may_locate() {
                proptest::prop_assert!(shape.dot_and_colon());
            }
        }

        /// The one-word test agrees with the whole shape: a plain first token is none of
        /// location, stack frame or prefix.
        #[test]
        fn plainly_no_location_is_an_empty_shape(
            parts in proptest::collection::vec(proptest::sample::select(LINE_PIECES), 0..12),
            word in "[ -~]{0,10}",
        ) {
            for line in [parts.concat(), format!("{word}{}", parts.concat())] {
                if plainly_no_location(&line) {
                    let shape = first_token_shape(&line);
                    proptest::prop_assert!(
                        !shape.stack && !shape.dot && !shape.colon && !shape.colon_digit,
                        "{:?}",
                        line
                    );
                }
            }
        }
    }

    #[test]
    fn first_token_shapes() {
        let cases = [
            ("", false, false),
            ("INFO http: GET http://a:80/x", false, false),
            ("tests/t.py::test_x PASSED", false, true),
            ("tests/t.py:42: AssertionError", true, true),
            ("  at f (x)", true, true),
            ("at", true, true),
            ("❯ src/a.ts:17:11", true, true),
            ("❯  src/a.ts:17", true, true),
            ("FAIL\tsrc/a.ts:1", true, true),
            ("FAILED src/a.ts:1", false, false),
            ("E tests/t.py:1", true, true),
            ("> a.py:x", false, true),
            ("a:1.", true, true),
            ("a.b :1", false, false),
        ];
        for (line, may, loose) in cases {
            let shape = first_token_shape(line);
            assert_eq!(
                (shape.may_locate(), shape.dot_and_colon()),
                (may, loose),
                "{line:?}"
            );
        }
        let plain = [
            ("INFO http: GET http://a:80/x", true),
            ("cart 9: added", true),
            ("1234567 x", true),
            ("INFO", false),
            ("12345678 x", false),
            ("12345678", false),
            ("1234567:", false),
            ("1234567.", false),
            ("at x.py:1", false),
            ("a.b x.py:1", false),
            ("x:1 x.py:1", false),
            ("E x.py:1", false),
            ("  INFO x", false),
            ("abc x", false),
        ];
        for (line, want) in plain {
            assert_eq!(plainly_no_location(line), want, "{line:?}");
        }
    }

    /// Every kind of library part, at the path's start, in its middle and as its end;
    /// a part's text without its leading `/` is not one.
    #[test]
    fn library_parts_are_found_wherever_they_stand() {
        let cases = [
            ("/usr/lib/go-1.22/src/fmt/print.go", true),
            ("C:/Program Files/Go/src/testing/testing.go", true),
            ("/home/u/.cargo/registry/src/x-1.0/src/lib.rs", true),
            ("/home/u/.rustup/toolchains/stable/lib.rs", true),
            ("venv/lib/python3.12/site-packages/x.py", true),
            ("/usr/lib/python3/dist-packages/x.py", true),
            ("web/node_modules/jest/x.js", true),
            ("node:internal/process/task_queues", true),
            ("_testmain.go", true),
            ("/builds/a/gems/rspec-core/lib/x.rb", true),
            ("/go/pkg/mod/github.com/x/y@v1.7.2/z.go", true),
            ("assert.js", true),
            ("github.com/x/y@vendor/z.go", false),
            ("tests/unit/test_mod_000.py", false),
            ("lib/python/x.py", false),
            ("src/usr/lib/gox.go", false),
            ("app/models/gemstone.rb", false),
            ("src/assert.js", false),
        ];
        let got: Vec<(&str, bool)> = cases.iter().map(|&(p, _)| (p, is_internal(p))).collect();
        assert_eq!(got, cases);
    }
}
