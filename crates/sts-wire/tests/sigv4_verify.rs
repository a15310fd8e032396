//! The SigV4 verifier answers as STS does.

use sts_model::ErrorCode;
use sts_model::time::{Duration, OffsetDateTime};
use sts_wire::sigv4::{Credentials, Request, parse_amz_date, presign, sign, verify};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

fn base_headers() -> Vec<(String, String)> {
    vec![
        ("Host".into(), "sts.us-east-1.amazonaws.com".into()),
        ("Content-Type".into(), "application/x-www-form-urlencoded; charset=utf-8".into()),
    ]
}

fn creds(token: Option<&'static str>) -> Credentials<'static> {
    Credentials { access_key_id: KEY, secret_access_key: SECRET, session_token: token }
}

/// Headers of a POST signed at `at` in `region`.
fn signed_post(at: OffsetDateTime, region: &str, token: Option<&'static str>) -> Vec<(String, String)> {
    let headers = base_headers();
    let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: BODY };
    let mut all = headers.clone();
    all.extend(sign(&req, &creds(token), region, at));
    all
}

fn check(
    headers: &[(String, String)],
    query: &[(String, String)],
    body: &[u8],
    at: OffsetDateTime,
) -> Result<Option<sts_wire::sigv4::Verified>, sts_model::StsError> {
    let req = Request { method: if query.is_empty() { "POST" } else { "GET" }, path: "/", query, headers, body };
    verify(&req, at, "us-east-1", |k| (k == KEY).then(|| SECRET.to_string()))
}

#[test]
fn a_signed_post_verifies_and_names_its_key_and_token() {
    let headers = signed_post(now(), "us-east-1", Some("token-1"));
    let v = check(&headers, &[], BODY, now()).unwrap().unwrap();
    assert_eq!((v.access_key_id.as_str(), v.session_token.as_deref(), v.region.as_str()), (KEY, Some("token-1"), "us-east-1"));
}

#[test]
fn an_unsigned_request_is_not_an_error_here() {
    assert_eq!(check(&base_headers(), &[], BODY, now()).unwrap(), None);
}

#[test]
fn a_changed_body_or_secret_does_not_match() {
    let headers = signed_post(now(), "us-east-1", None);
    let err = check(&headers, &[], b"Action=GetCallerIdentity&Version=2011-06-16", now()).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::SignatureDoesNotMatch, 403));
    assert!(err.message.starts_with("The request signature we calculated does not match the signature you provided."));
    let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: BODY };
    let err = verify(&req, now(), "us-east-1", |_| Some("another-secret".into())).unwrap_err();
    assert_eq!(err.code, ErrorCode::SignatureDoesNotMatch);
}

#[test]
fn an_unknown_key_is_an_invalid_client_token_id() {
    let headers = signed_post(now(), "us-east-1", None);
    let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: BODY };
    let err = verify(&req, now(), "us-east-1", |_| None).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::InvalidClientTokenId, 403));
}

#[test]
fn clock_skew_beyond_15_minutes_uses_sts_observed_messages() {
    // The observed message: signed at 00:14:27, received at 01:59:28.
    let signed_at = parse_amz_date("20220127T001427Z").unwrap();
    let received = parse_amz_date("20220127T015928Z").unwrap();
    let err = check(&signed_post(signed_at, "us-east-1", None), &[], BODY, received).unwrap_err();
    assert_eq!(err.code, ErrorCode::SignatureDoesNotMatch);
    assert_eq!(err.message, "Signature expired: 20220127T001427Z is now earlier than 20220127T014428Z (20220127T015928Z - 15 min.)");
    let signed_at = parse_amz_date("20210112T194419Z").unwrap();
    let received = parse_amz_date("20210112T071125Z").unwrap();
    let err = check(&signed_post(signed_at, "us-east-1", None), &[], BODY, received).unwrap_err();
    assert_eq!(
        err.message,
        "Signature not yet current: 20210112T194419Z is still later than 20210112T072625Z (20210112T071125Z + 15 min.)"
    );
    // Just inside the window either way.
    assert!(check(&signed_post(now(), "us-east-1", None), &[], BODY, now() + Duration::minutes(15)).is_ok());
    assert!(check(&signed_post(now(), "us-east-1", None), &[], BODY, now() - Duration::minutes(15)).is_ok());
}

