//! `testany lsp` over stdio against `testany mock`, on temporary copies of
//! examples/shop. Every test starts its own processes.

use std::time::Duration;

use serde_json::{Value, json};
use testany_e2e::lsp::{Behaviour, editor_capabilities, latest_diagnostics};
use testany_e2e::workspace::shop_config;
use testany_e2e::{Lsp, Mock, Workspace};

/// The cached log `rel` (`<execution>/<n>.log`) in the log cache's one service
/// directory (named by a hash of the service URL: testany_lsp::env::service_dir).
fn cached_log(root: &std::path::Path, rel: &str) -> std::path::PathBuf {
    let logs = root.join("testany/logs");
    let dirs: Vec<std::path::PathBuf> = std::fs::read_dir(&logs)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(
        dirs.len(),
        1,
        "one service directory in {}: {dirs:?}",
        logs.display()
    );
    dirs[0].join(rel)
}

/// Deadline of every wait for the server (generous: waits poll, so passing runs never
/// pay it; a loaded 2-core CI machine may be slow).
const WAIT: Duration = Duration::from_secs(60);
/// The newest execution of SHP-0601 in the shop scenario (12 past runs).
const LATEST: &str = "SHP-0601-0000C";

/// A server for `folders` with its cache in `cache`.
fn server(cache: &Workspace, folders: &[&std::path::Path], utf8: bool, options: Value) -> Lsp {
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let log = cache.root.join("lsp.log");
    let lsp = Lsp::spawn(
        &[("XDG_CACHE_HOME", &cache_dir), ("TESTANY_LOG", "debug")],
        Some(&log),
    );
    lsp.initialize(folders, editor_capabilities(utf8), options);
    lsp
}

/// (line, severity, code, message prefix) of each diagnostic, sorted.
fn summary(diags: &[Value]) -> Vec<(u64, u64, String, String)> {
    let mut out: Vec<_> = diags
        .iter()
        .map(|d| {
            let msg = d["message"].as_str().unwrap_or("");
            (
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                d["severity"].as_u64().unwrap_or(0),
                d["code"].as_str().unwrap_or("").to_owned(),
                msg.chars().take(40).collect(),
            )
        })
        .collect();
    out.sort();
    out
}

fn lens_summary(lenses: &[Value]) -> Vec<(u64, String, String, Value)> {
    lenses
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                l["command"]["title"].as_str().unwrap_or("").to_owned(),
                l["command"]["command"].as_str().unwrap_or("").to_owned(),
                l["command"]["arguments"][0].clone(),
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[test]
fn diagnostics_lenses_and_hover_on_the_shop() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("diag", &mock.url);
    let cache = Workspace::empty("diag-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));

    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let diags = lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    assert_eq!(
        summary(&diags),
        vec![
            (
                13,
                1,
                s("assertion"),
                s("FAILED in SHP-0601-0000C: tests/test_car")
            ),
            (
                13,
                3,
                s("flaky"),
                s("flaky: flipped 4 times in the last 8 run")
            ),
            (
                19,
                1,
                s("assertion"),
                s("AssertionError: assert 24.3 == 27.0 (B7E")
            ),
        ]
    );
    // The failure line's diagnostic points back at the marker.
    let at_line = diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == 19)
        .expect("location diagnostic");
    assert_eq!(
        at_line["range"],
        json!({"start": {"line": 19, "character": 4}, "end": {"line": 19, "character": 32}})
    );
    assert_eq!(at_line["source"], "testany");
    assert_eq!(
        at_line["relatedInformation"][0]["location"],
        json!({"uri": cart, "range": {"start": {"line": 13, "character": 2}, "end": {"line": 13, "character": 19}}})
    );

    // Lenses: one status lens and one re-run lens per marker.
    let lenses = lsp.code_lens(&cart);
    let exec = json!({"execution": LATEST});
    let rerun = json!({"pipeline": "SHP-0601"});
    assert_eq!(
        lens_summary(&lenses),
        vec![
            (
                5,
                s("✓ PASSED 2s · SHP-0601-0000C · staging"),
                s("testany.showExecution"),
                exec.clone()
            ),
            (5, s("↻ Re-run"), s("testany.runPipeline"), rerun.clone()),
            (
                13,
                s("✗ FAILED 3s · SHP-0601-0000C · staging"),
                s("testany.openLog"),
                json!({"execution": LATEST, "caseIndex": 1})
            ),
            (13, s("↻ Re-run"), s("testany.runPipeline"), rerun.clone()),
            (
                22,
                s("✓ PASSED 1s · SHP-0601-0000C · staging"),
                s("testany.showExecution"),
                exec
            ),
            (22, s("↻ Re-run"), s("testany.runPipeline"), rerun),
        ]
    );

    // Hover on the marker: history newest first and the pass rate.
    let hover = lsp
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": cart}, "position": {"line": 13, "character": 6}}),
        )
        .expect("hover");
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert!(
        md.starts_with(
            "**testany: B7E4C2A9** · test\\_discount\\_applies\\_once\n\nPass rate: 63% (5 of 8)\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("| ✗ | FAILED | 3s | staging | gatekeeper | SHP-0601-0000C |"),
        "{md}"
    );
    assert_eq!(md.matches("| SHP-0601-").count(), 8, "{md}");
    let none = lsp
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": cart}, "position": {"line": 0, "character": 0}}),
        )
        .expect("hover");
    assert_eq!(none, Value::Null);

    // Several idle polls later nothing was re-sent: the diagnostics did not change.
    let count = |lsp: &Lsp| {
        lsp.received("textDocument/publishDiagnostics")
            .iter()
            .filter(|m| m["params"]["uri"] == cart.as_str())
            .count()
    };
    let sent = count(&lsp);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(count(&lsp), sent);

    // A file that is not open still gets its failure locations.
    let login = ws.uri("tests/test_login.py");
    let login_diags = lsp.wait_diagnostics(&login, WAIT, |d| d.len() == 2);
    assert_eq!(
        summary(&login_diags),
        vec![
            (
                15,
                1,
                s("assertion"),
                s("FAILED in SHP-0601-0000C · failing since")
            ),
            (
                20,
                1,
                s("assertion"),
                s("AssertionError: account should be locked")
            ),
        ]
    );

    // A location found only in a log fetched in the background: 2C9F5A0D's error text
    // names no file, its JUnit log has the frame at OrderTest.java:21.
    let order = ws.uri("src/test/java/com/acme/shop/OrderTest.java");
    let order_diags = lsp.wait_diagnostics(&order, WAIT, |d| {
        d.iter().any(|d| d["range"]["start"]["line"] == 20)
    });
    let from_log = order_diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == 20)
        .expect("log location");
    assert_eq!(from_log["severity"], 1);
    let msg = from_log["message"].as_str().unwrap_or("");
    assert!(msg.ends_with("(2C9F5A0D ERROR in SHP-0601-0000C)"), "{msg}");
    let cached = cached_log(&cache.root, "SHP-0601-0000C/8.log");
    assert!(std::fs::read_to_string(&cached).is_ok_and(|t| t.contains("OrderTest.java:21")));

    // Closing clears the file's diagnostics.
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": cart}}),
    );
    lsp.wait_diagnostics(&cart, WAIT, <[Value]>::is_empty);

    // Nothing was shown as an error or warning.
    assert_eq!(lsp.received("window/showMessage"), Vec::<Value>::new());
    lsp.shutdown();
}

