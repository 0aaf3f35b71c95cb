//! Issue 15, every test in the editor: `testany lsp` against `testany mock`'s pipeline
//! SHP-0603 "Shop suites" on a copy of examples/shop as shipped, whose pytest,
//! Playwright, Postman and Maven projects carry no marker (its one override is the
//! `[cases]` entry that gives the Maven case's own lens to pom.xml). Each linked test definition gets its own lens and
//! each failing test a diagnostic at its failing line; the lines are found in the files
//! by their literal text. The notes are each test's own history over the scenario's
//! runs (history = 10): pytest `PPFF`, Playwright `PF`, Maven `FFPF`, Postman always
//! failing.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use testany_e2e::lsp::editor_capabilities;
use testany_e2e::{Lsp, Mock, Workspace};

/// Deadline of every wait (waits poll: passing runs never pay it).
const WAIT: Duration = Duration::from_secs(90);
/// The newest execution of SHP-0603 in the shop scenario.
const LATEST: &str = "SHP-0603-0000C";

/// 0-based line of the one line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(found.len(), 1, "{needle:?} should be on exactly one line");
    found[0] as u64
}

/// (line, title without its age, command, arguments) of each lens. A title ends in
/// ` · <age> ago`, which depends on the clock: checked for its shape, then cut.
fn lenses(lenses: &[Value]) -> Vec<(u64, String, String, Value)> {
    lenses
        .iter()
        .map(|l| {
            let title = l["command"]["title"].as_str().unwrap_or("").to_owned();
            let title = match title.rsplit_once(" · ") {
                Some((head, age)) if age.ends_with(" ago") => head.to_owned(),
                _ => title,
            };
            (
                l["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                title,
                l["command"]["command"].as_str().unwrap_or("").to_owned(),
                l["command"]["arguments"][0].clone(),
            )
        })
        .collect()
}

/// The lenses of `uri` once `ready` accepts them (the case logs are read in the
/// background after the first poll).
fn wait_lenses(lsp: &Lsp, uri: &str, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + WAIT;
    loop {
        let got = lsp.code_lens(uri);
        if ready(&got) {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the lenses of {uri}; last: {:#?}",
            lenses(&got)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The status lens (not `Run locally`) titles of each line.
fn status_lenses(all: &[Value]) -> Vec<(u64, String)> {
    lenses(all)
        .into_iter()
        .filter(|l| l.2 == "testany.openLog")
        .map(|l| (l.0, l.1))
        .collect()
}

/// (line, message) of each diagnostic, sorted by line.
fn diagnostics(diags: &[Value]) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = diags
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX),
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn s(x: &str) -> String {
    x.to_owned()
}

fn key_suffix(status: &str) -> String {
    format!("{status} · {LATEST}")
}

#[test]
fn every_test_of_the_four_frameworks_gets_its_lens_and_its_failure_line() {
    let mock = Mock::start(&[]);
    let ws = Workspace::example("tests", &mock.url);
    let cache = Workspace::empty("tests-cache");
    let cache_dir = cache.root.to_string_lossy().into_owned();
    let lsp = Lsp::spawn(
        &[("XDG_CACHE_HOME", &cache_dir), ("TESTANY_LOG", "debug")],
        Some(&cache.root.join("lsp.log")),
    );
    lsp.initialize(&[&ws.root], editor_capabilities(false), json!({}));

    // pytest: a module of functions.
    let orders_rel = "tests/api/test_orders.py";
    let orders = ws.read(orders_rel);
    let uri = ws.uri(orders_rel);
    lsp.open(&uri, "python", &orders);
    let want = vec![
        // The case's own lens: its trigger is the folder `tests/api/` and nothing maps
        // it, so it sits on the first line of each file holding its tests (as a trigger
        // file's: environment, no age, `↻ Re-run`).
        (0, format!("✗ FAILED 4s · {LATEST} · staging")),
        (
            line_of(&orders, "def test_create_order_returns_201"),
            key_suffix("✓ passed"),
        ),
        (
            line_of(&orders, "def test_order_total_includes_tax"),
            key_suffix(
                "✗ FAILED: AssertionError: assert Decimal('107.98') == Decimal('107.99') · flaky: flipped 4 times in the last 10 runs",
            ),
        ),
        (
            line_of(&orders, "def test_list_orders_is_paginated"),
            key_suffix("✓ passed"),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);
    assert_eq!(
        lenses(&got)[1],
        (
            0,
            s("↻ Re-run"),
            s("testany.runPipeline"),
            json!({"pipeline": "SHP-0603"})
        )
    );
    // testany/caseStates has an entry for every case lens of the latest run, though
    // no file holding one is open: the Playwright spec's and the Postman collection's
    // (their triggers' first line), the `[cases]` entry's pom.xml, and the pytest
    // case's at each of its two test files (its trigger is a folder and no entry maps
    // it; it had no lens and no entry before).
    let deadline = Instant::now() + WAIT;
    let cases = loop {
        let states = lsp
            .request("testany/caseStates", json!({}))
            .expect("caseStates");
        let cases: Vec<(String, u64, String, String, Value, Value)> = states
            .as_array()
            .expect("an array")
            .iter()
            .filter(|e| e.get("testId").is_none())
            .map(|e| {
                (
                    e["uri"].as_str().unwrap_or("").to_owned(),
                    e["line"].as_u64().unwrap_or(u64::MAX),
                    e["key"].as_str().unwrap_or("").to_owned(),
                    e["state"].as_str().unwrap_or("").to_owned(),
                    e["execution"].clone(),
                    e["pipeline"].clone(),
                )
            })
            .collect();
        if cases.len() >= 5 || Instant::now() >= deadline {
            break cases;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let case = |rel: &str, key: &str| {
        (
            ws.uri(rel),
            0,
            s(key),
            s("failed"),
            json!(LATEST),
            json!("SHP-0603"),
        )
    };
    assert_eq!(
        cases,
        vec![
            case("api/shop-api.postman_collection.json", "7C3EB029"),
            case("pom.xml", "8D4FC13A"),
            case("tests/api/test_orders.py", "5A1C9E07"),
            case("tests/api/test_refunds.py", "5A1C9E07"),
            case("web/tests/e2e/storefront.spec.ts", "6B2DAF18"),
        ]
    );
    // testany/caseStates lists each test at its definition, for a test tree.
    let states = lsp
        .request("testany/caseStates", json!({"uri": uri}))
        .expect("caseStates");
    let tests: Vec<(u64, String, String, String, Value, Value)> = states
        .as_array()
        .expect("an array")
        .iter()
        .filter(|e| e.get("testId").is_some())
        .map(|e| {
            (
                e["line"].as_u64().unwrap_or(u64::MAX),
                e["testId"].as_str().unwrap_or("").to_owned(),
                e["state"].as_str().unwrap_or("").to_owned(),
                e["key"].as_str().unwrap_or("").to_owned(),
                e["expected"].clone(),
                e["actual"].clone(),
            )
        })
        .collect();
    assert_eq!(
        tests,
        vec![
            (
                line_of(&orders, "def test_create_order_returns_201"),
                s("tests/api/test_orders.py::test_create_order_returns_201"),
                s("passed"),
                s("5A1C9E07"),
                Value::Null,
                Value::Null
            ),
            (
                line_of(&orders, "def test_order_total_includes_tax"),
                s("tests/api/test_orders.py::test_order_total_includes_tax"),
                s("failed"),
                s("5A1C9E07"),
                json!("Decimal('107.99')"),
                json!("Decimal('107.98')")
            ),
            (
                line_of(&orders, "def test_list_orders_is_paginated"),
                s("tests/api/test_orders.py::test_list_orders_is_paginated"),
                s("passed"),
                s("5A1C9E07"),
                Value::Null,
                Value::Null
            ),
        ]
    );
    // Each names its execution's pipeline (editors never take an execution key apart).
    let pipelines: Vec<&Value> = states
        .as_array()
        .expect("an array")
        .iter()
        .filter(|e| e.get("testId").is_some())
        .map(|e| &e["pipeline"])
        .collect();
    assert_eq!(pipelines, vec![&json!("SHP-0603"); 3]);
    // Its actions: the log at the test's own line, and the local command.
    let all = lenses(&got);
    let failed_at = line_of(&orders, "def test_order_total_includes_tax");
    let actions: Vec<(String, Value)> = all
        .iter()
        .filter(|l| l.0 == failed_at)
        .map(|l| (l.2.clone(), l.3.clone()))
        .collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(actions[0].0, "testany.openLog");
    assert_eq!(actions[0].1["execution"], LATEST);
    assert_eq!(actions[0].1["caseIndex"], 0);
    assert!(actions[0].1["line"].is_u64(), "{actions:?}");
    assert_eq!(
        actions[1],
        (
            s("testany.runLocally"),
            json!({"execution": LATEST, "caseIndex": 0,
                   "testId": "tests/api/test_orders.py::test_order_total_includes_tax"})
        )
    );
    let local = lsp
        .execute("testany.runLocally", actions[1].1.clone())
        .expect("runLocally");
    assert_eq!(
        local,
        json!({"argv": ["python", "-m", "pytest",
                        "tests/api/test_orders.py::test_order_total_includes_tax"],
               "cwd": ws.root.display().to_string()})
    );
    let want = vec![(
        line_of(&orders, "assert total == Decimal(\"107.99\")"),
        format!(
            "FAILED in {LATEST} · flaky: flipped 4 times in the last 10 runs: test_order_total_includes_tax: AssertionError: assert Decimal('107.98') == Decimal('107.99')\nexpected: Decimal('107.99')\nactual: Decimal('107.98')"
        ),
    )];
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| diagnostics(d) == want);
    assert_eq!(diagnostics(&diags), want);
    assert_eq!(
        diags[0]["relatedInformation"][0]["location"],
        json!({"uri": uri, "range": {
            "start": {"line": failed_at, "character": 0},
            "end": {"line": failed_at, "character": 0}}})
    );

    // pytest: a class of methods (one skipped).
    let refunds_rel = "tests/api/test_refunds.py";
    let refunds = ws.read(refunds_rel);
    let uri = ws.uri(refunds_rel);
    lsp.open(&uri, "python", &refunds);
    let want = vec![
        (0, format!("✗ FAILED 4s · {LATEST} · staging")),
        (
            line_of(&refunds, "def test_refund_within_30_days"),
            key_suffix("✓ passed"),
        ),
        (
            line_of(&refunds, "def test_refund_of_a_gift_card_order"),
            key_suffix(
                "✗ FAILED: AssertionError: refund rejected · flaky: flipped 4 times in the last 10 runs",
            ),
        ),
        (
            line_of(&refunds, "def test_partial_refund"),
            key_suffix("⊘ skipped"),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);
    let want = vec![(
        line_of(
            &refunds,
            "assert resp.status_code == 200, \"refund rejected\"",
        ),
        format!(
            "FAILED in {LATEST} · flaky: flipped 4 times in the last 10 runs: TestRefunds.test_refund_of_a_gift_card_order: AssertionError: refund rejected"
        ),
    )];
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| diagnostics(d) == want);
    assert_eq!(diagnostics(&diags), want);
    // pytest prints no column (`test_refunds.py:14`): from the first non-blank.
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": 12, "character": 8}, "end": {"line": 12, "character": 57}})
    );

    // Playwright: three tests in a describe; the case's own lens on the spec's first line.
    let spec_rel = "web/tests/e2e/storefront.spec.ts";
    let spec = ws.read(spec_rel);
    let uri = ws.uri(spec_rel);
    lsp.open(&uri, "typescript", &spec);
    let want = vec![
        // The case's own lens reads as a marker's: environment, no age, `↻ Re-run`.
        (0, format!("✗ FAILED 9s · {LATEST} · staging")),
        (
            line_of(&spec, "test('lists the catalogue'"),
            key_suffix("✓ passed 1s"),
        ),
        (
            line_of(&spec, "test('adds an item to the cart'"),
            key_suffix(
                "✗ FAILED: Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected) · flaky: flipped 9 times in the last 10 runs",
            ),
        ),
        (
            line_of(&spec, "test('searches by name'"),
            key_suffix("✓ passed 845ms"),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);
    assert_eq!(
        lenses(&got)[1],
        (
            0,
            s("↻ Re-run"),
            s("testany.runPipeline"),
            json!({"pipeline": "SHP-0603"})
        )
    );
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| {
        diagnostics(d)
            .iter()
            .any(|x| x.1.contains("flipped 9 times in the last 10 runs"))
    });
    let fail = diagnostics(&diags);
    assert_eq!(fail.len(), 1, "{fail:?}");
    assert_eq!(fail[0].0, line_of(&spec, "toHaveText('1')"), "{fail:?}");
    // The log's frame is `storefront.spec.ts:14:50`: the diagnostic starts at that
    // column (`toHaveText('1');`, 0-based 49), as a case's failure does, not at the
    // line's first non-blank (4).
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": 13, "character": 49}, "end": {"line": 13, "character": 65}})
    );
    // Its code is the test's category by core's rule on its message, as the case's in
    // `testany status` and recentFailures (was `assertion` for every failed test).
    assert_eq!(diags[0]["code"], "timeout");
    assert!(
        fail[0].1.starts_with(&format!(
            "FAILED in {LATEST} · flaky: flipped 9 times in the last 10 runs: storefront › adds an item to the cart: Error: Timed out 5000ms"
        )),
        "{fail:?}"
    );
    assert!(
        fail[0].1.ends_with("\nexpected: \"1\"\nactual: \"0\""),
        "{fail:?}"
    );

    // Postman: each pm.test inside its request's exec array.
    let coll_rel = "api/shop-api.postman_collection.json";
    let coll = ws.read(coll_rel);
    let uri = ws.uri(coll_rel);
    // Before it is opened: no frame of the case's log names it, only its failing test's
    // definition does, and its diagnostic is sent all the same.
    let closed = lsp.wait_diagnostics(&uri, WAIT, |d| !d.is_empty());
    assert_eq!(
        diagnostics(&closed).iter().map(|d| d.0).collect::<Vec<_>>(),
        [line_of(&coll, "pm.test(\\\"Total includes tax\\\"")]
    );
    lsp.open(&uri, "json", &coll);
    let want = vec![
        (0, format!("✗ FAILED 2s · {LATEST} · staging")),
        (
            line_of(&coll, "pm.test(\\\"Status code is 201\\\""),
            key_suffix("✓ passed"),
        ),
        (
            line_of(&coll, "pm.test(\\\"Order has an id\\\""),
            key_suffix("✓ passed"),
        ),
        (
            line_of(&coll, "pm.test(\\\"Status code is 200\\\""),
            key_suffix("✓ passed"),
        ),
        (
            line_of(&coll, "pm.test(\\\"Total includes tax\\\""),
            key_suffix(
                "✗ FAILED: AssertionError: expected '107.98' to deeply equal '107.99' · failing since SHP-0603-00003 (10 runs)",
            ),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);
    let want = vec![(
        line_of(&coll, "pm.test(\\\"Total includes tax\\\""),
        format!(
            "FAILED in {LATEST} · failing since SHP-0603-00003 (10 runs): Total includes tax: AssertionError: expected '107.98' to deeply equal '107.99'\nexpected: '107.99'\nactual: '107.98'"
        ),
    )];
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| diagnostics(d) == want);
    assert_eq!(diagnostics(&diags), want);

    // Maven: JUnit classes found by package.
    let calc_rel = "src/test/java/com/acme/shop/PriceCalculatorTest.java";
    let calc = ws.read(calc_rel);
    let uri = ws.uri(calc_rel);
    lsp.open(&uri, "java", &calc);
    let want = vec![
        (
            line_of(&calc, "void appliesPercentageDiscount()"),
            key_suffix("✓ passed 3ms"),
        ),
        (
            line_of(&calc, "void roundsHalfEven()"),
            key_suffix(
                "✗ FAILED: org.opentest4j.AssertionFailedError: expected: <2.68> but was: <2.67> · flaky: flipped 5 times in the last 10 runs",
            ),
        ),
        (
            line_of(&calc, "void rejectsNegativeQuantity()"),
            key_suffix("✓ passed 2ms"),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);
    let want = vec![(
        line_of(&calc, "assertEquals(new BigDecimal(\"2.68\")"),
        format!(
            "FAILED in {LATEST} · flaky: flipped 5 times in the last 10 runs: roundsHalfEven: org.opentest4j.AssertionFailedError: expected: <2.68> but was: <2.67>\nexpected: 2.68\nactual: 2.67"
        ),
    )];
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| diagnostics(d) == want);
    assert_eq!(diagnostics(&diags), want);

    // A file never opened still gets the diagnostic of its failing test.
    let order_rel = "src/test/java/com/acme/shop/OrderTest.java";
    let order = ws.read(order_rel);
    let uri = ws.uri(order_rel);
    let diags = lsp.wait_diagnostics(&uri, WAIT, |d| !d.is_empty());
    let unopened = diagnostics(&diags);
    let got = unopened;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].0,
        line_of(
            &order,
            "assertEquals(new BigDecimal(\"107.99\"), order.total());"
        )
    );
    assert!(
        got[0].1.ends_with(
            "orderTotalIncludesTax: org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>\nexpected: 107.99\nactual: 107.98"
        ),
        "{got:?}"
    );
    // Opened, both its tests carry their lenses.
    lsp.open(&uri, "java", &order);
    let want = vec![
        (
            line_of(&order, "void orderTotalIncludesTax()"),
            key_suffix(
                "✗ FAILED: org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98> · flaky: flipped 5 times in the last 10 runs",
            ),
        ),
        (
            line_of(&order, "void orderIsPersisted()"),
            key_suffix("✓ passed 40ms"),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| status_lenses(l) == want);
    assert_eq!(status_lenses(&got), want);

    // The one override: `[cases] 8D4FC13A = "pom.xml"` gives the Maven case, whose
    // trigger is the project folder, its own lens on pom.xml's first line.
    let pom_rel = "pom.xml";
    let pom = ws.read(pom_rel);
    let uri = ws.uri(pom_rel);
    lsp.open(&uri, "xml", &pom);
    let want = vec![
        (
            0,
            format!("✗ FAILED 12s · {LATEST} · staging"),
            s("testany.openLog"),
            json!({"execution": LATEST, "caseIndex": 3}),
        ),
        (
            0,
            s("↻ Re-run"),
            s("testany.runPipeline"),
            json!({"pipeline": "SHP-0603"}),
        ),
    ];
    let got = wait_lenses(&lsp, &uri, |l| lenses(l) == want);
    assert_eq!(lenses(&got), want);

    // Each failed case's category is its first failing test's, as in `testany status`
    // (CLIFIX finding 2; the summary error texts made them all `error`).
    let failures = lsp
        .execute(
            "testany.recentFailures",
            json!({"pipeline": "SHP-0603", "days": 3650}),
        )
        .expect("recentFailures");
    let categories: Vec<(String, String)> = failures
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["execution"] == LATEST)
        .map(|r| {
            (
                r["caseKey"].as_str().unwrap_or("").to_owned(),
                r["category"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        categories,
        vec![
            (s("5A1C9E07"), s("assertion")),
            (s("6B2DAF18"), s("timeout")),
            (s("7C3EB029"), s("assertion")),
            (s("8D4FC13A"), s("assertion")),
        ]
    );

    lsp.shutdown();
    mock.stop();
}
