//! Realistic case logs: a CI runner preamble, then pytest, Playwright, JUnit or go test
//! output with ANSI colours and stack frames at CI-style absolute paths.

use std::fmt::Write as _;

use crate::scenario::{CaseDef, LogKind, Outcome};

/// Logs of whole test projects (pytest, Playwright, Newman, Surefire): a part of this module.
mod suite;

const RESET: &str = "\x1b[0m";
const RED_BOLD: &str = "\x1b[31;1m";
const GREEN_BOLD: &str = "\x1b[32;1m";
const CYAN_BOLD: &str = "\x1b[36;1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";

/// What a log needs to know about its case run.
#[derive(Debug)]
pub(crate) struct LogInput<'a> {
    pub build_root: &'a str,
    pub case: &'a CaseDef,
    pub execution: &'a str,
    pub runtime_uuid: &'a str,
    pub environment: &'a str,
    /// `None` while the case is still running.
    pub outcome: Option<Outcome>,
    pub duration_ms: i64,
}

/// Renders the whole log of one case run.
pub(crate) fn render(input: &LogInput<'_>) -> String {
    let mut out = String::with_capacity(4096);
    preamble(&mut out, input);
    let Some(outcome) = input.outcome else {
        let _ = writeln!(out, "{DIM}... running {} ...{RESET}", input.case.name);
        return out;
    };
    if outcome == Outcome::Error {
        infrastructure(&mut out, input);
        return out;
    }
    if !input.case.tests.is_empty() {
        suite::render(&mut out, input, outcome);
    } else {
        single(&mut out, input, outcome);
    }
    if outcome == Outcome::Passed || outcome == Outcome::Skipped {
        let _ = writeln!(out, "{GREEN_BOLD}Job succeeded{RESET}");
    } else {
        let _ = writeln!(out, "{RED_BOLD}ERROR: Job failed: exit code 1{RESET}");
    }
    out
}

/// The log of a case that is one test.
fn single(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let out = &mut *out;
    match input.case.log {
        LogKind::Pytest => pytest(out, input, outcome),
        LogKind::Playwright => playwright(out, input, outcome),
        LogKind::Junit => junit(out, input, outcome),
        LogKind::Gotest => gotest(out, input, outcome),
        LogKind::Newman | LogKind::Plain => plain(out, input, outcome),
    }
}

/// A line that fills an oversized log; realistic debug noise.
pub(crate) fn filler_line(n: u64) -> String {
    format!(
        "{DIM}2026-01-01T00:00:00Z DEBUG shop.cache: refreshed key=sku-{n:08} hits={} misses=0{RESET}\n",
        n % 97
    )
}

fn command(input: &LogInput<'_>) -> String {
    let c = input.case;
    if !c.tests.is_empty() {
        return suite::command(input);
    }
    match c.log {
        LogKind::Pytest => format!("python -m pytest -rA --color=yes '{}::{}'", c.file, c.name),
        LogKind::Playwright => format!("npx playwright test {} -g '{}'", c.file, c.name),
        LogKind::Junit => {
            let class = java_class(&c.file);
            let simple = class.rsplit('.').next().unwrap_or(&class).to_string();
            format!(
                "mvn -B -Dstyle.color=always test -Dtest='{simple}#{}'",
                c.name
            )
        }
        LogKind::Gotest => format!("go test -v -run '^{}$' ./{}", c.name, dir_of(&c.file)),
        LogKind::Newman | LogKind::Plain => format!("./run-case.sh {}", c.key),
    }
}

fn preamble(out: &mut String, input: &LogInput<'_>) {
    let root = input.build_root;
    let _ = writeln!(
        out,
        "{GREEN_BOLD}Running with testany-runner 3.14.2 (a1b2c3d4){RESET}"
    );
    let _ = writeln!(
        out,
        "{CYAN_BOLD}Runtime{RESET} {} on shop-ci-7f9c for {} (environment: {})",
        input.runtime_uuid, input.execution, input.environment
    );
    let _ = writeln!(
        out,
        "{GREEN_BOLD}Fetching changes with git depth set to 20...{RESET}"
    );
    let _ = writeln!(out, "Initialized empty Git repository in {root}/.git/");
    let _ = writeln!(
        out,
        "{GREEN_BOLD}Checking out 5e1f0c2a as detached HEAD (ref is main)...{RESET}"
    );
    let dir = match input.case.root.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => format!("{root}/{}", r.trim_end_matches('/')),
        None => root.to_string(),
    };
    let _ = writeln!(out, "{GREEN_BOLD}$ cd {dir}{RESET}");
    let _ = writeln!(out, "{GREEN_BOLD}$ {}{RESET}", command(input));
}

