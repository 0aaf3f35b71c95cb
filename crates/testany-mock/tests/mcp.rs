//! MCP Streamable HTTP through real HTTP: handshake rules, every tool, both response modes.

mod common;

use common::{Mcp, VERSION, session, start};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testany_mock::{MockConfig, ResponseMode, Scenario};

#[tokio::test]
async fn initialize_negotiates_versions_and_issues_sessions() {
    let h = start("", ResponseMode::Json, 1.0).await;
    for (asked, answered) in [
        ("2025-06-18", "2025-06-18"),
        ("2025-03-26", "2025-03-26"),
        ("2025-11-25", "2025-11-25"),
        ("2024-11-05", "2025-11-25"),
    ] {
        let mcp = Mcp::new(h.mcp_url());
        let a = mcp
            .post(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": asked, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}))
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.content_type(), "application/json");
        let r = a.response();
        assert_eq!(r["id"], json!(1));
        assert_eq!(r["result"]["protocolVersion"], json!(answered), "{asked}");
        assert_eq!(r["result"]["serverInfo"]["name"], json!("testany-mock"));
        assert_eq!(
            r["result"]["capabilities"]["tools"],
            json!({"listChanged": false})
        );
        assert_eq!(a.header("mcp-session-id").map(str::len), Some(32));
    }
    assert_eq!(h.counts().initialize, 4);
    h.shutdown().await;
}

#[tokio::test]
async fn handshake_rules() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    let ping = json!({"jsonrpc": "2.0", "id": 9, "method": "ping"});
    let a = mcp.post(&ping).await;
    assert_eq!(
        (a.status, a.response()["result"].clone()),
        (StatusCode::OK, json!({}))
    );

    // Unsupported protocol version header.
    mcp.version = Some("1999-01-01".into());
    assert_eq!(mcp.post(&ping).await.status, StatusCode::BAD_REQUEST);
    // No version header: accepted (the spec's fallback to 2025-03-26).
    mcp.version = None;
    assert_eq!(mcp.post(&ping).await.status, StatusCode::OK);
    mcp.version = Some(VERSION.into());

    // Unknown session -> 404; missing session -> 400.
    let good = mcp.session.clone();
    mcp.session = Some("0123456789abcdef0123456789abcdef".into());
    assert_eq!(mcp.post(&ping).await.status, StatusCode::NOT_FOUND);
    mcp.session = None;
    assert_eq!(mcp.post(&ping).await.status, StatusCode::BAD_REQUEST);
    mcp.session = good.clone();

    // Unknown method, parse error, batch.
    let a = mcp.request("resources/list", json!({})).await;
    assert_eq!(a.response()["error"]["code"], json!(-32601));
    let raw = mcp
        .http
        .post(h.mcp_url())
        .header("content-type", "application/json")
        .header("mcp-session-id", good.as_deref().unwrap())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_str(&raw.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["code"], json!(-32700));
    let a = mcp.post(&json!([ping.clone()])).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);

    // GET opens no stream; the path without a trailing slash works too.
    let get = mcp.http.get(h.mcp_url()).send().await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    let mut bare = Mcp::new(h.mcp_url().trim_end_matches('/').to_string());
    bare.initialize().await;

    // DELETE ends the session.
    let del = mcp
        .http
        .delete(h.mcp_url())
        .header("mcp-session-id", good.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::OK);
    assert_eq!(mcp.post(&ping).await.status, StatusCode::NOT_FOUND);
    h.shutdown().await;
}

#[tokio::test]
async fn bearer_token_is_required_when_the_scenario_sets_one() {
    let mut scenario = Scenario::shop().unwrap();
    scenario.token = Some("s3cret".into());
    let h = testany_mock::start(MockConfig::new(scenario).unwrap())
        .await
        .unwrap();
    let mut anon = Mcp::new(h.mcp_url());
    let a = anon
        .request("initialize", json!({"protocolVersion": VERSION}))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(!a.body.contains("s3cret"));
    anon.token = Some("wrong".into());
    let a = anon
        .request("initialize", json!({"protocolVersion": VERSION}))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let mut mcp = Mcp::new(h.mcp_url());
    mcp.token = Some("s3cret".into());
    mcp.initialize().await;
    let v = mcp.ok("testany_list_pipelines", json!({})).await;
    assert_eq!(v["total"], json!(3));
    h.shutdown().await;
}

