//! Logs of cases that run a whole test project (facts.md, "Cases are test projects"):
//! pytest `-v`, Playwright's list reporter, Newman's CLI reporter and Maven Surefire
//! with one line per test, each reporting every test of the case. A test fails when
//! its case fails and it is scripted to (`fails`); skipped ones are always skipped.

use std::fmt::Write as _;

use super::LogInput;
use crate::scenario::{LogKind, Outcome, SuiteTest};

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

/// How one test ended in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Passed,
    Failed,
    Skipped,
}

fn status(t: &SuiteTest, outcome: Outcome) -> Status {
    if t.skip.is_some() {
        Status::Skipped
    } else if t.fails && matches!(outcome, Outcome::Failed | Outcome::Timeout) {
        Status::Failed
    } else {
        Status::Passed
    }
}

/// The command the runner shows for the case (also the log's `$` line).
pub(crate) fn command(input: &LogInput<'_>) -> String {
    let c = input.case;
    match c.log {
        LogKind::Pytest => format!("python -m pytest {} -v --tb=short", c.file),
        LogKind::Playwright => format!("npx playwright test {} --reporter=list", c.file),
        LogKind::Junit => "mvn -B -Dstyle.color=always test".to_string(),
        LogKind::Newman => format!("newman run {} --env-var baseUrl=$SHOP_API_URL", c.file),
        LogKind::Gotest | LogKind::Plain => format!("./run-case.sh {}", c.key),
    }
}

/// Writes the framework's output for every test of the case.
pub(crate) fn render(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    match input.case.log {
        LogKind::Pytest => pytest(out, input, outcome),
        LogKind::Playwright => playwright(out, input, outcome),
        LogKind::Newman => newman(out, input, outcome),
        LogKind::Junit => surefire(out, input, outcome),
        LogKind::Gotest | LogKind::Plain => plain(out, input, outcome),
    }
}

fn counts(tests: &[SuiteTest], outcome: Outcome) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for t in tests {
        match status(t, outcome) {
            Status::Passed => n.0 += 1,
            Status::Failed => n.1 += 1,
            Status::Skipped => n.2 += 1,
        }
    }
    n
}

fn total_secs(tests: &[SuiteTest]) -> f64 {
    tests.iter().map(|t| t.duration_ms).sum::<u64>() as f64 / 1000.0
}

/// The directory the case runs in: the build root plus the case's `root`.
fn workdir(input: &LogInput<'_>) -> String {
    match input.case.root.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => format!("{}/{}", input.build_root, r.trim_end_matches('/')),
        None => input.build_root.to_string(),
    }
}

fn pytest_id(t: &SuiteTest) -> String {
    match &t.suite {
        Some(class) => format!("{}::{class}::{}", t.file, t.name),
        None => format!("{}::{}", t.file, t.name),
    }
}

