//! Typed stubs for unit tests: a loopback server that answers exactly what a test tells it to, per
//! operation, and counts the calls.
//!
//! Where [`FakeKlarna`](crate::FakeKlarna) plays Klarna, a [`StubServer`] plays one answer: a test says
//! which requests of which operation it expects ([`When`]) and what they get ([`Then`]): a typed model,
//! an error in Klarna's shape, or the spec example. Every operation of every API has a generated,
//! typed stub, reached as the SDK's client reaches the operation: `client.payment_requests().get(..)` is
//! stubbed by `server.payment_requests().get(when, then)`.
//!
//! ```
//! use klarna::payment::{PaymentRequest, PaymentRequestState};
//! use klarna_testing::StubServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = StubServer::start().await?;
//! // The spec example, changed where the test needs it.
//! let mut request: PaymentRequest = klarna_testing::stubs::example("getPaymentRequest")?;
//! request.state = PaymentRequestState::Completed;
//! let get = server
//!     .payment_requests()
//!     .get(|when| when.payment_request_id("krn:payment:eu1:request:1"), |then| then.ok(&request))
//!     .expect(1);
//!
//! // The code under test, with a client pointed at the server:
//! let client = server.client();
//! let got = client.payment_requests().get("krn:partner:global:account:test:A", "krn:payment:eu1:request:1").send().await?;
//! assert_eq!(got.state, PaymentRequestState::Completed);
//! get.assert_hits(1);
//! # Ok(())
//! # }
//! ```
//!
//! # Matching
//!
//! A stub answers a request of its operation (method and path template) when every condition of its
//! `When` holds: path parameters, query parameters (all values, in order), headers, and the body (`body`:
//! equal to a typed request as the SDK serializes it; `body_matches`: decodes into the request type and
//! passes a check; [`When::matching`]: any check of the raw request). The newest stub that matches
//! answers; one limited by [`Then::up_to`] steps aside once it has answered that many requests. A request
//! no stub answers gets `404` with `error_code` `NO_STUB_MATCHED` and a message saying, for each stub of
//! that operation, which condition failed; [`StubServer::unmatched`] lists them.
//!
//! # Counting
//!
//! [`Stub::hits`] and [`Stub::requests`] tell what a stub answered, [`Stub::assert_hits`] checks the
//! count, and [`Stub::expect`] sets a count that is checked when the server is dropped (or by
//! [`StubServer::verify`]). The SDK retries some failures (`429`, `5xx` on idempotent calls): each attempt
//! counts.

pub use crate::generated::*;
pub use crate::stub_server::{
    Operation, ReceivedRequest, Stub, StubServer, Then, When, api_error, example,
};