#[tokio::test]
async fn any_loopback_host_and_no_other() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let client = reqwest::Client::builder()
        .resolve(
            "testany.localhost",
            std::net::SocketAddr::from(([127, 0, 0, 1], h.port())),
        )
        .build()
        .unwrap();
    let mut mcp = Mcp::new(h.mcp_url_localhost());
    mcp.http = client;
    mcp.initialize().await;
    mcp.ok("testany_list_pipelines", json!({})).await;
    let evil = reqwest::Client::new()
        .post(h.mcp_url())
        .header("host", "attacker.example:80")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    h.shutdown().await;
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let http = reqwest::Client::new();
    for origin in [
        "http://localhost:5173",
        "http://127.0.0.1:9000",
        "http://vscode.localhost:3000",
    ] {
        let pre = http
            .request(reqwest::Method::OPTIONS, h.mcp_url())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, mcp-session-id",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(pre.status(), StatusCode::NO_CONTENT);
        let get = |n: &str| {
            pre.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(get("access-control-allow-origin"), origin);
        for needed in [
            "content-type",
            "authorization",
            "mcp-session-id",
            "mcp-protocol-version",
            "last-event-id",
            "x-sign",
            "x-operator-id",
        ] {
            assert!(
                get("access-control-allow-headers").contains(needed),
                "{needed}"
            );
        }
        assert!(get("access-control-allow-methods").contains("POST"));
    }
    let init = http
        .post(h.mcp_url())
        .header("origin", "http://localhost:5173")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": VERSION}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(init.status(), StatusCode::OK);
    assert_eq!(
        init.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(
        init.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("mcp-session-id")
    );
    let evil = http
        .post(h.mcp_url())
        .header("origin", "https://evil.example")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    h.shutdown().await;
}

#[tokio::test]
async fn tools_list_has_every_tool_with_a_schema() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    let r = mcp.request("tools/list", json!({})).await.response();
    let tools = r["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec![
            "testany_list_executions",
            "testany_get_execution",
            "testany_get_execution_case",
            "testany_refresh_execution",
            "testany_log_sign",
            "testany_execute_pipeline",
            "testany_get_pipeline",
            "testany_cancel_execution",
            "testany_get_case",
            "testany_list_pipelines",
        ]
    );
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], json!("object"), "{}", t["name"]);
        assert!(t["inputSchema"]["properties"].is_object());
    }
    let sign = tools
        .iter()
        .find(|t| t["name"] == "testany_log_sign")
        .unwrap();
    assert_eq!(
        sign["inputSchema"]["required"],
        json!(["executionKey", "caseIndex"])
    );
    h.shutdown().await;
}

/// Every tool, in both response modes.
#[tokio::test]
async fn every_tool_in_json_and_sse() {
    for mode in [ResponseMode::Json, ResponseMode::Sse] {
        let h = start("", mode, 1.0).await;
        let mut mcp = session(&h).await;
        let a = mcp
            .request(
                "tools/call",
                json!({"name": "testany_list_pipelines", "arguments": {}}),
            )
            .await;
        let expected_type = match mode {
            ResponseMode::Json => "application/json",
            ResponseMode::Sse => "text/event-stream",
        };
        assert_eq!(a.content_type(), expected_type);
        if mode == ResponseMode::Sse {
            let msgs = a.messages();
            assert_eq!(msgs.len(), 2);
            assert_eq!(msgs[0]["method"], json!("notifications/message"));
        }
        tools_behave(&mut mcp).await;
        h.shutdown().await;
    }
}

