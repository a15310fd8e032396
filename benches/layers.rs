//! One criterion group per layer of a call: decode (form to typed request), model (each operation,
//! with and without session policies and tags), encode (XML), sigv4 (verify), and the whole
//! in-process pipeline (decode + model + encode), and the mock's handling of a signed HTTP request
//! (`Service::handle`: SigV4 and journal too, no HTTP library). Throughput is in elements, so results read as
//! operations per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use sts_harness::mock::in_process::answer;
use sts_harness::mock::{
    Clock, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCOUNT, DEFAULT_JOURNAL_CAPACITY, DEFAULT_SECRET_ACCESS_KEY, HttpRequest, Service, default_world,
};
use sts_harness::model::request::*;
use sts_harness::model::time::OffsetDateTime;
use sts_harness::model::world::{Role, User, World};
use sts_harness::model::{Caller, Request, Sts, Tag};
use sts_harness::wire::{query, sigv4, xml};

const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#;
const ACCOUNT: &str = "123456789012";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

fn fixture() -> (Sts, Caller) {
    let mut world = World::default();
    let key = world.add_user(ACCOUNT, User::new("bench")).unwrap().access_keys[0].access_key_id.clone();
    world.add_role(ACCOUNT, Role::new("demo").max_session_duration(43200)).unwrap();
    world.account_mut(ACCOUNT).unwrap().outbound_web_identity_federation = true;
    (Sts::new(world, 1), Caller::access_key(key))
}

fn assume_role(with_extras: bool) -> AssumeRoleRequest {
    let mut r = AssumeRoleRequest {
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/demo"),
        role_session_name: "bench".into(),
        ..Default::default()
    };
    if with_extras {
        r.policy = Some(POLICY.into());
        r.tags = Some(vec![Tag::new("Project", "Pegasus"), Tag::new("Cost-Center", "12345"), Tag::new("Team", "Automation")]);
        r.transitive_tag_keys = Some(vec!["Project".into()]);
    }
    r
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    for (name, request) in [
        ("GetCallerIdentity", Request::GetCallerIdentity),
        ("AssumeRole", Request::AssumeRole(assume_role(false))),
        ("AssumeRole_policy_tags", Request::AssumeRole(assume_role(true))),
    ] {
        let body = query::encode_request(&request);
        g.bench_function(name, |b| b.iter(|| query::decode_form(black_box(body.as_bytes())).unwrap()));
    }
    g.finish();
}

fn model(c: &mut Criterion) {
    let mut g = c.benchmark_group("model");
    g.throughput(Throughput::Elements(1));
    let cases: Vec<(&str, Request)> = vec![
        ("GetCallerIdentity", Request::GetCallerIdentity),
        ("AssumeRole", Request::AssumeRole(assume_role(false))),
        ("AssumeRole_policy_tags", Request::AssumeRole(assume_role(true))),
        ("GetSessionToken", Request::GetSessionToken(GetSessionTokenRequest::default())),
        ("GetFederationToken", Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), ..Default::default() })),
        (
            "GetFederationToken_policy_tags",
            Request::GetFederationToken(GetFederationTokenRequest {
                name: "fed".into(),
                policy: Some(POLICY.into()),
                tags: Some(vec![Tag::new("Project", "Pegasus")]),
                ..Default::default()
            }),
        ),
        ("GetAccessKeyInfo", Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: "ASIAY34FZKBOKMUTVV7A".into() })),
        (
            "GetWebIdentityToken_RS256",
            Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
                audience: vec!["aud".into()],
                signing_algorithm: "RS256".into(),
                ..Default::default()
            }),
        ),
        (
            "GetWebIdentityToken_ES384",
            Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
                audience: vec!["aud".into()],
                signing_algorithm: "ES384".into(),
                ..Default::default()
            }),
        ),
    ];
    for (name, request) in cases {
        let (mut sts, caller) = fixture();
        g.bench_with_input(BenchmarkId::from_parameter(name), &request, |b, r| b.iter(|| sts.call(now(), &caller, r.clone()).unwrap()));
    }
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(1));
    let (mut sts, caller) = fixture();
    let response = sts.call(now(), &caller, Request::AssumeRole(assume_role(true))).unwrap();
    g.bench_function("AssumeRoleResponse", |b| {
        b.iter(|| xml::encode_response(black_box(&response), "c6104cbe-af31-11e0-8154-cbc7ccf896c7"))
    });
    let text = xml::encode_response(&response, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
    g.bench_function("AssumeRoleResponse_decode", |b| b.iter(|| xml::decode(black_box(&text)).unwrap()));
    g.finish();
}

fn sigv4_verify(c: &mut Criterion) {
    let mut g = c.benchmark_group("sigv4");
    g.throughput(Throughput::Elements(1));
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let mut headers = vec![
        ("host".to_string(), "sts.us-east-1.amazonaws.com".to_string()),
        ("content-type".to_string(), "application/x-www-form-urlencoded".to_string()),
    ];
    let creds = sigv4::Credentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_token: None,
    };
    let added = sigv4::sign(&sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body }, &creds, "us-east-1", now());
    headers.extend(added);
    let req = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body };
    g.bench_function("verify_header", |b| {
        b.iter(|| sigv4::verify(black_box(&req), now(), "us-east-1", |_| Some(creds.secret_access_key.to_string())).unwrap())
    });
    g.bench_function("sign_header", |b| b.iter(|| sigv4::sign(black_box(&req), &creds, "us-east-1", now())));
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(1));
    for (name, request) in [("GetCallerIdentity", Request::GetCallerIdentity), ("AssumeRole", Request::AssumeRole(assume_role(false)))] {
        let (mut sts, caller) = fixture();
        let params = query::to_params(&request);
        g.bench_function(name, |b| b.iter(|| answer(&mut sts, now(), &caller, black_box(&params))));
    }
    g.finish();
}

/// The mock's whole handling of a signed HTTP request, without the HTTP library: parameters, SigV4,
/// decoding, the model, XML and the journal (`Service::handle`, what `serve` runs per request).
fn service(c: &mut Criterion) {
    let mut g = c.benchmark_group("service");
    g.throughput(Throughput::Elements(1));
    let at = now();
    let service = Service::new(Sts::new(default_world(), 1), Clock::frozen(at), DEFAULT_JOURNAL_CAPACITY);
    let role_arn = format!("arn:aws:iam::{DEFAULT_ACCOUNT}:role/test-role");
    for (name, request) in [
        ("GetCallerIdentity_signed", Request::GetCallerIdentity),
        ("AssumeRole_signed", Request::AssumeRole(AssumeRoleRequest { role_arn, role_session_name: "bench".into(), ..Default::default() })),
    ] {
        let body = query::encode_request(&request);
        let mut headers = vec![
            ("host".to_string(), "127.0.0.1:4566".to_string()),
            ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string()),
        ];
        let creds =
            sigv4::Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None };
        let signed = sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
        let added = sigv4::sign(&signed, &creds, "us-east-1", at);
        headers.extend(added);
        let http = HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body: body.into_bytes() };
        g.bench_function(name, |b| b.iter(|| service.handle(black_box(&http))));
    }
    g.finish();
}

criterion_group!(benches, decode, model, encode, sigv4_verify, pipeline, service);
criterion_main!(benches);
