//! The `testany` binary and the emulator process.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The `testany` binary of this checkout: `TESTANY_BIN` when set, else
/// `target/<profile>/testany` next to the test executable, built once with cargo.
pub fn testany_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("TESTANY_BIN") {
            return PathBuf::from(p);
        }
        // target/debug/deps/<test>-<hash> -> target/debug
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe
            .parent()
            .and_then(|d| d.parent())
            .expect("test binary lives in target/<profile>/deps")
            .to_path_buf();
        let cargo = option_env!("CARGO").unwrap_or("cargo");
        let release = profile_dir.file_name().is_some_and(|n| n == "release");
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "-p", "testany-cli", "--bin", "testany"]);
        if release {
            cmd.arg("--release");
        }
        let status = cmd
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build -p testany-cli");
        assert!(status.success(), "cargo build -p testany-cli failed");
        profile_dir.join(format!("testany{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

/// A running `testany mock` (killed on drop).
#[derive(Debug)]
pub struct Mock {
    child: Child,
    pub url: String,
    pub port: u16,
}

impl Mock {
    /// Starts the emulator on a free port with extra arguments (e.g. `--speed 40`).
    pub fn start(args: &[&str]) -> Mock {
        Self::start_on(0, args)
    }

    /// Starts the emulator on `port` (0: a free one) and reads its URL from the first
    /// line it prints.
    pub fn start_on(port: u16, args: &[&str]) -> Mock {
        let port_arg = port.to_string();
        let mut tries = 0;
        loop {
            let mut child = Command::new(testany_bin())
                .args(["mock", "--port", &port_arg])
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn testany mock");
            let stdout = child.stdout.take().expect("stdout");
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            // Keep reading: a closed pipe would kill the emulator on its next print.
            std::thread::spawn(move || {
                let mut sink = String::new();
                while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
                    sink.clear();
                }
            });
            // "testany mock listening on http://testany.localhost:PORT/api/v2/mcp/"
            let url = line.trim().rsplit(' ').next().unwrap_or("").to_owned();
            let port = url
                .rsplit_once(':')
                .and_then(|(_, rest)| rest.split('/').next())
                .and_then(|p| p.parse().ok());
            if let Some(port) = port {
                return Mock { child, url, port };
            }
            let _ = child.kill();
            let _ = child.wait();
            tries += 1;
            assert!(tries < 50, "testany mock did not start: {line:?}");
            // The port of a stopped emulator may take a moment to be free again.
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the emulator.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