async fn tools_behave(mcp: &mut Mcp) {
    // list_executions: newest first, paging, filters.
    let v = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0601", "page_size": 5}),
        )
        .await;
    assert_eq!(
        (
            v["total"].clone(),
            v["page"].clone(),
            v["page_size"].clone()
        ),
        (json!(12), json!(1), json!(5))
    );
    let keys: Vec<&str> = v["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["execution_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            "SHP-0601-0000C",
            "SHP-0601-0000B",
            "SHP-0601-0000A",
            "SHP-0601-00009",
            "SHP-0601-00008"
        ]
    );
    assert!(v["executions"][0].get("cases").is_none());
    let page3 = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0601", "page_size": 5, "page": 3}),
        )
        .await;
    assert_eq!(page3["executions"].as_array().unwrap().len(), 2);
    let all = mcp
        .ok("testany_list_executions", json!({"page_size": 100}))
        .await;
    assert_eq!(
        all["total"],
        json!(36),
        "12 runs of each of the 3 pipelines"
    );
    let none = mcp
        .ok("testany_list_executions", json!({"workspace": "XYZ"}))
        .await;
    assert_eq!(none["total"], json!(0));
    let failed = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0601", "status": "FAILED", "page_size": 100}),
        )
        .await;
    assert_eq!(failed["total"], json!(12), "the lockout case always fails");
    let passed = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0602", "status": "passed", "page_size": 100}),
        )
        .await;
    assert_eq!(
        passed["total"],
        json!(10),
        "11 passed, but the newest one is stuck"
    );

    // SHP-0602's newest run is stuck in RUNNING until refreshed.
    let running = mcp
        .ok("testany_list_executions", json!({"status": "RUNNING"}))
        .await;
    assert_eq!(running["total"], json!(1));
    assert_eq!(
        running["executions"][0]["execution_id"],
        json!("SHP-0602-0000C")
    );
    let stuck = mcp
        .ok(
            "testany_get_execution",
            json!({"execution_key": "SHP-0602-0000C"}),
        )
        .await;
    assert_eq!(
        (stuck["status"].clone(), stuck["result"].clone()),
        (json!("RUNNING"), Value::Null)
    );
    assert_eq!(
        (
            stuck["cases"][0]["status"].clone(),
            stuck["cases"][1]["status"].clone()
        ),
        (json!("PASSED"), json!("RUNNING"))
    );
    let fixed = mcp
        .ok(
            "testany_refresh_execution",
            json!({"execution_key": "SHP-0602-0000C"}),
        )
        .await;
    assert_eq!(
        (fixed["status"].clone(), fixed["result"].clone()),
        (json!("COMPLETED"), json!("PASSED"))
    );
    assert_eq!(fixed["cases"][1]["status"], json!("PASSED"));
    let after = mcp
        .ok(
            "testany_get_execution",
            json!({"execution_key": "SHP-0602-0000C"}),
        )
        .await;
    assert_eq!(after, fixed);
    let prod = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0601", "env": "production"}),
        )
        .await;
    assert_eq!(prod["total"], json!(3));
    let plan = mcp
        .ok(
            "testany_list_executions",
            json!({"pipeline_key": "SHP-0601", "triggered_by": "PLAN"}),
        )
        .await;
    assert_eq!(plan["total"], json!(6));
    let today = jiff::Timestamp::now().strftime("%Y-%m-%d").to_string();
    let future = mcp
        .ok(
            "testany_list_executions",
            json!({"date_from": "2999-01-01"}),
        )
        .await;
    assert_eq!(future["total"], json!(0));
    let upto = mcp
        .ok(
            "testany_list_executions",
            json!({"date_to": today, "date_from": "2000-01-01"}),
        )
        .await;
    assert_eq!(upto["total"], json!(36));
    let recent = mcp
        .ok("testany_list_executions", json!({"pipeline_key": "SHP-0601", "exe_start_time_from": jiff::Timestamp::now().as_millisecond() - 13 * 3600 * 1000}))
        .await;
    assert_eq!(recent["total"], json!(3), "runs 45 min, 6h45 and 12h45 ago");

    // get_execution: the newest past run, in the shape of execution-skill.md.
    let e = mcp
        .ok(
            "testany_get_execution",
            json!({"execution_key": "SHP-0601-0000C"}),
        )
        .await;
    assert_eq!(e["execution_id"], json!("SHP-0601-0000C"));
    assert_eq!(e["status"], json!("COMPLETED"));
    assert_eq!(e["result"], json!("FAILED"));
    assert_eq!(e["pipeline_key"], json!("SHP-0601"));
    assert_eq!(e["environment"], json!("staging"));
    assert_eq!(e["duration_ms"], json!(31_500));
    let statuses: Vec<(&str, &str)> = e["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["case_key"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
            )
        })
        .collect();
    // Run 11 (0-based) of the scripted patterns.
    assert_eq!(
        statuses,
        vec![
            ("A1B2C3D4", "PASSED"),
            ("B7E4C2A9", "FAILED"),
            ("C3D9E5F1", "PASSED"),
            ("D4A8B6C2", "PASSED"),
            ("E5B1C7D3", "FAILED"),
            ("F6C2D8E4", "PASSED"),
            ("0A7D3E9B", "TIMEOUT"),
            ("1B8E4FAC", "PASSED"),
            ("2C9F5A0D", "ERROR"),
            ("3DA06B1E", "PASSED"),
            ("4EB17C2F", "FAILED"),
        ]
    );
    assert_eq!(
        e["cases"][4]["error"],
        json!("tests/test_login.py:21: AssertionError: account should be locked after 3 failures")
    );
    assert_eq!(e["cases"][4]["duration_ms"], json!(3500));
    assert_eq!(e["cases"][0]["error"], Value::Null);
    let refreshed = mcp
        .ok(
            "testany_refresh_execution",
            json!({"execution_key": "SHP-0601-0000C"}),
        )
        .await;
    assert_eq!(refreshed, e);

    // get_execution_case
    let c = mcp
        .ok(
            "testany_get_execution_case",
            json!({"execution_key": "SHP-0601-0000C", "case_index": 6}),
        )
        .await;
    assert_eq!(c["case_key"], json!("0A7D3E9B"));
    assert_eq!(c["index"], json!(6));
    assert_eq!(c["status"], json!("TIMEOUT"));
    assert_eq!(c["runtime_uuid"], e["cases"][6]["runtime_uuid"]);
    assert_eq!(c["execution_id"], json!("SHP-0601-0000C"));

    // log_sign
    let s = mcp
        .ok(
            "testany_log_sign",
            json!({"executionKey": "SHP-0601-0000C", "caseIndex": 4}),
        )
        .await;
    let uuid = e["cases"][4]["runtime_uuid"].as_str().unwrap();
    let port = mcp
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    assert_eq!(
        s["logUrl"],
        json!(format!(
            "http://{uuid}.tr.testany.localhost:{port}/api/v2/logproxy/internal/view"
        ))
    );
    assert_eq!(s["operatorId"], json!("dev@acme.test"));
    assert_eq!(s["sign"].as_str().unwrap().split('.').count(), 3);
    assert!(
        s["curlCommand"]
            .as_str()
            .unwrap()
            .starts_with("curl -s -H \"X-Sign: ")
    );
    assert!(s["expiresAt"].as_str().unwrap().ends_with('Z'));

    // pipelines
    let p = mcp
        .ok("testany_get_pipeline", json!({"pipeline_key": "SHP-0601"}))
        .await;
    assert_eq!(p["name"], json!("Shop regression"));
    assert_eq!(p["case_count"], json!(11));
    assert_eq!(
        p["cases"][0],
        json!({"case_key": "A1B2C3D4", "name": "test_add_item_updates_total", "index": 0})
    );
    assert_eq!(p["environments"], json!(["staging", "production"]));
    let ps = mcp
        .ok("testany_list_pipelines", json!({"workspace": "SHP"}))
        .await;
    let keys: Vec<&str> = ps["pipelines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pipeline_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["SHP-0601", "SHP-0602", "SHP-0603"]);

    // get_case: case_meta.trigger_method as facts.md describes it, for every case.
    let c = mcp
        .ok("testany_get_case", json!({"case_key": "5A1C9E07"}))
        .await;
    assert_eq!(
        c,
        json!({"case_key": "5A1C9E07", "name": "API tests (pytest)", "workspace": "SHP",
            "case_meta": {"trigger_method": {"executor": "pyres",
                "trigger_command": ["python", "-m", "pytest", "tests/api/", "-v", "--tb=short"]},
                "environment_variables": []}})
    );
    let mut triggers = Vec::new();
    for key in [
        "B7E4C2A9", "0A7D3E9B", "1B8E4FAC", "4EB17C2F", "6B2DAF18", "7C3EB029", "8D4FC13A",
    ] {
        let c = mcp.ok("testany_get_case", json!({"case_key": key})).await;
        triggers.push(c["case_meta"]["trigger_method"].to_string());
    }
    assert_eq!(
        triggers,
        [
            r#"{"executor":"pyres","trigger_command":["python","-m","pytest","tests/test_cart.py::test_discount_applies_once","-v"]}"#,
            r#"{"executor":"playwright","trigger_path":"web/tests/checkout.spec.ts"}"#,
            r#"{"executor":"maven","trigger_path":"src/test/java/com/acme/shop/OrderTest.java"}"#,
            r#"{"executor":"go","trigger_command":["go","test","-v","-run","^TestReleaseStockTwice$","./inventory"]}"#,
            r#"{"executor":"playwright","trigger_path":"tests/e2e/storefront.spec.ts"}"#,
            r#"{"executor":"postman","trigger_path":"shop-api.postman_collection.json"}"#,
            r#"{"executor":"maven","trigger_path":"./"}"#,
        ]
    );
    let missing = mcp
        .request(
            "tools/call",
            json!({"name": "testany_get_case", "arguments": {"case_key": "FFFFFFFF"}}),
        )
        .await
        .response();
    assert_eq!(missing["result"]["isError"], json!(true));
    assert_eq!(
        missing["result"]["content"][0]["text"],
        json!("case FFFFFFFF was not found")
    );

    // execute + cancel
    let run = mcp
        .ok(
            "testany_execute_pipeline",
            json!({"pipeline_key": "SHP-0602"}),
        )
        .await;
    assert_eq!(run["execution_id"], json!("SHP-0602-0000D"));
    assert_eq!(run["status"], json!("PENDING"));
    assert_eq!(run["trigger"], json!("MANUAL"));
    assert_eq!(run["cases"][0]["status"], json!("PENDING"));
    let cancelled = mcp
        .ok(
            "testany_cancel_execution",
            json!({"execution_key": "SHP-0602-0000D"}),
        )
        .await;
    assert_eq!(cancelled["status"], json!("CANCELLED"));
    assert_eq!(cancelled["result"], Value::Null);
    let again = mcp
        .call(
            "testany_cancel_execution",
            json!({"execution_key": "SHP-0602-0000D"}),
        )
        .await;
    assert_eq!(again["result"]["isError"], json!(true));
    assert_eq!(
        again["result"]["content"][0]["text"],
        json!(
            "execution SHP-0602-0000D is CANCELLED; only PENDING or RUNNING executions can be cancelled"
        )
    );

    // Unknown keys: isError results naming the key.
    for (tool, args, text) in [
        (
            "testany_get_execution",
            json!({"execution_key": "NOPE-1"}),
            "execution NOPE-1 was not found",
        ),
        (
            "testany_refresh_execution",
            json!({"execution_key": "NOPE-2"}),
            "execution NOPE-2 was not found",
        ),
        (
            "testany_get_execution_case",
            json!({"execution_key": "NOPE-3", "case_index": 0}),
            "execution NOPE-3 was not found",
        ),
        (
            "testany_get_execution_case",
            json!({"execution_key": "SHP-0601-00001", "case_index": 99}),
            "case index 99 was not found in execution SHP-0601-00001 (it has 11 cases)",
        ),
        (
            "testany_log_sign",
            json!({"executionKey": "NOPE-4", "caseIndex": 0}),
            "execution NOPE-4 was not found",
        ),
        (
            "testany_execute_pipeline",
            json!({"pipeline_key": "SHP-9999"}),
            "pipeline SHP-9999 was not found",
        ),
        (
            "testany_execute_pipeline",
            json!({"pipeline_key": "SHP-0601", "environment": "mars"}),
            "environment mars is not configured for pipeline SHP-0601 (known: staging, production)",
        ),
        (
            "testany_get_pipeline",
            json!({"pipeline_key": "SHP-9998"}),
            "pipeline SHP-9998 was not found",
        ),
        (
            "testany_cancel_execution",
            json!({"execution_key": "NOPE-5"}),
            "execution NOPE-5 was not found",
        ),
    ] {
        let r = mcp.call(tool, args).await;
        assert_eq!(r["result"]["isError"], json!(true), "{tool}: {r}");
        assert_eq!(r["result"]["content"][0]["text"], json!(text), "{tool}");
    }

    // Missing or ill-typed arguments, unknown tools: JSON-RPC -32602 naming the argument.
    for (tool, args, message) in [
        (
            "testany_get_execution",
            json!({}),
            "missing required argument `execution_key`",
        ),
        (
            "testany_get_execution",
            json!({"execution_key": 5}),
            "argument `execution_key` must be a string",
        ),
        (
            "testany_get_execution_case",
            json!({"execution_key": "SHP-0601-00001"}),
            "missing required argument `case_index`",
        ),
        (
            "testany_get_execution_case",
            json!({"execution_key": "SHP-0601-00001", "case_index": "1"}),
            "argument `case_index` must be a non-negative integer",
        ),
        (
            "testany_log_sign",
            json!({"execution_key": "SHP-0601-00001", "case_index": 1}),
            "missing required argument `executionKey`",
        ),
        (
            "testany_log_sign",
            json!({"executionKey": "SHP-0601-00001", "caseIndex": -1}),
            "argument `caseIndex` must be a non-negative integer",
        ),
        (
            "testany_list_executions",
            json!({"page": "two"}),
            "argument `page` must be a non-negative integer",
        ),
        (
            "testany_list_executions",
            json!({"date_from": "last tuesday"}),
            "argument `date_from` must be a date (YYYY-MM-DD), an RFC 3339 time or epoch milliseconds",
        ),
        (
            "testany_execute_pipeline",
            json!({"pipeline_key": ["SHP-0601"]}),
            "argument `pipeline_key` must be a string",
        ),
        (
            "testany_no_such_tool",
            json!({}),
            "unknown tool `testany_no_such_tool`",
        ),
    ] {
        let r = mcp.call(tool, args).await;
        assert_eq!(r["error"]["code"], json!(-32602), "{tool}: {r}");
        assert_eq!(r["error"]["message"], json!(message), "{tool}");
    }
}

