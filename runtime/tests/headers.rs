//! What goes on the wire: auth, user agent, correlation id, integration metadata, typed
//! headers, query encoding and request validation.

mod common;

use common::{API_KEY, TestTime, builder, client};
use klarna_runtime::{
    AuthStyle, ErrorKind, IntegrationMetadata, Integrator, Method, Request, RequestOptions,
    encode_path_segment,
};
use klarna_runtime::{RequestOptionsExt as _, ResponseExt as _};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

fn h(req: &wiremock::Request, name: &str) -> Option<String> {
    req.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn default_headers() {
    let server = ok_server().await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let body = serde_json::json!({"amount": 100});
    let resp = c
        .execute(
            Request::new("op", Method::POST, "/v2/x".to_owned())
                .json(&body)
                .idempotent(),
        )
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    let r = &reqs[0];
    assert_eq!(h(r, "authorization").unwrap(), format!("Basic {API_KEY}"));
    let ua = h(r, "user-agent").unwrap();
    assert_eq!(ua, format!("klarna-rust/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(h(r, "accept").unwrap(), "application/json");
    assert_eq!(h(r, "content-type").unwrap(), "application/json");
    let cid = h(r, "partner-correlation-id").unwrap();
    assert!(!cid.is_empty() && cid.len() <= 255);
    assert!(cid.bytes().all(|b| b.is_ascii_alphanumeric()), "{cid}");
    assert_eq!(
        resp.correlation_id(),
        Some(cid.as_str()),
        "falls back to the id sent"
    );
    assert!(h(r, "klarna-integration-metadata").is_none());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap(),
        body
    );

    // a GET has no content type and no idempotency key
    c.execute(Request::new("op", Method::GET, "/v2/y".to_owned()))
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert!(h(&reqs[1], "content-type").is_none());
    assert!(h(&reqs[1], "klarna-idempotency-key").is_none());
    assert_ne!(
        h(&reqs[1], "partner-correlation-id").unwrap(),
        cid,
        "fresh per call"
    );
}

#[tokio::test]
async fn base64_basic_auth_style_and_user_agent_suffix() {
    let server = ok_server().await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .auth_style(AuthStyle::Base64Basic)
        .user_agent_suffix("acme-shop/2.1")
        .build()
        .unwrap();
    c.execute(Request::new("op", Method::GET, "/v2/x".to_owned()))
        .await
        .unwrap();
    let r = &server.received_requests().await.unwrap()[0];
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!(":{API_KEY}"));
    assert_eq!(h(r, "authorization").unwrap(), format!("Basic {expected}"));
    assert_eq!(
        h(r, "user-agent").unwrap(),
        format!("klarna-rust/{} acme-shop/2.1", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn correlation_id_is_settable_validated_and_echo_is_exposed() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/echo"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("partner-correlation-id", "FromKlarna1")
                .insert_header("klarna-mtls-verification-status", "VALID")
                .insert_header("klarna-ip-validation-status", "ALLOWED")
                .set_body_json(serde_json::json!({"a": 1})),
        )
        .mount(&server)
        .await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let mut opts = RequestOptions::new();
    opts.set_correlation_id("order4711");
    let resp = c
        .execute(Request::new("op", Method::GET, "/v2/echo".to_owned()).options(opts))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .unwrap();
    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(h(r, "partner-correlation-id").unwrap(), "order4711");
    assert_eq!(resp.correlation_id(), Some("FromKlarna1"));
    assert_eq!(resp.mtls_verification_status(), Some("VALID"));
    assert_eq!(resp.ip_validation_status(), Some("ALLOWED"));
    assert_eq!(resp["a"], 1);

    for bad in ["has-hyphen", "", "spa ce"] {
        let mut opts = RequestOptions::new();
        opts.set_correlation_id(bad);
        let e = c
            .execute(Request::new("op", Method::GET, "/v2/echo".to_owned()).options(opts))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn integration_metadata_client_default_and_per_request() {
    let server = ok_server().await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .integration_metadata(IntegrationMetadata::new(
            Integrator::new("ACME_PLATFORM").with_module("acme-klarna", "v1.0"),
        ))
        .build()
        .unwrap();
    c.execute(Request::new("op", Method::GET, "/v2/x".to_owned()))
        .await
        .unwrap();
    let mut opts = RequestOptions::new();
    opts.set_integration_metadata(
        IntegrationMetadata::new(Integrator::new("ACME_PLATFORM"))
            .with_originator(Integrator::new("SHOP_PLUGIN").with_session_reference("s1")),
    );
    c.execute(Request::new("op", Method::GET, "/v2/x".to_owned()).options(opts))
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    let m0 = h(&reqs[0], "klarna-integration-metadata").unwrap();
    assert_eq!(
        m0,
        r#"{"integrator":{"name":"ACME_PLATFORM","module_name":"acme-klarna","module_version":"v1.0"}}"#
    );
    let m1: serde_json::Value =
        serde_json::from_str(&h(&reqs[1], "klarna-integration-metadata").unwrap()).unwrap();
    assert_eq!(m1["originators"][0]["name"], "SHOP_PLUGIN");
    assert_eq!(m1["originators"][0]["session_reference"], "s1");
}

#[tokio::test]
async fn typed_headers_query_and_path_encoding() {
    let server = ok_server().await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let account = "krn:partner:global:account:test:AB12";
    let mut opts = RequestOptions::new();
    opts.set_header("X-Extra", "1")
        .set_header("Accept", "application/json; v=2");
    let req = Request::new(
        "listDisputes",
        Method::GET,
        format!(
            "/v2/accounts/{}/payment/disputes",
            encode_path_segment(account)
        ),
    )
    .header("Klarna-Customer-Token", "tok-123".to_owned())
    .query("state", "CLOSED".to_owned())
    .query("state", "PRE_ARBITRATION".to_owned())
    .query("purchase_references", "a b&c=d".to_owned())
    .options(opts);
    c.execute(req).await.unwrap();
    let r = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        r.url.path(),
        "/v2/accounts/krn:partner:global:account:test:AB12/payment/disputes"
    );
    let pairs: Vec<(String, String)> = r
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("state".into(), "CLOSED".into()),
            ("state".into(), "PRE_ARBITRATION".into()),
            ("purchase_references".into(), "a b&c=d".into()),
        ]
    );
    assert_eq!(h(r, "klarna-customer-token").unwrap(), "tok-123");
    assert_eq!(h(r, "x-extra").unwrap(), "1");
    assert_eq!(
        h(r, "accept").unwrap(),
        "application/json; v=2",
        "options override defaults"
    );
}

#[tokio::test]
async fn invalid_requests_fail_before_sending_and_never_panic() {
    let server = ok_server().await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let cases = vec![
        Request::new("op", Method::GET, "/v2/x".to_owned())
            .header("Klarna-Customer-Token", "bad\r\nvalue".to_owned()),
        Request::new("op", Method::GET, "/v2/x".to_owned())
            .header("Bad Header Name", "v".to_owned()),
        Request::new("op", Method::GET, format!("/v2/things/{}", "..")),
        Request::new("op", Method::GET, "/v2/things/%2e%2E/admin".to_owned()),
        Request::new("op", Method::GET, "no-leading-slash".to_owned()),
        Request::new("op", Method::POST, "/v2/x".to_owned()).json(&{
            let mut m = std::collections::HashMap::new();
            m.insert((1, 2), 3);
            m
        }),
    ];
    for req in cases {
        let e = c.execute(req).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
        assert!(!e.may_have_been_sent());
        assert_eq!(e.attempts(), 0);
        assert_eq!(e.operation_id(), Some("op"));
        assert!(e.correlation_id().is_none());
    }
    // encode_path_segment keeps a traversal attempt inside one segment
    let req = Request::new(
        "op",
        Method::GET,
        format!("/v2/things/{}", encode_path_segment("../admin")),
    );
    c.execute(req).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.path(), "/v2/things/..%2Fadmin");
}
