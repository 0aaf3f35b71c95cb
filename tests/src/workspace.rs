//! Temporary copies of `examples/shop` pointed at an emulator.

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

    /// A copy of examples/shop whose testany.toml points at `url`, polling every second.
    pub fn shop(tag: &str, url: &str) -> Workspace {
        let ws = Workspace::empty(tag);
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
        copy_dir(&src, &ws.root);
        ws.write_config(&shop_config(url, "SHP-0601"));
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
