//! The language server's worker entry (`LspWorker`) as the web worker drives it, in
//! headless Chromium: testany-lsp itself, built for wasm32, behind the message bridge.
#![cfg(all(target_arch = "wasm32", feature = "server"))]

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{Value, json};
use testany_wasm::server::LspWorker;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32);
}

/// Lets the server's tasks (spawned on the page's microtask queue) run.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, 20));
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// A started server and what it sent so far.
fn start() -> (LspWorker, Rc<RefCell<Vec<Value>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let out = sent.clone();
    let send = Closure::<dyn Fn(String)>::new(move |text: String| {
        out.borrow_mut().push(serde_json::from_str(&text).unwrap());
    });
    let worker = LspWorker::new(
        send.as_ref().unchecked_ref::<js_sys::Function>().clone(),
        None,
    );
    send.forget();
    (worker, sent)
}

async fn until(sent: &Rc<RefCell<Vec<Value>>>, pred: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        if let Some(found) = sent.borrow().iter().find(|m| pred(m)) {
            return found.clone();
        }
        settle().await;
    }
    panic!("no such message; the server sent {:?}", sent.borrow());
}

#[wasm_bindgen_test]
async fn initialize_answers_with_the_servers_capabilities() {
    let (worker, sent) = start();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "capabilities": {},
        "workspaceFolders": [{"uri": "memfs:/shop", "name": "shop"}],
        "initializationOptions": {"url": "http://testany.localhost:9/api/v2/mcp/"}
    }});
    worker.receive(init.to_string());
    let answer = until(&sent, |m| m["id"] == 1).await;
    assert_eq!(answer["result"]["serverInfo"]["name"], "testany-lsp");
    assert_eq!(answer["result"]["capabilities"]["hoverProvider"], true);
    assert_eq!(
        answer["result"]["capabilities"]["executeCommandProvider"]["commands"][0],
        "testany.openLog"
    );
}

#[wasm_bindgen_test]
async fn the_server_asks_the_editor_for_files_and_reads_its_answer() {
    let (worker, sent) = start();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "capabilities": {},
        "workspaceFolders": [{"uri": "memfs:/shop", "name": "shop"}]
    }});
    worker.receive(init.to_string());
    until(&sent, |m| m["id"] == 1).await;
    worker.receive(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}).to_string());
    // Configuration first: the folder's testany.toml, through the editor.
    let read = until(&sent, |m| m["method"] == "testany/readFile").await;
    assert_eq!(read["params"]["uri"], "memfs:/shop/testany.toml");
    let toml = "url = \"http://testany.localhost:9/api/v2/mcp/\"\npipelines = [\"SHP-0601\"]\n";
    let reply = json!({"jsonrpc": "2.0", "id": read["id"], "result": {"text": toml}});
    worker.receive(reply.to_string());
    // Then the project's files, through the editor (answering any further reads).
    let mut answered = vec![read["id"].clone()];
    let list = 'wait: {
        for _ in 0..100 {
            let pending: Vec<Value> = sent.borrow().clone();
            if let Some(list) = pending.iter().find(|m| m["method"] == "testany/listFiles") {
                break 'wait list.clone();
            }
            for m in pending.iter().filter(|m| m["method"] == "testany/readFile") {
                if !answered.contains(&m["id"]) {
                    answered.push(m["id"].clone());
                    let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": {"text": toml}});
                    worker.receive(reply.to_string());
                }
            }
            settle().await;
        }
        panic!("no testany/listFiles; the server sent {:?}", sent.borrow());
    };
    assert_eq!(list["params"]["root"], "memfs:/shop");
}

#[wasm_bindgen_test]
async fn text_that_is_not_json_rpc_is_answered_with_a_parse_error() {
    let (worker, sent) = start();
    worker.receive("not json".to_owned());
    let answer = until(&sent, |m| m.get("error").is_some()).await;
    assert_eq!(answer["error"]["code"], -32700);
    assert_eq!(answer["id"], Value::Null);
}
