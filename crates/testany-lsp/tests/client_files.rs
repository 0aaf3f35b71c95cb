//! A server built as the browser worker builds it (`Options { files: Files::Client }`)
//! reads the workspace only through `testany/listFiles` and `testany/readFile` (issue
//! 16): configuration, file list and markers come from the client's answers, and every
//! URI it sends back is in the client's own scheme (`memfs:` here, as a web workspace's
//! would be). Driven through the public constructor, as a host does.
#![cfg(feature = "native")]

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};
use testany_lsp::env::NativeEnv;
use testany_lsp::transport::{frame, serve};
use testany_lsp::{Files, Options, service};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

const CONFIG: &str =
    "url = \"http://127.0.0.1:9/api/v2/mcp/\"\nworkspace = \"SHP\"\npipelines = [\"SHP-1\"]\n";
const TEST: &str = "# testany: A1B2C3D4\ndef test_x():\n    assert 0\n";

async fn read_message(out: &mut BufReader<DuplexStream>) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        out.read_line(&mut line).await.unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    out.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

async fn send(input: &mut DuplexStream, message: Value) {
    let body = serde_json::to_vec(&message).unwrap();
    input.write_all(&frame(&body)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_come_from_the_client_and_uris_stay_in_its_scheme() {
    let env = Arc::new(NativeEnv::new(
        Default::default(),
        std::env::temp_dir().join("testany-lsp-client-files"),
    ));
    let options = Options {
        files: Files::Client,
        ..Options::default()
    };
    let (service, socket) = service(env, options);
    let (mut input, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_out) = tokio::io::duplex(1 << 16);
    let serving = tokio::spawn(serve(server_in, server_out, service, socket));
    let mut out = BufReader::new(client_out);

    send(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {},
            "workspaceFolders": [{"uri": "memfs:/ws", "name": "ws"}]
        }}),
    )
    .await;
    // What the client was asked, in order (method and URI), and its answers.
    let mut asked: Vec<(String, String)> = Vec::new();
    let files: BTreeMap<&str, &str> =
        [("memfs:/ws/testany.toml", CONFIG), ("memfs:/ws/t.py", TEST)]
            .into_iter()
            .collect();
    let mut next_id = 2;
    let mut states = None;
    for _ in 0..10_000 {
        let msg = read_message(&mut out).await;
        let method = msg["method"].as_str().unwrap_or("").to_owned();
        match (method.as_str(), msg.get("id")) {
            ("testany/readFile", Some(id)) => {
                let uri = msg["params"]["uri"].as_str().unwrap().to_owned();
                let text = files.get(uri.as_str()).copied();
                asked.push((method, uri));
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": {"text": text}}),
                )
                .await;
            }
            ("testany/listFiles", Some(id)) => {
                let root = msg["params"]["root"].as_str().unwrap().to_owned();
                asked.push((method, root));
                let result = json!({"files": ["t.py", "testany.toml", "node_modules/x/i.js"], "truncated": false});
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": result}),
                )
                .await;
            }
            ("", Some(id)) if *id == json!(1) => {
                // Initialized: only now may the server ask the client for anything.
                assert_eq!(asked, vec![], "asked before initialize was answered");
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
                )
                .await;
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": next_id, "method": "testany/caseStates", "params": {}}),
                )
                .await;
            }
            ("", Some(id)) if *id == json!(next_id) => {
                let rows = msg["result"].clone();
                if rows.as_array().is_some_and(|r| !r.is_empty()) {
                    states = Some(rows);
                    break;
                }
                // The project is still loading: ask again.
                next_id += 1;
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": next_id, "method": "testany/caseStates", "params": {}}),
                )
                .await;
            }
            (_, Some(id)) if !method.is_empty() => {
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": null}),
                )
                .await;
            }
            _ => {}
        }
    }
    let states = states.expect("caseStates answered with the marker");
    assert_eq!(
        states,
        json!([{"uri": "memfs:/ws/t.py", "line": 0, "key": "A1B2C3D4", "state": "unknown", "stale": false}])
    );
    // The configuration found by probing the folder, read, the folder listed, each
    // listed file read once for markers (the ignored directory's file never).
    let first: Vec<(&str, &str)> = asked
        .iter()
        .take(5)
        .map(|(m, u)| (m.as_str(), u.as_str()))
        .collect();
    assert_eq!(
        first,
        vec![
            ("testany/readFile", "memfs:/ws/testany.toml"),
            ("testany/readFile", "memfs:/ws/testany.toml"),
            ("testany/listFiles", "memfs:/ws"),
            ("testany/readFile", "memfs:/ws/t.py"),
            ("testany/readFile", "memfs:/ws/testany.toml"),
        ]
    );
    assert!(
        !asked.iter().any(|(_, u)| u.contains("node_modules")),
        "{asked:?}"
    );
    drop(input);
    serving.abort();
}

