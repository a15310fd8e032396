//! The ceiling for an HTTP mock on this machine: hyper answering every request with a fixed XML body
//! of a given size, doing no other work. Used by `bench/load.sh` beside `sts-harness serve`.
//!
//! `cargo run --release --example fixed_body_server -- PORT BODY_BYTES`

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(4600);
    let size: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(420);
    let body = Bytes::from(format!("<GetCallerIdentityResponse>{}</GetCallerIdentityResponse>\n", "x".repeat(size.saturating_sub(56))));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("fixed-body server on http://127.0.0.1:{port} ({} byte body)", body.len());
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let body = body.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let body = body.clone();
                async move {
                    // Read the request body, as the mock must.
                    let _ = req.into_body().collect().await;
                    let mut r = hyper::Response::new(Full::new(body));
                    r.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("text/xml"));
                    Ok::<_, std::convert::Infallible>(r)
                }
            });
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}
