//! Parameters go on the wire in the style and with the `explode` their API document gives them, for
//! scalars, lists and objects in the path, the query string, headers and cookies (fixture
//! `generator/tests/fixtures/styles.yaml`, generated into `klarna_golden::styles`).

use std::collections::BTreeMap;

use klarna_golden::styles::{
    Box as Size, Color, GetQueryStylesCreated, GetQueryStylesCreatedObject2, Point,
};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> klarna_golden::Client {
    klarna_golden::Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .build()
        .expect("client")
}

/// The one request the server received.
async fn received(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

#[tokio::test]
async fn path_parameters_are_written_simple_label_and_matrix() {
    let server = server().await;
    client(&server)
        .styles()
        .get_path(
            vec![1, 2],
            vec!["a.b".to_owned(), "c".to_owned()],
            Point::new(1, 2),
            "n m,o",
        )
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    // simple list; exploded label list (the `.` inside an item encoded); matrix object; a plain string.
    assert_eq!(
        request.url.path(),
        "/v1/simple/1,2/label/.a%2Eb.c/matrix/;point=x,1,y,2/plain/n%20m,o"
    );

    let server = self::server().await;
    client(&server)
        .styles()
        .get_matrix_exploded(Point::new(3, 4), "t")
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    assert_eq!(request.url.path(), "/v1/matrix/;x=3;y=4/.t");
}

#[tokio::test]
async fn query_parameters_are_written_form_delimited_and_deep() {
    let server = server().await;
    let labels = BTreeMap::from([
        ("k".to_owned(), "v".to_owned()),
        ("a b".to_owned(), "c".to_owned()),
    ]);
    let size = Size {
        width: Some(2.5),
        label: Some("big box".to_owned()),
    };
    client(&server)
        .styles()
        .get_query(vec![Color::Red, Color::Blue])
        .repeated(vec!["a".to_owned(), "b".to_owned()])
        .csv(vec!["a".to_owned(), "b".to_owned()])
        .spaced(vec![1, 2])
        .point(Point::new(1, 2))
        .spread(size)
        .filter(Point::new(3, 4))
        .labels(labels)
        .expand(vec!["a".to_owned(), "b".to_owned()])
        .created(GetQueryStylesCreated::Object2(
            GetQueryStylesCreatedObject2 { gt: Some(5) },
        ))
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let expected: Vec<(String, String)> = [
        ("repeated", "a"),
        ("repeated", "b"),
        ("csv", "a,b"),
        ("spaced", "1 2"),
        ("piped", "red|blue"),
        ("point", "x,1,y,2"),
        ("width", "2.5"),
        ("label", "big box"),
        ("filter[x]", "3"),
        ("filter[y]", "4"),
        ("labels", "a b|c|k|v"),
        // deepObject lists and unions, flattened as form APIs read them.
        ("expand[0]", "a"),
        ("expand[1]", "b"),
        ("created[gt]", "5"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(pairs, expected, "{}", request.url);
    // The delimiters are percent-encoded with the rest of the value.
    let raw = request.url.query().unwrap_or_default();
    assert!(raw.contains("piped=red%7Cblue"), "{raw}");
    assert!(raw.contains("csv=a%2Cb"), "{raw}");
}

#[tokio::test]
async fn header_parameters_are_written_simple() {
    let server = server().await;
    client(&server)
        .styles()
        .get_header(vec!["a".to_owned(), "b".to_owned()])
        .x_point(Point::new(1, 2))
        .x_point_exploded(Point::new(1, 2))
        .x_secret_ids(vec![7, 8])
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("X-Ids").as_deref(), Some("a,b"));
    assert_eq!(header("X-Point").as_deref(), Some("x,1,y,2"));
    assert_eq!(header("X-Point-Exploded").as_deref(), Some("x=1,y=2"));
    assert_eq!(header("X-Secret-Ids").as_deref(), Some("7,8"));
}

#[tokio::test]
async fn cookie_parameters_share_one_cookie_header() {
    let server = server().await;
    client(&server)
        .styles()
        .get_cookie("s 1")
        .ids(vec![1, 2])
        .point(Point::new(3, 4))
        .x_trace("t")
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    let cookies: Vec<&str> = request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(cookies, ["session=s%201; ids=1,2; x=3; y=4"]);
    assert_eq!(
        request.headers.get("X-Trace").and_then(|v| v.to_str().ok()),
        Some("t")
    );
}

#[tokio::test]
async fn unset_optional_parameters_send_nothing() {
    let server = server().await;
    client(&server)
        .styles()
        .get_query(Vec::<Color>::new())
        .send()
        .await
        .expect("sent");
    let request = received(&server).await;
    // An empty pipe-delimited list is the parameter with an empty value; nothing else is sent.
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("piped".to_owned(), String::new())]);
}
