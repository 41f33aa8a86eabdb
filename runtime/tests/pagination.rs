//! Cursor pagination streams.

mod common;

use common::{TestTime, builder, client};
use futures_util::StreamExt as _;
use klarna_runtime::{ErrorKind, Method, Request, RetryPolicy, paginate, paginate_pages};
use wiremock::matchers::{path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(serde::Deserialize, Debug)]
struct Pagination {
    last_item: Option<String>,
}

#[derive(serde::Deserialize, Debug)]
struct StoreList {
    stores: Vec<Store>,
    pagination: Pagination,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Store {
    id: String,
}

fn page(ids: &[&str], last: Option<&str>) -> ResponseTemplate {
    let stores: Vec<_> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "stores": stores,
        "pagination": {"count": ids.len(), "last_item": last, "first_item": ids.first()}
    }))
}

fn make_request(cursor: Option<String>) -> Request {
    let mut r = Request::new(
        "listStores",
        Method::GET,
        "/v2/accounts/A/stores".to_owned(),
    )
    .query("size", "2".to_owned());
    if let Some(c) = cursor {
        r = r.query("starting_after", c);
    }
    r
}

fn split(p: StoreList) -> (Vec<Store>, Option<String>) {
    (p.stores, p.pagination.last_item)
}

async fn three_pages(server: &MockServer, third: ResponseTemplate) {
    Mock::given(path("/v2/accounts/A/stores"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(page(&["s1", "s2"], Some("s2")))
        .mount(server)
        .await;
    Mock::given(path("/v2/accounts/A/stores"))
        .and(query_param("starting_after", "s2"))
        .respond_with(page(&["s3", "s4"], Some("s4")))
        .mount(server)
        .await;
    Mock::given(path("/v2/accounts/A/stores"))
        .and(query_param("starting_after", "s4"))
        .respond_with(third)
        .mount(server)
        .await;
}

#[tokio::test]
async fn items_across_three_pages() {
    let server = MockServer::start().await;
    three_pages(&server, page(&["s5"], None)).await;
    let time = TestTime::default();
    let items = paginate(client(&server.uri(), &time), make_request, split)
        .collect_vec()
        .await
        .unwrap();
    let ids: Vec<_> = items.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2", "s3", "s4", "s5"]);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert!(
            r.url.query_pairs().all(|(k, _)| k != "ending_before"),
            "never both cursors"
        );
        assert!(r.url.query_pairs().any(|(k, v)| k == "size" && v == "2"));
    }
}

#[tokio::test]
async fn pages_stream_and_limit() {
    let server = MockServer::start().await;
    three_pages(&server, page(&["s5"], None)).await;
    let time = TestTime::default();
    let c = client(&server.uri(), &time);
    let pages: Vec<StoreList> = paginate_pages(c.clone(), make_request, |p: &StoreList| {
        p.pagination.last_item.clone()
    })
    .collect_vec()
    .await
    .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].stores, vec![Store { id: "s5".into() }]);
    let before = server.received_requests().await.unwrap().len();
    // a limit of 3 items needs only two pages
    let items: Vec<_> = paginate(c, make_request, split)
        .limit(3)
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.len(), 3);
    assert_eq!(server.received_requests().await.unwrap().len() - before, 2);
}

#[tokio::test]
async fn error_mid_stream_keeps_earlier_items_and_ends() {
    let server = MockServer::start().await;
    three_pages(
        &server,
        ResponseTemplate::new(404)
            .set_body_json(serde_json::json!({"error_code": "RESOURCE_NOT_FOUND"})),
    )
    .await;
    let time = TestTime::default();
    let c = builder(&server.uri(), &time)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let results: Vec<_> = paginate(c, make_request, split).collect().await;
    assert_eq!(results.len(), 5);
    let ok: Vec<_> = results[..4]
        .iter()
        .map(|r| r.as_ref().unwrap().id.clone())
        .collect();
    assert_eq!(ok, ["s1", "s2", "s3", "s4"]);
    let err = results[4].as_ref().unwrap_err();
    assert_eq!(err.error_code(), Some("RESOURCE_NOT_FOUND"));
    assert_eq!(err.operation_id(), Some("listStores"));
}

#[tokio::test]
async fn non_advancing_cursor_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    three_pages(&server, page(&["s5"], Some("s4"))).await;
    let time = TestTime::default();
    let results: Vec<_> = paginate(client(&server.uri(), &time), make_request, split)
        .collect()
        .await;
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[5].as_ref().unwrap_err().kind(),
        ErrorKind::UnexpectedResponse
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn empty_list_and_empty_cursor_end_the_stream() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/accounts/A/stores"))
        .respond_with(page(&[], Some("")))
        .mount(&server)
        .await;
    let time = TestTime::default();
    let mut s = paginate(client(&server.uri(), &time), make_request, split);
    assert!(s.next().await.is_none());
    assert!(s.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
