//! Cursor pagination over list operations.
//!
//! A cursor-paginated list response carries the items of one page and a cursor for the next
//! page (e.g. a `pagination.last_item` passed back as `starting_after`), absent or `null` on
//! the last page. Which fields and parameters those are is the API's convention, told to the
//! generator by its profile; generated code supplies two small functions: one that builds the
//! request for a cursor, and one that splits a decoded page into its items and next cursor.
//!
//! Streams stop after the last page, or after yielding an error (items yielded before it
//! are not lost). Every stream ends: a cursor the server already returned in the same stream
//! (a cycle of any length), or more than [`MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages in a row
//! that still point to a next page, is reported as an [`ErrorKind::UnexpectedResponse`] error
//! instead of fetching pages forever.
//!
//! ```no_run
//! # async fn demo(client: oapi_runtime::Client) -> Result<(), oapi_runtime::Error> {
//! use oapi_runtime::{paginate, Method, Request};
//! #[derive(serde::Deserialize)]
//! struct Pagination { last_item: Option<String> }
//! #[derive(serde::Deserialize)]
//! struct StoreList { stores: Vec<serde_json::Value>, pagination: Pagination }
//!
//! let mut stores = paginate(
//!     client,
//!     |cursor| {
//!         let mut r = Request::new("listStores", Method::GET, "/v2/accounts/A/stores".to_owned())
//!             .query("size", "100".to_owned());
//!         if let Some(c) = cursor {
//!             r = r.query("starting_after", c);
//!         }
//!         r
//!     },
//!     |page: StoreList| (page.stores, page.pagination.last_item),
//! )
//! .limit(1_000);
//! while let Some(store) = stores.next().await {
//!     let store = store?;
//!     println!("{store}");
//! }
//! # Ok(()) }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher as _, RandomState};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt as _;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, ErrorKind};
use crate::request::Request;

/// A stream of pages or items, with an optional limit on how many it yields.
#[must_use = "streams do nothing unless polled"]
pub struct Paginated<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
    remaining: Option<usize>,
    done: bool,
}

impl<T> Paginated<T> {
    fn new(inner: impl Stream<Item = Result<T, Error>> + Send + 'static) -> Self {
        Paginated {
            inner: Box::pin(inner),
            remaining: None,
            done: false,
        }
    }

    /// Yields at most `max` elements (no further page is fetched once reached).
    pub fn limit(mut self, max: usize) -> Self {
        self.remaining = Some(max);
        self
    }

    /// The next element, or `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        futures_util::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Collects everything into a `Vec`, stopping at the first error.
    pub async fn collect_vec(mut self) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<T> Stream for Paginated<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done || self.remaining == Some(0) {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(item)) => {
                if let Some(r) = self.remaining.as_mut() {
                    *r -= 1;
                }
                if item.is_err() {
                    self.done = true;
                }
                Poll::Ready(Some(item))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> fmt::Debug for Paginated<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginated")
            .field("remaining", &self.remaining)
            .field("done", &self.done)
            .finish()
    }
}

/// How many pages in a row may hold no item while still pointing to a next page before a
/// stream gives up with an [`ErrorKind::UnexpectedResponse`] error.
pub const MAX_CONSECUTIVE_EMPTY_PAGES: usize = 3;

/// The cursors a walk over pages has been given, each kept as a 128-bit keyed hash: 16 bytes a page
/// whatever the cursors' size, so that a server sending huge cursors cannot make a walk hold them all.
/// A cursor given a second time means the server's pages form a cycle.
#[derive(Default)]
pub struct SeenCursors {
    seen: HashSet<u128>,
    /// The hash's keys, random per walk.
    keys: (RandomState, RandomState),
}

impl SeenCursors {
    /// No cursor seen yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `cursor`; `false` when it was recorded before (a cycle).
    pub fn first_time(&mut self, cursor: &str) -> bool {
        let hash = (u128::from(self.keys.0.hash_one(cursor)) << 64)
            | u128::from(self.keys.1.hash_one(cursor));
        self.seen.insert(hash)
    }
}

impl fmt::Debug for SeenCursors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeenCursors")
            .field("seen", &self.seen.len())
            .finish()
    }
}

/// The longest cursor an error message quotes, in bytes.
const CURSOR_SHOWN: usize = 100;

/// A server's cursor as an error message quotes it: at most 100 bytes, control characters escaped.
pub fn quote_cursor(cursor: &str) -> String {
    crate::telemetry::escape_control(&crate::telemetry::truncate(cursor, CURSOR_SHOWN)).into_owned()
}

/// Where a stream is: the cursor of the next page and what the stream has seen so far.
struct Walk {
    cursor: Option<String>,
    cursors: SeenCursors,
    /// Empty pages in a row.
    empty_run: usize,
}

enum State {
    Next(Walk),
    Fail(Error),
    Done,
}

type MakeRequest = Arc<dyn Fn(Option<String>) -> Request + Send + Sync>;