#[test]
fn open_log_saves_the_log_and_shows_the_failure_line() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("openlog", &mock.url);
    let cache = Workspace::empty("openlog-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| !d.is_empty());

    let result = lsp
        .execute(
            "testany.openLog",
            json!({"execution": LATEST, "caseIndex": 1}),
        )
        .expect("openLog");
    let path = cached_log(&cache.root, "SHP-0601-0000C/1.log");
    let uri = format!("file://{}", path.display());
    assert_eq!(result["uri"], uri.as_str());
    let line = result["line"].as_u64().expect("line") as usize;

    let text = std::fs::read_to_string(&path).expect("cached log");
    let shown = text.lines().nth(line).expect("line in log");
    // The log keeps its colours; the selected line is the pytest failure line.
    assert!(
        shown.contains("/builds/acme/shop/tests/test_cart.py\u{1b}[0m:20: AssertionError"),
        "{shown:?}"
    );
    assert!(text.contains("assert 24.3 == 27.0"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let show = lsp.received("window/showDocument");
    assert_eq!(show.len(), 1, "{show:?}");
    assert_eq!(show[0]["params"]["uri"], uri.as_str());
    assert_eq!(
        show[0]["params"]["selection"]["start"],
        json!({"line": line, "character": 0})
    );
    assert_eq!(show[0]["params"]["takeFocus"], true);
    // The secrets never reach the command result or the server's log.
    let log = std::fs::read_to_string(cache.root.join("lsp.log")).unwrap_or_default();
    assert!(
        !log.contains("dev@acme.test"),
        "operator leaked into the log"
    );
    assert!(!result.to_string().contains("dev@acme.test"));
    lsp.shutdown();

    // A client without showDocument support gets {uri, line} and no request.
    let cache2 = Workspace::empty("openlog-cache2");
    let cache_dir = cache2.root.to_string_lossy().into_owned();
    let plain = Lsp::spawn_with(
        &[("XDG_CACHE_HOME", &cache_dir)],
        None,
        Behaviour {
            show_document_success: false,
        },
    );
    plain.initialize(&[&ws.root], json!({}), json!({}));
    let result = plain
        .execute(
            "testany.openLog",
            json!({"execution": LATEST, "caseIndex": 4}),
        )
        .expect("openLog");
    let path = cached_log(&cache2.root, "SHP-0601-0000C/4.log");
    assert_eq!(result["uri"], format!("file://{}", path.display()).as_str());
    let text = std::fs::read_to_string(&path).expect("cached log");
    let line = result["line"].as_u64().expect("line") as usize;
    let shown = text.lines().nth(line).unwrap_or("");
    assert!(
        shown.contains("tests/test_login.py\u{1b}[0m:21: AssertionError"),
        "{shown:?}"
    );
    // The JUnit log's stack trace starts with a library frame (PGStream.java:98, line
    // 12): the first frame in a workspace file (OrderTest.java:21, line 13) is chosen.
    let result = plain
        .execute(
            "testany.openLog",
            json!({"execution": LATEST, "caseIndex": 8}),
        )
        .expect("openLog");
    assert_eq!(result["line"], 12);
    let path = cached_log(&cache2.root, "SHP-0601-0000C/8.log");
    let text = std::fs::read_to_string(&path).expect("cached log");
    assert_eq!(
        text.lines().nth(12),
        Some("\tat com.acme.shop.OrderTest.orderIsPersisted(OrderTest.java:21)")
    );
    assert_eq!(plain.received("window/showDocument"), Vec::<Value>::new());
    plain.shutdown();
}

#[test]
fn run_pipeline_reports_progress_and_other_editors_update_live() {
    let mock = Mock::start(&["--speed", "8"]);
    let ws = Workspace::shop("run", &mock.url);
    let cache = Workspace::empty("run-cache");
    let watcher = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    watcher.open(&cart, "python", &ws.read("tests/test_cart.py"));
    watcher.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);

    let cache2 = Workspace::empty("run-cache2");
    let runner = server(&cache2, &[&ws.root], false, json!({}));
    let result = runner
        .execute("testany.runPipeline", json!({"pipeline": "SHP-0601"}))
        .expect("runPipeline");
    assert_eq!(
        result,
        json!({"execution": "SHP-0601-0000D", "status": "COMPLETED", "result": "FAILED"})
    );
    let created = runner.received("window/workDoneProgress/create");
    assert_eq!(created.len(), 1);
    let token = created[0]["params"]["token"].clone();
    assert_eq!(token, "testany/run/SHP-0601-0000D");
    let progress: Vec<Value> = runner
        .received("$/progress")
        .into_iter()
        .filter(|p| p["params"]["token"] == token)
        .map(|p| p["params"]["value"].clone())
        .collect();
    let first = progress.first().expect("begin");
    assert_eq!(first["kind"], "begin");
    assert_eq!(first["title"], "Testany: running SHP-0601");
    let last = progress.last().expect("end");
    assert_eq!(
        last,
        &json!({"kind": "end", "message": "FAILED · SHP-0601-0000D"})
    );
    let reports: Vec<&str> = progress
        .iter()
        .filter(|p| p["kind"] == "report")
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(reports.len() >= 2, "{progress:?}");
    assert_eq!(reports.last(), Some(&"11/11 cases · SHP-0601-0000D"));
    assert!(
        reports
            .iter()
            .all(|r| r.ends_with("/11 cases · SHP-0601-0000D")),
        "{reports:?}"
    );

    // The other editor learns of the new run by polling: B7E4C2A9 passed in run 13,
    // so its error is gone (the flaky note stays), and the lens names the new run.
    let diags = watcher.wait_diagnostics(&cart, WAIT, |d| d.len() == 1 && d[0]["code"] == "flaky");
    assert_eq!(
        summary(&diags),
        vec![(
            13,
            3,
            s("flaky"),
            s("flaky: flipped 4 times in the last 8 run")
        )]
    );
    let lenses = watcher.code_lens(&cart);
    assert_eq!(
        lenses[2]["command"]["title"]
            .as_str()
            .map(|t| t.split(' ').take(2).collect::<Vec<_>>()),
        Some(vec!["✓", "PASSED"])
    );
    assert!(
        lenses[2]["command"]["title"]
            .as_str()
            .unwrap_or("")
            .contains("SHP-0601-0000D")
    );
    assert!(!watcher.received("workspace/codeLens/refresh").is_empty());
    runner.shutdown();
    watcher.shutdown();
}

#[test]
fn stale_mode_warns_once_and_recovers() {
    let mock = Mock::start(&[]);
    let port = mock.port;
    let ws = Workspace::shop("stale", &mock.url);
    let cache = Workspace::empty("stale-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);

    mock.stop();
    let warning = lsp.wait_for(WAIT, "the stale warning", |m| {
        m.iter()
            .find(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 2)
            .cloned()
    });
    let text = warning["params"]["message"].as_str().unwrap_or("");
    assert!(
        text.starts_with("Testany: showing the last known results (stale)"),
        "{text}"
    );
    let stale_titles = || -> Vec<String> {
        lsp.code_lens(&cart)
            .iter()
            .filter_map(|l| l["command"]["title"].as_str().map(str::to_owned))
            .filter(|t| t.ends_with("(stale)"))
            .collect()
    };
    assert_eq!(
        stale_titles(),
        vec![
            s("✓ PASSED 2s · SHP-0601-0000C · staging (stale)"),
            s("✗ FAILED 3s · SHP-0601-0000C · staging (stale)"),
            s("✓ PASSED 1s · SHP-0601-0000C · staging (stale)"),
        ]
    );
    // The last known diagnostics stay.
    assert_eq!(
        latest_diagnostics(&lsp.messages(), &cart).map(|d| d.len()),
        Some(3)
    );
    // Several failed polls later: still one warning.
    std::thread::sleep(Duration::from_secs(4));
    let warnings = lsp
        .received("window/showMessage")
        .into_iter()
        .filter(|m| m["params"]["type"] == 2)
        .count();
    assert_eq!(warnings, 1);

    let _back = Mock::start_on(port, &[]);
    // Recovery: the lenses lose "(stale)" once the emulator answers again.
    let deadline = std::time::Instant::now() + WAIT;
    while !stale_titles().is_empty() {
        assert!(std::time::Instant::now() < deadline, "lenses stayed stale");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Fresh lenses, not none at all.
    let titles: Vec<String> = lsp
        .code_lens(&cart)
        .iter()
        .filter_map(|l| l["command"]["title"].as_str().map(str::to_owned))
        .collect();
    assert!(
        titles.contains(&s("✗ FAILED 3s · SHP-0601-0000C · staging")),
        "{titles:?}"
    );
    lsp.shutdown();
}

#[test]
fn multi_root_with_an_invalid_config_and_live_reload() {
    let mock = Mock::start(&[]);
    let good = Workspace::shop("root-a", &mock.url);
    let bad = Workspace::shop("root-b", &mock.url);
    bad.write_config("url = \"http://x.localhost/\"\n\n[poll]\nrunning_secs = \"fast\"\n");
    let cache = Workspace::empty("roots-cache");
    let lsp = server(&cache, &[&good.root, &bad.root], false, json!({}));

    let a = good.uri("tests/test_cart.py");
    let b = bad.uri("tests/test_cart.py");
    lsp.open(&a, "python", &good.read("tests/test_cart.py"));
    lsp.open(&b, "python", &bad.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&a, WAIT, |d| d.len() == 3);

    let errors = lsp.wait_for(WAIT, "the config error", |m| {
        let e: Vec<Value> = m
            .iter()
            .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 1)
            .cloned()
            .collect();
        (!e.is_empty()).then_some(e)
    });
    assert_eq!(errors.len(), 1);
    let text = errors[0]["params"]["message"].as_str().unwrap_or("");
    let name = bad.path("testany.toml").display().to_string();
    assert!(
        text.starts_with(&format!(
            "Testany: {name} line 4: `poll.running_secs` must be an integer, found a string"
        )),
        "{text}"
    );
    assert!(lsp.code_lens(&b).is_empty());
    assert_eq!(latest_diagnostics(&lsp.messages(), &b), None);

    // Fixing the file (the editor reports the change) brings folder B to life, with its
    // own pipeline: SHP-0602 runs only A1B2C3D4.
    bad.write_config(&shop_config(&mock.url, "SHP-0602").replace("staging", "production"));
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": bad.uri("testany.toml"), "type": 2}]}),
    );
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let titles: Vec<String> = lsp
            .code_lens(&b)
            .iter()
            .filter_map(|l| l["command"]["title"].as_str().map(str::to_owned))
            .collect();
        if titles.len() == 4 {
            assert!(
                titles[0].starts_with("✓ PASSED") && titles[0].contains("SHP-0602-"),
                "{titles:?}"
            );
            assert_eq!(titles[1], "↻ Re-run");
            assert_eq!(&titles[2..], &[s("? no result yet"), s("? no result yet")]);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "folder B never loaded: {titles:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Folder A is untouched, and there was only the one error.
    assert_eq!(
        latest_diagnostics(&lsp.messages(), &a).map(|d| d.len()),
        Some(3)
    );

    // Saving a broken testany.toml reports again (once), then settings override the file.
    good.write_config("url = \"http://x.localhost/\"\ntoken = \"abc\"\n");
    lsp.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": good.uri("testany.toml")}}),
    );
    let errors = lsp.wait_for(WAIT, "the second config error", |m| {
        let e: Vec<Value> = m
            .iter()
            .filter(|m| m["method"] == "window/showMessage" && m["params"]["type"] == 1)
            .cloned()
            .collect();
        (e.len() == 2).then_some(e)
    });
    let text = errors[1]["params"]["message"].as_str().unwrap_or("");
    assert!(
        text.contains("testany.toml line 2: `token` must not be in the configuration"),
        "{text}"
    );
    assert!(!text.contains("abc"));
    lsp.wait_diagnostics(&a, WAIT, <[Value]>::is_empty);
    lsp.shutdown();
}

/// A line with CJK text and an emoji before the marker.
const UNICODE: &str = "def test_unicode():\n    # 购物车 😀 testany: B7E4C2A9\n    assert True\n";

fn marker_range(lsp: &Lsp, uri: &str) -> Value {
    let d = lsp.wait_diagnostics(uri, WAIT, |d| d.iter().any(|d| d["severity"] == 1));
    d.iter()
        .find(|d| d["severity"] == 1)
        .map(|d| d["range"].clone())
        .unwrap_or_default()
}

#[test]
fn positions_follow_the_negotiated_encoding() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("unicode", &mock.url);
    ws.write("tests/test_unicode.py", UNICODE);
    let uri = ws.uri("tests/test_unicode.py");
    // (utf8?, expected start, end on line 1; after inserting 🎉 at column 4)
    let cases = [(false, 13, 30, 15, 32), (true, 21, 38, 25, 42)];
    for (utf8, start, end, start2, end2) in cases {
        let cache = Workspace::empty("unicode-cache");
        let lsp = server(&cache, &[&ws.root], utf8, json!({}));
        lsp.open(&uri, "python", UNICODE);
        assert_eq!(
            marker_range(&lsp, &uri),
            json!({"start": {"line": 1, "character": start}, "end": {"line": 1, "character": end}}),
            "utf8: {utf8}"
        );
        lsp.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [{"range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 4}}, "text": "🎉"}],
            }),
        );
        let want = json!({"start": {"line": 1, "character": start2}, "end": {"line": 1, "character": end2}});
        lsp.wait_diagnostics(&uri, WAIT, |d| d.iter().any(|d| d["range"] == want));
        let lenses = lsp.code_lens(&uri);
        assert_eq!(lenses[0]["range"], want);
        lsp.shutdown();
    }
}

