//! Failure categories (execution-skill.md, "Failure Categories") from a case's status,
//! result and error text.
//!
//! Rules, first match wins:
//!
//! | # | condition                                                                 | category         |
//! |---|---------------------------------------------------------------------------|------------------|
//! | 1 | status not TIMEOUT and result PASSED, SKIPPED or none                     | none             |
//! | 2 | status TIMEOUT                                                            | `timeout`        |
//! | 3 | text names an infrastructure problem (connection refused/reset, a service that refused connections, an explicit "infrastructure error", DNS, disk full, OOM, pod evicted, image pull, runner lost, HTTP 502/503/504 from a gateway) | `infrastructure` |
//! | 4 | text names a timeout (`TimeoutError`, `Timeout 30000ms exceeded`, `timed out`, `context deadline exceeded`, `Exceeded timeout of`) | `timeout` |
//! | 5 | text names an assertion (`AssertionError`, `assert`, `expect(...)`, `AssertionFailedError`, `ComparisonFailure`, `assertion failed`, `assertion `left == right` failed`, Go `expected ..., got` and `..., want`) | `assertion` |
//! | 6 | result ERROR                                                              | `error`          |
//! | 7 | any other failure (FAILED, unknown result, CANCELLED with a result)       | `error`          |
//!
//! Infrastructure is checked before timeout and assertion because a dead database makes
//! tests time out or assert on empty data, and the useful action is "check the
//! environment". A result of ERROR without recognisable text stays `error` (a runtime
//! exception in the test), per the skill's table.

use crate::model::{ExecutionResult, ExecutionStatus, FailureCategory};

/// The wire/diagnostic code of a category: `assertion`, `timeout`, `error`,
/// `infrastructure`.
pub fn code(category: FailureCategory) -> &'static str {
    match category {
        FailureCategory::Assertion => "assertion",
        FailureCategory::Timeout => "timeout",
        FailureCategory::Error => "error",
        FailureCategory::Infrastructure => "infrastructure",
    }
}

/// Whether a result counts as a failure for lenses, diagnostics and health.
/// A TIMEOUT status is a failure whatever the result says.
pub fn is_failure(status: Option<&ExecutionStatus>, result: Option<&ExecutionResult>) -> bool {
    if matches!(status, Some(ExecutionStatus::Timeout)) {
        return true;
    }
    match result {
        Some(ExecutionResult::Failed | ExecutionResult::Error) => true,
        Some(ExecutionResult::Passed | ExecutionResult::Skipped) => false,
        Some(ExecutionResult::Unknown(raw)) => {
            let raw = raw.to_ascii_uppercase();
            matches!(
                raw.as_str(),
                "FAILURE" | "FAIL" | "FAILED" | "ERROR" | "TIMEOUT" | "BROKEN"
            )
        }
        None => matches!(status, Some(ExecutionStatus::Timeout)),
    }
}

/// Category of a case, `None` when it did not fail (rule table in the module docs).
pub fn categorize(
    status: Option<&ExecutionStatus>,
    result: Option<&ExecutionResult>,
    error: Option<&str>,
) -> Option<FailureCategory> {
    if !is_failure(status, result) {
        return None;
    }
    if matches!(status, Some(ExecutionStatus::Timeout)) {
        return Some(FailureCategory::Timeout);
    }
    if let Some(cat) = error.and_then(from_text) {
        return Some(cat);
    }
    if let Some(ExecutionResult::Unknown(raw)) = result
        && raw.eq_ignore_ascii_case("TIMEOUT")
    {
        return Some(FailureCategory::Timeout);
    }
    Some(FailureCategory::Error)
}

/// Category named by an error text alone (rules 3-5), `None` if it names none.
/// Only the first 8 KiB are read: the cause is named at the top, and a huge error text
/// must not make planning slow.
pub fn from_text(text: &str) -> Option<FailureCategory> {
    let head = text
        .get(..crate::markers::floor_char_boundary(text, 8192))
        .unwrap_or(text);
    let lower = head.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    if has(INFRASTRUCTURE) {
        return Some(FailureCategory::Infrastructure);
    }
    if has(TIMEOUT) || timeout_ms_exceeded(&lower) {
        return Some(FailureCategory::Timeout);
    }
    if has(ASSERTION) || go_expected_got(&lower) {
        return Some(FailureCategory::Assertion);
    }
    None
}

