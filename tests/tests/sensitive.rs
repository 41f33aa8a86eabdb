//! Sensitive values (marked `x-klarna-sensitive` or `format: password` in the API documents) never appear
//! in `Debug` output of generated models and request builders, nor in the runtime's traces, while the values
//! stay readable and are sent as before.

use std::io::Write;
use std::sync::{Arc, Mutex};

use klarna::management::CreateCredentialRequest;
use klarna::payment::AuthorizePaymentRequest;
use klarna::{Client, Environment, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "klarna_test_api_c2VjcmV0";

/// Held by every test of this binary that sends a request: `tracing` caches per-callsite interest across
/// threads, so a request sent on another thread while the capturing subscriber comes and goes could leave
/// a callsite disabled for the capture.
static TRACING_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .environment(Environment::Test)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

fn assert_hidden(what: &str, shown: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!shown.contains(s), "{what} shows {s}:\n{shown}");
    }
    assert!(shown.contains("<redacted>"), "{what}:\n{shown}");
}

#[tokio::test]
async fn a_created_signing_key_does_not_show_its_secret() {
    let _serial = TRACING_LOCK.lock().await;
    const SECRET: &str = "whsec_SIGNINGSECRET_4711";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/notification/signing-keys"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "signing_key_id": "krn:partner:global:notification:signing-key:1",
            "signing_key": SECRET,
            "created_at": "2025-05-01T10:00:00Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .signing_keys()
        .create()
        .send()
        .await
        .expect("created");
    assert_eq!(created.signing_key, SECRET, "the secret stays readable");
    assert_hidden(
        "the created signing key",
        &format!("{created:?}"),
        &[SECRET],
    );
    assert_hidden(
        "the created signing key",
        &format!("{created:#?}"),
        &[SECRET],
    );
    assert_hidden("its body", &format!("{:?}", created.body()), &[SECRET]);
    assert!(format!("{created:?}").contains("krn:partner:global:notification:signing-key:1"));
}

#[tokio::test]
async fn a_created_api_key_does_not_show_its_secret() {
    let _serial = TRACING_LOCK.lock().await;
    const SECRET: &str = "klarna_test_api_APIKEYSECRET_0815";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/account/integration/credentials/api-key"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "credential_id": "krn:partner:global:credential:api-key:1",
            "type": "API",
            "secret": {"secret": SECRET}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .api_keys()
        .create(CreateCredentialRequest::default())
        .send()
        .await
        .expect("created");
    let readable = created.secret.as_ref().and_then(|s| s.secret.as_deref());
    assert_eq!(readable, Some(SECRET), "the secret stays readable");
    assert_hidden("the created API key", &format!("{created:?}"), &[SECRET]);
    assert_hidden("the created API key", &format!("{created:#?}"), &[SECRET]);
}

#[tokio::test]
async fn an_authorize_builder_does_not_show_its_tokens_but_sends_them() {
    let _serial = TRACING_LOCK.lock().await;
    let tokens = [
        (
            "Klarna-Customer-Token",
            "krn:partner:us1:test:identity:customer-token:CUSTOMERSECRET1",
        ),
        ("Klarna-Interoperability-Token", "INTEROPSECRET2"),
        (
            "Klarna-Network-Session-Token",
            "krn:network:eu1:test:session-token:SESSIONSECRET3",
        ),
        ("Klarna-Payment-Token", "PAYMENTSECRET4"),
    ];
    let server = MockServer::start().await;
    let mut mock = Mock::given(method("POST")).and(path(
        "/v2/accounts/krn:partner:global:account:test:A1/payment/authorize",
    ));
    for (name, value) in tokens {
        mock = mock.and(header(name, value));
    }
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let builder = client(&server)
        .authorization()
        .authorize_payment(
            "krn:partner:global:account:test:A1",
            AuthorizePaymentRequest::new("EUR".into()),
        )
        .klarna_customer_token(tokens[0].1)
        .klarna_interoperability_token(tokens[1].1)
        .klarna_network_session_token(tokens[2].1)
        .klarna_payment_token(tokens[3].1);
    let secrets = tokens.map(|(_, v)| v);
    assert_hidden("the authorize builder", &format!("{builder:?}"), &secrets);
    assert_hidden("the authorize builder", &format!("{builder:#?}"), &secrets);
    assert!(format!("{builder:?}").contains("krn:partner:global:account:test:A1"));
    // The response shape does not matter here; the mock only answers when every token was sent.
    let _ = builder.send().await;
    server.verify().await;
}

// The golden fixture `generator/tests/fixtures/sensitive.yaml`: a token as a path parameter, sensitive
// headers (one whose name does not say so), a password query parameter and sensitive model fields.

