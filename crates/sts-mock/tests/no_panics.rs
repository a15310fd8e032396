//! No request makes the mock panic or answer 500 unless a fault was injected, and no request can
//! corrupt its state: a well-formed call still succeeds after any amount of garbage.

use proptest::prelude::*;
use sts_mock::{Clock, HttpRequest, Reply, Service, default_world};
use sts_model::Sts;
use sts_model::time::OffsetDateTime;
use sts_wire::sigv4::{Credentials, Request};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

fn service() -> Service {
    Service::new(Sts::new(default_world(), 1), Clock::frozen(start()), 100)
}

fn status(reply: &Reply) -> u16 {
    match reply {
        Reply::Answer { status, .. } => *status,
        Reply::Drop { .. } => 0,
    }
}

fn header() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("authorization".to_string()),
            Just("x-amz-date".to_string()),
            Just("content-type".to_string()),
            Just("x-amz-security-token".to_string()),
            "[a-z-]{1,12}"
        ],
        prop_oneof![
            Just(
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20231114/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00"
                    .to_string()
            ),
            Just("application/x-www-form-urlencoded".to_string()),
            Just("20231114T221320Z".to_string()),
            "\\PC{0,40}",
        ],
    )
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        "(Action=(AssumeRole|GetCallerIdentity|GetSessionToken|AssumeRoot|GetWebIdentityToken)&)?(Version=2011-06-15&)?([A-Za-z.0-9]{1,20}=[%A-Za-z0-9]{0,20}&){0,8}".prop_map(String::into_bytes),
    ]
}

