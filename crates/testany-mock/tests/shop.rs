//! The shipped scenario matches examples/shop, which carries no marker, and the marker
//! overlay the marker tests copy over it (tests/fixtures/shop-markers): markers exist
//! there and log line numbers are real in both.

mod common;

use std::path::PathBuf;

use serde_json::{Value, json};

use testany_mock::{Outcome, Scenario};

fn shop_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop")
}

fn markers_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/shop-markers")
}

/// `rel` as the marker tests see it: the overlay's file, else the shop's.
fn marked(rel: &str) -> PathBuf {
    let over = markers_root().join(rel);
    if over.exists() {
        over
    } else {
        shop_root().join(rel)
    }
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &std::path::Path) -> Vec<String> {
    fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The statement at each scripted line is the one that fails.
#[test]
fn every_case_has_a_marker_and_a_real_failing_line() {
    let scenario = Scenario::shop().unwrap();
    let expected: &[(&str, &str)] = &[
        ("A1B2C3D4", "assert cart.total() == 7.00"),
        ("B7E4C2A9", "assert cart.total() == 27.00"),
        ("C3D9E5F1", "cart.add(\"apple\", 1.25, quantity=-1)"),
        (
            "D4A8B6C2",
            "assert accounts.login(\"ada@example.com\", \"correct horse\")",
        ),
        ("E5B1C7D3", "assert accounts.is_locked(\"ada@example.com\")"),
        ("F6C2D8E4", "await expect(page.getByRole('heading'"),
        (
            "0A7D3E9B",
            "await expect(page.getByText('Payment received')).toBeVisible",
        ),
        (
            "1B8E4FAC",
            "assertEquals(new BigDecimal(\"107.99\"), order.total());",
        ),
        ("2C9F5A0D", "OrderRepository.connect("),
        ("3DA06B1E", "t.Errorf(\"available after reserve"),
        (
            "4EB17C2F",
            "t.Errorf(\"released twice: got %d, want 10\", got)",
        ),
    ];
    let mut checked = 0;
    for pipeline in &scenario.pipelines {
        for case in pipeline.cases.iter().filter(|c| c.tests.is_empty()) {
            let path = marked(&case.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                text.lines()
                    .any(|l| l.contains(&format!("testany: {}", case.key))),
                "{} has no marker for {}",
                case.file,
                case.key
            );
            let line = text.lines().nth(case.line as usize - 1).unwrap_or("");
            let (_, needle) = expected.iter().find(|(k, _)| *k == case.key).unwrap();
            assert!(
                line.contains(needle),
                "{}:{} is {line:?}",
                case.file,
                case.line
            );
            if let Some(src) = &case.source {
                assert_eq!(line.trim(), src, "{}:{}", case.file, case.line);
            }
            if let Some(col) = case.column {
                assert_eq!(
                    line.get(col as usize - 1..col as usize + 10),
                    Some("toBeVisible")
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 13);
}

/// The cases that run test projects (SHP-0603) carry no markers, and each of their
/// tests points at its real definition and, when it fails, at its failing statement.
#[test]
fn suite_cases_have_no_markers_and_real_test_lines() {
    let scenario = Scenario::shop().unwrap();
    let (_, pipeline) = scenario.pipeline("SHP-0603").unwrap();
    let mut definitions = Vec::new();
    for case in &pipeline.cases {
        let root = shop_root().join(case.root.as_deref().unwrap_or(""));
        let trigger = case.trigger();
        let covered = trigger
            .trigger_path
            .clone()
            .or_else(|| trigger.trigger_command.as_ref()?.get(3).cloned())
            .unwrap();
        assert!(root.join(&covered).exists(), "{}: {covered}", case.key);
        for t in &case.tests {
            let path = root.join(&t.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(!text.contains("testany:"), "{} has a marker", t.file);
            let at = |n: u32| text.lines().nth(n as usize - 1).unwrap_or("").trim();
            definitions.push(format!("{}:{} {}", t.file, t.line, at(t.line)));
            if let Some(fail) = t.fail_line {
                assert_eq!(
                    Some(at(fail)),
                    t.source.as_deref().or(Some(at(fail))),
                    "{}:{fail}",
                    t.file
                );
                definitions.push(format!("  fails at {fail}: {}", at(fail)));
            }
            if let Some(col) = t.fail_column {
                let line = text.lines().nth(t.fail_line.unwrap() as usize - 1).unwrap();
                assert_eq!(
                    line.get(col as usize - 1..col as usize + 9),
                    Some("toHaveText")
                );
            }
        }
    }
    assert_eq!(
        definitions,
        [
            "tests/api/test_orders.py:6 def test_create_order_returns_201(api):",
            "tests/api/test_orders.py:12 def test_order_total_includes_tax(api):",
            "  fails at 15: assert total == Decimal(\"107.99\")",
            "tests/api/test_orders.py:18 def test_list_orders_is_paginated(api):",
            "tests/api/test_refunds.py:7 def test_refund_within_30_days(self, api):",
            "tests/api/test_refunds.py:11 def test_refund_of_a_gift_card_order(self, api):",
            "  fails at 13: assert resp.status_code == 200, \"refund rejected\"",
            "tests/api/test_refunds.py:16 def test_partial_refund(self, api):",
            "tests/e2e/storefront.spec.ts:8 test('lists the catalogue', async ({ page }) => {",
            "tests/e2e/storefront.spec.ts:12 test('adds an item to the cart', async ({ page }) => {",
            "  fails at 14: await expect(page.getByTestId('cart-count')).toHaveText('1');",
            "tests/e2e/storefront.spec.ts:17 test('searches by name', async ({ page }) => {",
            "shop-api.postman_collection.json:16 \"pm.test(\\\"Status code is 201\\\", function () {\",",
            "shop-api.postman_collection.json:19 \"pm.test(\\\"Order has an id\\\", function () {\",",
            "shop-api.postman_collection.json:42 \"pm.test(\\\"Status code is 200\\\", function () {\",",
            "shop-api.postman_collection.json:45 \"pm.test(\\\"Total includes tax\\\", function () {\",",
            "  fails at 46: \"    pm.expect(pm.response.json().total).to.eql(\\\"107.99\\\");\",",
            "src/test/java/com/acme/shop/OrderTest.java:13 void orderTotalIncludesTax() {",
            "  fails at 15: assertEquals(new BigDecimal(\"107.99\"), order.total());",
            "src/test/java/com/acme/shop/OrderTest.java:20 void orderIsPersisted() {",
            "src/test/java/com/acme/shop/PriceCalculatorTest.java:14 void appliesPercentageDiscount() {",
            "src/test/java/com/acme/shop/PriceCalculatorTest.java:19 void roundsHalfEven() {",
            "  fails at 20: assertEquals(new BigDecimal(\"2.68\"), calculator.unitPrice(new BigDecimal(\"8.03\"), 3));",
            "src/test/java/com/acme/shop/PriceCalculatorTest.java:24 void rejectsNegativeQuantity() {",
        ]
    );
}

#[test]
fn the_scenario_scripts_flaky_timeout_and_infrastructure_cases() {
    let scenario = Scenario::shop().unwrap();
    let cases = &scenario.pipelines[0].cases;
    let outcomes = |key: &str| -> Vec<Outcome> {
        let c = cases.iter().find(|c| c.key == key).unwrap();
        (0..6).map(|run| c.outcome(run)).collect()
    };
    use Outcome::*;
    assert_eq!(
        outcomes("B7E4C2A9"),
        vec![Passed, Passed, Failed, Passed, Passed, Failed]
    );
    assert_eq!(
        outcomes("0A7D3E9B"),
        vec![Passed, Timeout, Timeout, Passed, Timeout, Timeout]
    );
    assert_eq!(
        outcomes("2C9F5A0D"),
        vec![Passed, Passed, Passed, Passed, Passed, Error]
    );
}

/// The shop shows what a user gets without annotations: no file holds a marker, not
/// even its README, which the server scans too (its one override is the `[cases]`
/// entry of its testany.toml).
#[test]
fn examples_shop_has_no_marker() {
    let files = files(&shop_root());
    assert_eq!(
        files,
        [
            "README.md",
            "api/shop-api.postman_collection.json",
            "pom.xml",
            "shop/__init__.py",
            "shop/api_client.py",
            "src/main/java/com/acme/shop/Order.java",
            "src/main/java/com/acme/shop/PriceCalculator.java",
            "src/test/java/com/acme/shop/OrderTest.java",
            "src/test/java/com/acme/shop/PriceCalculatorTest.java",
            "testany.toml",
            "tests/api/conftest.py",
            "tests/api/test_orders.py",
            "tests/api/test_refunds.py",
            "web/tests/e2e/storefront.spec.ts",
        ]
    );
    let marked: Vec<&String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(shop_root().join(f))
                .unwrap()
                .contains("testany:")
        })
        .collect();
    assert!(marked.is_empty(), "markers in {marked:?}");
}

/// The overlay's OrderTest.java is the shop's with a marker in place of each test's
/// comment, so both pipelines' line numbers hold in both (SHP-0603 on the shop,
/// SHP-0601 on the overlay).
#[test]
fn the_overlay_order_test_differs_from_the_shop_only_by_its_markers() {
    let rel = "src/test/java/com/acme/shop/OrderTest.java";
    let shop = std::fs::read_to_string(shop_root().join(rel)).unwrap();
    let over = std::fs::read_to_string(markers_root().join(rel)).unwrap();
    let differ: Vec<(usize, &str, &str)> = shop
        .lines()
        .zip(over.lines())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a, b))
        .collect();
    assert_eq!(shop.lines().count(), over.lines().count());
    assert_eq!(
        differ,
        [
            (
                11,
                "    // 99.99 net at 8% tax: the total is rounded half-up to the cent.",
                "    // testany: 1B8E4FAC"
            ),
            (
                18,
                "    // Needs the CI job's PostgreSQL service (db:5432).",
                "    // testany: 2C9F5A0D"
            ),
        ]
    );
}

#[test]
fn testany_toml_points_at_the_emulator() {
    let common = [
        "url = \"http://testany.localhost:7357/api/v2/mcp/\"",
        "workspace = \"SHP\"",
        "log_domain = \"testany.localhost\"",
    ];
    let text = std::fs::read_to_string(shop_root().join("testany.toml")).unwrap();
    for line in common.iter().chain(&[
        "pipelines = [\"SHP-0603\"]",
        "[cases]\n8D4FC13A = \"pom.xml\"\n",
    ]) {
        assert!(text.contains(line), "examples/shop: {line}");
    }
    let text = std::fs::read_to_string(markers_root().join("testany.toml")).unwrap();
    for line in common.iter().chain(&["pipelines = [\"SHP-0601\"]"]) {
        assert!(text.contains(line), "shop-markers: {line}");
    }
    assert!(!text.contains("[cases]"), "{text}");
}

#[test]
fn bad_scenarios_are_refused_with_a_reason() {
    for (toml, needle) in [
        (
            "workspace = \"X\"\noperator = \"a@b\"\npipelines = []",
            "at least one [[pipelines]]",
        ),
        (
            "workspace = \"X\"\noperator = \"a@b\"\n[[pipelines]]\nkey = \"X-1\"\nname = \"n\"\nenvironment = \"e\"\n[[pipelines.cases]]\nkey = \"K\"\nname = \"n\"\nfile = \"f\"\nduration_secs = 1\noutcomes = \"PX\"",
            "outcome letter `X`",
        ),
        ("workspace = 1", "invalid type"),
        (
            "workspace = \"X\"\noperator = \"a\"\npipelines = []\nsurprise = 1",
            "unknown field",
        ),
    ] {
        let err = Scenario::from_toml(toml).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
}

/// A scenario with huge history or durations overflowed the lifecycle arithmetic
/// (a panic in debug builds); it is now refused with a message naming the field.
#[tokio::test]
async fn huge_scenario_numbers_are_refused_not_a_panic() {
    let case = "[[pipelines.cases]]\nkey = \"K1\"\nname = \"t\"\nfile = \"t.py\"\n";
    let table = [
        (
            format!(
                "[history]\ninterval_minutes = 9223372036854775807\n{PIPELINE}{case}duration_secs = 1\n"
            ),
            "invalid scenario: history reaches back more than 52560000 minutes (100 years)",
        ),
        (
            format!("[history]\ncount = 4000000000\n{PIPELINE}{case}duration_secs = 1\n"),
            "invalid scenario: history.count must be at most 100000",
        ),
        (
            format!("{PIPELINE}{case}duration_secs = 1e300\n"),
            "invalid scenario: case K1: duration_secs must be between 0 and 31536000",
        ),
        (
            format!("{PIPELINE}pending_secs = -1\n{case}duration_secs = 1\n"),
            "invalid scenario: pipeline P: pending_secs must be between 0 and 31536000",
        ),
    ];
    for (toml, message) in table {
        let toml = format!("workspace = \"W\"\noperator = \"o@example.com\"\n{toml}");
        let error = Scenario::from_toml(&toml).unwrap_err();
        assert_eq!(error.to_string(), message, "{toml}");
    }
    // The largest accepted values, at a tiny speed, still run without overflow.
    let toml = format!(
        "workspace = \"W\"\noperator = \"o@example.com\"\n[history]\ncount = 2\ninterval_minutes = 26000000\n{PIPELINE}pending_secs = 31536000\n{case}duration_secs = 31536000\n"
    );
    let scenario = Scenario::from_toml(&toml).unwrap();
    let config = testany_mock::MockConfig::new(scenario)
        .unwrap()
        .speed(1e-300);
    let h = testany_mock::start(config).await.unwrap();
    let mut mcp = common::session(&h).await;
    let run = mcp
        .ok("testany_execute_pipeline", json!({"pipeline_key": "P"}))
        .await;
    assert_eq!(
        (run["execution_id"].clone(), run["status"].clone()),
        (json!("P-00003"), json!("PENDING"))
    );
    let list = mcp.ok("testany_list_executions", json!({})).await;
    let statuses: Vec<&Value> = list["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["status"])
        .collect();
    assert_eq!(
        statuses,
        // New; 45 minutes old but pending for a year; 49 years old.
        [&json!("PENDING"), &json!("PENDING"), &json!("COMPLETED")]
    );
    h.shutdown().await;
}

const PIPELINE: &str = "[[pipelines]]\nkey = \"P\"\nname = \"p\"\nenvironment = \"dev\"\n";

/// `MockConfig`'s and the scenario's `Debug` printed the bearer token and the operator
/// e-mail; both are redacted now.
#[test]
fn scenario_debug_redacts_token_and_operator() {
    let toml = format!(
        "workspace = \"W\"\noperator = \"op@example.com\"\ntoken = \"tok-123456\"\n{PIPELINE}[[pipelines.cases]]\nkey = \"K1\"\nname = \"t\"\nfile = \"t.py\"\nduration_secs = 1\n"
    );
    let scenario = Scenario::from_toml(&toml).unwrap();
    let config = testany_mock::MockConfig::new(scenario.clone()).unwrap();
    for debug in [format!("{scenario:?}"), format!("{config:?}")] {
        assert!(
            debug.starts_with(
                "Scenario { workspace: \"W\", operator: [redacted], token: [redacted], "
            ) || debug.contains(
                "scenario: Scenario { workspace: \"W\", operator: [redacted], token: [redacted], "
            ),
            "{debug}"
        );
        assert!(
            !debug.contains("tok-123456") && !debug.contains("op@example.com"),
            "{debug}"
        );
    }
}
