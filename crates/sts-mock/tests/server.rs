//! The mock over real HTTP: SigV4, sessions on the mock clock, faults, journal, admin API, and
//! bad input that must never produce a panic or a 500.

use std::time::Duration as StdDuration;

use sts_mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, MockSts};
use sts_model::Operation;
use sts_model::time::{Duration, OffsetDateTime};
use sts_wire::query::encode_form;
use sts_wire::sigv4::{Credentials, Request, presign, sign};
use sts_wire::xml::{self, Answer};

struct Reply {
    status: u16,
    request_id: Option<String>,
    body: String,
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Posts `params` signed with `creds` (or unsigned) at `at`.
async fn post(sts: &MockSts, params: &[(&str, &str)], creds: Option<Credentials<'_>>, at: OffsetDateTime) -> Reply {
    let body = encode_form(&pairs(params));
    let host = sts.address().to_string();
    let mut headers =
        vec![("host".to_string(), host), ("content-type".to_string(), "application/x-www-form-urlencoded; charset=utf-8".to_string())];
    if let Some(c) = creds {
        let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: body.as_bytes() };
        headers.extend(sign(&req, &c, "us-east-1", at));
    }
    let client = reqwest::Client::new();
    let mut builder = client.post(sts.uri());
    for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let response = builder.body(body).send().await.expect("mock answers");
    let status = response.status().as_u16();
    let request_id = response.headers().get("x-amzn-requestid").map(|v| v.to_str().unwrap().to_string());
    Reply { status, request_id, body: response.text().await.unwrap() }
}

/// The form of an AssumeRole of the default world's `test-role` with session name `session`.
fn assume_test_role(session: &str) -> [(&str, &str); 4] {
    [
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/test-role"),
        ("RoleSessionName", session),
    ]
}

/// The credentials a successful answer carries.
fn minted(reply: &Reply) -> sts_model::Credentials {
    assert_eq!(reply.status, 200, "{}", reply.body);
    let Answer::Success(envelope) = xml::decode(&reply.body).unwrap() else { panic!("{}", reply.body) };
    envelope.response.credentials().expect("the answer carries credentials").clone()
}

/// Signing credentials for minted ones.
fn signing(c: &sts_model::Credentials) -> Credentials<'_> {
    Credentials { access_key_id: &c.access_key_id, secret_access_key: &c.secret_access_key, session_token: Some(&c.session_token) }
}

fn default_creds() -> Credentials<'static> {
    Credentials { access_key_id: DEFAULT_ACCESS_KEY_ID, secret_access_key: DEFAULT_SECRET_ACCESS_KEY, session_token: None }
}

fn error_code(body: &str) -> String {
    match xml::decode(body).expect("an STS answer") {
        Answer::Error(e) => e.code,
        Answer::Success(_) => "success".into(),
    }
}

const GCI: &[(&str, &str)] = &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];

#[tokio::test]
async fn signed_calls_are_answered_with_the_request_id_in_header_and_body() {
    let sts = MockSts::start().await;
    let reply = post(&sts, GCI, Some(default_creds()), sts.clock().now()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("<Arn>arn:aws:iam::123456789012:user/test</Arn>"));
    let id = reply.request_id.unwrap();
    assert!(reply.body.contains(&format!("<RequestId>{id}</RequestId>")));
    let unsigned = post(&sts, GCI, None, sts.clock().now()).await;
    assert_eq!((unsigned.status, error_code(&unsigned.body)), (403, "MissingAuthenticationToken".into()));
    let wrong = Credentials { secret_access_key: "not-the-secret-at-all-not-the-secret-000", ..default_creds() };
    let reply = post(&sts, GCI, Some(wrong), sts.clock().now()).await;
    assert_eq!((reply.status, error_code(&reply.body)), (403, "SignatureDoesNotMatch".into()));
}

