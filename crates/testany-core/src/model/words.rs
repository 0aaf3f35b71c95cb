//! The word tables: every spelling of a status, result or trigger we have seen in the
//! vendor's public documents (facts.md), folded to one variant.

use super::{ExecutionResult, ExecutionStatus, Trigger};

/// Upper-cases and folds `-` and spaces to `_` so "Timed out" and "TIMED_OUT" agree.
fn fold(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

pub(super) fn status(raw: &str) -> Option<ExecutionStatus> {
    Some(match fold(raw).as_str() {
        "PENDING" | "NOT_STARTED" | "NOTSTARTED" | "QUEUED" | "WAITING" | "CREATED" => {
            ExecutionStatus::Pending
        }
        "RUNNING" | "IN_PROGRESS" | "INPROGRESS" | "EXECUTING" | "STARTED" => {
            ExecutionStatus::Running
        }
        "COMPLETED" | "COMPLETE" | "FINISHED" | "DONE" => ExecutionStatus::Completed,
        "CANCELLED" | "CANCELED" | "ABORTED" => ExecutionStatus::Cancelled,
        "TIMEOUT" | "TIMED_OUT" | "TIME_OUT" | "TIMEDOUT" => ExecutionStatus::Timeout,
        _ => return None,
    })
}

pub(super) fn result(raw: &str) -> Option<ExecutionResult> {
    Some(match fold(raw).as_str() {
        "PASSED" | "PASS" | "SUCCESS" | "SUCCEEDED" | "SUCCESSFUL" | "FAIL_AS_EXPECTED" => {
            ExecutionResult::Passed
        }
        "FAILED" | "FAIL" | "FAILURE" => ExecutionResult::Failed,
        "ERROR" | "ERRORED" => ExecutionResult::Error,
        "SKIPPED" | "SKIP" => ExecutionResult::Skipped,
        _ => return None,
    })
}

pub(super) fn trigger(raw: &str) -> Option<Trigger> {
    Some(match fold(raw).as_str() {
        "MANUAL" | "MANUALLY" | "USER" => Trigger::Manual,
        "PLAN" | "SCHEDULE" | "SCHEDULED" | "CRON" => Trigger::Plan,
        "GATEKEEPER" | "GATE_KEEPER" | "CI" => Trigger::Gatekeeper,
        "API" | "OPENAPI" | "OPEN_API" => Trigger::Api,
        _ => return None,
    })
}
