//! Serves the shop emulator for the browser tests: prints the MCP URL of a JSON-mode
//! emulator on the first line of stdout, of an SSE-mode one on the second, and of one
//! whose log proxy streams a 200 MiB log (`oversized_log`) on the third, then runs
//! until killed. `cargo run -p testany-client --example serve_mock [PORT]`.

#[cfg(not(target_arch = "wasm32"))]
#[tokio::main]
async fn main() {
    use std::io::Write;

    use testany_mock::{MockConfig, ResponseMode};

    let port = std::env::args().nth(1).and_then(|p| p.parse::<u16>().ok());
    let mut json = MockConfig::shop()
        .expect("the shop scenario")
        .response_mode(ResponseMode::Json);
    if let Some(port) = port {
        json = json.port(port);
    }
    let sse = MockConfig::shop()
        .expect("the shop scenario")
        .response_mode(ResponseMode::Sse);
    let json = testany_mock::start(json)
        .await
        .expect("the JSON emulator starts");
    let sse = testany_mock::start(sse)
        .await
        .expect("the SSE emulator starts");
    let big = MockConfig::shop()
        .and_then(|c| c.faults("oversized_log=200MiB"))
        .expect("the shop scenario with a 200 MiB log");
    let big = testany_mock::start(big)
        .await
        .expect("the big-log emulator starts");
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "{}\n{}\n{}",
        json.mcp_url(),
        sse.mcp_url(),
        big.mcp_url()
    );
    let _ = out.flush();
    std::future::pending::<()>().await;
}

#[cfg(target_arch = "wasm32")]
fn main() {}