fn pytest(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let tests = &input.case.tests;
    let _ = writeln!(
        out,
        "{BOLD}============================= test session starts =============================={RESET}"
    );
    let _ = writeln!(
        out,
        "platform linux -- Python 3.12.4, pytest-8.3.2, pluggy-1.5.0 -- /usr/local/bin/python"
    );
    let _ = writeln!(out, "cachedir: .pytest_cache");
    let _ = writeln!(out, "rootdir: {}", workdir(input));
    let _ = writeln!(out, "configfile: pyproject.toml");
    let _ = writeln!(out, "plugins: timeout-2.3.1");
    let _ = writeln!(
        out,
        "{BOLD}collecting ... {RESET}collected {} items\n",
        tests.len()
    );
    let n = tests.len().max(1);
    for (i, t) in tests.iter().enumerate() {
        let pct = (i + 1) * 100 / n;
        let word = match status(t, outcome) {
            Status::Passed => format!("{GREEN}PASSED{RESET}"),
            Status::Failed => format!("{RED}FAILED{RESET}"),
            Status::Skipped => format!(
                "{YELLOW}SKIPPED{RESET} ({})",
                t.skip.as_deref().unwrap_or("skipped")
            ),
        };
        let _ = writeln!(out, "{} {word} {:>6}", pytest_id(t), format!("[{pct:>3}%]"));
    }
    let (passed, failed, skipped) = counts(tests, outcome);
    let failing: Vec<&SuiteTest> = tests
        .iter()
        .filter(|t| status(t, outcome) == Status::Failed)
        .collect();
    if !failing.is_empty() {
        let _ = writeln!(
            out,
            "\n=================================== FAILURES ==================================="
        );
        for t in &failing {
            let head = match &t.suite {
                Some(class) => format!(" {class}.{} ", t.name),
                None => format!(" {} ", t.name),
            };
            let _ = writeln!(out, "{RED}{BOLD}{head:_^80}{RESET}");
            let line = t.fail_line.unwrap_or(t.line);
            let _ = writeln!(out, "{}:{line}: in {}", t.file, t.name);
            if let Some(src) = &t.source {
                let _ = writeln!(out, "    {src}");
            }
            let _ = writeln!(
                out,
                "{BOLD}{RED}E   {}{RESET}",
                t.error.as_deref().unwrap_or("AssertionError")
            );
            for d in &t.details {
                let _ = writeln!(out, "{BOLD}{RED}E   {d}{RESET}");
            }
        }
        let _ = writeln!(
            out,
            "{BOLD}=========================== short test summary info ============================{RESET}"
        );
        for t in &failing {
            let _ = writeln!(
                out,
                "{RED}FAILED{RESET} {} - {}",
                pytest_id(t),
                t.error.as_deref().unwrap_or("AssertionError")
            );
        }
    }
    let mut parts = Vec::new();
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if passed > 0 {
        parts.push(format!("{passed} passed"));
    }
    if skipped > 0 {
        parts.push(format!("{skipped} skipped"));
    }
    let colour = if failed > 0 { RED } else { GREEN };
    let summary = format!(" {} in {:.2}s ", parts.join(", "), total_secs(tests));
    let _ = writeln!(out, "{colour}{summary:=^80}{RESET}");
}

/// `[chromium] › tests/e2e/x.spec.ts:12:3 › suite › title`
fn playwright_title(t: &SuiteTest) -> String {
    let col = t.column.map(|c| format!(":{c}")).unwrap_or_default();
    let suite = t
        .suite
        .as_deref()
        .map(|s| format!("{s} › "))
        .unwrap_or_default();
    format!(
        "[chromium] › {}:{}{col} › {suite}{}",
        t.file, t.line, t.name
    )
}

fn duration_text(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{:.1}s", ms as f64 / 1000.0)
    }
}