#[test]
fn show_refresh_failures_and_health_commands() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("cmds", &mock.url);
    let cache = Workspace::empty("cmds-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);

    let exec = lsp
        .execute("testany.showExecution", json!({"execution": LATEST}))
        .expect("showExecution");
    assert_eq!(exec["key"], LATEST);
    assert_eq!(exec["cases"].as_array().map(Vec::len), Some(11));
    let refreshed = lsp
        .execute("testany.refreshExecution", json!({"execution": LATEST}))
        .expect("refreshExecution");
    assert_eq!(refreshed["key"], LATEST);
    // The operator e-mail (who triggered runs) never reaches a command result.
    for result in [&exec, &refreshed] {
        assert!(!result.to_string().contains("dev@acme.test"), "{result}");
    }

    let failures = lsp
        .execute(
            "testany.recentFailures",
            json!({"pipeline": "SHP-0601", "days": 1}),
        )
        .expect("recentFailures");
    let rows = failures.as_array().expect("array");
    let cart_row = rows
        .iter()
        .find(|r| r["execution"] == LATEST && r["caseKey"] == "B7E4C2A9")
        .expect("B7E4C2A9 failed in the latest run");
    assert_eq!(cart_row["category"], "assertion");
    assert_eq!(cart_row["locations"][0]["path"], "tests/test_cart.py");
    assert_eq!(cart_row["locations"][0]["line"], 19);
    assert_eq!(cart_row["locations"][0]["uri"], cart.as_str());
    // Each (path, line) once, though the error text and the log both name it.
    for row in rows {
        let places: Vec<(String, u64)> = row["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                (
                    l["path"].as_str().unwrap_or("").to_owned(),
                    l["line"].as_u64().unwrap_or(u64::MAX),
                )
            })
            .collect();
        let mut unique = places.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(places.len(), unique.len(), "{row}");
    }
    let cart_places: Vec<(&str, u64)> = cart_row["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["path"].as_str().unwrap_or(""),
                l["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(cart_places, vec![("tests/test_cart.py", 19)]);
    // A timed-out case has no result: its status word stands in; the category stays.
    let timeout = rows
        .iter()
        .find(|r| r["execution"] == LATEST && r["caseIndex"] == 6)
        .expect("case 6 timed out in the latest run");
    assert_eq!(timeout["result"], "TIMEOUT");
    assert_eq!(timeout["category"], "timeout");

    let health = lsp
        .execute(
            "testany.pipelineHealth",
            json!({"pipeline": "SHP-0601", "days": 7}),
        )
        .expect("pipelineHealth");
    assert_eq!(health["days"], 7, "{health}");
    assert_eq!(health["runs"], 12, "{health}");
    assert_eq!(
        health["series"].as_array().map(Vec::len),
        Some(7),
        "{health}"
    );
    assert_eq!(health["slowest"][0]["case_key"], "0A7D3E9B", "{health}");
    let flaky: Vec<&str> = health["flaky"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["case_key"].as_str())
        .collect();
    assert!(flaky.contains(&"B7E4C2A9"), "{flaky:?}");
    // Issue 17: Neovim sends an empty Lua table as `[]`: no options, not an error.
    // (Locations may still grow as background logs arrive: the rows are compared.)
    let cases = |rows: &Value| -> Vec<(String, String)> {
        rows.as_array()
            .into_iter()
            .flatten()
            .map(|r| (r["execution"].to_string(), r["caseKey"].to_string()))
            .collect()
    };
    let no_options = lsp
        .execute("testany.recentFailures", json!([]))
        .expect("recentFailures with []");
    let week = lsp
        .execute("testany.recentFailures", json!({"days": 7}))
        .expect("recentFailures for 7 days");
    assert_eq!(cases(&no_options), cases(&week));
    assert_eq!(cases(&no_options).len(), 26);
    let bad = lsp
        .execute("testany.openLog", json!({"execution": 3}))
        .expect_err("openLog with a numeric execution");
    assert_eq!(bad["code"], -32602, "{bad}");
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("bad arguments: ")),
        "{bad}"
    );

    // Editor settings (section `testany`) override testany.toml without a restart.
    lsp.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"testany": {"environment": "production"}}}),
    );
    let want = "✓ PASSED 3s · SHP-0601-0000A · production";
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let lenses = lsp.code_lens(&cart);
        if lenses.get(2).and_then(|l| l["command"]["title"].as_str()) == Some(want) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "settings not applied: {lenses:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // In production B7E4C2A9 failed, then passed: fixed, not flaky (one flip), so no
    // diagnostic is left (issue 17).
    let diags = lsp.wait_diagnostics(&cart, WAIT, |d| d.is_empty());
    assert_eq!(summary(&diags), Vec::<(u64, u64, String, String)>::new());
    lsp.shutdown();
}