const INFRASTRUCTURE: &[&str] = &[
    "econnrefused",
    "connectionrefusederror",
    "connection refused",
    "refused connection",
    "infrastructure error",
    "econnreset",
    "connection reset by peer",
    "enotfound",
    "eai_again",
    "name or service not known",
    "temporary failure in name resolution",
    "no such host",
    "could not resolve host",
    "unknownhostexception",
    "no space left on device",
    "enospc",
    "oomkilled",
    "out of memory",
    "outofmemoryerror",
    "cannot allocate memory",
    "killed by signal 9",
    "exit code 137",
    "the node was low on resource",
    "evicted",
    "imagepullbackoff",
    "errimagepull",
    "failed to pull image",
    "runner system failure",
    "lost communication with the server",
    "the runner has received a shutdown signal",
    "502 bad gateway",
    "503 service unavailable",
    "504 gateway timeout",
    "service unavailable",
    "network is unreachable",
    "host is unreachable",
    "ehostunreach",
    "enetunreach",
];

const TIMEOUT: &[&str] = &[
    "timeouterror",
    "timeoutexception",
    "timed out",
    "timedout",
    "deadline exceeded",
    "deadlineexceeded",
    "exceeded timeout of",
    "test timed out",
    "panic: test timed out",
    "asynchronous callback was not invoked within",
    "timeout of ",
    "timeout exceeded",
];

const ASSERTION: &[&str] = &[
    "assertionerror",
    "assertionfailederror",
    "comparisonfailure",
    "assertion failed",
    "assertion `left == right` failed",
    "assert_eq!",
    "expect(",
    "expected:",
    "expected values to be",
    "assert ",
    "assertionfailure",
    "should be equal",
    "should equal",
    "not equal",
];

/// Playwright's `Timeout 30000ms exceeded`.
fn timeout_ms_exceeded(lower: &str) -> bool {
    let Some(at) = lower.find("timeout ") else {
        return false;
    };
    let rest = lower.get(at + "timeout ".len()..).unwrap_or("");
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && rest
            .get(digits..)
            .is_some_and(|r| r.starts_with("ms exceeded"))
}