#[tokio::test]
async fn minted_sessions_sign_later_calls_and_expire_when_the_clock_moves() {
    let sts = MockSts::builder().frozen_at(OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()).start().await;
    let now = sts.clock().now();
    let reply = post(&sts, &assume_test_role("it"), Some(default_creds()), now).await;
    let creds = minted(&reply);
    let session = signing(&creds);
    let who = post(&sts, GCI, Some(session), now).await;
    assert!(who.body.contains("assumed-role/test-role/it"), "{}", who.body);
    sts.clock().advance(Duration::hours(1));
    let later = sts.clock().now();
    let expired = post(&sts, GCI, Some(session), later).await;
    assert_eq!((expired.status, error_code(&expired.body)), (403, "ExpiredToken".into()));
}

/// Issue 20: a restarted mock with the same state key accepts the credentials the first one minted
/// (their sessions travel in their tokens); one with another key refuses them as AWS refuses a token
/// it did not issue.
#[tokio::test]
async fn a_restarted_mock_with_the_same_state_key_accepts_earlier_credentials() {
    let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let key = [0x5A; 32];
    let first = MockSts::builder().frozen_at(at).state_key(key).start().await;
    let assume = assume_test_role("before-restart");
    let creds = minted(&post(&first, &assume, Some(default_creds()), at).await);
    first.stop();
    let restarted = MockSts::builder().frozen_at(at).state_key(key).start().await;
    let who = post(&restarted, GCI, Some(signing(&creds)), at).await;
    assert_eq!(who.status, 200, "{}", who.body);
    assert!(who.body.contains("assumed-role/test-role/before-restart"), "{}", who.body);
    let other = MockSts::builder().frozen_at(at).state_key([0x5B; 32]).start().await;
    let refused = post(&other, GCI, Some(signing(&creds)), at).await;
    assert_eq!((refused.status, error_code(&refused.body)), (403, "InvalidClientTokenId".into()));
}

#[tokio::test]
async fn presigned_get_caller_identity_urls_work_as_kubernetes_authenticators_use_them() {
    let sts = MockSts::start().await;
    let host = sts.address().to_string();
    let headers = vec![("host".to_string(), host), ("x-k8s-aws-id".to_string(), "my-cluster".to_string())];
    let base = pairs(GCI);
    let req = Request { method: "GET", path: "/", query: &base, headers: &headers, body: b"" };
    let query = presign(&req, &default_creds(), "us-east-1", sts.clock().now(), 60);
    let url = format!("{}/?{}", sts.uri(), encode_form(&query));
    let response = reqwest::Client::new().get(url).header("x-k8s-aws-id", "my-cluster").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.unwrap().contains("user/test"));
}

#[tokio::test]
async fn faults_throttle_fail_delay_and_drop_then_stop() {
    let sts = MockSts::start().await;
    let now = || sts.clock().now();
    sts.faults().throttle(Some(Operation::GetCallerIdentity), 2);
    for _ in 0..2 {
        let r = post(&sts, GCI, Some(default_creds()), now()).await;
        assert_eq!((r.status, error_code(&r.body)), (400, "Throttling".into()));
    }
    assert_eq!(post(&sts, GCI, Some(default_creds()), now()).await.status, 200);
    sts.faults().fail(None, 503, 1);
    let r = post(&sts, GCI, Some(default_creds()), now()).await;
    assert_eq!((r.status, error_code(&r.body)), (503, "ServiceUnavailable".into()));
    sts.faults().fail(None, 500, 1);
    let r = post(&sts, GCI, Some(default_creds()), now()).await;
    assert_eq!((r.status, error_code(&r.body)), (500, "InternalFailure".into()));
    sts.faults().latency(None, StdDuration::from_millis(50), 1);
    assert_eq!(post(&sts, GCI, Some(default_creds()), now()).await.status, 200);
    sts.faults().drop_connections(None, 1);
    let body = encode_form(&pairs(GCI));
    let dropped =
        reqwest::Client::new().post(sts.uri()).header("content-type", "application/x-www-form-urlencoded").body(body).send().await;
    assert!(dropped.is_err(), "the connection must be closed without an answer");
    assert_eq!(post(&sts, GCI, Some(default_creds()), now()).await.status, 200);
    let faults: Vec<Option<String>> = sts.journal().calls().into_iter().map(|c| c.fault).collect();
    assert_eq!(faults.iter().filter(|f| f.is_some()).count(), 6, "{faults:?}");
    assert!(sts.faults().is_empty());
}