#[test]
fn service_faults_are_retried_without_going_stale() {
    // 429 with Retry-After on the first calls, a 503 every 5th, latency, SSE answers.
    let mock = Mock::start(&[
        "--sse",
        "--faults",
        "http429=first:2,retry_after=1,http503=every:5,latency=20ms",
    ]);
    let ws = Workspace::shop("faults", &mock.url);
    let cache = Workspace::empty("faults-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let diags = lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    assert_eq!(
        summary(&diags)[0].3,
        "FAILED in SHP-0601-0000C: tests/test_car"
    );
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(lsp.received("window/showMessage"), Vec::<Value>::new());
    let titles: Vec<String> = lsp
        .code_lens(&cart)
        .iter()
        .filter_map(|l| l["command"]["title"].as_str().map(str::to_owned))
        .collect();
    assert!(titles.iter().all(|t| !t.contains("(stale)")), "{titles:?}");
    lsp.shutdown();
}

#[test]
fn lenses_asked_right_after_did_open_arrive_without_asking_again() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("lensrace", &mock.url);
    let cache = Workspace::empty("lensrace-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    // The data is loaded first: no later data change would send a refresh by itself.
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    std::thread::sleep(Duration::from_millis(500));

    let files = [
        ("tests/test_login.py", "python", 9),
        ("src/test/java/com/acme/shop/OrderTest.java", "java", 10),
        ("inventory/stock_test.go", "go", 4),
        ("web/tests/checkout.spec.ts", "typescript", 2),
    ];
    for (rel, language, line) in files {
        let uri = ws.uri(rel);
        let refreshes = lsp.received("workspace/codeLens/refresh").len();
        // The lens request goes out right behind didOpen, before the server has
        // looked for the file's project.
        lsp.open(&uri, language, &ws.read(rel));
        let mut lenses = lsp.code_lens(&uri);
        if lenses.is_empty() {
            // Only a refresh may make the client ask again.
            lsp.wait_for(WAIT, "workspace/codeLens/refresh", |msgs| {
                let n = msgs
                    .iter()
                    .filter(|m| m["method"] == "workspace/codeLens/refresh")
                    .count();
                (n > refreshes).then_some(())
            });
            lenses = lsp.code_lens(&uri);
        }
        let first = lens_summary(&lenses);
        assert_eq!(first.first().map(|l| l.0), Some(line), "{rel}: {first:?}");
        assert!(first[0].1.contains("· SHP-0601-0000C"), "{rel}: {first:?}");
        assert_eq!(
            first.get(1).map(|l| l.1.as_str()),
            Some("↻ Re-run"),
            "{rel}"
        );
    }
    lsp.shutdown();
}

