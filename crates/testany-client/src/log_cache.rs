//! The one on-disk cache of case logs, shared by the CLI (`testany logs`, `status`,
//! `tests`) and the language server (issue 15: "logs of finished executions are
//! immutable"): one layout, `<cache>/testany/logs/<service>/<execution>/<caseIndex>.log`,
//! one size cap ([`DEFAULT_CAP`]) and one least-recently-used rule, so a log fetched
//! by one is found by the other (never fetched twice, never a second copy) and the
//! eviction of one never removes a log the other has just fetched or read
//! ([`RECENT`]). Files are 0600 in 0700 directories ([`create_private_dir_all`]).
//!
//! The path rules are plain functions (the browser worker names the same directories);
//! the file operations are native only.

use std::path::{Path, PathBuf};

use crate::logs::cache_relative_path;

/// The cache's default size cap: 512 MiB (logs are capped at 64 MiB each by the client;
/// most are a few KiB).
pub const DEFAULT_CAP: u64 = 512 * 1024 * 1024;

/// A log used (fetched or read) this recently is never evicted, whatever the cap: the
/// other process (the CLI, the server) may be about to read what it just fetched. The
/// cache may exceed its cap by what was used in that window until a later eviction.
pub const RECENT: std::time::Duration = std::time::Duration::from_secs(60);

/// `<cache_dir>/testany/logs`: the root under which every service's logs are kept.
pub fn logs_root(cache_dir: &Path) -> PathBuf {
    cache_dir.join("testany").join("logs")
}

/// `<cache_dir>/testany/logs/<service>/<execution>/<caseIndex>.log`; the execution key
/// is made one path-safe segment, `<service>` is [`service_dir`] of `url`.
pub fn cache_path(cache_dir: &Path, url: &str, execution: &str, case_index: usize) -> PathBuf {
    logs_root(cache_dir)
        .join(service_dir(url))
        .join(cache_relative_path(execution, case_index))
}

/// The service key under which partial logs (of cases still running) are kept:
/// [`cache_path`] of it names a directory of its own (another hash), inside the cache
/// (so the cap covers it) and shaped as any service's (so editors that read execution
/// and case from a log's path read them), but never the finished log's place, where
/// either process would take a partial log for the final one.
pub fn partial_url(url: &str) -> String {
    format!("partial+{}", url.trim())
}

/// Where the CLI puts the log of a case still running (`testany logs` while it runs):
/// [`cache_path`] of [`partial_url`]; the caller removes it after use.
pub fn partial_path(cache_dir: &Path, url: &str, execution: &str, case_index: usize) -> PathBuf {
    cache_path(cache_dir, &partial_url(url), execution, case_index)
}

/// The cache's directory name for the service at `url`: 12 hex digits of a hash of its
/// scheme, host, port and path (never its user info, query or fragment, where secrets
/// may be), so two services with equal execution keys (two deployments, the emulator)
/// never share a cached log. FNV-1a: stable across builds and hosts (native and wasm
/// name the same directory), not a secret.
pub fn service_dir(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['#', '?']).next().unwrap_or("");
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let key = format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        path
    );
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:012x}", hash >> 16)
}

/// A log in the cache, for least-recently-used eviction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedLog {
    pub path: PathBuf,
    pub bytes: u64,
    /// Its modification time, set on each fetch and read: the last use.
    pub used: std::time::SystemTime,
}