fn signed_gci() -> HttpRequest {
    signed(&[("Action".into(), "GetCallerIdentity".into()), ("Version".into(), "2011-06-15".into())])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_request_gets_a_4xx_or_a_success_never_a_panic_or_500(
        method in prop_oneof![Just("POST".to_string()), Just("GET".to_string()), Just("PUT".to_string()), Just("DELETE".to_string()), "[A-Z]{1,7}"],
        path in prop_oneof![Just("/".to_string()), Just("/__sts/clock".to_string()), Just("/__sts/faults".to_string()), "/[\\PC]{0,20}"],
        query in proptest::option::of("[\\PC]{0,60}"),
        headers in proptest::collection::vec(header(), 0..6),
        body in body(),
    ) {
        let service = service();
        let request = HttpRequest { method: method.to_string(), path, query, headers, body };
        let reply = service.handle(&request);
        prop_assert!(status(&reply) != 0, "no fault was injected, so no connection is dropped");
        prop_assert!(status(&reply) < 500, "{reply:?}");
        // The admin API may have been driven (clock moved, faults added): clear faults, then a
        // signed call must still work if the clock is where the signature expects it.
        service.faults_handle().clear();
        let reply = service.handle(&signed_gci());
        if service.clock_handle().now() == start() {
            prop_assert_eq!(status(&reply), 200, "{:?}", reply);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever a caller sends, echoed or not, every answer is well-formed XML 1.0 that a strict
    /// parser reads (the generated pattern cases send control characters on purpose).
    #[test]
    fn every_answer_is_well_formed_xml(
        action in prop_oneof![
            Just("AssumeRole".to_string()), Just("GetFederationToken".to_string()), Just("GetScopedCredentials".to_string()),
            Just("GetWebIdentityToken".to_string()), Just("DecodeAuthorizationMessage".to_string()), "\\PC{0,12}"
        ],
        key in prop_oneof![
            Just("RoleSessionName".to_string()), Just("Name".to_string()), Just("ExternalId".to_string()), Just("Policy".to_string()),
            Just("SubjectMode".to_string()), Just("Scope".to_string()), Just("EncodedMessage".to_string()),
            Just("Tags.member.1.Key".to_string()), "[A-Za-z.0-9]{1,20}"
        ],
        value in "[\\u{0}-\\u{1F}\\u{7F}-\\u{A0}\\u{FFFD}-\\u{FFFF}a-z<>&'\"]{0,12}",
        role_arn in prop_oneof![Just("arn:aws:iam::123456789012:role/test-role".to_string()), "\\PC{0,30}"],
    ) {
        let mut sts = Sts::new(default_world(), 1);
        let caller = sts_model::Caller::access_key(sts_mock::DEFAULT_ACCESS_KEY_ID);
        let params: Vec<(String, String)> = vec![
            ("Action".into(), action),
            ("Version".into(), "2011-06-15".into()),
            ("RoleArn".into(), role_arn),
            ("RoleSessionName".into(), "ok".into()),
            (key, value),
        ];
        let out = sts_mock::in_process::answer(&mut sts, start(), &caller, &params);
        prop_assert!(sts_wire::xml::parse(&out.body).is_ok(), "{:?}", out.body);
    }
}

fn admin(service: &Service, path: &str, body: &str) -> (u16, String) {
    let request = HttpRequest {
        method: "POST".into(),
        path: format!("/__sts/{path}"),
        query: None,
        headers: vec![("host".into(), "localhost".into()), ("content-type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    };
    match service.handle(&request) {
        Reply::Answer { status, body, .. } => (status, body.to_string()),
        other => panic!("{other:?}"),
    }
}

/// Admin inputs that used to be reinterpreted (a count of -1 meant forever, a number as a tag
/// value meant "") or to overflow the clock (and panic) are refused with a 400 that names them.
#[test]
fn out_of_range_admin_inputs_are_refused_not_reinterpreted() {
    let service = service();
    for (path, body, names) in [
        ("clock", r#"{"advance_seconds":300000000000}"#, "advance_seconds"),
        ("clock", r#"{"set":"9999-12-31T23:59:59Z"}"#, "set"),
        ("faults", r#"{"kind":"throttle","count":-1}"#, "count"),
        ("faults", r#"{"kind":"latency","latency_ms":-5}"#, "latency_ms"),
        (
            "trade-in-tokens",
            r#"{"role_arn":"arn:aws:iam::123456789012:role/test-role","expires_in_seconds":9223372036854775807}"#,
            "expires_in_seconds",
        ),
        ("trade-in-tokens", r#"{"role_arn":"arn:aws:iam::123456789012:role/test-role","tags":{"Team":7}}"#, "tags.Team"),
        ("oidc/tokens", r#"{"issuer":"https://oidc.example.com","expires_in_seconds":9223372036854775807}"#, "expires_in_seconds"),
        ("oidc/tokens", r#"{"issuer":"https://oidc.example.com","algorithm":"HS256"}"#, "HS256"),
        (
            "saml/assertions",
            r#"{"issuer":"https://idp.example.com","issued_at_offset_seconds":-9223372036854775808}"#,
            "issued_at_offset_seconds",
        ),
        ("saml/assertions", r#"{"issuer":"https://idp.example.com","tags":{"Team":["a"]}}"#, "tags.Team"),
    ] {
        let (status, answer) = admin(&service, path, body);
        assert_eq!(status, 400, "{path} {body}: {answer}");
        assert!(answer.contains(names), "{path} {body}: {answer}");
    }
    assert_eq!(service.faults_handle().len(), 0, "no refused fault was added");
    assert_eq!(service.clock_handle().now(), start(), "no refused clock move happened");
}

/// An OIDC token whose `exp` is the last second of year 9999 is verified without overflowing.
#[test]
fn a_token_expiring_at_the_end_of_time_does_not_panic() {
    let mut sts = Sts::new(default_world(), 1);
    sts.world_mut()
        .add_oidc_provider(
            "123456789012",
            sts_model::world::OidcProvider {
                url: "https://oidc.example.com".into(),
                client_ids: vec!["sts".into()],
                jwks: None,
                context_provider: false,
                thumbprints: vec![],
                created: None,
            },
        )
        .unwrap();
    let token = sts_model::oidc::TokenBuilder::new("https://oidc.example.com", start())
        .claim("aud", serde_json::json!("sts"))
        .claim("exp", serde_json::json!(253_402_300_799_i64))
        .sign();
    let params: Vec<(String, String)> = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/test-role"),
        ("RoleSessionName", "end-of-time"),
        ("WebIdentityToken", token.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let out = sts_mock::in_process::answer(&mut sts, start(), &sts_model::Caller::Anonymous, &params);
    assert!(out.status < 500, "{}", out.body);
}

/// A JSON value of any shape, numbers at the edges of i64 included.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let leaf = prop_oneof![
        1 => Just(json!(null)),
        1 => any::<bool>().prop_map(|b| json!(b)),
        // Integers weigh most: the routes' numbers (offsets, counts, lifetimes) are where overflows hide.
        4 => prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(-1i64), Just(0i64), Just(253_402_300_799i64), any::<i64>()].prop_map(|n| json!(n)),
        1 => any::<f64>().prop_map(|f| json!(f)),
        1 => "\\PC{0,20}".prop_map(|s| json!(s)),
        1 => Just(json!("9999-12-31T23:59:59Z")),
        1 => Just(json!("arn:aws:iam::123456789012:role/test-role")),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z_]{1,24}", inner, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The field names each admin route reads, so the handlers get past "is required" and meet the
/// values.
fn route_fields(route: &str) -> &'static [&'static str] {
    match route {
        "clock" => &["advance_seconds", "set", "freeze", "resume"],
        "faults" => &["kind", "count", "latency_ms", "operation"],
        "trade-in-tokens" => &["role_arn", "expires_in_seconds", "tags"],
        "context-assertions" => {
            &["subject", "subject_type", "issuer", "federated_provider_arn", "transaction_context", "expires_in_seconds"]
        }
        "evaluate" => &["access_key_id", "session_token", "action", "resource", "context"],
        "oidc/tokens" => {
            &["issuer", "sub", "aud", "azp", "claims", "algorithm", "expires_in_seconds", "issued_at_offset_seconds", "untrusted_key"]
        }
        _ => &[
            "issuer",
            "role_arn",
            "principal_arn",
            "session_name",
            "issued_at_offset_seconds",
            "valid_seconds",
            "session_duration",
            "tags",
            "signed",
        ],
    }
}

/// A route and a JSON object of its own fields holding values of any shape.
fn admin_call() -> impl Strategy<Value = (&'static str, String)> {
    prop_oneof![
        Just("clock"),
        Just("faults"),
        Just("trade-in-tokens"),
        Just("context-assertions"),
        Just("evaluate"),
        Just("oidc/tokens"),
        Just("saml/assertions"),
    ]
    .prop_flat_map(|route| {
        let fields = proptest::collection::vec((proptest::sample::select(route_fields(route)), json_value()), 1..4);
        (Just(route), fields)
    })
    .prop_map(|(route, fields)| {
        (route, serde_json::Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string())
    })
}

/// A call signed with the default key for `service` (`sts`, or `iam`, which signs in us-east-1 too).
fn signed_for(service: &str, params: &[(String, String)]) -> HttpRequest {
    let body = sts_wire::query::encode_form(params).into_bytes();
    let mut headers =
        vec![("host".to_string(), "localhost".to_string()), ("content-type".to_string(), "application/x-www-form-urlencoded".to_string())];
    let creds = Credentials {
        access_key_id: sts_mock::DEFAULT_ACCESS_KEY_ID,
        secret_access_key: sts_mock::DEFAULT_SECRET_ACCESS_KEY,
        session_token: None,
    };
    let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body: &body };
    headers.extend(sts_wire::sigv4::sign_for(&req, &creds, "us-east-1", service, start()));
    HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body }
}

fn signed(params: &[(String, String)]) -> HttpRequest {
    signed_for("sts", params)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Properly signed calls of every operation with arbitrary members get past SigV4 into the
    /// model: none panics, none answers 5xx, and every answer is well-formed XML.
    #[test]
    fn signed_calls_with_any_members_never_panic(
        operation in proptest::sample::select(sts_model::Operation::ALL.to_vec()),
        members in proptest::collection::vec((
            prop_oneof![
                Just("RoleArn"), Just("RoleSessionName"), Just("DurationSeconds"), Just("Policy"), Just("PolicyArns.member.1.arn"),
                Just("Tags.member.1.Key"), Just("Tags.member.1.Value"), Just("TransitiveTagKeys.member.1"), Just("SourceIdentity"),
                Just("SerialNumber"), Just("TokenCode"), Just("Name"), Just("TargetPrincipal"), Just("TaskPolicyArn.arn"),
                Just("EncodedMessage"), Just("AccessKeyId"), Just("TradeInToken"), Just("Audience.member.1"), Just("SigningAlgorithm"),
                Just("SubjectMode"), Just("Scope"), Just("ScopedSessionDescription"), Just("MinimumSessionTokenSize"),
                Just("ProvidedContexts.member.1.ProviderArn"), Just("ProvidedContexts.member.1.ContextAssertion"),
            ],
            prop_oneof![
                Just("arn:aws:iam::123456789012:role/test-role".to_string()), Just("900".to_string()), Just("129600".to_string()),
                Just("RS256".to_string()), Just("OriginIdentity".to_string()), Just("{\"Version\":\"2012-10-17\",\"Statement\":[]}".to_string()),
                "\\PC{0,30}", "[0-9]{1,12}",
            ],
        ), 0..8),
    ) {
        let service = service();
        let mut params = vec![("Action".to_string(), operation.name().to_string()), ("Version".to_string(), "2011-06-15".to_string())];
        params.extend(members.into_iter().map(|(k, v)| (k.to_string(), v)));
        let reply = service.handle(&signed(&params));
        prop_assert!(status(&reply) != 0 && status(&reply) < 500, "{reply:?}");
        if let Reply::Answer { body, .. } = &reply {
            prop_assert!(sts_wire::xml::parse(body).is_ok(), "{body}");
        }
    }

}

proptest! {
    // Cheap cases (no signing): many of them, so rare field and value pairs come up.
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Any JSON to any admin route: a 2xx or a 4xx, never a panic (a dropped connection) or a 5xx.
    #[test]
    fn admin_routes_take_any_json((route, body) in admin_call()) {
        let service = service();
        let (code, answer) = admin(&service, route, &body);
        prop_assert!(code < 500, "{route} {body}: {answer}");
        // Whatever was accepted, the mock still answers a signed call (the clock may have moved).
        service.faults_handle().clear();
        let reply = service.handle(&signed_gci());
        prop_assert!(status(&reply) < 500, "{reply:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The unsigned federation actions with any token or assertion text.
    #[test]
    fn unsigned_federation_calls_with_any_token_never_panic(
        saml in any::<bool>(),
        token in prop_oneof!["\\PC{0,200}", "[A-Za-z0-9_-]{1,40}\\.[A-Za-z0-9_-]{1,80}\\.[A-Za-z0-9_-]{0,40}", "[A-Za-z0-9+/=]{4,200}"],
    ) {
        let service = service();
        let params: Vec<(String, String)> = if saml {
            vec![
                ("Action".into(), "AssumeRoleWithSAML".into()), ("Version".into(), "2011-06-15".into()),
                ("RoleArn".into(), "arn:aws:iam::123456789012:role/test-role".into()),
                ("PrincipalArn".into(), "arn:aws:iam::123456789012:saml-provider/corp".into()), ("SAMLAssertion".into(), token),
            ]
        } else {
            vec![
                ("Action".into(), "AssumeRoleWithWebIdentity".into()), ("Version".into(), "2011-06-15".into()),
                ("RoleArn".into(), "arn:aws:iam::123456789012:role/test-role".into()), ("RoleSessionName".into(), "s".into()),
                ("WebIdentityToken".into(), token),
            ]
        };
        let body = sts_wire::query::encode_form(&params).into_bytes();
        let headers = vec![("host".to_string(), "localhost".to_string()), ("content-type".to_string(), "application/x-www-form-urlencoded".to_string())];
        let reply = service.handle(&HttpRequest { method: "POST".into(), path: "/".into(), query: None, headers, body });
        prop_assert!(status(&reply) != 0 && status(&reply) < 500, "{reply:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// IAM calls of every operation with arbitrary members (names, documents, ARNs, numbers,
    /// garbage), several in a row on one world: none panics, none answers 5xx, every answer is
    /// well-formed XML, and STS still answers afterwards.
    #[test]
    fn iam_calls_with_any_members_never_panic(
        calls in proptest::collection::vec((
            proptest::sample::select(sts_wire::iam::operations().collect::<Vec<_>>()),
            proptest::collection::vec((
                prop_oneof![
                    Just("UserName"), Just("RoleName"), Just("PolicyName"), Just("PolicyArn"), Just("Path"), Just("AccessKeyId"),
                    Just("Status"), Just("AssumeRolePolicyDocument"), Just("PolicyDocument"), Just("MaxSessionDuration"),
                    Just("Tags.member.1.Key"), Just("Tags.member.1.Value"), Just("TagKeys.member.1"), Just("VersionId"),
                    Just("SetAsDefault"), Just("PermissionsBoundary"), Just("Url"), Just("ClientIDList.member.1"),
                ],
                prop_oneof![
                    Just("bob".to_string()), Just("deploy".to_string()), Just("/".to_string()), Just("Inactive".to_string()),
                    Just("arn:aws:iam::123456789012:policy/p".to_string()), Just("3600".to_string()), Just("true".to_string()),
                    Just(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#.to_string()),
                    Just(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_string()),
                    "\\PC{0,40}",
                ],
            ), 0..6),
        ), 1..6),
    ) {
        let service = service();
        for (action, members) in calls {
            let mut params = vec![("Action".to_string(), action.to_string()), ("Version".to_string(), "2010-05-08".to_string())];
            let mut seen = std::collections::BTreeSet::new();
            params.extend(members.into_iter().filter(|(k, _)| seen.insert(*k)).map(|(k, v)| (k.to_string(), v)));
            let reply = service.handle(&signed_for("iam", &params));
            let Reply::Answer { status, body, .. } = &reply else { panic!("dropped: {reply:?}") };
            prop_assert!(*status < 500, "{action}: {body}");
            prop_assert!(sts_wire::xml::parse(body).is_ok(), "{body}");
        }
        prop_assert_eq!(status(&service.handle(&signed_gci())), 200);
    }
}