const PATH_TOKEN: &str = "tok_PATHSECRET_5";
const HEADER_SESSION: &str = "SESSIONHEADERSECRET_6";
const CUSTOMER_TOKEN: &str = "CUSTOMERTOKENSECRET_7";
const ACCESS_CODE: &str = "ACCESSCODESECRET_8";
const PASSWORD: &str = "PASSWORDSECRET_9";

fn golden(server: &MockServer) -> klarna_golden::Client {
    klarna_golden::Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_policy(klarna_golden::RetryPolicy::disabled())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn golden_models_and_builders_redact_what_the_document_marks() {
    use klarna_golden::sensitive::models::{CredentialRequest, Holder, Token};
    let server = MockServer::start().await;
    let c = golden(&server);
    let mut token = Token::new("t1".into(), PATH_TOKEN.into());
    // `Holder` is response-only, so `#[non_exhaustive]`: built from `Default`.
    let mut holder = Holder::default();
    holder.name = Some("HOLDERSECRET_10".into());
    token.holder = Some(holder);
    token.r#type = Some("card".into());
    let shown = format!("{token:?}");
    assert_hidden("Token", &shown, &[PATH_TOKEN, "HOLDERSECRET_10"]);
    assert!(
        shown.contains("t1") && shown.contains("type: Some(\"card\")"),
        "{shown}"
    );
    let mut request = CredentialRequest::new("alice".into(), PASSWORD.into());
    #[allow(deprecated)] // the fixture's deprecated password field is sensitive too
    {
        request.previous_password = Some("OLDPASSWORD_11".into());
    }
    assert_hidden(
        "CredentialRequest",
        &format!("{request:?}"),
        &[PASSWORD, "OLDPASSWORD_11"],
    );
    assert_eq!(request.password, PASSWORD);

    let create = c.credentials().create(HEADER_SESSION, request.clone());
    assert_hidden(
        "CreateCredential",
        &format!("{create:?}"),
        &[HEADER_SESSION, PASSWORD],
    );
    let read = c
        .tokens()
        .read("A1", PATH_TOKEN)
        .klarna_customer_token(CUSTOMER_TOKEN)
        .access_code(ACCESS_CODE)
        .partner_reference("visible-ref");
    let shown = format!("{read:?}");
    assert_hidden(
        "ReadToken",
        &shown,
        &[PATH_TOKEN, CUSTOMER_TOKEN, ACCESS_CODE],
    );
    assert!(
        shown.contains("A1") && shown.contains("visible-ref"),
        "{shown}"
    );
}

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
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

/// A TRACE capture (every target, span fields and events) of generated calls with a token in the path
/// and sensitive headers: none of the values appears, and the span shows the path with the token redacted.
/// The only test of this binary that installs a subscriber, on a current-thread runtime.
#[tokio::test(flavor = "current_thread")]
async fn a_trace_of_generated_calls_shows_no_token() {
    let _serial = TRACING_LOCK.lock().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v2/accounts/A1/tokens/{PATH_TOKEN}")))
        .and(header("Klarna-Customer-Token", CUSTOMER_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_id": "t1", "value": PATH_TOKEN
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/credentials"))
        .and(header("X-Session", HEADER_SESSION))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let c = golden(&server);
    let buf = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buf.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let read = c
        .tokens()
        .read("A1", PATH_TOKEN)
        .klarna_customer_token(CUSTOMER_TOKEN)
        .send()
        .await;
    let failed = c
        .credentials()
        .create(
            HEADER_SESSION,
            klarna_golden::sensitive::models::CredentialRequest::new(
                "alice".into(),
                PASSWORD.into(),
            ),
        )
        .send()
        .await;
    drop(guard);
    let logs = String::from_utf8_lossy(&buf.0.lock().expect("log buffer")).into_owned();
    let read = read.expect("read succeeds");
    assert_eq!(read.value, PATH_TOKEN, "the value stays readable");
    let failed = failed.expect_err("the mock answers 500");
    for (what, text) in [
        ("the trace", logs.as_str()),
        ("the error", &failed.to_string()),
        ("the error's Debug", &format!("{failed:?}")),
    ] {
        for secret in [PATH_TOKEN, CUSTOMER_TOKEN, HEADER_SESSION, PASSWORD] {
            assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
        }
    }
    assert!(logs.contains("api.request"), "{logs}");
    assert!(logs.contains("/v2/accounts/A1/tokens/<redacted>"), "{logs}");
    assert!(logs.contains("createCredential"), "{logs}");
}
