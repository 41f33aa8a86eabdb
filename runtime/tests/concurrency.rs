//! Many concurrent calls through one client, and the retry budget under a failing server.
//!
//! Each test awaits a thousand `JoinHandle`s in a row, which spends tokio's cooperative budget;
//! its body runs in [`without_coop_budget`] so that dropping the `MockServer` cannot spin
//! (see there, and the last test of this file).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{TestTime, builder, client, without_coop_budget};
use klarna_runtime::{Method, Request};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

const CALLS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_succeed() {
    without_coop_budget(async {
        let server = MockServer::start().await;
        Mock::given(path("/v2/ping"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"pong": true})),
            )
            .mount(&server)
            .await;
        let time = TestTime::default();
        let c = client(&server.uri(), &time);
        let mut handles = Vec::with_capacity(CALLS);
        for i in 0..CALLS {
            let c = c.clone();
            handles.push(tokio::spawn(async move {
                let req = Request::new("ping", Method::GET, "/v2/ping".to_owned())
                    .query("i", i.to_string());
                c.execute(req).await?.json::<serde_json::Value>()
            }));
        }
        let mut ok = 0;
        for h in handles {
            let v = h.await.unwrap().unwrap();
            assert_eq!(v["pong"], true);
            ok += 1;
        }
        assert_eq!(ok, CALLS);
        assert_eq!(server.received_requests().await.unwrap().len(), CALLS);
    })
    .await;
}

/// Fails every other request with 503.
struct HalfFailing(Arc<AtomicUsize>);

impl Respond for HalfFailing {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        if self.0.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            ResponseTemplate::new(503)
        } else {
            ResponseTemplate::new(200)
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_budget_bounds_attempts_against_a_half_failing_server() {
    without_coop_budget(async {
        let server = MockServer::start().await;
        let hits = Arc::new(AtomicUsize::new(0));
        Mock::given(path("/v2/flaky"))
            .respond_with(HalfFailing(hits.clone()))
            .mount(&server)
            .await;
        let time = TestTime::default();
        // default budget: 500 tokens, 5 per retry, +1 per success
        let c = builder(&server.uri(), &time).build().unwrap();
        let mut handles = Vec::with_capacity(CALLS);
        for _ in 0..CALLS {
            let c = c.clone();
            handles.push(tokio::spawn(async move {
                c.execute(Request::new("flaky", Method::GET, "/v2/flaky".to_owned()))
                    .await
                    .is_ok()
            }));
        }
        let mut succeeded = 0usize;
        for h in handles {
            if h.await.unwrap() {
                succeeded += 1;
            }
        }
        let attempts = hits.load(Ordering::SeqCst);
        let retries = attempts - CALLS;
        // Without a budget about 1,750 attempts would be made (1,000 + 500 + 250). The budget
        // allows at most (500 + successes) / 5 retries.
        assert!(retries > 0, "some retries happen");
        assert!(
            retries <= (500 + succeeded) / 5,
            "retries {retries} exceed the budget bound (successes {succeeded})"
        );
        assert!(attempts <= CALLS + 300, "{attempts}");
        assert!(succeeded >= CALLS / 2, "{succeeded}");
    })
    .await;
}

/// The cause of the hang the two tests above once showed under load: a `MockServer` dropped
/// while its task's cooperative budget is spent spins forever in its own `Drop`. With the
/// budget spent on purpose, the drop inside [`without_coop_budget`] must finish; the body runs
/// on its own thread so that a regression fails here instead of hanging the run.
#[test]
fn a_mock_server_dropped_after_the_budget_is_spent_does_not_spin() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(without_coop_budget(async {
            let server = MockServer::start().await;
            // a fresh budget, then all of it spent without yielding
            tokio::task::yield_now().await;
            for _ in 0..128 {
                tokio::task::coop::consume_budget().await;
            }
            drop(server);
        }));
        let _ = done.send(());
    });
    assert!(
        finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .is_ok(),
        "dropping the MockServer did not finish within 60 s"
    );
}