#[test]
fn the_poller_waits_out_retry_after() {
    // Every attempt of the first poll is answered 429 with Retry-After: 4, so
    // testany-client's own retries give up and the poller must wait at least 4 s
    // (its own backoff would be 2 s, and a wake-up none) before polling again.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let config = testany_mock::MockConfig::shop()
        .and_then(|c| c.faults("http429=first:4,retry_after=4"))
        .expect("mock config");
    let mock = rt
        .block_on(testany_mock::start(config))
        .expect("start the emulator");
    let ws = Workspace::shop("retryafter", &mock.mcp_url_localhost());
    let cache = Workspace::empty("retryafter-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let arrival = |n: u64| {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while mock.counts().tool_calls < n {
            assert!(std::time::Instant::now() < deadline, "no call {n}");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::time::Instant::now()
    };
    let last_refused = arrival(4);
    let next_poll = arrival(5);
    let gap = next_poll - last_refused;
    assert!(
        gap >= Duration::from_millis(3800),
        "polled again after {gap:?}"
    );
    // Generous: a loaded CI machine may start the poll late; the backoff ceiling
    // (300 s) is far above this.
    assert!(gap < Duration::from_secs(20), "polled again after {gap:?}");
    // The poll after the wait succeeds: the data arrives and is not stale.
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    lsp.shutdown();
    rt.block_on(mock.shutdown());
}