#[test]
fn the_scope_must_name_sts_and_the_endpoints_region() {
    let err = check(&signed_post(now(), "eu-west-1", None), &[], BODY, now()).unwrap_err();
    assert_eq!(
        (err.code, err.message.as_str()),
        (ErrorCode::SignatureDoesNotMatch, "Credential should be scoped to a valid region, not 'eu-west-1'. ")
    );
    let mut headers = signed_post(now(), "us-east-1", None);
    let auth = headers.iter_mut().find(|(k, _)| k == "Authorization").unwrap();
    auth.1 = auth.1.replace("/sts/", "/iam/");
    let err = check(&headers, &[], BODY, now()).unwrap_err();
    assert_eq!(err.message, "Credential should be scoped to correct service: 'sts'. ");
}

#[test]
fn a_malformed_authorization_is_an_incomplete_signature() {
    let mut headers = base_headers();
    headers.push(("Authorization".into(), "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20231114/us-east-1/sts/aws4_request".into()));
    let err = check(&headers, &[], BODY, now()).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::IncompleteSignature, 400));
    assert!(err.message.contains("Authorization header requires 'Signature' parameter."));
    assert!(err.message.contains("Authorization header requires 'SignedHeaders' parameter."));
    assert!(err.message.contains("requires existence of either a 'X-Amz-Date' or a 'Date' header"));
    let mut headers = base_headers();
    headers.push(("Authorization".into(), "AWS4-HMAC-SHA256 AKIAIOSFODNN7EXAMPLE/20200128/us-east-1/sts/aws4_request".into()));
    headers.push(("X-Amz-Date".into(), "20231114T221320Z".into()));
    let err = check(&headers, &[], BODY, now()).unwrap_err();
    assert!(err.message.contains("not a valid key=value pair (missing equal-sign) in Authorization header"), "{}", err.message);
}

#[test]
fn presigned_urls_verify_and_ignore_x_amz_expires() {
    let headers =
        vec![("Host".to_string(), "sts.us-east-1.amazonaws.com".to_string()), ("x-k8s-aws-id".to_string(), "cluster-1".to_string())];
    let base = vec![("Action".to_string(), "GetCallerIdentity".to_string()), ("Version".to_string(), "2011-06-15".to_string())];
    let req = Request { method: "GET", path: "/", query: &base, headers: &headers, body: b"" };
    let query = presign(&req, &creds(Some("tok")), "us-east-1", now(), 60);
    assert!(query.iter().any(|(k, v)| k == "X-Amz-SignedHeaders" && v == "host;x-k8s-aws-id"));
    // Ten minutes later: past X-Amz-Expires=60, within STS's 15-minute window.
    let v = check(&headers, &query, b"", now() + Duration::minutes(10)).unwrap().unwrap();
    assert_eq!(v.session_token.as_deref(), Some("tok"));
    let err = check(&headers, &query, b"", now() + Duration::minutes(16)).unwrap_err();
    assert!(err.message.starts_with("Signature expired"));
    // The signed x-k8s-aws-id header cannot be swapped.
    let other = vec![headers[0].clone(), ("x-k8s-aws-id".to_string(), "cluster-2".to_string())];
    assert_eq!(check(&other, &query, b"", now()).unwrap_err().code, ErrorCode::SignatureDoesNotMatch);
}

