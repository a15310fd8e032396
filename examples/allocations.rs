//! Counts the heap allocations of one signed STS call through the mock's request handling
//! ([`Service::handle`]: parameters, SigV4, decoding, the model, XML, the journal), without HTTP.
//! Allocations, not time, are what the load test's profiles pointed at; this count is exact and
//! does not move with the machine. Used for BENCHMARKS.md.
//!
//! `cargo run --release --example allocations`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use sts_harness::mock::{Clock, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, HttpRequest, MockSts, Reply, Service, default_world};
use sts_harness::model::time::OffsetDateTime;
use sts_harness::model::{Caller, Sts};
use sts_harness::wire::{query, sigv4, xml};

/// The system allocator, counting calls and bytes.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The request `bench/load.sh` sends, signed at `at` with the default world's key.
fn signed(body: &str, at: OffsetDateTime) -> HttpRequest {
    let mut headers = vec![
        ("host".to_string(), "127.0.0.1:4566".to_string()),
        ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
    ];
    let creds =
        sigv4::Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None };
    let request = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
    let added = sigv4::sign(&request, &creds, "us-east-1", at);
    headers.extend(added);
    headers.push(("content-length".to_string(), body.len().to_string()));
    HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body: body.as_bytes().to_vec() }
}

/// Allocations and bytes per request of `request` sent over HTTP to a mock frozen at `at`.
fn over_http(request: &HttpRequest, at: OffsetDateTime) -> (f64, f64) {
    use std::io::{Read, Write};
    const CALLS: u64 = 20_000;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let mock = runtime.block_on(MockSts::builder().frozen_at(at).start());
    let address = mock.address();
    let mut wire = String::from("POST / HTTP/1.1\r\n");
    for (k, v) in &request.headers {
        wire.push_str(&format!("{k}: {v}\r\n"));
    }
    wire.push_str("\r\n");
    let mut wire = wire.into_bytes();
    wire.extend_from_slice(&request.body);
    let client = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("the mock listens");
        stream.set_nodelay(true).expect("nodelay");
        let mut buffer = vec![0u8; 64 * 1024];
        let mut exchange = |stream: &mut std::net::TcpStream| {
            stream.write_all(&wire).expect("send");
            // Read one answer: headers, then Content-Length bytes of body.
            let mut filled = 0;
            loop {
                let n = stream.read(&mut buffer[filled..]).expect("receive");
                assert!(n > 0, "the mock closed the connection");
                filled += n;
                let text = &buffer[..filled];
                if let Some(end) = text.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = std::str::from_utf8(&text[..end]).expect("ASCII head");
                    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap()))
                        .expect("content-length");
                    if filled >= end + 4 + length {
                        break;
                    }
                }
            }
        };
        for _ in 0..CALLS {
            exchange(&mut stream);
        }
        let before = (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        for _ in 0..CALLS {
            exchange(&mut stream);
        }
        let after = (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        ((after.0 - before.0) as f64 / CALLS as f64, (after.1 - before.1) as f64 / CALLS as f64)
    });
    // The mock's runtime runs on this thread while the client waits for answers.
    runtime.block_on(async {
        while !client.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let counts = client.join().expect("the client thread");
    drop(mock);
    counts
}

fn main() {
    let at = OffsetDateTime::from_unix_timestamp(1_704_067_200).expect("2024-01-01");
    let service = Service::new(Sts::new(default_world(), 1), Clock::frozen(at), 10_000);
    let requests = [
        ("GetCallerIdentity", signed("Action=GetCallerIdentity&Version=2011-06-15", at)),
        (
            "AssumeRole",
            signed(
                "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftest-role&RoleSessionName=load",
                at,
            ),
        ),
    ];
    const CALLS: u64 = 20_000;
    println!("| call | allocations per call | bytes allocated per call |");
    println!("|---|---:|---:|");
    for (name, request) in &requests {
        // Warm up past the journal's capacity, so that evictions are counted as in a long run.
        for _ in 0..CALLS {
            let reply = service.handle(request);
            assert!(matches!(reply, Reply::Answer { status: 200, .. }), "{name}: {reply:?}");
        }
        let (calls_before, bytes_before) = (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        for _ in 0..CALLS {
            std::hint::black_box(service.handle(request));
        }
        let calls = ALLOCATIONS.load(Ordering::Relaxed) - calls_before;
        let bytes = BYTES.load(Ordering::Relaxed) - bytes_before;
        println!("| {name} | {:.1} | {:.0} |", calls as f64 / CALLS as f64, bytes as f64 / CALLS as f64);
    }

    // Over HTTP: a `MockSts` on one runtime thread, a raw keep-alive client on another (it allocates
    // nothing per request, so the count is the server's: hyper, tokio and the mock).
    println!();
    println!("| over HTTP (MockSts, hyper) | allocations per call | bytes allocated per call |");
    println!("|---|---:|---:|");
    for (name, request) in &requests {
        let (calls, bytes) = over_http(request, at);
        println!("| {name} | {calls:.1} | {bytes:.0} |");
    }

    // The same AssumeRole call, layer by layer.
    let request = &requests[1].1;
    let mut sts = Sts::new(default_world(), 1);
    let content_type = request.headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str());
    let params = query::http_params(None, content_type, &request.body).unwrap();
    let signed = sigv4::Request { method: "POST", path: "/", query: &[], headers: &request.headers, body: &request.body };
    let caller = Caller::access_key(DEFAULT_ACCESS_KEY_ID);
    let decoded = query::decode(&params).unwrap();
    let response = sts.call(at, &caller, decoded.clone()).unwrap();
    println!();
    println!("| AssumeRole layer | allocations per call | bytes allocated per call |");
    println!("|---|---:|---:|");
    let layer = |name: &str, f: &mut dyn FnMut()| {
        for _ in 0..CALLS {
            f();
        }
        let (calls_before, bytes_before) = (ALLOCATIONS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
        for _ in 0..CALLS {
            f();
        }
        let calls = ALLOCATIONS.load(Ordering::Relaxed) - calls_before;
        let bytes = BYTES.load(Ordering::Relaxed) - bytes_before;
        println!("| {name} | {:.1} | {:.0} |", calls as f64 / CALLS as f64, bytes as f64 / CALLS as f64);
    };
    layer("form body to parameters", &mut || {
        std::hint::black_box(query::http_params(None, content_type, &request.body).unwrap());
    });
    layer("SigV4 verification", &mut || {
        std::hint::black_box(sigv4::verify(&signed, at, "us-east-1", |_| Some(DEFAULT_SECRET_ACCESS_KEY.to_string())).unwrap());
    });
    layer("parameters to typed request", &mut || {
        std::hint::black_box(query::decode(&params).unwrap());
    });
    layer("request id", &mut || {
        std::hint::black_box(sts.request_id());
    });
    layer("model (mints a session)", &mut || {
        std::hint::black_box(sts.call(at, &caller, decoded.clone()).unwrap());
    });
    layer("  of which: cloning the typed request", &mut || {
        std::hint::black_box(decoded.clone());
    });
    layer("XML", &mut || {
        std::hint::black_box(xml::encode_response(&response, "c6104cbe-af31-11e0-8154-cbc7ccf896c7"));
    });
}
