//! A small HTTP/1.1 server on loopback for the xtask tests (reference downloads, live-check): one request
//! per connection, for as long as the test process runs.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// A request as the server read it (headers with lower-case names).
pub struct Received {
    /// `GET`, `DELETE`, ...
    pub method: String,
    /// The request target, e.g. `/widgets?size=1`.
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
}

/// An answer: status, extra headers and body (`Content-Length` and `Connection: close` are added).
pub type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// Serves `answer` on 127.0.0.1; returns the base URL (`http://127.0.0.1:PORT`).
pub fn serve(answer: impl Fn(&Received) -> Answer + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(n) if n > 2 => {
                        if let Some((k, v)) = line.trim_end().split_once(':') {
                            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
                        }
                    }
                    _ => break,
                }
            }
            let mut parts = request_line.split(' ');
            let received = Received {
                method: parts.next().unwrap_or_default().to_owned(),
                target: parts.next().unwrap_or_default().to_owned(),
                headers,
            };
            let (status, extra, body) = answer(&received);
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let mut response = head.into_bytes();
            response.extend_from_slice(&body);
            let _ = stream.write_all(&response);
        }
    });
    format!("http://{addr}")
}