#[test]
fn failure_locations_point_at_markers_in_files_never_opened() {
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("markerindex", &mock.url);
    // B7E4C2A9's marker moves to a file of its own that is never opened; its failure
    // location stays in tests/test_cart.py (line numbers unchanged).
    let cart_text = ws
        .read("tests/test_cart.py")
        .replace("# testany: B7E4C2A9\n", "# (marker moved)\n");
    ws.write("tests/test_cart.py", &cart_text);
    let marker_file = "tests/test_discount.py";
    ws.write(
        marker_file,
        "# testany: B7E4C2A9\ndef test_discount_applies_once():\n    pass\n",
    );
    let cache = Workspace::empty("markerindex-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &cart_text);
    let related_at = |line: u64| {
        let marker_uri = ws.uri(marker_file);
        move |d: &[Value]| {
            d.iter().any(|d| {
                d["range"]["start"]["line"] == 19
                    && d["relatedInformation"][0]["location"]
                        == json!({"uri": marker_uri, "range": {
                            "start": {"line": line, "character": 2},
                            "end": {"line": line, "character": 19}}})
            })
        }
    };
    let diags = lsp.wait_diagnostics(&cart, WAIT, related_at(0));
    let at_line = diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == 19)
        .expect("location diagnostic");
    assert_eq!(
        at_line["relatedInformation"].as_array().map(Vec::len),
        Some(1)
    );

    // The marker file changes on disk (two lines above the marker): the watched-file
    // event refreshes the index and the link follows the marker.
    ws.write(
        marker_file,
        "import shop\n\n# testany: B7E4C2A9\ndef test_discount_applies_once():\n    pass\n",
    );
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": ws.uri(marker_file), "type": 2}]}),
    );
    lsp.wait_diagnostics(&cart, WAIT, related_at(2));
    assert_eq!(
        lsp.received("textDocument/publishDiagnostics")
            .iter()
            .filter(|m| m["params"]["uri"] == ws.uri(marker_file).as_str())
            .count(),
        0,
        "the marker file has no failure location: nothing is published for it"
    );
    lsp.shutdown();
}

