//! The HTTP front end: hyper HTTP/1.1 on a tokio listener, one task per connection.
//!
//! A hand-rolled hyper service rather than a wiremock `Respond`: the mock needs to drop connections
//! (wiremock cannot), must not record every request (wiremock does by default, which grows memory
//! under load), and `serve` and `MockSts` share this one path.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, DATE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::guard::AdminGuard;
use crate::service::{ADMIN_PREFIX, HttpRequest, MAX_BODY_BYTES, Reply, Service};

/// AWS's request id header (names as constants: a name given as a string is parsed on every insert).
static X_AMZN_REQUESTID: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// Dropping a connection is signalled to hyper as a service error, which closes it unanswered.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// A body not received in full by then drops the connection (a client announcing 100 MB and
/// sending 43 bytes must not hold a task and its buffer forever).
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Request headers not received in full by then close the connection (slow-header clients).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; further clients wait in the listen backlog.
pub(crate) const MAX_CONNECTIONS: usize = 1024;

async fn respond(
    service: Arc<Service>,
    guard: Arc<AdminGuard>,
    req: hyper::Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    // One byte over the limit is enough to tell the service the body is too large.
    let body = match tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, MAX_BODY_BYTES + 1).collect()).await {
        Ok(Ok(collected)) => Vec::from(collected.to_bytes()),
        // Over the limit: a body one byte too long tells the service so, without holding the rest.
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => vec![0; MAX_BODY_BYTES + 1],
        // A body that cannot be read (bad chunked encoding): the front end's plain 400, not an
        // STS answer (fidelity: inferred; AWS's load balancers answer malformed HTTP this way).
        Ok(Err(_)) => return Ok(bad_request("the request body could not be read (malformed chunked encoding)")),
        Err(_) => return Err(DropConnection),
    };
    let mut headers: Vec<(String, String)> = Vec::with_capacity(parts.headers.len() + 1);
    for (name, value) in &parts.headers {
        let value = match std::str::from_utf8(value.as_bytes()) {
            Ok(text) => text.to_owned(),
            Err(_) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
        };
        headers.push((name.as_str().to_owned(), value));
    }
    if !headers.iter().any(|(k, _)| k == "host")
        && let Some(authority) = parts.uri.authority()
    {
        headers.push(("host".into(), authority.to_string()));
    }
    if parts.uri.path().starts_with(ADMIN_PREFIX)
        && parts.uri.path() != "/__sts/ca.pem"
        && let Err(why) = guard.admits(&headers)
    {
        let mut response = Response::new(Full::new(Bytes::from(serde_json::json!({ "error": why }).to_string())));
        *response.status_mut() = StatusCode::FORBIDDEN;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Ok(response);
    }
    let request = HttpRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body,
    };
    // The model is synchronous and takes microseconds: calling it inline beats a thread hop.
    let reply = service.handle(&request);
    match reply {
        Reply::Drop { delay } => {
            tokio::time::sleep(delay).await;
            Err(DropConnection)
        }
        Reply::Answer { status, content_type, request_id, body, delay } => {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let mut response = Response::new(Full::new(Bytes::from(body)));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let h = response.headers_mut();
            h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            // `Date` on the mock clock, as AWS sends its own: SDKs derive their clock-skew correction from it.
            if let Some(date) = http_date(service.clock.now()) {
                h.insert(DATE, date);
            }
            // The id's own buffer becomes the header value (no copy).
            if !request_id.is_empty()
                && let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(request_id))
            {
                h.insert(&X_AMZN_REQUESTID, v);
            }
            Ok(response)
        }
    }
}

/// The `Date` header of an instant (RFC 7231: `Sun, 06 Nov 1994 08:49:37 GMT`), formatted once per
/// second per thread: every answer carries one.
/// A plain-text 400 from the HTTP layer, for requests no service could read.
fn bad_request(why: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!("400 Bad Request: {why}\n"))));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

pub(crate) fn http_date(t: sts_model::time::OffsetDateTime) -> Option<HeaderValue> {
    use std::cell::RefCell;
    thread_local! {
        static LAST: RefCell<Option<(i64, HeaderValue)>> = const { RefCell::new(None) };
    }
    let second = t.unix_timestamp();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((at, value)) = last.as_ref()
            && *at == second
        {
            return Some(value.clone());
        }
        let value = HeaderValue::from_str(&format_http_date(t)).ok()?;
        *last = Some((second, value.clone()));
        Some(value)
    })
}

fn format_http_date(t: sts_model::time::OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let t = t.to_offset(sts_model::time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// What secures the connections: a rustls acceptor, or nothing (plain HTTP).
#[cfg(feature = "tls")]
pub(crate) type Tls = Option<tokio_rustls::TlsAcceptor>;
/// What secures the connections: nothing (built without the `tls` feature).
#[cfg(not(feature = "tls"))]
pub(crate) type Tls = Option<std::convert::Infallible>;

/// Accepts connections on `listener` until `shutdown` turns true (over TLS when `tls` is set).
pub(crate) async fn run(
    listener: TcpListener,
    service: Arc<Service>,
    mut shutdown: watch::Receiver<bool>,
    tls: Tls,
    guard: Arc<AdminGuard>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        // A free slot first: at the cap, clients wait in the backlog instead of costing a task each.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = shutdown.changed() => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors (or another transient error): pause instead of spinning a core.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let guard = guard.clone();
        let conn_shutdown = shutdown.clone();
        // Without the `tls` feature the acceptor type is uninhabited (and Copy).
        #[cfg_attr(not(feature = "tls"), allow(clippy::clone_on_copy))]
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            match tls {
                None => serve(TokioIo::new(stream), service, guard, conn_shutdown).await,
                #[cfg(feature = "tls")]
                Some(acceptor) => {
                    // A client that never finishes its handshake is dropped, not waited on.
                    if let Ok(Ok(stream)) = tokio::time::timeout(crate::tls::HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        serve(TokioIo::new(stream), service, guard, conn_shutdown).await;
                    }
                }
                #[cfg(not(feature = "tls"))]
                Some(never) => match never {},
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection until it closes or the mock stops.
async fn serve<I>(io: I, service: Arc<Service>, guard: Arc<AdminGuard>, mut shutdown: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| respond(service.clone(), guard.clone(), req));
    let conn = http1::Builder::new()
        .keep_alive(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => conn.as_mut().graceful_shutdown(),
    }
}

/// Binds `addr` (port 0 for any free port).
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
