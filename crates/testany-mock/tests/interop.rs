//! Interoperability: the official MCP Python SDK (installed from PyPI into
//! target/mcp-venv on first use) drives the emulator in JSON and SSE modes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use testany_mock::ResponseMode;

/// The cargo target directory, from this test binary's path (target/<profile>/deps/<bin>).
fn target_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    match cmd.output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "{:?} exited with {}: {}{}",
            cmd,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Err(format!("cannot run {cmd:?}: {e}")),
    }
}

/// A venv with the `mcp` package, created and filled from PyPI when missing.
fn sdk_python() -> PathBuf {
    let venv = target_dir().join("mcp-venv");
    let python = venv.join("bin").join("python");
    let has_sdk = |p: &Path| run(Command::new(p).args(["-c", "import mcp"])).is_ok();
    if python.exists() && has_sdk(&python) {
        return python;
    }
    let created = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    let installed = created.and_then(|()| {
        run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "mcp>=1.10,<3",
        ]))
    });
    if let Err(e) = installed {
        panic!(
            "the interop test needs the official MCP Python SDK: installing `mcp` from PyPI \
             into {} failed (is python3 with venv present and PyPI reachable?): {e}",
            venv.display()
        );
    }
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_the_emulator() {
    let python = tokio::task::spawn_blocking(sdk_python).await.unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/mcp_sdk_client.py");
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let h = common::start("", mode, 1.0).await;
        let out = tokio::process::Command::new(&python)
            .arg(&script)
            .arg(h.mcp_url())
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{mode:?}: the SDK client failed:\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("interop ok"), "{mode:?}: {stdout}");
        let c = h.counts();
        assert_eq!(c.initialize, 1, "{mode:?}");
        // 6 calls; newer SDKs check required arguments themselves and send only 5.
        assert!((5..=6).contains(&c.tool_calls), "{mode:?}: {c:?}");
        h.shutdown().await;
    }
}