/// The error that ends a stream whose server does not move it forward.
fn stuck(operation_id: &str, what: String) -> Error {
    Error::new(
        ErrorKind::UnexpectedResponse,
        format!("{operation_id}: {what}; the stream stops here"),
    )
    .with_sent(true)
}

/// `split` turns a page into what the stream yields, the next cursor, and the number of items
/// the page held (`None` when unknown).
fn page_stream<Page, Out>(
    client: Client,
    make_request: MakeRequest,
    split: impl Fn(Page) -> (Out, Option<String>, Option<usize>) + Send + Sync + 'static,
) -> impl Stream<Item = Result<Out, Error>> + Send + 'static
where
    Page: DeserializeOwned + Send + 'static,
    Out: Send + 'static,
{
    let split = Arc::new(split);
    let start = Walk {
        cursor: None,
        cursors: SeenCursors::new(),
        empty_run: 0,
    };
    futures_util::stream::unfold(State::Next(start), move |state| {
        let client = client.clone();
        let make_request = make_request.clone();
        let split = split.clone();
        async move {
            let mut walk = match state {
                State::Next(w) => w,
                State::Fail(e) => return Some((Err(e), State::Done)),
                State::Done => return None,
            };
            let request = make_request(walk.cursor.take());
            let operation_id = request.operation_id();
            let page = match client.execute(request).await.and_then(|r| r.json::<Page>()) {
                Ok(resp) => resp.into_inner(),
                Err(e) => return Some((Err(e), State::Done)),
            };
            let (out, next, len) = split(page);
            walk.empty_run = if len == Some(0) {
                walk.empty_run + 1
            } else {
                0
            };
            let next = next.filter(|c| !c.is_empty());
            let next_state = match next {
                None => State::Done,
                Some(n) if !walk.cursors.first_time(&n) => State::Fail(stuck(
                    operation_id,
                    format!(
                        "the server returned the pagination cursor '{}' a second time (a cycle)",
                        quote_cursor(&n)
                    ),
                )),
                Some(_) if walk.empty_run > MAX_CONSECUTIVE_EMPTY_PAGES => State::Fail(stuck(
                    operation_id,
                    format!(
                        "{} empty pages in a row still pointed to a next page",
                        walk.empty_run
                    ),
                )),
                Some(n) => {
                    walk.cursor = Some(n);
                    State::Next(walk)
                }
            };
            Some((Ok(out), next_state))
        }
    })
}

/// Streams every item of a cursor-paginated list, fetching pages lazily.
///
/// `make_request` builds the request for a cursor (`None` for the first page; otherwise
/// add it as the API's cursor parameter). `split` turns a decoded page into its items and the
/// next cursor (`None` or empty ends the stream).
pub fn paginate<Page, Item>(
    client: Client,
    make_request: impl Fn(Option<String>) -> Request + Send + Sync + 'static,
    split: fn(Page) -> (Vec<Item>, Option<String>),
) -> Paginated<Item>
where
    Page: DeserializeOwned + Send + 'static,
    Item: Send + 'static,
{
    let pages = page_stream(client, Arc::new(make_request), move |page: Page| {
        let (items, next) = split(page);
        let len = items.len();
        (items, next, Some(len))
    });
    Paginated::new(pages.flat_map(|page| match page {
        Ok(items) => futures_util::stream::iter(items.into_iter().map(Ok).collect::<Vec<_>>()),
        Err(e) => futures_util::stream::iter(vec![Err(e)]),
    }))
}

/// Streams whole pages of a cursor-paginated list. `next_cursor` reads the next cursor
/// from a page. A repeated cursor ends the stream with an error;
/// to also bound runs of empty pages, use [`paginate_pages_counted`].
pub fn paginate_pages<Page>(
    client: Client,
    make_request: impl Fn(Option<String>) -> Request + Send + Sync + 'static,
    next_cursor: fn(&Page) -> Option<String>,
) -> Paginated<Page>
where
    Page: DeserializeOwned + Send + 'static,
{
    Paginated::new(page_stream(
        client,
        Arc::new(make_request),
        move |page: Page| {
            let next = next_cursor(&page);
            (page, next, None)
        },
    ))
}

/// Like [`paginate_pages`], with `item_count` telling how many items a page holds, so that
/// more than [`MAX_CONSECUTIVE_EMPTY_PAGES`] empty pages in a row end the stream with an error.
pub fn paginate_pages_counted<Page>(
    client: Client,
    make_request: impl Fn(Option<String>) -> Request + Send + Sync + 'static,
    next_cursor: fn(&Page) -> Option<String>,
    item_count: fn(&Page) -> usize,
) -> Paginated<Page>
where
    Page: DeserializeOwned + Send + 'static,
{
    Paginated::new(page_stream(
        client,
        Arc::new(make_request),
        move |page: Page| {
            let next = next_cursor(&page);
            let len = item_count(&page);
            (page, next, Some(len))
        },
    ))
}
