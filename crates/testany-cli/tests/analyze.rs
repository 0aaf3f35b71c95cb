//! `testany analyze` as a process (issue 14): the `--json` shape (`tests[]` and
//! `locations[]` with their workspace files), the human output, and logs that are not
//! valid UTF-8 or hold one enormous line.

mod common;

use common::{Env, normalize};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A pytest run as pytest 8 prints it with `-v` (shop example's test file and line).
const PYTEST_LOG: &str = "\
============================= test session starts ==============================
platform linux -- Python 3.12.3, pytest-8.2.0, pluggy-1.5.0
rootdir: /builds/acme/shop
collected 3 items

tests/test_cart.py::test_add_item PASSED                                 [ 33%]
tests/test_cart.py::test_discount_applies_once FAILED                    [ 66%]
tests/test_login.py::test_login_ok PASSED                                [100%]

=================================== FAILURES ===================================
__________________________ test_discount_applies_once __________________________

    def test_discount_applies_once():
>       assert cart.total() == 27.00
E       assert 24.3 == 27.0

/builds/acme/shop/tests/test_cart.py:20: AssertionError
=========================== short test summary info ============================
FAILED tests/test_cart.py::test_discount_applies_once - assert 24.3 == 27.0
========================= 1 failed, 2 passed in 0.12s ==========================
";

fn shop(env: &Env) -> String {
    let project = env.dir.path().join("shop");
    common::shop_project(&project, "http://testany.localhost:1/api/v2/mcp/");
    project.display().to_string()
}

#[test]
fn json_has_tests_and_locations_resolved_under_root() {
    let env = Env::new();
    let root = shop(&env);
    let out = env.run_in(
        &env.work(),
        &["analyze", "-", "--root", &root, "--json"],
        Some(PYTEST_LOG.as_bytes()),
    );
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "bytes",
            "categories",
            "failures",
            "lines",
            "locations",
            "resolved",
            "root",
            "source",
            "summary",
            "tests"
        ]
    );
    assert_eq!(v["lines"], 20);
    assert_eq!(v["bytes"], PYTEST_LOG.len());
    assert_eq!(
        v["locations"],
        serde_json::json!([{
            "file": "tests/test_cart.py",
            "path": "/builds/acme/shop/tests/test_cart.py",
            "line": 20,
            "column": null,
            "log_line": 17,
            "message": "AssertionError: assert 24.3 == 27.0"
        }])
    );
    assert_eq!(v["resolved"], 1);
    assert_eq!(v["summary"], serde_json::json!({"failed": 1, "passed": 2}));
    let passed = |id: &str, name: &str, file: &str| {
        serde_json::json!({
            "id": id, "name": name, "framework": "pytest", "status": "passed",
            "file": file, "line": null, "duration_ms": null, "message": null,
            "expected": null, "actual": null, "location": null
        })
    };
    assert_eq!(
        v["tests"],
        serde_json::json!([
            passed("tests/test_cart.py::test_add_item", "test_add_item", "tests/test_cart.py"),
            {
                "id": "tests/test_cart.py::test_discount_applies_once",
                "name": "test_discount_applies_once",
                "framework": "pytest",
                "status": "failed",
                "file": "tests/test_cart.py",
                "line": null,
                "duration_ms": null,
                "message": "AssertionError: assert 24.3 == 27.0",
                "expected": "27.0",
                "actual": "24.3",
                "location": {
                    "file": "tests/test_cart.py",
                    "path": "/builds/acme/shop/tests/test_cart.py",
                    "line": 20,
                    "column": null,
                    "log_line": 17,
                    "message": "AssertionError: assert 24.3 == 27.0"
                }
            },
            passed("tests/test_login.py::test_login_ok", "test_login_ok", "tests/test_login.py"),
        ])
    );
}

#[test]
fn human_output_counts_tests_then_lists_failed_ones_then_locations() {
    let env = Env::new();
    let root = shop(&env);
    let log = env.dir.path().join("pytest.log");
    std::fs::write(&log, PYTEST_LOG).unwrap();
    let log_arg = log.display().to_string();
    let out = env.run(&["analyze", &log_arg, "--root", &root]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        normalize(&out.stdout, &[(&log_arg, "[LOG]")]),
        "analyzed [LOG]: 20 lines, 989 B

3 tests: 1 failed, 2 passed
FAILED tests/test_cart.py::test_discount_applies_once  tests/test_cart.py:20
    AssertionError: assert 24.3 == 27.0
    expected: 27.0
    actual:   24.3

error[assertion]: AssertionError: assert 24.3 == 27.0
  --> tests/test_cart.py:20:5
   |
20 |     assert cart.total() == 27.00
   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ found in the log (log line 17)

1 failure (assertion 1); 1 location, 1 in the project
"
    );
}

/// A failure message is log text: what it carries to move the cursor, set the title or
/// write the clipboard is not passed on to the terminal.
#[test]
fn failed_tests_messages_are_sanitised() {
    let env = Env::new();
    let log = PYTEST_LOG.replace(
        "E       assert 24.3 == 27.0",
        "E       assert '\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{202e}x' == 'y'",
    );
    let out = env.run_in(&env.work(), &["analyze", "-"], Some(log.as_bytes()));
    assert_eq!(out.code, 1, "{out:?}");
    let failed: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("FAILED "))
        .take(4)
        .collect();
    assert_eq!(
        failed,
        [
            "FAILED tests/test_cart.py::test_discount_applies_once  /builds/acme/shop/tests/test_cart.py:20 (not in this project)",
            "    AssertionError: assert '<U+202E>x' == 'y'",
            "    expected: 'y'",
            "    actual:   '<U+202E>x'",
        ]
    );
    assert!(
        !out.stdout.contains(['\x1b', '\x07', '\u{202e}']),
        "{:?}",
        out.stdout
    );
}

#[test]
fn logs_that_are_not_utf8_or_hold_a_huge_line_are_read() {
    let env = Env::new();
    let mut log = b"tests/x.py:3: AssertionError \xff\xfe\n".to_vec();
    log.extend(std::iter::repeat_n(b'a', 3 << 20));
    log.extend_from_slice(b"\n\xc3\n");
    let out = env.run_in(&env.work(), &["analyze", "-", "--json"], Some(&log));
    assert_eq!(out.code, 1, "{out:?}");
    let v = json(&out.stdout);
    assert_eq!(
        (v["lines"].clone(), v["bytes"].clone()),
        (3.into(), log.len().into())
    );
    assert_eq!(v["locations"][0]["path"], "tests/x.py");
    assert_eq!(
        v["locations"][0]["message"],
        "AssertionError \u{fffd}\u{fffd}"
    );

    let out = env.run_in(&env.work(), &["analyze", "-"], Some(b"\xff\n"));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        normalize(&out.stdout, &[]),
        "analyzed -: 1 line, 2 B\n\nno failure locations found\n"
    );
}