/// Whether `m` is a publishDiagnostics for `uri` with an Error among its diagnostics.
fn shows_a_failure(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
        && m["params"]["uri"] == uri
        && m["params"]["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["severity"] == 1))
}

#[test]
fn lenses_and_diagnostics_change_in_the_same_publish_step() {
    // Issue 17: lenses kept `? no result yet` after the diagnostics showed the failure.
    // Each answer is delayed so the file is open (and its lenses asked for) before the
    // first results arrive.
    let mock = Mock::start(&["--faults", "latency=300ms"]);
    let ws = Workspace::shop("lenssync", &mock.url);
    let cache = Workspace::empty("lenssync-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let before: Vec<String> = lens_summary(&lsp.code_lens(&cart))
        .into_iter()
        .map(|l| l.1)
        .collect();
    assert_eq!(before, vec![s("? no result yet"); 3]);

    let first = lsp.wait_for(WAIT, "the first diagnostics with the failure", |msgs| {
        msgs.iter().position(|m| shows_a_failure(m, &cart))
    });
    // Asked right away, before waiting for anything else: the failure, not `?`.
    let lenses = lsp.code_lens(&cart);
    assert_eq!(
        lens_summary(&lenses)[2],
        (
            13,
            s("✗ FAILED 3s · SHP-0601-0000C · staging"),
            s("testany.openLog"),
            json!({"execution": LATEST, "caseIndex": 1})
        )
    );
    // The refresh of the same step follows that step's diagnostics: only other files'
    // diagnostics of the same step (each URI once) come in between.
    let refresh = lsp.wait_for(WAIT, "the codeLens refresh after the failure", |msgs| {
        msgs.iter()
            .skip(first + 1)
            .position(|m| m["method"] == "workspace/codeLens/refresh")
            .map(|i| first + 1 + i)
    });
    let messages = lsp.messages();
    let between: Vec<&Value> = messages[first..refresh].iter().collect();
    let uris: Vec<&str> = between
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .filter_map(|m| m["params"]["uri"].as_str())
        .collect();
    let mut unique = uris.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        (between.len(), unique.len()),
        (uris.len(), uris.len()),
        "one step: {between:#?}"
    );
    lsp.shutdown();
}

#[test]
fn failing_line_diagnostics_follow_lines_inserted_above() {
    // Issue 17: line drift. The failure at tests/test_cart.py:20 (0-based 19) must move
    // with its statement when lines are inserted above it in the editor.
    let mock = Mock::start(&[]);
    let ws = Workspace::shop("drift", &mock.url);
    let cache = Workspace::empty("drift-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(&[("XDG_CACHE_HOME", &cache_dir)], None);
    let init = lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));
    // Incremental sync is advertised, so the client sends ranges, not whole texts.
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let diags = lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    let lines = |d: &[Value]| -> Vec<(u64, String)> {
        let mut v: Vec<(u64, String)> = d
            .iter()
            .map(|d| {
                (
                    d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                    d["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        lines(&diags),
        vec![(13, s("assertion")), (13, s("flaky")), (19, s("assertion"))]
    );

    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": cart, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "text": "import os\nimport re\nimport sys\n",
            }],
        }),
    );
    let want = vec![(16, s("assertion")), (16, s("flaky")), (22, s("assertion"))];
    let moved = lsp.wait_diagnostics(&cart, WAIT, |d| lines(d) == want);
    let at_line = moved
        .iter()
        .find(|d| d["range"]["start"]["line"] == 22)
        .expect("failure line");
    // Same statement, same columns; its link to the marker moved too.
    assert_eq!(
        at_line["range"],
        json!({"start": {"line": 22, "character": 4}, "end": {"line": 22, "character": 32}})
    );
    assert_eq!(
        at_line["relatedInformation"][0]["location"]["range"]["start"]["line"],
        16
    );
    // Lenses sit on the markers, which moved with the text.
    let lens_lines: Vec<u64> = lens_summary(&lsp.code_lens(&cart))
        .iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(lens_lines, vec![8, 8, 16, 16, 25, 25]);
    lsp.shutdown();
}

