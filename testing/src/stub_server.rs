//! The core of the typed stubs: the loopback [`StubServer`], the [`When`] and [`Then`] a stub is built
//! from, and the [`Stub`] handle that counts its calls. The generated per-API stubs (`src/generated/`)
//! build on this module; [`crate::stubs`] puts both together for users (so the generated code and this
//! module do not import each other).

use std::fmt::Display;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// An operation of the specs, named by its marker type in [`stubs`](crate::stubs) (for example
/// `stubs::payment::CapturePaymentTransaction`), so that the controls that aim at one operation
/// ([`FaultRule::on`](crate::FaultRule::on), [`FakeKlarna::set_list_items`](crate::FakeKlarna::set_list_items))
/// take a type, not a string. Implemented by the generated markers only.
pub trait Operation {
    /// The `operationId` in specs/.
    const OPERATION_ID: &'static str;
}

/// One operation as the stubs match it: generated, one per operation.
pub(crate) struct Route {
    /// The API module (`payment`).
    pub(crate) api: &'static str,
    /// The `operationId`.
    pub(crate) id: &'static str,
    /// Upper-case HTTP method.
    pub(crate) method: &'static str,
    /// The literal path pieces around the path parameters (one more than the parameters).
    pub(crate) pieces: &'static [&'static str],
    /// The wire names of the path parameters, in template order.
    pub(crate) params: &'static [&'static str],
}

impl Route {
    /// The path parameter values (percent-decoded), if `path` is this route's.
    fn parse(&self, path: &str) -> Option<Vec<String>> {
        let mut rest = path.strip_prefix(self.pieces.first().copied().unwrap_or_default())?;
        let mut values = Vec::with_capacity(self.params.len());
        for piece in self.pieces.get(1..).unwrap_or_default() {
            let end = if piece.is_empty() {
                rest.len()
            } else {
                rest.find(piece)?
            };
            let segment = &rest[..end];
            if segment.is_empty() || segment.contains('/') {
                return None;
            }
            values.push(percent_decode(segment, false));
            rest = &rest[end + piece.len()..];
        }
        rest.is_empty().then_some(values)
    }

    fn template(&self) -> String {
        let mut out = self.pieces.first().copied().unwrap_or_default().to_owned();
        for (name, piece) in self
            .params
            .iter()
            .zip(self.pieces.get(1..).unwrap_or_default())
        {
            out.push('{');
            out.push_str(name);
            out.push('}');
            out.push_str(piece);
        }
        out
    }
}

