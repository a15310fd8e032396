//! HTTP end to end: a reqwest client against an in-process `MockSts` (keep-alive, one connection),
//! and the cost of starting a mock in a test.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sts_harness::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, MockSts};
use sts_harness::wire::sigv4;

fn http(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut g = c.benchmark_group("http");
    g.throughput(Throughput::Elements(1));
    g.bench_function("start_mock", |b| b.iter(|| runtime.block_on(async { drop(MockSts::start().await) })));

    let sts = runtime.block_on(MockSts::start());
    sts.clock().freeze();
    let client = reqwest::Client::new();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let mut headers = vec![
        ("host".to_string(), sts.address().to_string()),
        ("content-type".to_string(), "application/x-www-form-urlencoded".to_string()),
    ];
    let creds =
        sigv4::Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None };
    let req = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
    let added = sigv4::sign(&req, &creds, "us-east-1", sts.clock().now());
    headers.extend(added);
    g.bench_function("GetCallerIdentity_signed", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mut r = client.post(sts.uri());
                for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
                    r = r.header(k.as_str(), v.as_str());
                }
                let response = r.body(body).send().await.unwrap();
                assert_eq!(response.status().as_u16(), 200);
                response.bytes().await.unwrap()
            })
        })
    });
    g.finish();
}

criterion_group!(benches, http);
criterion_main!(benches);