#[tokio::test]
async fn sse_carries_progress_before_the_response() {
    let h = start("", ResponseMode::Sse, 1.0).await;
    let mut mcp = session(&h).await;
    let a = mcp
        .request(
            "tools/call",
            json!({"name": "testany_get_execution", "arguments": {"execution_key": "SHP-0601-00001"},
                   "_meta": {"progressToken": "tok-1"}}),
        )
        .await;
    assert_eq!(a.content_type(), "text/event-stream");
    assert!(a.body.starts_with("event: message\ndata: "));
    let msgs = a.messages();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["method"], json!("notifications/progress"));
    assert_eq!(msgs[0]["params"]["progressToken"], json!("tok-1"));
    assert_eq!(
        msgs[1]["result"]["structuredContent"]["execution_id"],
        json!("SHP-0601-00001")
    );

    // A client that accepts only JSON gets JSON even in SSE mode.
    mcp.accept = "application/json".into();
    let a = mcp.request("ping", json!({})).await;
    assert_eq!(a.content_type(), "application/json");
    // And one that accepts only SSE gets SSE in JSON mode.
    let j = start("", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&j).await;
    mcp.accept = "text/event-stream".into();
    let a = mcp.request("tools/list", json!({})).await;
    assert_eq!(a.content_type(), "text/event-stream");
    h.shutdown().await;
    j.shutdown().await;
}