fn playwright(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let tests = &input.case.tests;
    let dir = workdir(input);
    let _ = writeln!(out, "\nRunning {} tests using 1 worker\n", tests.len());
    for (i, t) in tests.iter().enumerate() {
        let took = duration_text(t.duration_ms);
        let mark = match status(t, outcome) {
            Status::Passed => format!("{GREEN}✓{RESET}"),
            Status::Failed => format!("{RED}✘{RESET}"),
            Status::Skipped => format!("{YELLOW}-{RESET}"),
        };
        let _ = writeln!(
            out,
            "  {mark}  {} {} {DIM}({took}){RESET}",
            i + 1,
            playwright_title(t)
        );
    }
    let (passed, failed, skipped) = counts(tests, outcome);
    let failing: Vec<&SuiteTest> = tests
        .iter()
        .filter(|t| status(t, outcome) == Status::Failed)
        .collect();
    for (k, t) in failing.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n\n  {}) {} ───────────────────────────────\n",
            k + 1,
            playwright_title(t)
        );
        let _ = writeln!(
            out,
            "    {RED}Error: {}{RESET}\n",
            t.error.as_deref().unwrap_or("test failed")
        );
        for d in &t.details {
            let _ = writeln!(out, "    {d}");
        }
        let line = t.fail_line.unwrap_or(t.line);
        if let Some(src) = &t.source {
            let _ = writeln!(out);
            let _ = writeln!(out, "    {RED}>{RESET} {line} |     {src}");
            let pad = " ".repeat(line.to_string().len());
            let caret = t.fail_column.map_or(0, |c| c.saturating_sub(1) as usize);
            let _ = writeln!(out, "      {pad} | {}{RED}^{RESET}", " ".repeat(caret));
        }
        let col = t.fail_column.map(|c| format!(":{c}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n        {DIM}at {dir}/{}:{line}{col}{RESET}\n",
            t.file
        );
        let _ = writeln!(
            out,
            "    attachment #1: screenshot (image/png) ──────────────────────────────────────"
        );
        let _ = writeln!(
            out,
            "    test-results/e2e-{}-chromium/test-failed-1.png",
            slug(&t.name)
        );
        let _ = writeln!(
            out,
            "    ────────────────────────────────────────────────────────────────────────────────"
        );
    }
    let _ = writeln!(out);
    if failed > 0 {
        let _ = writeln!(out, "  {RED}{failed} failed{RESET}");
        for t in &failing {
            let _ = writeln!(out, "    {}", playwright_title(t));
        }
    }
    if skipped > 0 {
        let _ = writeln!(out, "  {YELLOW}{skipped} skipped{RESET}");
    }
    let _ = writeln!(
        out,
        "  {GREEN}{passed} passed{RESET}{DIM} ({:.1}s){RESET}",
        total_secs(tests)
    );
}

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn newman(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let tests = &input.case.tests;
    let _ = writeln!(out, "newman\n");
    let _ = writeln!(out, "{}\n", input.case.name);
    let mut current: Option<&str> = None;
    let mut failures: Vec<&SuiteTest> = Vec::new();
    let mut requests = 0;
    for t in tests {
        let request = t.suite.as_deref().unwrap_or("Request");
        if current != Some(request) {
            if current.is_some() {
                let _ = writeln!(out);
            }
            current = Some(request);
            requests += 1;
            let _ = writeln!(out, "→ {request}");
            let line = t.request.as_deref().unwrap_or("GET /");
            let (method, path) = line.split_once(' ').unwrap_or(("GET", line));
            let (code, text) = if method == "POST" {
                (201, "Created")
            } else {
                (200, "OK")
            };
            let _ = writeln!(
                out,
                "  {method} http://shop-api.internal:8000{path} [{code} {text}, 342B, {}ms]",
                t.duration_ms
            );
        }
        match status(t, outcome) {
            Status::Passed => {
                let _ = writeln!(out, "  {GREEN}✓{RESET}  {}", t.name);
            }
            Status::Skipped => {
                let _ = writeln!(out, "  {DIM}-  [skipped] {}{RESET}", t.name);
            }
            Status::Failed => {
                failures.push(t);
                let _ = writeln!(out, "  {RED}{}. {}{RESET}", failures.len(), t.name);
            }
        }
    }
    let assertions = tests.len();
    let failed = failures.len();
    let ms = tests.iter().map(|t| t.duration_ms).sum::<u64>();
    let _ = writeln!(out);
    let row = |label: &str, executed: usize, failed: usize| {
        format!("│ {label:>23} │ {executed:>17} │ {failed:>16} │")
    };
    let sep = "├─────────────────────────┼───────────────────┼──────────────────┤";
    let _ = writeln!(
        out,
        "┌─────────────────────────┬───────────────────┬──────────────────┐"
    );
    let _ = writeln!(
        out,
        "│ {:>23} │ {:>17} │ {:>16} │",
        "", "executed", "failed"
    );
    let _ = writeln!(out, "{sep}");
    let _ = writeln!(out, "{}", row("iterations", 1, 0));
    let _ = writeln!(out, "{sep}");
    let _ = writeln!(out, "{}", row("requests", requests, 0));
    let _ = writeln!(out, "{sep}");
    let _ = writeln!(out, "{}", row("test-scripts", requests, 0));
    let _ = writeln!(out, "{sep}");
    let _ = writeln!(out, "{}", row("prerequest-scripts", 0, 0));
    let _ = writeln!(out, "{sep}");
    let _ = writeln!(out, "{}", row("assertions", assertions, failed));
    let _ = writeln!(
        out,
        "├─────────────────────────┴───────────────────┴──────────────────┤"
    );
    let _ = writeln!(out, "│ {:<62} │", format!("total run duration: {ms}ms"));
    let _ = writeln!(
        out,
        "└────────────────────────────────────────────────────────────────┘"
    );
    if failures.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  #  failure         detail\n");
    for (i, t) in failures.iter().enumerate() {
        let request = t.suite.as_deref().unwrap_or("Request");
        // The assertion's ordinal in its request's test script (0-based).
        let ordinal = tests
            .iter()
            .filter(|x| x.suite.as_deref().unwrap_or("Request") == request)
            .position(|x| std::ptr::eq(x, *t))
            .unwrap_or(0);
        let _ = writeln!(out, " {}.  AssertionError  {}", i + 1, t.name);
        let _ = writeln!(
            out,
            "                     {}",
            t.error.as_deref().unwrap_or("assertion failed")
        );
        let _ = writeln!(
            out,
            "                     at assertion:{ordinal} in test-script"
        );
        let _ = writeln!(out, "                     inside \"{request}\"\n");
    }
}

