//! Temporary copies of `examples/shop` pointed at an emulator: as shipped (no marker:
//! every test linked through its case's trigger and log, pipeline SHP-0603), or with the
//! marker overlay `tests/fixtures/shop-markers` copied over it for the tests of the
//! marker path (pipeline SHP-0601, one test per case, each found through a `testany:`
//! marker).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary directory, removed on drop.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let dest = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).expect("copy file");
        }
    }
}

impl Workspace {
    /// An empty temporary directory.
    pub fn empty(tag: &str) -> Workspace {
        let root = std::env::temp_dir().join(format!(
            "testany-e2e-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create temp dir");
        Workspace { root }
    }

    /// A copy of examples/shop with the marker overlay (`tests/fixtures/shop-markers`:
    /// SHP-0601's marked test files) whose testany.toml watches SHP-0601 at `url`,
    /// polling every second.
    pub fn shop(tag: &str, url: &str) -> Workspace {
        let ws = Workspace::empty(tag);
        copy_dir(&example_dir(), &ws.root);
        copy_dir(&markers_dir(), &ws.root);
        ws.write_config(&shop_config(url, "SHP-0601"));
        ws
    }

    /// A copy of examples/shop as shipped (no marker; its `[cases]` override kept)
    /// whose testany.toml points at `url`, polling every second.
    pub fn example(tag: &str, url: &str) -> Workspace {
        let ws = Workspace::empty(tag);
        copy_dir(&example_dir(), &ws.root);
        let shipped = ws.read("testany.toml");
        let config = point_at(&shipped, url);
        assert_ne!(
            config, shipped,
            "examples/shop/testany.toml lost its url or [poll] lines"
        );
        ws.write_config(&config);
        ws
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// `file://` URI of a workspace file (temp paths need no escaping).
    pub fn uri(&self, rel: &str) -> String {
        file_uri(&self.path(rel))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read workspace file")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).expect("create dir");
        }
        std::fs::write(p, text).expect("write workspace file");
    }

    pub fn write_config(&self, text: &str) {
        self.write("testany.toml", text);
    }
}

/// `examples/shop`.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop")
}

/// The files the marker-based tests copy over `examples/shop`.
pub fn markers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/shop-markers")
}

/// A testany.toml with its `url` set to `url` and both poll intervals at one second.
fn point_at(config: &str, url: &str) -> String {
    let mut out = String::with_capacity(config.len() + url.len());
    for line in config.lines() {
        let line = if line.starts_with("url =") {
            format!("url = \"{url}\"")
        } else if line.starts_with("running_secs =") {
            "running_secs = 1".to_owned()
        } else if line.starts_with("idle_secs =") {
            "idle_secs = 1".to_owned()
        } else {
            line.to_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The shop's configuration for the emulator at `url`, fast polling.
pub fn shop_config(url: &str, pipeline: &str) -> String {
    format!(
        "url = \"{url}\"\nworkspace = \"SHP\"\npipelines = [\"{pipeline}\"]\nenvironment = \"staging\"\nlog_domain = \"testany.localhost\"\nhistory = 10\n\n[poll]\nrunning_secs = 1\nidle_secs = 1\n"
    )
}

/// `file://` + the absolute path.
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
