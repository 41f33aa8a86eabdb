//! Shared helpers for the runtime's integration tests: injected time, client setup and a
//! tracing capture buffer.
#![allow(dead_code, missing_docs)]

use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use klarna_runtime::{Client, ClientBuilder, Clock, Sleep, SleepFuture};

pub const API_KEY: &str = "klarna_test_api_S3cr3tK3yV4lue0000";

/// Injected time. Sleeps shorter than `instant_below` complete at once and advance the
/// fake clock; longer ones (the default attempt and total timeouts) never complete, so
/// only the server decides when a response arrives.
#[derive(Clone)]
pub struct TestTime {
    base_instant: Instant,
    base_system: SystemTime,
    offset: Arc<Mutex<Duration>>,
    pub sleeps: Arc<Mutex<Vec<Duration>>>,
    instant_below: Duration,
}

impl Default for TestTime {
    fn default() -> Self {
        TestTime {
            base_instant: Instant::now(),
            base_system: SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000),
            offset: Arc::new(Mutex::new(Duration::ZERO)),
            sleeps: Arc::new(Mutex::new(Vec::new())),
            instant_below: Duration::from_secs(30),
        }
    }
}

impl TestTime {
    /// Sleeps shorter than `limit` complete at once, longer ones never.
    pub fn with_instant_below(mut self, limit: Duration) -> Self {
        self.instant_below = limit;
        self
    }
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
    pub fn system_now(&self) -> SystemTime {
        self.base_system + *self.offset.lock().unwrap()
    }
}

impl Sleep for TestTime {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        if duration < self.instant_below {
            self.sleeps.lock().unwrap().push(duration);
            *self.offset.lock().unwrap() += duration;
            Box::pin(async {})
        } else {
            Box::pin(std::future::pending())
        }
    }
}

impl Clock for TestTime {
    fn now(&self) -> Instant {
        self.base_instant + *self.offset.lock().unwrap()
    }
    fn system_time(&self) -> SystemTime {
        self.system_now()
    }
}

/// Runs a test body with tokio's cooperative budget switched off.
///
/// `wiremock`'s `MockServer` checks its expectations when dropped, with a nested
/// `futures::executor::block_on` that takes a tokio lock. A tokio lock is only granted while
/// the polling task has budget left (128 operations per poll); when the body spent it without
/// yielding (awaiting hundreds of finished `JoinHandle`s in a row does), the lock answers
/// "pending" and wakes the nested executor at once, which polls again: the drop spins forever
/// at 100 % CPU. Whether the budget is spent at that moment depends on how many tasks had
/// already finished, i.e. on the machine's load. A body that awaits many tokio resources in a
/// row, and so also drops its `MockServer` inside this wrapper, cannot hit that.
pub async fn without_coop_budget<F: Future>(body: F) -> F::Output {
    tokio::task::coop::unconstrained(body).await
}

/// A builder pointed at `base_url` with the test key and injected time.
pub fn builder(base_url: &str, time: &TestTime) -> ClientBuilder<Client> {
    klarna_runtime::builder()
        .api_key(API_KEY)
        .base_url(base_url)
        .sleep_impl(time.clone())
        .clock(time.clone())
}

pub fn client(base_url: &str, time: &TestTime) -> Client {
    builder(base_url, time).build().unwrap()
}

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Held while a test of a binary that captures logs sends requests: `tracing` keeps per-callsite interest
/// and a global max level across threads, so a request sent on another test thread while a capturing
/// subscriber comes and goes can leave a span callsite disabled for the capturing test. Tests that
/// capture logs, and tests that send requests in the same binary, take this lock.
pub static TRACING_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `f` with a TRACE-level subscriber (all targets, span fields included) writing to
/// the returned buffer. Uses the current thread's default subscriber, so call it from a
/// current-thread runtime.
pub async fn capture_logs<F: Future>(f: F) -> (F::Output, String) {
    let _serial = TRACING_LOCK.lock().await;
    let buf = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buf.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let out = f.await;
    drop(guard);
    (out, buf.contents())
}