/// A new run goes PENDING -> RUNNING -> COMPLETED with cases finishing in order.
#[tokio::test]
async fn lifecycle_on_the_scenario_clock() {
    // speed 20: pending 150 ms, then the cases for 1575 ms.
    let h = start("", ResponseMode::Json, 20.0).await;
    let mut mcp = session(&h).await;
    let started = std::time::Instant::now();
    let run = mcp
        .ok(
            "testany_execute_pipeline",
            json!({"pipeline_key": "SHP-0601"}),
        )
        .await;
    let key = run["execution_id"].as_str().unwrap().to_string();
    assert_eq!(key, "SHP-0601-0000D");
    assert_eq!(run["status"], json!("PENDING"));
    assert_eq!(run["started_at"], Value::Null);
    let mut seen: Vec<String> = vec!["PENDING".into()];
    let mut done_counts: Vec<usize> = Vec::new();
    let last = loop {
        let e = mcp
            .ok("testany_get_execution", json!({"execution_key": key}))
            .await;
        let status = e["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        let cases = e["cases"].as_array().unwrap();
        let done = cases
            .iter()
            .filter(|c| !["PENDING", "RUNNING"].contains(&c["status"].as_str().unwrap()))
            .count();
        // Cases finish one by one: the finished ones are a prefix, at most one runs.
        for (i, c) in cases.iter().enumerate() {
            let s = c["status"].as_str().unwrap();
            if i < done {
                assert!(!["PENDING", "RUNNING"].contains(&s));
            } else if i == done && status == "RUNNING" {
                assert_eq!(s, "RUNNING");
            } else {
                assert_eq!(s, "PENDING");
            }
        }
        done_counts.push(done);
        if status == "COMPLETED" {
            break e;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "never completed: {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
    };
    let elapsed = started.elapsed().as_millis();
    assert_eq!(seen, vec!["PENDING", "RUNNING", "COMPLETED"]);
    assert!(done_counts.windows(2).all(|w| w[0] <= w[1]));
    // 1725 ms on the mock's clock; it counts whole milliseconds from creation, so the
    // client's `Instant` may measure up to 1 ms less than that.
    assert!((1724..10_000).contains(&elapsed), "took {elapsed} ms");
    assert_eq!(last["result"], json!("FAILED"));
    assert_eq!(last["duration_ms"], json!(1575));
    let statuses: Vec<&str> = last["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    // Run 12 (0-based) of the scripted patterns.
    assert_eq!(
        statuses,
        vec![
            "PASSED", "PASSED", "PASSED", "PASSED", "FAILED", "PASSED", "PASSED", "FAILED",
            "PASSED", "PASSED", "PASSED"
        ]
    );
    let newest = mcp
        .ok("testany_list_executions", json!({"page_size": 1}))
        .await;
    assert_eq!(newest["executions"][0]["execution_id"], json!(key));
    h.shutdown().await;
}

#[tokio::test]
async fn shipped_run_takes_20_to_60_seconds_at_speed_1() {
    let s = Scenario::shop().unwrap();
    let p = &s.pipelines[0];
    let total = p.pending_secs + p.cases.iter().map(|c| c.duration_secs).sum::<f64>();
    assert!((20.0..=60.0).contains(&total), "{total}");
    assert!(s.history.count >= 10);
}

#[tokio::test]
async fn sequential_calls_reuse_one_connection_and_one_session() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    for _ in 0..200 {
        mcp.ok(
            "testany_get_execution",
            json!({"execution_key": "SHP-0601-00003"}),
        )
        .await;
    }
    let c = h.counts();
    assert_eq!(
        (c.initialize, c.connections, c.tool_calls, c.mcp_requests),
        (1, 1, 200, 202)
    );
    h.shutdown().await;
}

/// Odd but well-formed input gets a JSON-RPC answer, never a crash or a 5xx.
#[tokio::test]
async fn hostile_inputs_get_clean_answers() {
    let h = start("", ResponseMode::Json, 1.0).await;
    let mut mcp = session(&h).await;
    for (params, code, message) in [
        (json!("x"), -32602, "missing required argument `name`"),
        (Value::Null, -32602, "missing required argument `name`"),
        (
            json!({"name": 7}),
            -32602,
            "argument `name` must be a string",
        ),
        (
            json!({"name": "testany_list_pipelines", "arguments": [1]}),
            -32602,
            "argument `arguments` must be an object",
        ),
        (
            json!({"name": "testany_get_execution_case", "arguments": {"execution_key": "SHP-0601-00001", "case_index": 1.5}}),
            -32602,
            "argument `case_index` must be a non-negative integer",
        ),
        (
            json!({"name": "testany_list_executions", "arguments": {"exe_start_time_from": 1.5}}),
            -32602,
            "argument `exe_start_time_from` must be a date (YYYY-MM-DD), an RFC 3339 time or epoch milliseconds",
        ),
    ] {
        let a = mcp.request("tools/call", params.clone()).await;
        assert_eq!(a.status, StatusCode::OK, "{params}");
        let r = a.response();
        assert_eq!(
            (r["error"]["code"].clone(), r["error"]["message"].clone()),
            (json!(code), json!(message)),
            "{params}"
        );
    }
    let huge = mcp
        .call(
            "testany_log_sign",
            json!({"executionKey": "SHP-0601-00001", "caseIndex": u64::MAX}),
        )
        .await;
    assert_eq!(huge["result"]["isError"], json!(true));
    let far = mcp
        .ok(
            "testany_list_executions",
            json!({"page": u64::MAX, "page_size": 0}),
        )
        .await;
    assert_eq!(
        (
            far["executions"].clone(),
            far["page_size"].clone(),
            far["total"].clone()
        ),
        (json!([]), json!(1), json!(36))
    );
    // Odd ids are echoed.
    for id in [json!("abc"), json!(0), json!(-5), json!(1.5)] {
        let a = mcp
            .post(&json!({"jsonrpc": "2.0", "id": id, "method": "ping"}))
            .await;
        assert_eq!(a.response()["id"], id);
    }
    // initialize without a protocol version.
    let a = Mcp::new(h.mcp_url())
        .post(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}))
        .await;
    assert_eq!(a.response()["error"]["code"], json!(-32602));
    assert_eq!(a.header("mcp-session-id"), None);
    // A non-JSON content type.
    let a = mcp
        .http
        .post(h.mcp_url())
        .header("content-type", "text/plain")
        .body("ping")
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    h.shutdown().await;
}
