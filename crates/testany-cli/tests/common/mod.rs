//! Shared fixtures of the process tests: an emulator per test (in-process, own port),
//! the `testany` binary run with a clean environment, and output normalisation.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_testany");
pub const TOKEN: &str = "s3cret-token-for-tests";

/// An emulator running on its own tokio runtime for the duration of a test.
pub struct Mock {
    runtime: tokio::runtime::Runtime,
    handle: Option<testany_mock::MockHandle>,
    pub url: String,
    pub port: u16,
}

impl Mock {
    /// The shop scenario at `speed`.
    pub fn shop(speed: f64) -> Mock {
        Self::start(testany_mock::MockConfig::shop().unwrap().speed(speed))
    }

    /// The shop scenario requiring `Authorization: Bearer TOKEN`.
    pub fn with_token() -> Mock {
        let mut scenario = testany_mock::Scenario::shop().unwrap();
        scenario.token = Some(TOKEN.to_owned());
        Self::start(testany_mock::MockConfig::new(scenario).unwrap().speed(20.0))
    }

    /// A scenario given as TOML (e.g. `tests/hostile.toml`), at speed 20.
    pub fn scenario(toml: &str) -> Mock {
        let scenario = testany_mock::Scenario::from_toml(toml).unwrap();
        Self::start(testany_mock::MockConfig::new(scenario).unwrap().speed(20.0))
    }

    fn start(config: testany_mock::MockConfig) -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.block_on(testany_mock::start(config)).unwrap();
        let url = handle.mcp_url_localhost();
        let port = handle.port();
        Mock {
            runtime,
            handle: Some(handle),
            url,
            port,
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.runtime.block_on(h.shutdown());
        }
    }
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A test's sandbox: a temporary working directory and cache, and the environment.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cache")).unwrap();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        let vars = vec![
            ("NO_COLOR".into(), "1".into()),
            (
                "XDG_CACHE_HOME".into(),
                dir.path().join("cache").display().to_string(),
            ),
        ];
        Env { dir, vars }
    }

    /// Configured by the environment alone for `mock`.
    pub fn for_mock(mock: &Mock) -> Env {
        let mut env = Env::new();
        env.set("TESTANY_URL", &mock.url);
        env.set("TESTANY_PIPELINES", "SHP-0601");
        env.set("TESTANY_WORKSPACE", "SHP");
        env
    }

    pub fn set(&mut self, k: &str, v: &str) {
        self.vars.retain(|(n, _)| n != k);
        self.vars.push((k.to_owned(), v.to_owned()));
    }

    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.work(), args, None)
    }

    pub fn run_in(&self, cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(cwd)
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            let mut pipe = child.stdin.take().unwrap();
            let input = input.to_vec();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Copies `examples/shop` into `dest` with the marker overlay
/// (`tests/fixtures/shop-markers`: SHP-0601's marked test files and a testany.toml
/// watching SHP-0601) over it, its `url` pointing at `url`: the project of the tests of
/// the marker path.
pub fn shop_project(dest: &Path, url: &str) {
    example_project(dest, url);
    let markers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/shop-markers");
    copy_dir(&markers, dest);
    point_at(dest, url);
}

/// Copies `examples/shop` as shipped (no marker, watching SHP-0603, its `[cases]`
/// override kept) into `dest` with its `url` pointing at `url`.
pub fn example_project(dest: &Path, url: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop");
    copy_dir(&src, dest);
    point_at(dest, url);
}

/// Sets the `url` of `dir`'s testany.toml.
fn point_at(dir: &Path, url: &str) {
    let toml = dir.join("testany.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("url =") {
                format!("url = \"{url}\"")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(&toml, text.join("\n")).unwrap();
}

fn copy_dir(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dest.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Replaces the volatile parts of human output: given literals (paths, ports) and
/// timestamps (`2026-11-26 04:58 UTC` -> `[TIME]`).
pub fn normalize(text: &str, literals: &[(&str, &str)]) -> String {
    let mut s = text.to_owned();
    for (from, to) in literals {
        if !from.is_empty() {
            s = s.replace(from, to);
        }
    }
    let s = replace_shape(&s, "DDDD-DD-DD DD:DD UTC", "[TIME]");
    replace_shape(&s, "DDDD-DD-DD", "[DATE]")
}

/// Replaces every substring shaped like `shape` (`D` = an ASCII digit, other bytes
/// literal) by `with`.
fn replace_shape(text: &str, shape: &str, with: &str) -> String {
    let (t, p) = (text.as_bytes(), shape.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut last = 0;
    while i + p.len() <= t.len() {
        let hit = p.iter().zip(&t[i..i + p.len()]).all(|(pc, tc)| {
            if *pc == b'D' {
                tc.is_ascii_digit()
            } else {
                pc == tc
            }
        });
        if hit {
            out.push_str(&text[last..i]);
            out.push_str(with);
            i += p.len();
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

#[test]
fn normalize_replaces_times_and_literals() {
    assert_eq!(
        normalize(
            "at 2026-11-26 04:58 UTC on 2026-11-20 port 4711 /tmp/x",
            &[("4711", "PORT"), ("/tmp/x", "[TMP]")]
        ),
        "at [TIME] on [DATE] port PORT [TMP]"
    );
}