/// A request the server received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// Upper-case method.
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query parameters in order, decoded.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter, in order.
    pub fn query_values(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body parsed as JSON (`Null` when it is empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl std::fmt::Display for ReceivedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        for (i, (k, v)) in self.query.iter().enumerate() {
            write!(f, "{}{k}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

/// A condition of a [`When`]: `Err` says why a request fails it.
type Check = Box<dyn Fn(&ReceivedRequest, &[String]) -> Result<(), String> + Send + Sync>;

/// The requests a stub of operation `O` answers: build it with the methods generated for `O` (one per
/// path, query and header parameter, `body` and `body_matches` for a JSON body) and the ones here.
#[must_use = "a When is passed back to the stub"]
pub struct When<O> {
    route: &'static Route,
    checks: Vec<Check>,
    _operation: PhantomData<fn() -> O>,
}

impl<O> When<O> {
    fn push(
        mut self,
        check: impl Fn(&ReceivedRequest, &[String]) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.checks.push(Box::new(check));
        self
    }

    /// A query parameter has exactly these values, in order (for parameters the operation does not
    /// declare; declared ones have their own typed method).
    pub fn query<V: Display>(self, name: &str, values: impl IntoIterator<Item = V>) -> Self {
        let name = name.to_owned();
        let want: Vec<String> = values.into_iter().map(|v| v.to_string()).collect();
        self.push(move |request, _| {
            let got = request.query_values(&name);
            if got == want {
                Ok(())
            } else {
                Err(format!(
                    "query parameter `{name}` is {got:?}, the stub wants {want:?}"
                ))
            }
        })
    }

    /// A header has this value (name in any case).
    pub fn header(self, name: &str, value: impl Display) -> Self {
        let name = name.to_owned();
        let want = value.to_string();
        self.push(move |request, _| match request.header(&name) {
            Some(got) if got == want => Ok(()),
            Some(got) => Err(format!(
                "header `{name}` is {got:?}, the stub wants {want:?}"
            )),
            None => Err(format!(
                "header `{name}` is missing, the stub wants {want:?}"
            )),
        })
    }

    /// Any check of the raw request; `what` names it in the explanation of a request it refuses.
    pub fn matching(
        self,
        what: &str,
        check: impl Fn(&ReceivedRequest) -> bool + Send + Sync + 'static,
    ) -> Self {
        let what = what.to_owned();
        self.push(move |request, _| {
            if check(request) {
                Ok(())
            } else {
                Err(format!("the check `{what}` refused it"))
            }
        })
    }

    pub(crate) fn with_path(self, index: usize, value: impl Display) -> Self {
        let want = value.to_string();
        let name = self.route.params.get(index).copied().unwrap_or("?");
        self.push(move |_, path| match path.get(index) {
            Some(got) if *got == want => Ok(()),
            got => Err(format!(
                "path parameter `{name}` is {:?}, the stub wants {want:?}",
                got.map(String::as_str).unwrap_or_default()
            )),
        })
    }

    pub(crate) fn with_query<V: Display>(
        self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.query(name, values)
    }

    pub(crate) fn with_header(self, name: &str, value: impl Display) -> Self {
        self.header(name, value)
    }

    pub(crate) fn with_json_body<T: Serialize>(self, body: &T) -> Self {
        let want = serde_json::to_value(body).map_err(|e| e.to_string());
        self.push(move |request, _| {
            let want = want
                .as_ref()
                .map_err(|e| format!("the stub's body does not serialize: {e}"))?;
            let got: Value = serde_json::from_slice(&request.body)
                .map_err(|e| format!("the body is not JSON: {e}"))?;
            match difference(want, &got, String::new()) {
                None => Ok(()),
                Some(diff) => Err(format!("the body differs from the stub's: {diff}")),
            }
        })
    }

    pub(crate) fn with_typed_body<T: DeserializeOwned>(
        self,
        check: impl Fn(&T) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.push(move |request, _| {
            let body: T = serde_json::from_slice(&request.body).map_err(|e| {
                format!(
                    "the body does not decode as {}: {e}",
                    std::any::type_name::<T>()
                )
            })?;
            if check(&body) {
                Ok(())
            } else {
                Err("body_matches refused the body".to_owned())
            }
        })
    }
}

/// Where two JSON values first differ, as a JSON pointer and both values.
fn difference(want: &Value, got: &Value, at: String) -> Option<String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let here = format!("{at}/{k}");
                match g.get(k) {
                    Some(gv) => {
                        if let Some(d) = difference(wv, gv, here) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{here} is missing, the stub wants {wv}")),
                }
            }
            g.keys()
                .find(|k| !w.contains_key(*k))
                .map(|k| format!("{at}/{k} is not in the stub's body"))
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => w
            .iter()
            .zip(g)
            .enumerate()
            .find_map(|(i, (wv, gv))| difference(wv, gv, format!("{at}/{i}"))),
        _ if want == got => None,
        _ => Some(format!(
            "{} is {got}, the stub wants {want}",
            if at.is_empty() { "/" } else { &at }
        )),
    }
}

/// The answer of a stub of operation `O`: `ok` (generated for `O`, taking its success type) or the
/// methods here. Without one, the stub answers with the operation's spec example.
#[must_use = "a Then is passed back to the stub"]
pub struct Then<O> {
    route: &'static Route,
    answer: Option<Answer>,
    headers: Vec<(String, String)>,
    limit: Option<usize>,
    _operation: PhantomData<fn() -> O>,
}

#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl<O> Then<O> {
    /// Answers `status` with `body` as JSON.
    pub fn json(mut self, status: u16, body: &impl Serialize) -> Self {
        self.answer = Some(match serde_json::to_vec(body) {
            Ok(bytes) => Answer {
                status,
                content_type: Some("application/json".to_owned()),
                body: bytes,
            },
            Err(e) => failure(&format!(
                "the stub's body for {} does not serialize: {e}",
                self.route.id
            )),
        });
        self
    }

    /// Answers `status` with Klarna's error body (`klarna::Error::error_code` and
    /// `klarna::Error::api_error` read it back); [`api_error`] builds one.
    pub fn error(self, status: u16, body: &klarna::ApiError) -> Self {
        self.json(status, body)
    }

    /// Answers `status` with no body.
    pub fn status(mut self, status: u16) -> Self {
        self.answer = Some(Answer {
            status,
            content_type: None,
            body: Vec::new(),
        });
        self
    }

    /// Answers `status` with raw bytes of a media type.
    pub fn bytes(mut self, status: u16, media_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.answer = Some(Answer {
            status,
            content_type: Some(media_type.to_owned()),
            body: body.into(),
        });
        self
    }

    /// Answers with the operation's spec example (the default).
    pub fn example(mut self) -> Self {
        self.answer = None;
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: impl Display) -> Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Answers at most `n` requests; later ones go to older stubs (for a failure followed by a success,
    /// stub the success first, then the failure with `up_to(1)`).
    pub fn up_to(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }
}

/// A `500 TECHNICAL_ERROR` naming a mistake in a stub's setup.
fn failure(message: &str) -> Answer {
    Answer {
        status: 500,
        content_type: Some("application/json".to_owned()),
        body: serde_json::to_vec(&json!({
            "error_type": "TECHNICAL_ERROR",
            "error_code": "STUB_SETUP_ERROR",
            "error_message": message,
        }))
        .unwrap_or_default(),
    }
}

/// Klarna's error body with a fresh `error_id`, for [`Then::error`].
pub fn api_error(error_type: &str, error_code: &str, message: &str) -> klarna::ApiError {
    let mut error = klarna::ApiError::default();
    error.error_id = Some(uuid::Uuid::new_v4().to_string());
    error.error_type = Some(error_type.to_owned());
    error.error_code = Some(error_code.to_owned());
    error.error_message = Some(message.to_owned());
    error
}

/// The spec example of an operation's success body (what its stub answers by default), by
/// `operationId`, decoded into `T`: a start for a typed answer that changes what the test is about.
pub fn example<T: DeserializeOwned>(operation_id: &str) -> Result<T, String> {
    let body = crate::fallback::example(operation_id)
        .ok_or_else(|| format!("no operation '{operation_id}' in the specs"))?
        .1
        .ok_or_else(|| format!("'{operation_id}' has no JSON success body"))?;
    serde_json::from_value(body).map_err(|e| {
        format!(
            "the example of '{operation_id}' does not decode as {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

struct Entry {
    route: &'static Route,
    number: usize,
    checks: Vec<Check>,
    answer: Answer,
    headers: Vec<(String, String)>,
    limit: Option<usize>,
    state: Mutex<EntryState>,
}

#[derive(Default)]
struct EntryState {
    requests: Vec<ReceivedRequest>,
    expected: Option<usize>,
}

impl Entry {
    fn lock(&self) -> MutexGuard<'_, EntryState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn name(&self) -> String {
        format!(
            "stub #{} of {} ({} {})",
            self.number,
            self.route.id,
            self.route.method,
            self.route.template()
        )
    }
}

#[derive(Default)]
struct Registry {
    stubs: Mutex<Vec<Arc<Entry>>>,
    unmatched: Mutex<Vec<(ReceivedRequest, String)>>,
}

/// A stub: counts what it answered. The stub stays on the server when this handle is dropped.
#[derive(Clone)]
pub struct Stub {
    entry: Arc<Entry>,
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Stub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stub")
            .field("stub", &self.entry.name())
            .field("hits", &self.hits())
            .finish()
    }
}

impl Stub {
    /// How many requests this stub answered.
    pub fn hits(&self) -> usize {
        self.entry.lock().requests.len()
    }

    /// The requests this stub answered, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.entry.lock().requests.clone()
    }

    /// Panics unless this stub answered exactly `n` requests; the message lists what it answered and the
    /// requests no stub answered, with the reasons.
    #[track_caller]
    pub fn assert_hits(&self, n: usize) {
        if let Some(message) = self.check(n) {
            panic!("{message}");
        }
    }

    /// Expects exactly `n` requests, checked when the server is dropped (or by
    /// [`StubServer::verify`]).
    pub fn expect(self, n: usize) -> Self {
        self.entry.lock().expected = Some(n);
        self
    }

    fn check(&self, n: usize) -> Option<String> {
        let requests = self.requests();
        if requests.len() == n {
            return None;
        }
        let mut message = format!(
            "{} answered {} request(s), expected {n}",
            self.entry.name(),
            requests.len()
        );
        for r in &requests {
            message.push_str(&format!("\n  answered: {r}"));
        }
        for (r, why) in self.registry.unmatched_of(self.entry.route) {
            message.push_str(&format!("\n  not answered: {r}: {why}"));
        }
        Some(message)
    }
}

impl Registry {
    fn stubs(&self) -> MutexGuard<'_, Vec<Arc<Entry>>> {
        self.stubs.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn unmatched(&self) -> MutexGuard<'_, Vec<(ReceivedRequest, String)>> {
        self.unmatched.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Unmatched requests of a route's method and path.
    fn unmatched_of(&self, route: &Route) -> Vec<(ReceivedRequest, String)> {
        self.unmatched()
            .iter()
            .filter(|(r, _)| r.method == route.method && route.parse(&r.path).is_some())
            .cloned()
            .collect()
    }

    /// The answer to a request: the newest stub that takes it, or a `404` explaining why none did.
    fn answer(&self, request: ReceivedRequest) -> (Answer, Vec<(String, String)>) {
        let stubs: Vec<Arc<Entry>> = self.stubs().clone();
        let mut reasons = Vec::new();
        for entry in stubs.iter().rev() {
            if entry.route.method != request.method {
                continue;
            }
            let Some(path) = entry.route.parse(&request.path) else {
                continue;
            };
            let refused = entry.checks.iter().find_map(|c| c(&request, &path).err());
            let mut state = entry.lock();
            let reason = match refused {
                Some(why) => why,
                None if entry.limit.is_some_and(|n| state.requests.len() >= n) => format!(
                    "it already answered the {} request(s) of its up_to",
                    state.requests.len()
                ),
                None => {
                    state.requests.push(request);
                    return (entry.answer.clone(), entry.headers.clone());
                }
            };
            reasons.push(format!("{}: {reason}", entry.name()));
        }
        let why = if reasons.is_empty() {
            "no stub for this method and path".to_owned()
        } else {
            reasons.join("; ")
        };
        let message = format!("klarna-testing: no stub matched {request}: {why}");
        self.unmatched().push((request, why));
        let body = json!({
            "error_id": uuid::Uuid::new_v4().to_string(),
            "error_type": "RESOURCE_ERROR",
            "error_code": "NO_STUB_MATCHED",
            "error_message": message,
        });
        (
            Answer {
                status: 404,
                content_type: Some("application/json".to_owned()),
                body: serde_json::to_vec(&body).unwrap_or_default(),
            },
            Vec::new(),
        )
    }
}

/// A loopback HTTP server answering with typed stubs. Stops when dropped, and then checks every
/// [`Stub::expect`]. See the [`stubs`](crate::stubs) module docs.
pub struct StubServer {
    registry: Arc<Registry>,
    base_url: String,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for StubServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StubServer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for StubServer {
    fn drop(&mut self) {
        self.server.abort();
        if !std::thread::panicking()
            && let Err(message) = self.check_expectations()
        {
            panic!("{message}");
        }
    }
}

/// The API key of a [`StubServer::client`] (the server accepts any).
const STUB_API_KEY: &str = "klarna_test_api_stubserver";

impl StubServer {
    /// Binds `127.0.0.1` on a free port and starts serving. Needs a tokio runtime.
    pub async fn start() -> std::io::Result<StubServer> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let registry = Arc::new(Registry::default());
        let router = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&registry));
        let server = tokio::spawn(async move {
            // Serves until the server is dropped (which aborts this task).
            let _ = axum::serve(listener, router).await;
        });
        Ok(StubServer {
            registry,
            base_url,
            server,
        })
    }

    /// `http://127.0.0.1:<port>`, the base URL to point a client at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A client builder with the server's base URL and an API key, to adjust (retries, timeouts) and
    /// build.
    pub fn client_builder(&self) -> klarna::ClientBuilder<klarna::Client> {
        klarna::Client::builder()
            .api_key(STUB_API_KEY)
            .base_url(self.base_url())
    }

    /// A `klarna::Client` pointed at the server.
    ///
    /// # Panics
    ///
    /// If the SDK refuses a client for the loopback URL, which would be a bug in this crate or the SDK;
    /// [`client_builder`](Self::client_builder) gives the error instead.
    pub fn client(&self) -> klarna::Client {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!(
                "klarna-testing: the SDK refused a client for the stub server at {}: {e}",
                self.base_url
            ),
        }
    }

    /// Every request no stub answered, with the reason, in order.
    pub fn unmatched(&self) -> Vec<(ReceivedRequest, String)> {
        self.registry.unmatched().clone()
    }

    /// Panics unless every stub with an [`expect`](Stub::expect)ed count answered exactly that many
    /// requests (what dropping the server checks).
    #[track_caller]
    pub fn verify(&self) {
        if let Err(message) = self.check_expectations() {
            panic!("{message}");
        }
    }

    fn check_expectations(&self) -> Result<(), String> {
        let failures: Vec<String> = self
            .registry
            .stubs()
            .iter()
            .filter_map(|entry| {
                let expected = entry.lock().expected?;
                Stub {
                    entry: Arc::clone(entry),
                    registry: Arc::clone(&self.registry),
                }
                .check(expected)
            })
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("\n"))
        }
    }

    /// Adds a stub of `route`'s operation (called by the generated per-operation methods).
    pub(crate) fn register<O>(
        &self,
        route: &'static Route,
        when: impl FnOnce(When<O>) -> When<O>,
        then: impl FnOnce(Then<O>) -> Then<O>,
    ) -> Stub {
        let when = when(When {
            route,
            checks: Vec::new(),
            _operation: PhantomData,
        });
        let then = then(Then {
            route,
            answer: None,
            headers: Vec::new(),
            limit: None,
            _operation: PhantomData,
        });
        let answer = then
            .answer
            .unwrap_or_else(|| match crate::fallback::example(route.id) {
                Some((status, Some(body))) => Answer {
                    status,
                    content_type: Some("application/json".to_owned()),
                    body: serde_json::to_vec(&body).unwrap_or_default(),
                },
                Some((status, None)) => Answer {
                    status,
                    content_type: None,
                    body: Vec::new(),
                },
                None => failure(&format!(
                    "no spec example for {} of the {} API: give the stub an answer",
                    route.id, route.api
                )),
            });
        let mut stubs = self.registry.stubs();
        let entry = Arc::new(Entry {
            route,
            number: stubs.len() + 1,
            checks: when.checks,
            answer,
            headers: then.headers,
            limit: then.limit,
            state: Mutex::new(EntryState::default()),
        });
        stubs.push(Arc::clone(&entry));
        Stub {
            entry,
            registry: Arc::clone(&self.registry),
        }
    }
}