/// The logs to remove, least recently used first, until the rest fit in `cap` bytes:
/// never `keep` (the log just fetched or about to be read) and never one used within
/// [`RECENT`] of `now` (another process may be reading it).
pub fn victims(
    mut logs: Vec<CachedLog>,
    cap: u64,
    keep: &Path,
    now: std::time::SystemTime,
) -> Vec<PathBuf> {
    let mut total: u64 = logs.iter().map(|l| l.bytes).fold(0, u64::saturating_add);
    logs.sort_by(|a, b| a.used.cmp(&b.used).then_with(|| a.path.cmp(&b.path)));
    let mut out = Vec::new();
    for log in logs {
        if total <= cap {
            break;
        }
        let recent = !matches!(now.duration_since(log.used), Ok(age) if age >= RECENT);
        if log.path == keep || recent {
            continue;
        }
        total = total.saturating_sub(log.bytes);
        out.push(log.path);
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::path::{Path, PathBuf};

    use super::{CachedLog, cache_path, logs_root, victims};
    use crate::client::Client;
    use crate::error::Result;

    /// The cache base of a process: `$XDG_CACHE_HOME`, else `$HOME/.cache`, else the temp
    /// directory's `testany-cache` (empty values count as unset). The CLI and the server
    /// both call it, so they agree on the directory.
    pub fn cache_dir_from(xdg_cache_home: Option<&str>, home: Option<&str>) -> PathBuf {
        xdg_cache_home
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                home.filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })
            .unwrap_or_else(|| std::env::temp_dir().join("testany-cache"))
    }
    /// Whether a non-empty regular file is cached at `path` (a `.part` never counts).
    pub fn is_cached(path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0)
    }

    /// Opens a cached log for reading and marks it used now (its modification time:
    /// the owner may set it), so eviction takes the least recently *read* logs.
    pub fn open_used(path: &Path) -> std::io::Result<std::fs::File> {
        let file = std::fs::File::open(path)?;
        if let Err(e) = file.set_modified(std::time::SystemTime::now()) {
            tracing::debug!(error = %e, "cached log not marked as used");
        }
        Ok(file)
    }

    /// Every `*.log` under `root` ([`logs_root`]), three levels at most
    /// (`<service>/<execution>/<n>.log`, and the older `<execution>/<n>.log`, which
    /// eviction clears in time); partial downloads (`.part`) are not logs yet.
    pub fn list(root: &Path) -> Vec<CachedLog> {
        /// Entries looked at, at most (a cache of many thousand logs is still listed).
        const MAX_ENTRIES: usize = 200_000;
        let mut out = Vec::new();
        let mut seen = 0;
        let mut stack = vec![(root.to_path_buf(), 0)];
        while let Some((dir, depth)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                seen += 1;
                if seen > MAX_ENTRIES {
                    return out;
                }
                let Ok(meta) = entry.metadata() else {
                    continue;
                };
                let path = entry.path();
                if meta.is_dir() && depth < 2 {
                    stack.push((path, depth + 1));
                } else if meta.is_file() && path.extension().is_some_and(|e| e == "log") {
                    out.push(CachedLog {
                        path,
                        bytes: meta.len(),
                        used: meta.modified().unwrap_or(std::time::UNIX_EPOCH),
                    });
                }
            }
        }
        out
    }

    /// Removes one cached log and the directories above it that became empty (never
    /// `root` itself).
    pub fn remove(root: &Path, path: &Path) {
        if let Err(e) = std::fs::remove_file(path) {
            tracing::debug!(error = %e, "cached log not removed");
            return;
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(root) && *d != root) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    /// Keeps the cache under `cap` bytes ([`victims`]); returns what it removed. The
    /// language server does the same per file under its own file locks.
    pub fn evict(root: &Path, cap: u64, keep: &Path) -> Vec<PathBuf> {
        let gone = victims(list(root), cap, keep, std::time::SystemTime::now());
        for path in &gone {
            remove(root, path);
            tracing::debug!(path = %path.display(), "cached log evicted (cache over its cap)");
        }
        gone
    }

    /// A log taken from the cache or fetched into it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct CachedFetch {
        pub path: PathBuf,
        /// Whether it was fetched now (else it was cached already).
        pub fetched: bool,
    }

    impl Client {
        /// The log of `execution`'s case `case_index` in the cache under `cache_dir`
        /// ([`cache_path`] of this client's URL): read from there when cached (a log
        /// of a finished execution never changes), else fetched into it, after which
        /// the cache is brought under `cap`. The log is marked used either way.
        pub async fn cached_log(
            &self,
            cache_dir: &Path,
            execution: &str,
            case_index: usize,
            cap: u64,
        ) -> Result<CachedFetch> {
            let path = cache_path(cache_dir, &self.config().url, execution, case_index);
            if is_cached(&path) {
                drop(open_used(&path));
                return Ok(CachedFetch {
                    path,
                    fetched: false,
                });
            }
            let saved = self.fetch_log_to_file(execution, case_index, &path).await?;
            evict(&logs_root(cache_dir), cap, &saved.path);
            Ok(CachedFetch {
                path: saved.path,
                fetched: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use super::*;

    fn log(path: &str, bytes: u64, used_s: u64) -> CachedLog {
        CachedLog {
            path: PathBuf::from(path),
            bytes,
            used: UNIX_EPOCH + Duration::from_secs(used_s),
        }
    }

    /// Least recently used first, until the rest fit; the log just fetched stays even
    /// when it is the oldest; a log used within `RECENT` stays too (another process may
    /// be reading it).
    #[test]
    fn victims_are_the_least_recently_used_until_the_cache_fits() {
        let logs = vec![
            log("/c/a.log", 100, 30),
            log("/c/b.log", 100, 10),
            log("/c/c.log", 100, 20),
            log("/c/d.log", 100, 40),
        ];
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        let got = victims(logs.clone(), 250, Path::new("/c/d.log"), now);
        assert_eq!(
            got,
            vec![PathBuf::from("/c/b.log"), PathBuf::from("/c/c.log")]
        );
        let got = victims(logs.clone(), 400, Path::new("/c/d.log"), now);
        assert_eq!(got, Vec::<PathBuf>::new());
        let got = victims(logs.clone(), 150, Path::new("/c/b.log"), now);
        assert_eq!(
            got,
            vec![
                PathBuf::from("/c/c.log"),
                PathBuf::from("/c/a.log"),
                PathBuf::from("/c/d.log")
            ]
        );
        // At 80 s, c (used at 20 s) is 60 s old: evictable; a (30 s) and d (40 s) are not.
        let now = UNIX_EPOCH + Duration::from_secs(80);
        let got = victims(logs, 0, Path::new("/c/x.log"), now);
        assert_eq!(
            got,
            vec![PathBuf::from("/c/b.log"), PathBuf::from("/c/c.log")]
        );
        // A log used "in the future" (a clock step back) counts as recent.
        let future = vec![log("/c/f.log", 100, 5000)];
        assert_eq!(
            victims(future, 0, Path::new("/c/x.log"), SystemTime::UNIX_EPOCH),
            Vec::<PathBuf>::new()
        );
    }

    /// The CLI's eviction (the server's runs the same `victims` under its file locks):
    /// past the cap the least recently used log goes with its emptied directories; the
    /// one kept and one used within `RECENT` stay, even though the cache stays over.
    #[cfg(unix)]
    #[test]
    fn evict_removes_the_least_recently_used_log_and_its_empty_directories() {
        let dir = std::env::temp_dir().join(format!("testany-client-evict-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let url = "http://t.localhost/api/v2/mcp/";
        let now = SystemTime::now();
        let ages = [("E-1", 3600), ("E-2", 7200), ("E-3", 10), ("E-4", 1800)];
        for (exec, age) in ages {
            let path = cache_path(&dir, url, exec, 0);
            crate::create_private_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, [b'x'; 100]).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(now - Duration::from_secs(age)).unwrap();
        }
        let keep = cache_path(&dir, url, "E-4", 0);
        let gone = evict(&logs_root(&dir), 150, &keep);
        // E-2 then E-1 (oldest first); E-3 was used 10 s ago, E-4 is kept: 200 bytes stay.
        assert_eq!(
            gone,
            vec![
                cache_path(&dir, url, "E-2", 0),
                cache_path(&dir, url, "E-1", 0)
            ]
        );
        let left: Vec<bool> = ["E-1", "E-2", "E-3", "E-4"]
            .iter()
            .map(|e| cache_path(&dir, url, e, 0).exists())
            .collect();
        assert_eq!(left, [false, false, true, true]);
        assert!(!cache_path(&dir, url, "E-2", 0).parent().unwrap().exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn cache_paths_are_safe_and_per_service() {
        let base = Path::new("/c");
        let cases: &[(&str, usize, &str)] = &[
            (
                "SHP-0601-0000C",
                1,
                "/c/testany/logs/fd868529e9df/SHP-0601-0000C/1.log",
            ),
            (
                "../../etc",
                0,
                "/c/testany/logs/fd868529e9df/.._.._etc/0.log",
            ),
            ("..", 2, "/c/testany/logs/fd868529e9df/_/2.log"),
            ("", 3, "/c/testany/logs/fd868529e9df/_/3.log"),
            ("a/b", 4, "/c/testany/logs/fd868529e9df/a_b/4.log"),
        ];
        for (exec, idx, want) in cases {
            let got = cache_path(base, "http://t.localhost/api/v2/mcp/", exec, *idx);
            assert_eq!(got, PathBuf::from(want), "{exec}");
        }
        // User info, query and fragment do not change the directory; another host does.
        assert_eq!(
            service_dir("HTTP://user:pw@T.localhost/api/v2/mcp/?token=x#f"),
            "fd868529e9df"
        );
        assert_ne!(
            service_dir("http://u.localhost/api/v2/mcp/"),
            "fd868529e9df"
        );
        // Partial logs have a directory of their own beside the service's.
        let partial = partial_path(base, "http://t.localhost/api/v2/mcp/", "E-1", 0);
        assert_eq!(
            partial.parent().and_then(Path::parent),
            Some(
                logs_root(base)
                    .join(service_dir("partial+http://t.localhost/api/v2/mcp/"))
                    .as_path()
            )
        );
        assert_ne!(
            service_dir("partial+http://t.localhost/api/v2/mcp/"),
            "fd868529e9df"
        );
        assert_eq!(partial.file_name().and_then(|n| n.to_str()), Some("0.log"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_cache_base_follows_xdg_then_home() {
        let cases = [
            ((Some("/x"), Some("/h")), PathBuf::from("/x")),
            ((Some(""), Some("/h")), PathBuf::from("/h/.cache")),
            ((None, Some("/h")), PathBuf::from("/h/.cache")),
            ((None, Some("")), std::env::temp_dir().join("testany-cache")),
            ((None, None), std::env::temp_dir().join("testany-cache")),
        ];
        for ((xdg, home), want) in cases {
            assert_eq!(cache_dir_from(xdg, home), want, "{xdg:?} {home:?}");
        }
    }
}