/// The error text without a leading `file:line: ` that the scenario may carry.
fn message(input: &LogInput<'_>, outcome: Outcome) -> String {
    let c = input.case;
    let text = c.error_for(outcome).unwrap_or_default();
    let prefix = format!("{}:{}: ", c.file, c.line);
    let text = text.strip_prefix(&prefix).unwrap_or(&text).to_string();
    // Drop a trailing " at <location>" that belongs to the summary, not the message.
    match text.find(" at ") {
        Some(i) if outcome != Outcome::Failed || c.log == LogKind::Junit => text[..i].to_string(),
        _ => text,
    }
}

fn secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

fn pytest(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let c = input.case;
    let root = input.build_root;
    let _ = writeln!(
        out,
        "{BOLD}============================= test session starts =============================={RESET}"
    );
    let _ = writeln!(
        out,
        "platform linux -- Python 3.12.4, pytest-8.3.2, pluggy-1.5.0"
    );
    let _ = writeln!(out, "rootdir: {root}");
    let _ = writeln!(out, "configfile: pyproject.toml");
    let _ = writeln!(out, "plugins: timeout-2.3.1");
    let _ = writeln!(out, "{BOLD}collected 1 item{RESET}\n");
    let mark = match outcome {
        Outcome::Passed => format!("{GREEN}.{RESET}"),
        Outcome::Skipped => "s".to_string(),
        _ => format!("{RED}F{RESET}"),
    };
    let _ = writeln!(
        out,
        "{} {mark}{:>width$}",
        c.file,
        "[100%]",
        width = 74usize.saturating_sub(c.file.len())
    );
    let took = secs(input.duration_ms);
    match outcome {
        Outcome::Passed => {
            let _ = writeln!(
                out,
                "\n{GREEN}============================== {GREEN}{BOLD}1 passed{RESET}{GREEN} in {took:.2}s =============================== {RESET}"
            );
        }
        Outcome::Skipped => {
            let _ = writeln!(out, "\n{BOLD}1 skipped in {took:.2}s{RESET}");
        }
        _ => {
            let msg = message(input, outcome);
            let (kind, line_msg) = if outcome == Outcome::Timeout {
                ("Failed".to_string(), "Failed: Timeout >300.0s".to_string())
            } else {
                let kind = msg
                    .split_once(':')
                    .map(|(k, _)| k)
                    .filter(|k| {
                        !k.is_empty() && k.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '.')
                    })
                    .unwrap_or("AssertionError");
                (kind.to_string(), msg.clone())
            };
            let _ = writeln!(
                out,
                "\n=================================== FAILURES ==================================="
            );
            let _ = writeln!(
                out,
                "{RED}{BOLD}_{:_^76}_{RESET}\n",
                format!(" {} ", c.name)
            );
            let _ = writeln!(out, "    def {}():", c.name);
            if let Some(src) = &c.source {
                let _ = writeln!(out, "        ...");
                let _ = writeln!(out, ">       {src}");
            }
            let _ = writeln!(out, "{BOLD}{RED}E       {line_msg}{RESET}\n");
            let _ = writeln!(
                out,
                "{BOLD}{RED}{root}/{}{RESET}:{}: {kind}",
                c.file, c.line
            );
            let _ = writeln!(
                out,
                "{BOLD}=========================== short test summary info ============================{RESET}"
            );
            let _ = writeln!(
                out,
                "{RED}FAILED{RESET} {}::{} - {line_msg}",
                c.file, c.name
            );
            let _ = writeln!(
                out,
                "{RED}============================== {RED}{BOLD}1 failed{RESET}{RED} in {took:.2}s ==============================={RESET}"
            );
        }
    }
}

