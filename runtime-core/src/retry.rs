//! Retry policy, exponential backoff with full jitter, `Retry-After`, and the retry budget.
//!
//! What is retried (when attempts and budget remain):
//! - connection failures before anything was sent, for every method;
//! - timeouts, broken connections, `429`, `500`, `502`, `503`, `504` and any response whose
//!   error body says the failure is transient ([`ErrorBody::is_retryable`](crate::ErrorBody::is_retryable)),
//!   when the request is safe to repeat: `GET`, `HEAD`, `OPTIONS`, `PUT`, `DELETE`, or a
//!   `POST`/`PATCH` that carries an idempotency key.
//!
//! The delay before retry *n* (1-based) is a uniformly random duration in
//! `[0, min(max_backoff, initial_backoff * 2^(n-1))]` ("full jitter"). When the response
//! carries `Retry-After` (delta-seconds or HTTP-date), that value is used instead, capped at
//! [`RetryPolicy::max_retry_after`]. No retry starts if its delay would pass the total timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// How a call is retried. Set per client ([`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy))
/// or per request ([`RequestOptions::set_retry_policy`](crate::RequestOptions::set_retry_policy)).
///
/// Defaults: 3 attempts in total (1 + 2 retries), 500 ms initial backoff, 8 s backoff cap,
/// `Retry-After` honoured up to 60 s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see the type docs).
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that makes exactly one attempt.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total number of attempts, including the first one. `0` is treated as `1`.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Base of the exponential backoff.
    pub fn with_initial_backoff(mut self, initial: Duration) -> Self {
        self.initial_backoff = initial;
        self
    }

    /// Upper bound of one backoff delay (before jitter).
    pub fn with_max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }

    /// Upper bound applied to a server's `Retry-After` value.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Total number of attempts, including the first one.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Base of the exponential backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Upper bound of one backoff delay.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Upper bound applied to `Retry-After`.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The full-jitter delay before retry number `retry` (1-based).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP-date (relative to `now`).
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let raw = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = raw.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let at = httpdate::parse_http_date(raw).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A token bucket that bounds retries across all calls of one client (shared by its
/// clones), so that a failing server cannot trigger a retry storm.
///
/// Every retry takes tokens (`retry_cost`, or `timeout_retry_cost` after a timeout or a
/// broken connection); when not enough are left, the call fails with its last error instead
/// of retrying. Every successful call puts `success_reward` tokens back, up to `capacity`.
/// First attempts never need tokens.
///
/// Defaults: capacity 500, retry cost 5, timeout retry cost 10, success reward 1. With the
/// defaults a client that sees only failures makes at most 100 retries until successes refill
/// the bucket; in steady state retries are at most one per five successes.
#[derive(Clone, Debug)]
pub struct RetryBudget {
    inner: Arc<BudgetInner>,
}

#[derive(Debug)]
struct BudgetInner {
    tokens: AtomicU64,
    capacity: u64,
    retry_cost: u64,
    timeout_retry_cost: u64,
    success_reward: u64,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(500, 5, 10, 1)
    }
}

impl RetryBudget {
    /// A bucket that starts full.
    pub fn new(
        capacity: u64,
        retry_cost: u64,
        timeout_retry_cost: u64,
        success_reward: u64,
    ) -> Self {
        RetryBudget {
            inner: Arc::new(BudgetInner {
                tokens: AtomicU64::new(capacity),
                capacity,
                retry_cost,
                timeout_retry_cost,
                success_reward,
            }),
        }
    }

    /// A budget that never runs out (retries are then bounded only by the policy).
    pub fn unlimited() -> Self {
        RetryBudget::new(u64::MAX, 0, 0, 0)
    }

    /// Tokens currently available.
    pub fn available(&self) -> u64 {
        self.inner.tokens.load(Ordering::Acquire)
    }

    /// The bucket's capacity.
    pub fn capacity(&self) -> u64 {
        self.inner.capacity
    }

    /// Takes the cost of one retry; `false` (and nothing taken) when not enough is left.
    pub(crate) fn try_acquire(&self, after_timeout: bool) -> bool {
        let cost = if after_timeout {
            self.inner.timeout_retry_cost
        } else {
            self.inner.retry_cost
        };
        self.inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Credits a successful call.
    pub(crate) fn record_success(&self) {
        let reward = self.inner.success_reward;
        if reward == 0 {
            return;
        }
        let cap = self.inner.capacity;
        let _ = self
            .inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < cap).then(|| t.saturating_add(reward).min(cap))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_by_exponential_ceiling_and_cap() {
        let p = RetryPolicy::new();
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(500));
            assert!(p.backoff(2) <= Duration::from_millis(1000));
            assert!(p.backoff(5) <= Duration::from_secs(8));
            assert!(p.backoff(40) <= Duration::from_secs(8));
        }
        // full jitter: values spread over the range rather than sitting at the ceiling
        let samples: Vec<_> = (0..200).map(|_| p.backoff(5)).collect();
        assert!(samples.iter().any(|d| *d < Duration::from_secs(4)));
        assert!(samples.iter().any(|d| *d > Duration::from_secs(4)));
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert("retry-after", "1.5".parse().unwrap());
        assert_eq!(
            parse_retry_after(&h, now),
            Some(Duration::from_millis(1500))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert("retry-after", date.parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert("retry-after", past.parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), None);
        h.insert("retry-after", "-3".parse().unwrap());
        assert_eq!(parse_retry_after(&h, now), None);
    }

    #[test]
    fn budget_takes_and_refills() {
        let b = RetryBudget::new(12, 5, 10, 1);
        assert!(b.try_acquire(false));
        assert_eq!(b.available(), 7);
        assert!(!b.try_acquire(true));
        assert_eq!(b.available(), 7);
        assert!(b.try_acquire(false));
        assert!(!b.try_acquire(false));
        for _ in 0..100 {
            b.record_success();
        }
        assert_eq!(b.available(), 12);
        let u = RetryBudget::unlimited();
        for _ in 0..1000 {
            assert!(u.try_acquire(true));
        }
    }
}
