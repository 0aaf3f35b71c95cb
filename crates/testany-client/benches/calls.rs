//! Calls per second of `get_execution` against the emulator over loopback HTTP, in
//! JSON and SSE modes (sequential calls on one session and one connection).
//! Run: `cargo bench -p testany-client --bench calls`.

#![allow(clippy::print_stdout)]

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::{Duration, Instant};

    use testany_client::{Client, ClientConfig, ListFilter};
    use testany_mock::{MockConfig, ResponseMode};

    const CALLS: u32 = 3000;
    const ROUNDS: usize = 3;

    async fn measure(mode: ResponseMode) -> f64 {
        let config = MockConfig::shop().expect("scenario").response_mode(mode);
        let mock = testany_mock::start(config).await.expect("emulator");
        let client = Client::new(ClientConfig::new(mock.mcp_url_localhost())).expect("client");
        let list = client
            .list_executions(&ListFilter::default())
            .await
            .expect("list");
        let key = list
            .executions
            .first()
            .map(|e| e.key.clone())
            .expect("an execution");
        // Warm up: session, tool list, connection.
        for _ in 0..200 {
            client.get_execution(&key).await.expect("warm-up call");
        }
        let mut rates = Vec::new();
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..CALLS {
                client.get_execution(&key).await.expect("call");
            }
            let elapsed = start.elapsed().max(Duration::from_micros(1));
            rates.push(f64::from(CALLS) / elapsed.as_secs_f64());
        }
        let counts = mock.counts();
        mock.shutdown().await;
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        println!(
            "get_execution {mode:?}: {median:.0} calls/s (median of {ROUNDS} x {CALLS}; {} connection(s), {} initialize)",
            counts.connections, counts.initialize
        );
        median
    }

    /// The same calls through the transport and the sans-IO protocol only (no session
    /// management, no decoding into the model): the floor the client adds to.
    async fn measure_raw() -> f64 {
        use testany_client::protocol;
        use testany_client::transport::{HttpRequest, Method, ReqwestTransport, Transport};

        let mock = testany_mock::start(MockConfig::shop().expect("scenario"))
            .await
            .expect("emulator");
        let transport = ReqwestTransport::new().expect("transport");
        let url = mock.mcp_url_localhost();
        let post =
            |id: u64, method: &str, params: serde_json::Value, session: Option<&str>| HttpRequest {
                method: Method::Post,
                url: url.clone(),
                headers: protocol::request_headers(None, session, Some(protocol::PROTOCOL_VERSION)),
                body: protocol::encode_request(id, method, params),
                timeout: None,
            };
        let init = transport
            .send(post(0, "initialize", protocol::initialize_params(), None))
            .await
            .expect("initialize");
        let session = init.header("mcp-session-id").expect("session").to_owned();
        let key = format!("{}-{:05X}", "SHP-0601", 1);
        let mut args = serde_json::Map::new();
        args.insert("execution_key".into(), key.into());
        let params = protocol::tool_call_params("testany_get_execution", args);
        let mut rates = Vec::new();
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for id in 1..=u64::from(CALLS) {
                let response = transport
                    .send(post(id, "tools/call", params.clone(), Some(&session)))
                    .await
                    .expect("call");
                let body = protocol::collect_body(response.body, 1 << 20)
                    .await
                    .expect("body");
                let result = protocol::decode_json(&body, id).expect("answer");
                protocol::tool_payload("testany_get_execution", &result).expect("payload");
            }
            let elapsed = start.elapsed().max(Duration::from_micros(1));
            rates.push(f64::from(CALLS) / elapsed.as_secs_f64());
        }
        mock.shutdown().await;
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        println!(
            "raw transport + protocol, Json: {median:.0} calls/s (median of {ROUNDS} x {CALLS})"
        );
        median
    }

    pub fn run() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            measure_raw().await;
            measure(ResponseMode::Json).await;
            measure(ResponseMode::Sse).await;
        });
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run();
}

/// Nothing to measure in a browser build.
#[cfg(target_arch = "wasm32")]
fn main() {}
