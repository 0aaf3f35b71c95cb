//! Retry timing: jittered exponential backoff, `Retry-After` honoured up to a cap.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often and how patiently idempotent calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the first retry (before jitter).
    pub base_delay: Duration,
    /// Longest backoff between two attempts.
    pub max_delay: Duration,
    /// Longest `Retry-After` we wait; a server asking for more gets this.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based), given the server's `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.min(20)))
            .min(self.max_delay);
        // "Equal jitter": half fixed, half random, so retries never bunch at zero.
        let half = exp / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let extra = if nanos == 0 { 0 } else { random_u64() % nanos };
        half + Duration::from_nanos(extra)
    }
}

/// A cheap random number without a RNG dependency: std's per-process random hash keys
/// mixed with a counter (on wasm32 the keys are fixed, the counter still varies).
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let p = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(3),
        };
        let bounds = [
            (0, 50, 100),
            (1, 100, 200),
            (2, 200, 400),
            (3, 400, 800),
            (4, 500, 1000),
            (30, 500, 1000),
        ];
        for (retry, lo, hi) in bounds {
            for _ in 0..50 {
                let d = p.delay(retry, None);
                assert!(
                    d >= Duration::from_millis(lo) && d <= Duration::from_millis(hi),
                    "retry {retry}: {d:?}"
                );
            }
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(120))),
            Duration::from_secs(3)
        );
        assert_eq!(p.delay(0, Some(Duration::ZERO)), Duration::ZERO);
    }
}