fn playwright(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let c = input.case;
    let root = input.build_root;
    let col = c.column.map(|n| format!(":{n}")).unwrap_or_default();
    let took = secs(input.duration_ms);
    let _ = writeln!(out, "\nRunning 1 test using 1 worker\n");
    match outcome {
        Outcome::Passed | Outcome::Skipped => {
            let _ = writeln!(
                out,
                "  {GREEN}✓{RESET}  1 [chromium] › {} › {} {DIM}({took:.1}s){RESET}\n",
                c.file, c.name
            );
            let _ = writeln!(out, "  {GREEN}1 passed{RESET}{DIM} ({took:.1}s){RESET}");
        }
        _ => {
            let msg = message(input, outcome);
            let _ = writeln!(
                out,
                "  {RED}✘{RESET}  1 [chromium] › {} › {} {DIM}({took:.1}s){RESET}\n",
                c.file, c.name
            );
            let _ = writeln!(
                out,
                "  1) [chromium] › {} › {} ─────────────────────────────────\n",
                c.file, c.name
            );
            let _ = writeln!(out, "    {RED}Error: {msg}{RESET}\n");
            if let Some(src) = &c.source {
                let _ = writeln!(out, "    {RED}>{RESET} {} |   {src}", c.line);
                let pad = " ".repeat(c.line.to_string().len());
                let caret = c.column.map_or(0, |n| n.saturating_sub(1) as usize);
                let _ = writeln!(out, "      {pad} | {}{RED}^{RESET}\n", " ".repeat(caret));
            }
            let _ = writeln!(
                out,
                "    {DIM}at {root}/{}:{}{col}{RESET}\n",
                c.file, c.line
            );
            let _ = writeln!(
                out,
                "    attachment #1: trace (application/zip) ─────────────────────────────────"
            );
            let _ = writeln!(out, "    test-results/checkout-chromium/trace.zip");
            let _ = writeln!(
                out,
                "    Usage:\n\n        npx playwright show-trace test-results/checkout-chromium/trace.zip\n"
            );
            let _ = writeln!(out, "  {RED}1 failed{RESET}");
            let _ = writeln!(
                out,
                "    [chromium] › {}:{}{col} › {}",
                c.file, c.line, c.name
            );
        }
    }
}

fn java_class(file: &str) -> String {
    let tail = file.split_once("/java/").map(|(_, t)| t).unwrap_or(file);
    tail.trim_end_matches(".java").replace('/', ".")
}