/// Issue 16 (first diagnostics in the browser): `initialized`, the settings a client
/// sends right after it and an opened file each want the folder's project at the same
/// moment; they share one load, so the client is asked for each workspace file once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_loads_read_each_file_once() {
    let env = Arc::new(NativeEnv::new(
        Default::default(),
        std::env::temp_dir().join("testany-lsp-client-files-once"),
    ));
    let options = Options {
        files: Files::Client,
        ..Options::default()
    };
    let (service, socket) = service(env, options);
    let (mut input, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, client_out) = tokio::io::duplex(1 << 16);
    let serving = tokio::spawn(serve(server_in, server_out, service, socket));
    let mut out = BufReader::new(client_out);
    send(
        &mut input,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {},
            "workspaceFolders": [{"uri": "memfs:/ws", "name": "ws"}]
        }}),
    )
    .await;
    let files: BTreeMap<&str, &str> = [
        ("memfs:/ws/testany.toml", CONFIG),
        ("memfs:/ws/t.py", TEST),
        ("memfs:/ws/u.py", "x = 1\n"),
        ("memfs:/ws/v.py", "# testany: C0FFEE00\n"),
    ]
    .into_iter()
    .collect();
    let mut reads: BTreeMap<String, usize> = BTreeMap::new();
    let mut next_id = 2;
    // Round trips still served after the marker showed up, so a second load in flight
    // would finish its reads before they are counted.
    let mut after = None;
    for _ in 0..10_000 {
        let msg = read_message(&mut out).await;
        let method = msg["method"].as_str().unwrap_or("").to_owned();
        match (method.as_str(), msg.get("id")) {
            ("testany/readFile", Some(id)) => {
                let uri = msg["params"]["uri"].as_str().unwrap().to_owned();
                let text = files.get(uri.as_str()).copied();
                *reads.entry(uri).or_default() += 1;
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": {"text": text}}),
                )
                .await;
            }
            ("testany/listFiles", Some(id)) => {
                let result =
                    json!({"files": ["t.py", "testany.toml", "u.py", "v.py"], "truncated": false});
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": result}),
                )
                .await;
            }
            ("", Some(id)) if *id == json!(1) => {
                // As vscode-languageclient does: initialized, the settings, the open file.
                for message in [
                    json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
                    json!({"jsonrpc": "2.0", "method": "workspace/didChangeConfiguration",
                           "params": {"settings": {"testany": {}}}}),
                    json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                        "textDocument": {"uri": "memfs:/ws/t.py", "languageId": "python",
                                         "version": 1, "text": TEST}}}),
                    json!({"jsonrpc": "2.0", "id": next_id, "method": "testany/caseStates",
                           "params": {"uri": "memfs:/ws/v.py"}}),
                ] {
                    send(&mut input, message).await;
                }
            }
            ("", Some(id)) if *id == json!(next_id) => {
                let found = msg["result"].as_array().is_some_and(|r| !r.is_empty());
                if found && after.is_none() {
                    after = Some(0);
                }
                if let Some(n) = after.as_mut() {
                    *n += 1;
                    if *n > 50 {
                        break;
                    }
                }
                next_id += 1;
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": next_id, "method": "testany/caseStates", "params": {"uri": "memfs:/ws/v.py"}}),
                )
                .await;
            }
            (_, Some(id)) if !method.is_empty() => {
                send(
                    &mut input,
                    json!({"jsonrpc": "2.0", "id": id, "result": null}),
                )
                .await;
            }
            _ => {}
        }
    }
    assert!(after.is_some(), "v.py's marker never showed up");
    // Workspace files once each (the configuration is probed and read by each caller
    // finding its project, and re-read for the new settings: small and not scanned).
    let scanned: Vec<(&str, usize)> = reads
        .iter()
        .filter(|(u, _)| !u.ends_with("testany.toml"))
        .map(|(u, n)| (u.as_str(), *n))
        .collect();
    assert_eq!(
        scanned,
        vec![
            ("memfs:/ws/t.py", 1),
            ("memfs:/ws/u.py", 1),
            ("memfs:/ws/v.py", 1)
        ]
    );
    drop(input);
    serving.abort();
}
