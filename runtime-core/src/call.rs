//! The body of every generated operation's `send()`, written once.
//!
//! A generated `send()` is not an `async fn` of its own (that would be one coroutine per operation for the
//! compiler to type-check, borrow-check and lay out in the generated crate, all alike but for the builder
//! and the response type): it hands its builder and two plain functions to [`send`], whose one generic body
//! does the work, so the generated crate compiles faster and the code is instantiated only for the
//! operations a program actually awaits.

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;
use crate::response::RawResponse;

/// Builds the request from `builder` once the future is first polled, executes it with `client`
/// (retries, timeouts, idempotency key and all) and turns a successful response into the caller's type
/// with `finish`. Nothing happens until the future is awaited, as with an `async fn`.
///
/// # Errors
///
/// Whatever [`Client::execute`] or `finish` returns.
pub async fn send<B, T>(
    client: Client,
    builder: B,
    into_request: fn(B) -> Request,
    finish: fn(RawResponse) -> Result<T, Error>,
) -> Result<T, Error> {
    let response = client.execute(into_request(builder)).await?;
    finish(response)
}