fn base_name(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

fn dir_of(file: &str) -> &str {
    file.rsplit_once('/').map_or(".", |(d, _)| d)
}

fn junit(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let c = input.case;
    let root = input.build_root;
    let class = java_class(&c.file);
    let simple = class.rsplit('.').next().unwrap_or(&class).to_string();
    let base = base_name(&c.file);
    let took = secs(input.duration_ms);
    let _ = writeln!(out, "[{BOLD}INFO{RESET}] Scanning for projects...");
    let _ = writeln!(
        out,
        "[{BOLD}INFO{RESET}] -------------------------------------------------------"
    );
    let _ = writeln!(out, "[{BOLD}INFO{RESET}]  T E S T S");
    let _ = writeln!(
        out,
        "[{BOLD}INFO{RESET}] -------------------------------------------------------"
    );
    let _ = writeln!(out, "[{BOLD}INFO{RESET}] Running {class}");
    match outcome {
        Outcome::Passed | Outcome::Skipped => {
            let _ = writeln!(
                out,
                "[{BOLD}INFO{RESET}] {GREEN}Tests run: 1, Failures: 0, Errors: 0, Skipped: 0{RESET}, Time elapsed: {took:.3} s -- in {class}"
            );
            let _ = writeln!(out, "[{BOLD}INFO{RESET}] {GREEN_BOLD}BUILD SUCCESS{RESET}");
        }
        _ => {
            let msg = message(input, outcome);
            let _ = writeln!(
                out,
                "[{RED_BOLD}ERROR{RESET}] {RED_BOLD}Tests run: 1, Failures: 1, Errors: 0, Skipped: 0{RESET}, Time elapsed: {took:.3} s {RED_BOLD}<<< FAILURE!{RESET} -- in {class}"
            );
            let _ = writeln!(
                out,
                "[{RED_BOLD}ERROR{RESET}] {class}.{} -- Time elapsed: {took:.3} s  <<< FAILURE!",
                c.name
            );
            // Surefire's summary drops the exception class.
            let short = msg
                .split_once(": ")
                .filter(|(k, _)| k.contains('.') && !k.contains(' '))
                .map_or(msg.as_str(), |(_, m)| m);
            let _ = writeln!(out, "{msg}");
            let _ = writeln!(
                out,
                "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)"
            );
            let _ = writeln!(
                out,
                "\tat org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)"
            );
            let _ = writeln!(
                out,
                "\tat org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:1145)"
            );
            let _ = writeln!(out, "\tat {class}.{}({base}:{})", c.name, c.line);
            let _ = writeln!(
                out,
                "\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)"
            );
            let _ = writeln!(
                out,
                "\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1596)\n"
            );
            let _ = writeln!(
                out,
                "[{BOLD}INFO{RESET}] \n[{BOLD}INFO{RESET}] Results:\n[{BOLD}INFO{RESET}] "
            );
            let _ = writeln!(out, "[{RED_BOLD}ERROR{RESET}] {RED_BOLD}Failures: {RESET}");
            let _ = writeln!(
                out,
                "[{RED_BOLD}ERROR{RESET}] {RED_BOLD}  {simple}.{}:{} {short}{RESET}",
                c.name, c.line
            );
            let _ = writeln!(
                out,
                "[{RED_BOLD}ERROR{RESET}] {root}/{}:[{},9] test failed",
                c.file, c.line
            );
            let _ = writeln!(
                out,
                "[{RED_BOLD}ERROR{RESET}] Please refer to {root}/target/surefire-reports for the individual test results."
            );
            let _ = writeln!(out, "[{BOLD}INFO{RESET}] {RED_BOLD}BUILD FAILURE{RESET}");
        }
    }
}

fn gotest(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let c = input.case;
    let root = input.build_root;
    let base = base_name(&c.file);
    let dir = dir_of(&c.file);
    let took = secs(input.duration_ms);
    let _ = writeln!(out, "=== RUN   {}", c.name);
    match outcome {
        Outcome::Passed | Outcome::Skipped => {
            let _ = writeln!(out, "{GREEN}--- PASS: {} ({took:.2}s){RESET}", c.name);
            let _ = writeln!(out, "PASS");
            let _ = writeln!(out, "ok  \texample.com/acme/shop/{dir}\t{took:.3}s");
        }
        Outcome::Timeout => {
            let _ = writeln!(out, "panic: test timed out after 5m0s");
            let _ = writeln!(out, "\trunning tests:\n\t\t{} (5m0s)\n", c.name);
            let _ = writeln!(out, "goroutine 7 [running]:");
            let _ = writeln!(out, "example.com/acme/shop/{dir}.{}(0xc000104000)", c.name);
            let _ = writeln!(out, "\t{root}/{}:{} +0x1d", c.file, c.line);
            let _ = writeln!(out, "testing.tRunner(0xc000104000, 0x5c2d28)");
            let _ = writeln!(out, "\t/usr/local/go/src/testing/testing.go:1690 +0xf4");
            let _ = writeln!(
                out,
                "{RED}FAIL{RESET}\texample.com/acme/shop/{dir}\t300.012s"
            );
        }
        _ => {
            let msg = message(input, outcome);
            let _ = writeln!(out, "    {base}:{}: {msg}", c.line);
            let _ = writeln!(out, "{RED}--- FAIL: {} ({took:.2}s){RESET}", c.name);
            let _ = writeln!(out, "{RED}FAIL{RESET}");
            let _ = writeln!(
                out,
                "{RED}FAIL{RESET}\texample.com/acme/shop/{dir}\t{took:.3}s"
            );
            let _ = writeln!(out, "{root}/{}:{}: {msg}", c.file, c.line);
        }
    }
}

fn plain(out: &mut String, input: &LogInput<'_>, outcome: Outcome) {
    let c = input.case;
    match outcome {
        Outcome::Passed | Outcome::Skipped => {
            let _ = writeln!(out, "{GREEN}ok{RESET} {}", c.name);
        }
        _ => {
            let _ = writeln!(out, "{RED}not ok{RESET} {}", c.name);
            let _ = writeln!(
                out,
                "{}/{}:{}: {}",
                input.build_root,
                c.file,
                c.line,
                message(input, outcome)
            );
        }
    }
}

fn infrastructure(out: &mut String, input: &LogInput<'_>) {
    let c = input.case;
    let msg = c.error_for(Outcome::Error).unwrap_or_default();
    let _ = writeln!(
        out,
        "{DIM}Waiting for services to be healthy: db:5432 redis:6379{RESET}"
    );
    let _ = writeln!(
        out,
        "{RED_BOLD}WARNING: service db:5432 probe failed: connection refused{RESET}"
    );
    if c.log == LogKind::Junit {
        let class = java_class(&c.file);
        let base = base_name(&c.file);
        let _ = writeln!(out, "java.net.ConnectException: Connection refused");
        let _ = writeln!(out, "\tat java.base/sun.nio.ch.Net.connect0(Native Method)");
        let _ = writeln!(
            out,
            "\tat org.postgresql.core.PGStream.<init>(PGStream.java:98)"
        );
        let _ = writeln!(out, "\tat {class}.{}({base}:{})", c.name, c.line);
        let _ = writeln!(
            out,
            "\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)"
        );
    }
    let _ = writeln!(
        out,
        "{RED_BOLD}ERROR: Job failed (system failure): {msg}{RESET}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn log_of(key: &str, outcome: Option<Outcome>) -> String {
        let s = Scenario::shop().unwrap();
        let case = s.pipelines[0].cases.iter().find(|c| c.key == key).unwrap();
        render(&LogInput {
            build_root: &s.build_root,
            case,
            execution: "SHP-0601-00001",
            runtime_uuid: "00000000-0000-4000-8000-000000000000",
            environment: "staging",
            outcome,
            duration_ms: 3020,
        })
    }

    #[test]
    fn failure_logs_point_at_absolute_ci_paths() {
        for (key, outcome, needle) in [
            (
                "B7E4C2A9",
                Outcome::Failed,
                "/builds/acme/shop/tests/test_cart.py\x1b[0m:20: AssertionError",
            ),
            (
                "E5B1C7D3",
                Outcome::Failed,
                "E       AssertionError: account should be locked after 3 failures",
            ),
            (
                "B7E4C2A9",
                Outcome::Failed,
                ">       assert cart.total() == 27.00\n",
            ),
            (
                "0A7D3E9B",
                Outcome::Timeout,
                "\x1b[0m 15 |   await expect(page.getByText('Payment received'))",
            ),
            (
                "1B8E4FAC",
                Outcome::Failed,
                "OrderTest.orderTotalIncludesTax:15 expected: <107.99> but was: <107.98>",
            ),
            (
                "0A7D3E9B",
                Outcome::Timeout,
                "at /builds/acme/shop/web/tests/checkout.spec.ts:15:52",
            ),
            (
                "1B8E4FAC",
                Outcome::Failed,
                "\tat com.acme.shop.OrderTest.orderTotalIncludesTax(OrderTest.java:15)",
            ),
            (
                "1B8E4FAC",
                Outcome::Failed,
                "/builds/acme/shop/src/test/java/com/acme/shop/OrderTest.java:[15,9]",
            ),
            (
                "2C9F5A0D",
                Outcome::Error,
                "ERROR: Job failed (system failure): Infrastructure error",
            ),
            (
                "4EB17C2F",
                Outcome::Failed,
                "    stock_test.go:23: released twice: got 12, want 10",
            ),
            (
                "4EB17C2F",
                Outcome::Failed,
                "/builds/acme/shop/inventory/stock_test.go:23: released twice",
            ),
        ] {
            let log = log_of(key, Some(outcome));
            assert!(log.contains(needle), "{key}: missing {needle:?} in\n{log}");
            assert!(log.contains("ERROR: Job failed"), "{key}");
        }
    }

    #[test]
    fn passing_and_running_logs() {
        let log = log_of("A1B2C3D4", Some(Outcome::Passed));
        assert!(log.contains("1 passed"));
        assert!(log.contains("Job succeeded"));
        let log = log_of("A1B2C3D4", None);
        assert!(log.contains("... running test_add_item_updates_total ..."));
    }
}