#[test]
fn hostile_service_text_reaches_the_editor_as_visible_text() {
    // Issue 17: the service's error text and case name carry an OSC 52 clipboard write,
    // a screen erase, a bidi override, NUL and a bare CR.
    let shop = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/testany-mock/scenarios/shop.toml"),
    )
    .expect("shop scenario");
    let hostile = shop
        .replace(
            "error = \"tests/test_cart.py:20: AssertionError: assert 24.3 == 27.0\"",
            "error = \"tests/test_cart.py:20: AssertionError: \\u001B]52;c;aGk=\\u0007boom\\u001B[2J \\u202Eevil\\u0000 bare\\rCR\"",
        )
        .replace(
            "name = \"test_discount_applies_once\"",
            "name = \"test_discount\\u001B[2J\\u202Eapplies\\u0000\"",
        );
    assert_ne!(hostile, shop);
    let dir = Workspace::empty("hostile-scenario");
    let scenario = dir.root.join("hostile.toml");
    std::fs::write(&scenario, &hostile).expect("write scenario");
    let mock = Mock::start(&["--scenario", &scenario.to_string_lossy()]);
    let ws = Workspace::shop("hostile", &mock.url);
    let cache = Workspace::empty("hostile-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let cart = ws.uri("tests/test_cart.py");
    lsp.open(&cart, "python", &ws.read("tests/test_cart.py"));
    let diags = lsp.wait_diagnostics(&cart, WAIT, |d| d.len() == 3);
    // (The flaky note's wording is not this test's business.)
    let mut messages: Vec<(u64, &str)> = diags
        .iter()
        .filter(|d| d["code"] != "flaky")
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                d["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    messages.sort();
    assert_eq!(
        messages,
        vec![
            (
                13,
                "FAILED in SHP-0601-0000C: tests/test_cart.py:20: AssertionError: boom <U+202E>evil␀ bare␍CR"
            ),
            (
                19,
                "AssertionError: boom <U+202E>evil␀ bare␍CR (B7E4C2A9 FAILED in SHP-0601-0000C)"
            ),
        ]
    );
    let hover = lsp
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": cart}, "position": {"line": 13, "character": 6}}),
        )
        .expect("hover");
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert_eq!(
        md.lines().next(),
        Some("**testany: B7E4C2A9** · test\\_discount\\<U+202E\\>applies␀")
    );
    let raw: Vec<char> = md
        .chars()
        .filter(|c| c.is_control() && *c != '\n' || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert_eq!(raw, Vec::<char>::new(), "{md:?}");
    lsp.shutdown();
}

/// Issue 17 (review): a run's progress names the execution as the service keyed it; a
/// key carrying an OSC title write, BEL and a bidi override reaches the editor's progress
/// (begin, reports, end) as visible text.
#[test]
fn run_progress_shows_a_hostile_execution_key_as_visible_text() {
    let scenario = include_str!("../../crates/testany-cli/tests/hostile.toml").replace(
        "key = \"EVL-0001\"",
        "key = \"EVL\\u001B]0;pwned\\u0007\\u202E-0001\"",
    );
    let dir = Workspace::empty("hostile-key-scenario");
    let path = dir.root.join("hostile.toml");
    std::fs::write(&path, &scenario).expect("write scenario");
    let mock = Mock::start(&["--scenario", &path.to_string_lossy()]);
    let ws = Workspace::empty("hostile-key");
    ws.write_config(&format!(
        "url = \"{}\"\nworkspace = \"EVL\"\npipelines = [\"EVL\\u001B]0;pwned\\u0007\\u202E-0001\"]\n",
        mock.url
    ));
    let cache = Workspace::empty("hostile-key-cache");
    let lsp = server(&cache, &[&ws.root], false, json!({}));
    let key = "EVL\u{1b}]0;pwned\u{7}\u{202e}-0001";
    let result = lsp
        .execute("testany.runPipeline", json!({"pipeline": key}))
        .expect("runPipeline");
    assert_eq!(result["execution"], format!("{key}-00002"));
    let messages: Vec<(String, String)> = lsp
        .received("$/progress")
        .into_iter()
        .map(|p| {
            let v = &p["params"]["value"];
            (
                v["kind"].as_str().unwrap_or("").to_owned(),
                v["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .filter(|(kind, _)| kind != "report")
        .collect();
    assert_eq!(
        messages,
        vec![
            ("begin".to_owned(), "EVL<U+202E>-0001-00002".to_owned()),
            (
                "end".to_owned(),
                "FAILED · EVL<U+202E>-0001-00002".to_owned()
            ),
        ]
    );
    lsp.shutdown();
}