async fn handle(
    AxumState(registry): AxumState<Arc<Registry>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    // Read here rather than by an extractor, so that an oversized body is refused in Klarna's shape.
    use http_body_util::BodyExt as _;
    let body: Bytes = match http_body_util::Limited::new(body, crate::MAX_REQUEST_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let refusal = crate::reply::Reply::too_large(crate::MAX_REQUEST_BODY_BYTES);
            return (
                refusal.status,
                [(http::header::CONTENT_TYPE, "application/json")],
                refusal
                    .body
                    .map(|b| serde_json::to_vec(&b).unwrap_or_default())
                    .unwrap_or_default(),
            )
                .into_response();
        }
    };
    let request = ReceivedRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k, true), percent_decode(v, true))
            })
            .collect(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let (answer, extra) = registry.answer(request);
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body).into_response();
    let out = response.headers_mut();
    // Bytes come with `application/octet-stream`: the stub's own content type (or none) replaces it.
    out.remove(http::header::CONTENT_TYPE);
    let pairs = answer
        .content_type
        .map(|t| ("content-type".to_owned(), t))
        .into_iter()
        .chain(extra);
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) {
            out.append(name, value);
        }
    }
    if let Some(correlation) = headers.get("partner-correlation-id") {
        out.insert("partner-correlation-id", correlation.clone());
    }
    response
}

