//! Injected time: [`Sleep`] (for backoff and the attempt/total timeouts) and [`Clock`]
//! (for deadlines, latency and `Retry-After` HTTP-dates).
//!
//! The defaults use tokio's timer and the system clock. Tests swap in their own
//! implementations so that retry, backoff and timeout behaviour runs without waiting.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

/// A boxed future returned by [`Sleep::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Something that can wait for a duration.
///
/// Used for backoff between attempts and for the attempt and total timeouts (which race
/// the request against a sleep). The connect timeout is enforced by the HTTP stack and the
/// read (idle) timeout by the runtime, both with tokio's timer.
pub trait Sleep: Send + Sync + 'static {
    /// Returns a future that completes once `duration` has passed.
    fn sleep(&self, duration: Duration) -> SleepFuture;
}

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Monotonic now, for deadlines and latency.
    fn now(&self) -> Instant;
    /// Wall-clock now, to interpret `Retry-After` HTTP-dates.
    fn system_time(&self) -> SystemTime;
}

/// The default [`Sleep`]: `tokio::time::sleep`. Needs a tokio runtime with time enabled.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The default [`Clock`]: `Instant::now()` and `SystemTime::now()`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_time(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Type-erased sleep, shared by a client's clones.
#[derive(Clone)]
pub(crate) struct SharedSleep(pub(crate) std::sync::Arc<dyn Sleep>);

impl fmt::Debug for SharedSleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleep")
    }
}

/// Type-erased clock, shared by a client's clones.
#[derive(Clone)]
pub(crate) struct SharedClock(pub(crate) std::sync::Arc<dyn Clock>);

impl fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}