/// `src/test/java/com/acme/shop/FooTest.java` → `FooTest.java`.
fn base_name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

fn simple(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

fn surefire(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let tests = &input.case.tests;
    let dir = workdir(input);
    let info = format!("[{BOLD}INFO{RESET}]");
    let error = format!("[{RED}{BOLD}ERROR{RESET}]");
    let _ = writeln!(out, "{info} Scanning for projects...");
    let _ = writeln!(out, "{info} ");
    let _ = writeln!(
        out,
        "{info} {DIM}---------------------------< {RESET}com.acme:shop{DIM} >----------------------------{RESET}"
    );
    let _ = writeln!(out, "{info} {BOLD}Building shop 1.0.0-SNAPSHOT{RESET}");
    let _ = writeln!(
        out,
        "{info} {DIM}--------------------------------[ jar ]---------------------------------{RESET}"
    );
    let _ = writeln!(out, "{info} ");
    let _ = writeln!(
        out,
        "{info} {GREEN}--- surefire:3.5.0:test{RESET} (default-test) @ shop ---"
    );
    let _ = writeln!(
        out,
        "{info} Using auto detected provider org.apache.maven.surefire.junitplatform.JUnitPlatformProvider"
    );
    let _ = writeln!(out, "{info} ");
    let _ = writeln!(
        out,
        "{info} -------------------------------------------------------"
    );
    let _ = writeln!(out, "{info}  T E S T S");
    let _ = writeln!(
        out,
        "{info} -------------------------------------------------------"
    );
    // Classes in order of first appearance.
    let mut classes: Vec<&str> = Vec::new();
    for t in tests {
        let class = t.suite.as_deref().unwrap_or("Tests");
        if !classes.contains(&class) {
            classes.push(class);
        }
    }
    let mut failing: Vec<&SuiteTest> = Vec::new();
    for class in &classes {
        let mine: Vec<&SuiteTest> = tests
            .iter()
            .filter(|t| t.suite.as_deref().unwrap_or("Tests") == *class)
            .collect();
        let failed = mine
            .iter()
            .filter(|t| status(t, outcome) == Status::Failed)
            .count();
        let skipped = mine
            .iter()
            .filter(|t| status(t, outcome) == Status::Skipped)
            .count();
        let secs = mine.iter().map(|t| t.duration_ms).sum::<u64>() as f64 / 1000.0;
        let _ = writeln!(out, "{info} Running {class}");
        let counts = format!(
            "Tests run: {}, Failures: {failed}, Errors: 0, Skipped: {skipped}, Time elapsed: {secs:.3} s",
            mine.len()
        );
        if failed > 0 {
            let _ = writeln!(
                out,
                "{error} {RED}{BOLD}{counts} <<< FAILURE!{RESET} -- in {class}"
            );
        } else {
            let _ = writeln!(out, "{info} {GREEN}{counts}{RESET} -- in {class}");
        }
        for t in &mine {
            let took = t.duration_ms as f64 / 1000.0;
            match status(t, outcome) {
                Status::Passed => {
                    let _ = writeln!(
                        out,
                        "{info} {class}.{} -- Time elapsed: {took:.3} s",
                        t.name
                    );
                }
                Status::Skipped => {
                    let _ = writeln!(
                        out,
                        "[{YELLOW}{BOLD}WARNING{RESET}] {class}.{} -- Time elapsed: {took:.3} s <<< SKIPPED!",
                        t.name
                    );
                }
                Status::Failed => {
                    failing.push(t);
                    let _ = writeln!(
                        out,
                        "{error} {class}.{} -- Time elapsed: {took:.3} s <<< FAILURE!",
                        t.name
                    );
                    let _ = writeln!(
                        out,
                        "org.opentest4j.AssertionFailedError: {}",
                        t.error.as_deref().unwrap_or("assertion failed")
                    );
                    for frame in [
                        "org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
                        "org.junit.jupiter.api.AssertionFailureBuilder.buildAndThrow(AssertionFailureBuilder.java:132)",
                        "org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)",
                        "org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:182)",
                        "org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:1145)",
                    ] {
                        let _ = writeln!(out, "\tat {frame}");
                    }
                    let _ = writeln!(
                        out,
                        "\tat {class}.{}({}:{})",
                        t.name,
                        base_name(&t.file),
                        t.fail_line.unwrap_or(t.line)
                    );
                    let _ = writeln!(
                        out,
                        "\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)"
                    );
                    let _ = writeln!(
                        out,
                        "\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1596)\n"
                    );
                }
            }
        }
    }
    let (_, failed, skipped) = counts(tests, outcome);
    let _ = writeln!(out, "{info} \n{info} Results:\n{info} ");
    if failed > 0 {
        let _ = writeln!(out, "{error} {RED}{BOLD}Failures: {RESET}");
        for t in &failing {
            let class = t.suite.as_deref().unwrap_or("Tests");
            let _ = writeln!(
                out,
                "{error} {RED}{BOLD}  {}.{}:{} {}{RESET}",
                simple(class),
                t.name,
                t.fail_line.unwrap_or(t.line),
                t.error.as_deref().unwrap_or("assertion failed")
            );
        }
        let _ = writeln!(out, "{info} ");
        let _ = writeln!(
            out,
            "{error} {RED}{BOLD}Tests run: {}, Failures: {failed}, Errors: 0, Skipped: {skipped}{RESET}",
            tests.len()
        );
        let _ = writeln!(out, "{info} ");
        let _ = writeln!(
            out,
            "{info} {DIM}------------------------------------------------------------------------{RESET}"
        );
        let _ = writeln!(out, "{info} {RED}{BOLD}BUILD FAILURE{RESET}");
        let _ = writeln!(
            out,
            "{info} {DIM}------------------------------------------------------------------------{RESET}"
        );
        let _ = writeln!(
            out,
            "{error} Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.5.0:test (default-test) on project shop: There are test failures."
        );
        let _ = writeln!(
            out,
            "{error} Please refer to {dir}/target/surefire-reports for the individual test results."
        );
    } else {
        let _ = writeln!(
            out,
            "{info} {GREEN}Tests run: {}, Failures: 0, Errors: 0, Skipped: {skipped}{RESET}",
            tests.len()
        );
        let _ = writeln!(out, "{info} ");
        let _ = writeln!(out, "{info} {GREEN}{BOLD}BUILD SUCCESS{RESET}");
    }
}

fn plain(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    for t in &input.case.tests {
        match status(t, outcome) {
            Status::Passed => {
                let _ = writeln!(out, "{GREEN}ok{RESET} {}", t.name);
            }
            Status::Skipped => {
                let _ = writeln!(out, "ok {} # SKIP", t.name);
            }
            Status::Failed => {
                let _ = writeln!(out, "{RED}not ok{RESET} {}", t.name);
                let _ = writeln!(
                    out,
                    "{}/{}:{}: {}",
                    workdir(input),
                    t.file,
                    t.fail_line.unwrap_or(t.line),
                    t.error.as_deref().unwrap_or("failed")
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logtext::render as render_log;
    use crate::scenario::Scenario;

    /// The log of suite case `key` in a run that ends with `outcome`.
    pub(crate) fn log_of(key: &str, outcome: Outcome) -> String {
        let s = Scenario::shop().unwrap();
        let case = s
            .pipelines
            .iter()
            .flat_map(|p| p.cases.iter())
            .find(|c| c.key == key)
            .unwrap();
        render_log(&LogInput {
            build_root: &s.build_root,
            case,
            execution: "SHP-0603-0000C",
            runtime_uuid: "00000000-0000-4000-8000-000000000000",
            environment: "staging",
            outcome: Some(outcome),
            duration_ms: 4000,
        })
    }

    fn plain(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('\x1b') {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            rest = rest.find('m').map_or("", |m| &rest[m + 1..]);
        }
        out.push_str(rest);
        out
    }

    /// Each framework's lines for every test, failing ones where the case fails.
    #[test]
    fn every_test_of_a_suite_case_is_reported() {
        for (key, outcome, lines) in [
            (
                "5A1C9E07",
                Outcome::Failed,
                &[
                    "tests/api/test_orders.py::test_create_order_returns_201 PASSED [ 16%]",
                    "tests/api/test_refunds.py::TestRefunds::test_refund_of_a_gift_card_order FAILED [ 83%]",
                    "tests/api/test_refunds.py::TestRefunds::test_partial_refund SKIPPED (partial refunds ship in 2.4) [100%]",
                    "tests/api/test_refunds.py:13: in test_refund_of_a_gift_card_order",
                    "E   AssertionError: refund rejected",
                    "==================== 2 failed, 3 passed, 1 skipped in 0.95s ====================",
                ][..],
            ),
            (
                "5A1C9E07",
                Outcome::Passed,
                &[
                    "tests/api/test_orders.py::test_order_total_includes_tax PASSED [ 33%]",
                    "========================= 5 passed, 1 skipped in 0.95s =========================",
                ][..],
            ),
            (
                "6B2DAF18",
                Outcome::Failed,
                &[
                    "$ cd /builds/acme/shop/web",
                    "  ✘  2 [chromium] › tests/e2e/storefront.spec.ts:12:3 › storefront › adds an item to the cart (5.3s)",
                    "  ✓  3 [chromium] › tests/e2e/storefront.spec.ts:17:3 › storefront › searches by name (845ms)",
                    "    Expected string: \"1\"",
                    "        at /builds/acme/shop/web/tests/e2e/storefront.spec.ts:14:50",
                    "  2 passed (7.3s)",
                ][..],
            ),
            (
                "7C3EB029",
                Outcome::Failed,
                &[
                    "→ Get order",
                    "  ✓  Status code is 200",
                    "  1. Total includes tax",
                    "│              assertions │                 4 │                1 │",
                    "                     at assertion:1 in test-script",
                    "                     inside \"Get order\"",
                ][..],
            ),
            (
                "8D4FC13A",
                Outcome::Failed,
                &[
                    "[INFO] com.acme.shop.OrderTest.orderIsPersisted -- Time elapsed: 0.040 s",
                    "[ERROR] com.acme.shop.PriceCalculatorTest.roundsHalfEven -- Time elapsed: 0.004 s <<< FAILURE!",
                    "\tat com.acme.shop.PriceCalculatorTest.roundsHalfEven(PriceCalculatorTest.java:20)",
                    "[ERROR]   OrderTest.orderTotalIncludesTax:15 expected: <107.99> but was: <107.98>",
                    "[ERROR] Tests run: 5, Failures: 2, Errors: 0, Skipped: 0",
                ][..],
            ),
        ] {
            let log = plain(&log_of(key, outcome));
            for line in lines {
                assert!(
                    log.lines().any(|l| l == *line),
                    "{key} {outcome:?}: no line {line:?} in\n{log}"
                );
            }
        }
    }
}