/// Go's conventional `expected 3, got 2` / `got 2, want 3`.
fn go_expected_got(lower: &str) -> bool {
    (lower.contains("expected ") && lower.contains(", got ")) || lower.contains(", want ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExecutionResult as R;
    use FailureCategory as C;

    #[test]
    fn table() {
        let failed = Some(R::Failed);
        let error = Some(R::Error);
        #[allow(clippy::type_complexity)]
        let cases: &[(
            &str,
            Option<ExecutionStatus>,
            Option<ExecutionResult>,
            &str,
            Option<C>,
        )] = &[
            // pytest
            (
                "pytest assert",
                None,
                failed.clone(),
                "AssertionError: assert 2 == 3",
                Some(C::Assertion),
            ),
            (
                "pytest E line",
                None,
                failed.clone(),
                "E       assert 2 == 3\nE        +  where 2 = total()",
                Some(C::Assertion),
            ),
            (
                "pytest error",
                None,
                failed.clone(),
                "KeyError: 'sku'",
                Some(C::Error),
            ),
            (
                "python refused",
                None,
                error.clone(),
                "ConnectionRefusedError: [Errno 111] Connection refused",
                Some(C::Infrastructure),
            ),
            (
                "emulator database down",
                None,
                error.clone(),
                "Infrastructure error: database container db:5432 refused connections",
                Some(C::Infrastructure),
            ),
            // Jest / Vitest / Mocha
            (
                "jest toBe",
                None,
                failed.clone(),
                "expect(received).toBe(expected) // Object.is equality\n\nExpected: 3\nReceived: 2",
                Some(C::Assertion),
            ),
            (
                "jest timeout",
                None,
                failed.clone(),
                "thrown: \"Exceeded timeout of 5000 ms for a test.",
                Some(C::Timeout),
            ),
            (
                "mocha assert",
                None,
                failed.clone(),
                "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
                Some(C::Assertion),
            ),
            (
                "mocha timeout",
                None,
                failed.clone(),
                "Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure \"done()\" is called",
                Some(C::Timeout),
            ),
            (
                "node refused",
                None,
                failed.clone(),
                "Error: connect ECONNREFUSED 127.0.0.1:5432",
                Some(C::Infrastructure),
            ),
            (
                "node type error",
                None,
                failed.clone(),
                "TypeError: Cannot read properties of undefined (reading 'id')",
                Some(C::Error),
            ),
            // JUnit
            (
                "junit5",
                None,
                failed.clone(),
                "org.opentest4j.AssertionFailedError: expected: <3> but was: <2>",
                Some(C::Assertion),
            ),
            (
                "junit4",
                None,
                failed.clone(),
                "org.junit.ComparisonFailure: expected:<[3]> but was:<[2]>",
                Some(C::Assertion),
            ),
            (
                "junit npe",
                None,
                failed.clone(),
                "java.lang.NullPointerException: Cannot invoke \"Order.total()\"",
                Some(C::Error),
            ),
            (
                "junit oom",
                None,
                error.clone(),
                "java.lang.OutOfMemoryError: Java heap space",
                Some(C::Infrastructure),
            ),
            (
                "junit timeout",
                None,
                failed.clone(),
                "java.util.concurrent.TimeoutException: placesOrder() timed out after 10 seconds",
                Some(C::Timeout),
            ),
            // Go
            (
                "go expected got",
                None,
                failed.clone(),
                "cart_test.go:42: expected 3, got 2",
                Some(C::Assertion),
            ),
            (
                "go got want",
                None,
                failed.clone(),
                "cart_test.go:42: Total() = 2, want 3",
                Some(C::Assertion),
            ),
            (
                "go got, want",
                None,
                failed.clone(),
                "cart_test.go:42: got 2, want 3",
                Some(C::Assertion),
            ),
            (
                "go deadline",
                None,
                failed.clone(),
                "Get \"http://api/cart\": context deadline exceeded",
                Some(C::Timeout),
            ),
            (
                "go test timeout",
                None,
                failed.clone(),
                "panic: test timed out after 10m0s",
                Some(C::Timeout),
            ),
            (
                "go dns",
                None,
                error.clone(),
                "dial tcp: lookup db on 10.0.0.10:53: no such host",
                Some(C::Infrastructure),
            ),
            // Playwright
            (
                "pw timeout",
                None,
                failed.clone(),
                "TimeoutError: page.click: Timeout 30000ms exceeded.",
                Some(C::Timeout),
            ),
            (
                "pw expect",
                None,
                failed.clone(),
                "Error: expect(locator).toHaveText(expected)",
                Some(C::Assertion),
            ),
            (
                "pw timeout only",
                None,
                failed.clone(),
                "locator.fill: Timeout 5000ms exceeded.",
                Some(C::Timeout),
            ),
            // Rust
            (
                "rust assert_eq",
                None,
                failed.clone(),
                "assertion `left == right` failed\n  left: 2\n right: 3",
                Some(C::Assertion),
            ),
            (
                "rust panic",
                None,
                failed.clone(),
                "called `Option::unwrap()` on a `None` value",
                Some(C::Error),
            ),
            // Infrastructure by text
            (
                "disk full",
                None,
                error.clone(),
                "OSError: [Errno 28] No space left on device",
                Some(C::Infrastructure),
            ),
            (
                "oomkilled",
                None,
                error.clone(),
                "container terminated: OOMKilled",
                Some(C::Infrastructure),
            ),
            (
                "image pull",
                None,
                error.clone(),
                "Back-off pulling image: ImagePullBackOff",
                Some(C::Infrastructure),
            ),
            // Status and result only
            (
                "status timeout",
                Some(ExecutionStatus::Timeout),
                None,
                "",
                Some(C::Timeout),
            ),
            (
                "timeout beats passed",
                Some(ExecutionStatus::Timeout),
                Some(R::Passed),
                "",
                Some(C::Timeout),
            ),
            (
                "status timeout wins",
                Some(ExecutionStatus::Timeout),
                failed.clone(),
                "AssertionError",
                Some(C::Timeout),
            ),
            ("error no text", None, error.clone(), "", Some(C::Error)),
            ("failed no text", None, failed.clone(), "", Some(C::Error)),
            (
                "error infra text",
                Some(ExecutionStatus::Completed),
                error.clone(),
                "ECONNREFUSED",
                Some(C::Infrastructure),
            ),
            (
                "unknown failure",
                None,
                Some(R::Unknown("FAILURE".into())),
                "AssertionError",
                Some(C::Assertion),
            ),
            (
                "unknown timeout",
                None,
                Some(R::Unknown("timeout".into())),
                "",
                Some(C::Timeout),
            ),
            // Not failures
            ("passed", None, Some(R::Passed), "AssertionError", None),
            ("skipped", None, Some(R::Skipped), "", None),
            ("running", Some(ExecutionStatus::Running), None, "", None),
            (
                "unknown pass",
                None,
                Some(R::Unknown("FAIL_AS_EXPECTED".into())),
                "",
                None,
            ),
        ];
        for (name, status, result, text, want) in cases {
            let text = (!text.is_empty()).then_some(*text);
            assert_eq!(
                categorize(status.as_ref(), result.as_ref(), text),
                *want,
                "{name}"
            );
        }
    }

    #[test]
    fn codes() {
        assert_eq!(code(C::Assertion), "assertion");
        assert_eq!(code(C::Timeout), "timeout");
        assert_eq!(code(C::Error), "error");
        assert_eq!(code(C::Infrastructure), "infrastructure");
    }
}