#[tokio::test]
async fn the_journal_records_typed_calls_and_stays_bounded() {
    let sts = MockSts::builder().journal_capacity(3).start().await;
    for _ in 0..5 {
        post(&sts, GCI, Some(default_creds()), sts.clock().now()).await;
    }
    post(&sts, &[("Action", "AssumeRole"), ("Version", "2011-06-15")], Some(default_creds()), sts.clock().now()).await;
    let calls = sts.journal().calls();
    assert_eq!(calls.len(), 3);
    let last = calls.last().unwrap();
    assert_eq!(last.operation.as_deref(), Some("AssumeRole"));
    assert_eq!(last.caller_arn.as_deref(), Some("arn:aws:iam::123456789012:user/test"));
    assert_eq!((last.status, last.error_code.as_deref()), (400, Some("ValidationError")));
}

#[tokio::test]
async fn mocks_are_isolated_from_each_other() {
    let (a, b) = (MockSts::start().await, MockSts::start().await);
    assert_ne!(a.uri(), b.uri());
    a.clock().advance(Duration::days(3));
    assert!(b.clock().now() < a.clock().now());
    post(&a, GCI, Some(default_creds()), a.clock().now()).await;
    assert_eq!((a.journal().len(), b.journal().len()), (1, 0));
}

async fn admin(sts: &MockSts, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    let client = reqwest::Client::new();
    let url = format!("{}/__sts/{path}", sts.uri());
    let request = match method {
        "GET" => client.get(url),
        "DELETE" => client.delete(url),
        _ => client.post(url).body(body.to_string()),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn the_admin_api_offers_the_same_controls_over_http() {
    let sts = MockSts::start().await;
    assert_eq!(admin(&sts, "GET", "health", "").await, (200, serde_json::json!({ "status": "ok" })));
    admin(&sts, "POST", "clock", r#"{"freeze":true}"#).await;
    let (status, clock) = admin(&sts, "POST", "clock", r#"{"set":"2030-01-01T00:00:00Z"}"#).await;
    assert_eq!((status, clock["now"].as_str()), (200, Some("2030-01-01T00:00:00Z")));
    let (_, clock) = admin(&sts, "POST", "clock", r#"{"advance_seconds":3600}"#).await;
    assert_eq!(clock["now"], "2030-01-01T01:00:00Z");
    assert_eq!(clock["frozen"], true);

    let (status, _) = admin(&sts, "POST", "faults", r#"{"kind":"throttle","operation":"GetCallerIdentity","count":1}"#).await;
    assert_eq!(status, 200);
    let at = sts.clock().now();
    assert_eq!(post(&sts, GCI, Some(default_creds()), at).await.status, 400);
    let (_, journal) = admin(&sts, "GET", "journal", "").await;
    assert_eq!(journal["calls"][0]["error_code"], "Throttling");

    let world = "[[accounts]]\nid = \"123456789012\"\n[[accounts.users]]\nname = \"ci\"\n[[accounts.roles]]\nname = \"deploy\"\ntrust = [\"arn:aws:iam::123456789012:user/ci\"]\n";
    assert_eq!(admin(&sts, "POST", "world", world).await.0, 200);
    let (_, key) = admin(&sts, "GET", "credentials?account=123456789012&user=ci", "").await;
    let (id, secret) = (key["access_key_id"].as_str().unwrap().to_string(), key["secret_access_key"].as_str().unwrap().to_string());
    let ci = Credentials { access_key_id: &id, secret_access_key: &secret, session_token: None };
    let r = post(
        &sts,
        &[
            ("Action", "AssumeRole"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/deploy"),
            ("RoleSessionName", "ci"),
        ],
        Some(ci),
        at,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    assert_eq!(admin(&sts, "POST", "world", "[[accounts]]\nid = \"1\"").await.0, 400);
    assert_eq!(admin(&sts, "POST", "faults", r#"{"kind":"meteor"}"#).await.0, 400);
    assert_eq!(admin(&sts, "GET", "nothing-here", "").await.0, 404);
    let (status, decision) =
        admin(&sts, "POST", "evaluate", &format!(r#"{{"access_key_id":"{id}","action":"s3:GetObject","resource":"*"}}"#)).await;
    assert_eq!((status, decision["decision"].as_str()), (200, Some("ImplicitDeny")), "a user without policies may do nothing");
    let (status, jwks) = admin(&sts, "GET", "web-identity/jwks", "").await;
    assert_eq!((status, jwks["keys"].as_array().unwrap().len()), (200, 2));
}

#[tokio::test]
async fn bad_input_gets_aws_errors_never_a_500() {
    let sts = MockSts::start().await;
    let client = reqwest::Client::new();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", b"Action=GetCallerIdentity&Version=%zz".to_vec()),
        ("application/x-www-form-urlencoded", b"Action=\xff\xfe&Version=2011-06-15".to_vec()),
        ("application/x-www-form-urlencoded", b"".to_vec()),
        ("application/x-www-form-urlencoded", b"&&&===&".to_vec()),
        ("application/json", br#"{"Action":"GetCallerIdentity"}"#.to_vec()),
        ("text/xml", b"<xml/>".to_vec()),
        ("application/x-www-form-urlencoded", vec![b'a'; 2 * 1024 * 1024]),
        ("application/x-www-form-urlencoded", b"Action=AssumeRole&Version=2011-06-15&Tags.member.99999999999999.Key=a".to_vec()),
    ];
    for (content_type, body) in cases {
        let response = client.post(sts.uri()).header("content-type", content_type).body(body.clone()).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!((400..500).contains(&status), "{content_type} {:?}: {status} {text}", String::from_utf8_lossy(&body[..body.len().min(60)]));
        assert!(xml::decode(&text).is_ok(), "an AWS error envelope: {text}");
    }
    let garbage_auth = client
        .post(sts.uri())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "AWS4-HMAC-SHA256 garbage")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage_auth.status().as_u16(), 400);
    // The mock still works afterwards.
    assert_eq!(post(&sts, GCI, Some(default_creds()), sts.clock().now()).await.status, 200);
}

/// GetScopedCredentials over HTTP: the scoped credentials authenticate later calls as the caller,
/// the journal keeps the ScopedSessionDescription, and `/__sts/evaluate` applies the layer.
#[tokio::test]
async fn scoped_credentials_work_over_http_and_are_journaled() {
    let sts = MockSts::start().await;
    sts.with_world(|w| {
        let role = w.account_mut("123456789012").unwrap().roles.get_mut("test-role").unwrap();
        role.inline_policies
            .insert("s3".into(), r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.into());
    });
    let now = sts.clock().now();
    let assume = assume_test_role("http");
    let role = minted(&post(&sts, &assume, Some(default_creds()), now).await);
    let scope = [
        ("Action", "GetScopedCredentials"),
        ("Version", "2011-06-15"),
        ("Policy", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
        ("ScopedSessionDescription", "http test"),
    ];
    let scoped = minted(&post(&sts, &scope, Some(signing(&role)), now).await);
    let reply = post(&sts, GCI, Some(signing(&scoped)), now).await;
    assert!(reply.body.contains("<Arn>arn:aws:sts::123456789012:assumed-role/test-role/http</Arn>"), "{}", reply.body);
    let journaled = sts.journal().calls_to("GetScopedCredentials");
    assert_eq!(journaled.len(), 1);
    assert!(journaled[0].parameters.contains(&("ScopedSessionDescription".to_string(), "http test".to_string())), "{:?}", journaled[0]);

    let client = reqwest::Client::new();
    for (action, decision) in [("s3:GetObject", "Allow"), ("s3:PutObject", "ImplicitDeny")] {
        let body = format!(
            r#"{{"access_key_id":"{}","session_token":"{}","action":"{action}","resource":"arn:aws:s3:::b/k"}}"#,
            scoped.access_key_id, scoped.session_token
        );
        let answer = client
            .post(format!("{}/__sts/evaluate", sts.uri()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let text = answer.text().await.unwrap();
        assert!(text.contains(&format!(r#""decision":"{decision}""#)), "{action}: {text}");
    }
}

/// One raw HTTP/1.1 request with the given headers; returns the status.
async fn raw_admin(sts: &MockSts, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sts.address()).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The admin API hands out secrets and moves the clock: a web page must not drive it. A
/// cross-site `text/plain` POST (no preflight) and a DNS-rebound request (its Host is the
/// attacker's name) are refused, and the clock does not move; loopback tools still work.
#[tokio::test]
async fn web_pages_cannot_drive_the_admin_api() {
    let sts = MockSts::builder().frozen_at(OffsetDateTime::UNIX_EPOCH).start().await;
    let advance = r#"{"advance_seconds":3600}"#;
    let cross_site = [("Host", "127.0.0.1"), ("Origin", "https://attacker.example"), ("Content-Type", "text/plain")];
    assert_eq!(raw_admin(&sts, "POST", "/__sts/clock", &cross_site, advance).await, 403);
    let fetch_metadata = [("Host", "localhost"), ("Sec-Fetch-Site", "cross-site")];
    assert_eq!(raw_admin(&sts, "POST", "/__sts/clock", &fetch_metadata, advance).await, 403);
    let rebound = [("Host", "attacker.example:4566")];
    assert_eq!(raw_admin(&sts, "GET", "/__sts/credentials", &rebound, "").await, 403);
    assert_eq!(sts.clock().now(), OffsetDateTime::UNIX_EPOCH, "no refused request moved the clock");
    // A tool on the same machine (curl, urllib, the suite): no Origin, a loopback Host.
    assert_eq!(raw_admin(&sts, "POST", "/__sts/clock", &[("Host", "127.0.0.1")], advance).await, 200);
    assert_eq!(sts.clock().now(), OffsetDateTime::UNIX_EPOCH + sts_model::time::Duration::hours(1));
    // STS itself is not concerned: SigV4 protects it (an unsigned call gets STS's own answer).
    assert_eq!(
        raw_admin(
            &sts,
            "POST",
            "/",
            &[("Host", "attacker.example"), ("Content-Type", "application/x-www-form-urlencoded")],
            "Action=GetCallerIdentity&Version=2011-06-15"
        )
        .await,
        403
    );
}

/// With an admin token, every admin request needs it (and then any Host will do: the mock can be
/// reached by a container name); the certificate of a TLS mock stays public.
#[tokio::test]
async fn an_admin_token_is_required_once_set() {
    let sts = MockSts::builder().admin_token("0f1e2d3c4b5a69788796a5b4c3d2e1f0").start().await;
    assert_eq!(raw_admin(&sts, "GET", "/__sts/health", &[("Host", "127.0.0.1")], "").await, 403);
    assert_eq!(raw_admin(&sts, "GET", "/__sts/health", &[("Host", "sts"), ("Authorization", "Bearer nope")], "").await, 403);
    let bearer = [("Host", "sts:4566"), ("Authorization", "Bearer 0f1e2d3c4b5a69788796a5b4c3d2e1f0")];
    assert_eq!(raw_admin(&sts, "GET", "/__sts/clock", &bearer, "").await, 200);
    let header = [("Host", "sts:4566"), ("X-Sts-Admin-Token", "0f1e2d3c4b5a69788796a5b4c3d2e1f0")];
    assert_eq!(raw_admin(&sts, "GET", "/__sts/health", &header, "").await, 200);
    // Not a TLS mock: no certificate to give, but no token needed to learn that.
    assert_eq!(raw_admin(&sts, "GET", "/__sts/ca.pem", &[("Host", "sts")], "").await, 404);
}

/// `--signature-skew`: AWS's 15 minutes by default; a wider window, or none, for clients that
/// sign on the wall clock (botocore) while the mock's clock is elsewhere. Calls that pass only
/// because of it are marked in the journal.
#[tokio::test]
async fn the_signature_window_can_be_widened_and_the_journal_says_when_it_mattered() {
    let mock_time = OffsetDateTime::from_unix_timestamp(1_704_067_200).unwrap(); // 2024-01-01T00:00:00Z
    let two_hours_later = mock_time + sts_model::time::Duration::hours(2);
    let call = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];

    let aws = MockSts::builder().frozen_at(mock_time).start().await;
    let refused = post(&aws, &call, Some(default_creds()), two_hours_later).await;
    assert_eq!((refused.status, error_code(&refused.body)), (403, "SignatureDoesNotMatch".to_string()));

    let off = MockSts::builder().frozen_at(mock_time).signature_skew(sts_mock::SignatureSkew::Off).start().await;
    assert_eq!(post(&off, &call, Some(default_creds()), two_hours_later).await.status, 200);
    assert_eq!(post(&off, &call, Some(default_creds()), mock_time).await.status, 200);
    let marks: Vec<_> = off.journal().calls().into_iter().map(|c| c.fault).collect();
    assert_eq!(marks, [Some("signature-skew: signed 7200 s from the mock's clock (AWS allows 900)".to_string()), None]);
    // The signature itself is still checked.
    let wrong = Credentials { access_key_id: "AKIAIOSFODNN7EXAMPLE", secret_access_key: "wrong", session_token: None };
    assert_eq!(post(&off, &call, Some(wrong), two_hours_later).await.status, 403);

    let hour = MockSts::builder().frozen_at(mock_time).signature_skew(sts_mock::SignatureSkew::Seconds(3600)).start().await;
    let within = mock_time + sts_model::time::Duration::minutes(59);
    assert_eq!(post(&hour, &call, Some(default_creds()), within).await.status, 200);
    assert_eq!(post(&hour, &call, Some(default_creds()), two_hours_later).await.status, 403);
}

/// Sends `raw` (a whole HTTP/1.1 request) and returns the answer as text.
async fn raw_exchange(sts: &MockSts, raw: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sts.address()).await.unwrap();
    stream.write_all(raw).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// What the admin API takes is bounded and what it answers is short: an oversized body is a
/// 413 that does not echo it, a garbled world fragment's error is cut, and fragments cannot grow
/// an account past IAM's user quota. A body that cannot be read (bad chunking) is a plain 400,
/// not "the body exceeds the maximum".
#[tokio::test]
async fn admin_bodies_and_the_world_are_bounded_and_errors_are_short() {
    let sts = MockSts::start().await;
    let huge = "x".repeat(sts_mock::MAX_BODY_BYTES + 10);
    let answer = raw_exchange(
        &sts,
        format!("POST /__sts/world HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{huge}", huge.len())
            .as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(200)]);
    assert!(answer.len() < 1024, "the error does not echo the body: {} bytes", answer.len());

    let garbled = format!("this is not toml {}", "y".repeat(100_000));
    let (status, body) = admin(&sts, "POST", "world", &garbled).await;
    assert_eq!(status, 400);
    let message = body["error"].as_str().unwrap();
    assert!(message.chars().count() < 600 && message.ends_with("(cut)"), "{message}");

    // 5,001 users in one account: over IAM's quota, refused, and the world is unchanged.
    let mut fragment = String::from("[[accounts]]\nid = \"333333333333\"\n");
    for i in 0..5001 {
        fragment.push_str(&format!("[[accounts.users]]\nname = \"u{i}\"\n"));
    }
    let (status, body) = admin(&sts, "POST", "world", &fragment).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("5001 users; IAM's quota is 5000"), "{body}");
    let (status, _) = admin(&sts, "GET", "credentials?account=333333333333&user=u1", "").await;
    assert_eq!(status, 404, "nothing of the refused fragment was added");

    let answer = raw_exchange(
        &sts,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("could not be read") && !answer.contains("exceeds the maximum"), "{answer}");
}