/// Decodes `%XX` escapes (and `+` as a space in a query), keeping invalid escapes as written.
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let hex = |i: usize| bytes.get(i).and_then(|c| char::from(*c).to_digit(16));
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(match bytes[i] {
            b'+' if plus_is_space => b' ',
            b => b,
        });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    static STORE: Route = Route {
        api: "management",
        id: "getStore",
        method: "GET",
        pieces: &["/v2/accounts/", "/stores/", ""],
        params: &["partner_account_id", "store_id"],
    };

    #[test]
    fn routes_take_their_paths_apart() {
        assert_eq!(
            STORE.parse("/v2/accounts/krn:a:b/stores/s%201"),
            Some(vec!["krn:a:b".to_owned(), "s 1".to_owned()])
        );
        assert_eq!(STORE.parse("/v2/accounts/a/stores/"), None);
        assert_eq!(STORE.parse("/v2/accounts/a/stores/s/x"), None);
        assert_eq!(STORE.parse("/v2/accounts//stores/s"), None);
        assert_eq!(STORE.parse("/v1/accounts/a/stores/s"), None);
        assert_eq!(
            STORE.template(),
            "/v2/accounts/{partner_account_id}/stores/{store_id}"
        );
        let fixed = Route {
            pieces: &["/v2/notification/webhooks"],
            params: &[],
            ..STORE
        };
        assert_eq!(fixed.parse("/v2/notification/webhooks"), Some(vec![]));
        assert_eq!(fixed.parse("/v2/notification/webhooks/x"), None);
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(percent_decode("a+b%2Fc", true), "a b/c");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%zz%4", true), "100%zz%4");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }

    #[test]
    fn body_differences_name_the_first_place() {
        let want = json!({"amount": 5, "lines": [{"name": "a"}], "currency": "EUR"});
        assert_eq!(difference(&want, &want.clone(), String::new()), None);
        let got = json!({"amount": 5, "lines": [{"name": "b"}], "currency": "EUR"});
        assert_eq!(
            difference(&want, &got, String::new()).as_deref(),
            Some("/lines/0/name is \"b\", the stub wants \"a\"")
        );
        let got = json!({"amount": 5, "lines": [{"name": "a"}]});
        assert_eq!(
            difference(&want, &got, String::new()).as_deref(),
            Some("/currency is missing, the stub wants \"EUR\"")
        );
        let got = json!({"amount": 5, "lines": [{"name": "a"}], "currency": "EUR", "x": 1});
        assert_eq!(
            difference(&want, &got, String::new()).as_deref(),
            Some("/x is not in the stub's body")
        );
        assert_eq!(
            difference(&json!([1]), &json!([1, 2]), String::new()).as_deref(),
            Some("/ is [1,2], the stub wants [1]")
        );
    }
}
