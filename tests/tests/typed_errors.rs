//! Typed error bodies: an operation whose error responses have bodies of different types gets an enum
//! with `from_error`; one whose error bodies share a type is read with `Error::body_as`. Uses the golden
//! fixture crate (`generator/tests/fixtures/operations.yaml`: `getJob`, `cancelJob`).

use klarna_golden::operations2::models::{Fault, Problem};
use klarna_golden::operations2::operations::GetJobError;
use klarna_golden::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn failing_get_job(status: u16, body: Option<serde_json::Value>) -> klarna_golden::Error {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status);
    if let Some(body) = body {
        response = response.set_body_json(body);
    }
    Mock::given(method("GET"))
        .and(path("/jobs/j1"))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    client
        .jobs()
        .get("j1")
        .send()
        .await
        .expect_err("an error status")
}

#[tokio::test]
async fn each_documented_status_reads_its_own_body_type() {
    let e = failing_get_job(404, Some(json!({"title": "no such job"}))).await;
    assert_eq!(
        GetJobError::from_error(&e),
        Some(GetJobError::Status404(Problem {
            title: "no such job".into(),
            detail: None
        }))
    );
    let e = failing_get_job(409, Some(json!({"locked_by": "worker-7"}))).await;
    match GetJobError::from_error(&e) {
        Some(GetJobError::Status409(body)) => assert_eq!(body.locked_by, "worker-7"),
        other => panic!("expected the 409 body, got {other:?}"),
    }
    // 422 is not listed itself: the `4XX` range takes it.
    let e = failing_get_job(422, Some(json!({"title": "bad", "detail": "d"}))).await;
    assert!(matches!(
        GetJobError::from_error(&e),
        Some(GetJobError::Status4xx(Problem { ref detail, .. })) if detail.as_deref() == Some("d")
    ));
    // 500 is covered by `default`.
    let e = failing_get_job(500, Some(json!({"code": 17}))).await;
    assert_eq!(
        GetJobError::from_error(&e),
        Some(GetJobError::Default(Fault { code: Some(17) }))
    );
}

#[tokio::test]
async fn bodies_that_do_not_match_give_none_not_a_wrong_variant() {
    // The 409 body lacks its required field.
    let e = failing_get_job(409, Some(json!({"title": "locked"}))).await;
    assert_eq!(GetJobError::from_error(&e), None);
    // No body at all.
    let e = failing_get_job(404, None).await;
    assert_eq!(GetJobError::from_error(&e), None);
    assert!(e.body_as::<Problem>().is_none());
}

#[tokio::test]
async fn one_shared_error_type_is_read_with_body_as() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/jobs/j2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"title": "running"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .build()
        .expect("client");
    let e = client.jobs().cancel("j2").send().await.expect_err("400");
    let problem: Problem = e.body_as().expect("a Problem body");
    assert_eq!(problem.title, "running");
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
}