#[test]
fn a_session_token_in_header_and_query_at_once_is_refused() {
    let mut headers = signed_post(now(), "us-east-1", Some("tok"));
    headers.retain(|(k, _)| k != "Authorization");
    let headers_only = headers.clone();
    let base = vec![("X-Amz-Security-Token".to_string(), "tok".to_string())];
    let req = Request { method: "GET", path: "/", query: &base, headers: &headers_only, body: b"" };
    let query = presign(&req, &creds(None), "us-east-1", now(), 60);
    let err = check(&headers_only, &query, b"", now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameterCombination);
}

/// Presigned URLs made by botocore's own signer (captured as data by
/// `data/capture_botocore_presigned.py`): an oracle independent of our `presign`. Each verifies at
/// its instant, our signer writes the same signature, and any change to a signed part is refused.
#[test]
fn botocore_presigned_urls_verify_and_match_our_signer() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/botocore-presigned.json")).unwrap();
    let at = OffsetDateTime::from_unix_timestamp(data["unix_time"].as_i64().unwrap()).unwrap();
    let secret = data["secret_access_key"].as_str().unwrap().to_owned();
    for case in data["cases"].as_array().unwrap() {
        let url = case["url"].as_str().unwrap();
        let region = case["region"].as_str().unwrap();
        let (origin, query) = url.split_once("/?").unwrap();
        let host = origin.trim_start_matches("https://");
        let pairs = sts_wire::query::parse_form(query.as_bytes()).unwrap();
        let headers = vec![("host".to_string(), host.to_string())];
        let verify_with = |pairs: &[(String, String)]| {
            let req = Request { method: "GET", path: "/", query: pairs, headers: &headers, body: b"" };
            verify(&req, at, region, |_| Some(secret.clone()))
        };
        let verified = verify_with(&pairs).unwrap_or_else(|e| panic!("{url}: {e}")).expect("signed");
        assert_eq!(verified.access_key_id, KEY);
        assert_eq!(verified.session_token.as_deref(), case["session_token"].as_str());

        // Our presign of the same request writes botocore's signature.
        let unsigned: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k == "Action" || k == "Version").cloned().collect();
        let req = Request { method: "GET", path: "/", query: &unsigned, headers: &headers, body: b"" };
        let credentials = Credentials { access_key_id: KEY, secret_access_key: &secret, session_token: case["session_token"].as_str() };
        let ours = presign(&req, &credentials, region, at, case["expires"].as_u64().unwrap() as u32);
        let signature = |q: &[(String, String)]| q.iter().find(|(k, _)| k == "X-Amz-Signature").map(|(_, v)| v.clone());
        assert_eq!(signature(&ours), signature(&pairs), "{url}");

        // Tampering with any signed part is refused.
        for (name, value) in [("Action", "AssumeRole"), ("X-Amz-Date", "20231114T221321Z")] {
            let tampered: Vec<(String, String)> =
                pairs.iter().map(|(k, v)| if k == name { (k.clone(), value.to_string()) } else { (k.clone(), v.clone()) }).collect();
            let err = verify_with(&tampered).expect_err(name);
            assert_eq!(err.code, ErrorCode::SignatureDoesNotMatch, "{name}: {err}");
        }
    }
}

/// An Authorization header sent twice is read as HTTP folds it (the values joined by a comma), and
/// the second copy's algorithm is then a token without `=`: the request is refused as AWS's
/// authorizer refused a doubled header (envoyproxy/envoy#23702, 2022: "'AWS4-HMAC-SHA256' not a
/// valid key=value pair (missing equal-sign) in Authorization header: ..."), not accepted.
#[test]
fn an_authorization_header_sent_twice_is_incomplete() {
    let mut headers = signed_post(now(), "us-east-1", None);
    let authorization = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).cloned().unwrap();
    headers.push(authorization.clone());
    let err = check(&headers, &[], BODY, now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::IncompleteSignature);
    let expected_start = "'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) in Authorization header: '";
    assert!(err.message.starts_with(expected_start), "{}", err.message);
    assert!(err.message.ends_with(&format!("{},{}'.", authorization.1, authorization.1)), "{}", err.message);
}
