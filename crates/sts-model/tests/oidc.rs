//! AssumeRoleWithWebIdentity with real JWT verification: for every check, a token that passes and
//! one that fails for exactly that reason.

use base64::Engine as _;
use serde_json::json;
use sts_model::oidc::{Algorithm, NO_VERIFICATION_KEY, TokenBuilder};
use sts_model::request::{AssumeRoleWithWebIdentityRequest, PolicyDescriptor};
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::{OidcProvider, Role, World};
use sts_model::{Caller, ErrorCode, Request, Response, Sts, StsError};

const ACCOUNT: &str = "123456789012";
const ISSUER: &str = "https://oidc.example.com";
const PROVIDER_ARN: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

fn sts() -> Sts {
    let mut w = World::default();
    w.add_oidc_provider(
        ACCOUNT,
        OidcProvider {
            url: ISSUER.into(),
            client_ids: vec!["sts.amazonaws.com".into(), "app".into()],
            jwks: None,
            context_provider: false,
            thumbprints: vec![],
            created: None,
        },
    )
    .unwrap();
    w.add_role(ACCOUNT, Role::new("ci").trust(PROVIDER_ARN).max_session_duration(7200)).unwrap();
    w.add_role(
        ACCOUNT,
        Role::new("main-only")
            .trust(PROVIDER_ARN)
            .trust_conditions(r#"{"StringLike": {"oidc.example.com:sub": "repo:org/app:ref:refs/heads/main"}, "StringEquals": {"oidc.example.com:aud": "sts.amazonaws.com"}}"#)
            .unwrap(),
    )
    .unwrap();
    w.add_role(ACCOUNT, Role::new("users-only")).unwrap();
    w.account_mut(ACCOUNT).unwrap().disabled_regions.insert("ap-east-1".into());
    w.add_managed_policy(
        "arn:aws:iam::123456789012:policy/read-only",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
    );
    Sts::new(w, 3)
}

fn token() -> TokenBuilder {
    TokenBuilder::new(ISSUER, now()).sub("repo:org/app:ref:refs/heads/main")
}

fn request(role: &str, token: String) -> AssumeRoleWithWebIdentityRequest {
    AssumeRoleWithWebIdentityRequest {
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
        role_session_name: "gh".into(),
        web_identity_token: token,
        ..Default::default()
    }
}

fn call_at(sts: &mut Sts, at: OffsetDateTime, req: AssumeRoleWithWebIdentityRequest) -> Result<Response, StsError> {
    sts.call(at, &Caller::Anonymous, Request::AssumeRoleWithWebIdentity(req))
}

fn call(req: AssumeRoleWithWebIdentityRequest) -> Result<Response, StsError> {
    call_at(&mut sts(), now(), req)
}

fn refused(result: Result<Response, StsError>, code: ErrorCode, message: &str) {
    let err = result.expect_err("the call must fail");
    assert_eq!(err.code, code, "{err}");
    assert!(err.message.contains(message), "{:?} lacks {message:?}", err.message);
}

fn web_identity(result: Result<Response, StsError>) -> sts_model::response::AssumeRoleWithWebIdentityResponse {
    match result.expect("the call succeeds") {
        Response::AssumeRoleWithWebIdentity(r) => r,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_valid_token_gives_credentials_and_the_documented_fields() {
    let r = web_identity(call(request("ci", token().sign())));
    assert_eq!(r.subject_from_web_identity_token.as_deref(), Some("repo:org/app:ref:refs/heads/main"));
    assert_eq!(r.audience.as_deref(), Some("sts.amazonaws.com"));
    assert_eq!(r.provider.as_deref(), Some(PROVIDER_ARN), "real responses carry the provider ARN");
    let user = r.assumed_role_user.unwrap();
    assert_eq!(user.arn, format!("arn:aws:sts::{ACCOUNT}:assumed-role/ci/gh"));
    let creds = r.credentials.unwrap();
    assert!(creds.access_key_id.starts_with("ASIA"));
    assert_eq!(creds.expiration, now() + Duration::hours(1));
    assert_eq!(r.packed_policy_size, None);
}

#[test]
fn every_accepted_algorithm_verifies() {
    for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::ES256, Algorithm::ES384] {
        web_identity(call(request("ci", token().algorithm(alg).sign())));
    }
}

/// The same algorithm in the independent implementation (jsonwebtoken over RustCrypto).
fn jwt_algorithm(alg: Algorithm) -> jsonwebtoken::Algorithm {
    alg.name().parse().unwrap()
}

#[test]
fn the_test_idp_tokens_verify_in_an_independent_implementation() {
    // Oracle: jsonwebtoken with RustCrypto (another RSA and ECDSA implementation than ring's)
    // verifies each token against the published test JWKS.
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(sts_model::oidc::test_jwks()).unwrap();
    for alg in Algorithm::ALL {
        let token = token().algorithm(alg).sign();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, jwt_algorithm(alg));
        let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jwt_algorithm(alg));
        validation.set_audience(&["sts.amazonaws.com"]);
        validation.validate_exp = false; // the token lives on the model's clock
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let claims = jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation).unwrap().claims;
        assert_eq!(claims["iss"], ISSUER, "{alg}");
        // And a tampered token does not verify there either.
        let forged = token.replacen('.', ".e", 1);
        assert!(jsonwebtoken::decode::<serde_json::Value>(&forged, &key, &validation).is_err(), "{alg}");
    }
}

#[test]
fn tokens_signed_by_an_independent_implementation_verify() {
    // The other direction: jsonwebtoken signs with the test IdP's private keys (their PEM files),
    // and the model verifies against the test JWKS.
    let keys = [
        (Algorithm::RS256, include_str!("../keys/idp-rsa.pem"), sts_model::oidc::RSA_KEY_ID),
        (Algorithm::RS512, include_str!("../keys/idp-rsa.pem"), sts_model::oidc::RSA_KEY_ID),
        (Algorithm::ES256, include_str!("../keys/idp-es256.pem"), sts_model::oidc::ES256_KEY_ID),
        (Algorithm::ES384, include_str!("../keys/idp-es384.pem"), sts_model::oidc::ES384_KEY_ID),
    ];
    let claims = json!({"iss": ISSUER, "sub": "repo:org/app:ref:refs/heads/main", "aud": "sts.amazonaws.com",
        "iat": now().unix_timestamp(), "exp": now().unix_timestamp() + 3600});
    for (alg, pem, kid) in keys {
        let key = if alg.name().starts_with("RS") {
            jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())
        } else {
            jsonwebtoken::EncodingKey::from_ec_pem(pem.as_bytes())
        }
        .unwrap();
        let mut header = jsonwebtoken::Header::new(jwt_algorithm(alg));
        header.kid = Some(kid.into());
        let token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
        web_identity(call(request("ci", token.clone())));
        // One byte of the signature changed: refused.
        let (body, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { signature.replacen('A', "B", 1) } else { format!("A{}", &signature[1..]) };
        refused(call(request("ci", format!("{body}.{flipped}"))), ErrorCode::InvalidIdentityToken, "signature is invalid");
    }
}

#[test]
fn a_tampered_payload_breaks_the_signature() {
    let good = token().sign();
    let parts: Vec<&str> = good.split('.').collect();
    let forged_claims = json!({"iss": ISSUER, "sub": "repo:org/evil:ref:refs/heads/main", "aud": "sts.amazonaws.com",
        "iat": now().unix_timestamp(), "exp": now().unix_timestamp() + 3600});
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(forged_claims.to_string());
    let tampered = format!("{}.{payload}.{}", parts[0], parts[2]);
    refused(call(request("ci", tampered)), ErrorCode::InvalidIdentityToken, "signature is invalid");
}

#[test]
fn a_token_signed_by_another_key_is_refused() {
    refused(call(request("ci", token().untrusted_key().sign())), ErrorCode::InvalidIdentityToken, "signature is invalid");
}

#[test]
fn alg_none_and_hmac_are_refused_before_any_key_is_used() {
    let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let claims =
        json!({"iss": ISSUER, "sub": "x", "aud": "sts.amazonaws.com", "iat": now().unix_timestamp(), "exp": now().unix_timestamp() + 600});
    let none = format!("{}.{}.", b64(json!({"alg": "none", "typ": "JWT"})), b64(claims.clone()));
    refused(call(request("ci", none)), ErrorCode::InvalidIdentityToken, "Unsupported JWT signing algorithm");
    // HS256 "signed" with the provider's public key: the classic key-confusion attack.
    let public_pem = include_str!("../keys/web-identity-rs256.pub.pem");
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(public_pem.as_bytes()),
    )
    .unwrap();
    refused(call(request("ci", hs)), ErrorCode::InvalidIdentityToken, "Unsupported JWT signing algorithm");
}

#[test]
fn garbage_is_not_a_jwt() {
    for garbage in ["abcd", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.!!!.sig", "....", "e30.e30.e30"] {
        let err = call(request("ci", garbage.into())).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidIdentityToken, "{garbage}: {err}");
    }
}

#[test]
fn the_issuer_must_be_a_provider_of_the_role_account() {
    let other = TokenBuilder::new("https://other.example.com", now()).sign();
    refused(
        call(request("ci", other)),
        ErrorCode::InvalidIdentityToken,
        "No OpenIDConnect provider found in your account for https://other.example.com",
    );
    // The match is exact: a trailing slash is another issuer (observed).
    let slash = TokenBuilder::new("https://oidc.example.com/", now()).sign();
    refused(call(request("ci", slash)), ErrorCode::InvalidIdentityToken, "No OpenIDConnect provider found");
}

#[test]
fn an_unknown_kid_means_no_verification_key() {
    refused(call(request("ci", token().kid(Some("rotated-away")).sign())), ErrorCode::InvalidIdentityToken, NO_VERIFICATION_KEY);
}

#[test]
fn a_provider_jwks_replaces_the_test_keys() {
    let mut sts = sts();
    // A provider whose JWKS holds only the P-256 key: RSA tokens no longer verify.
    let mut only_ec = sts_model::oidc::test_jwks();
    only_ec["keys"].as_array_mut().unwrap().retain(|k| k["kid"] == sts_model::oidc::ES256_KEY_ID);
    sts.world_mut()
        .add_oidc_provider(
            ACCOUNT,
            OidcProvider {
                url: ISSUER.into(),
                client_ids: vec!["sts.amazonaws.com".into()],
                jwks: Some(serde_json::to_string(&only_ec).unwrap()),
                context_provider: false,
                thumbprints: vec![],
                created: None,
            },
        )
        .unwrap();
    refused(call_at(&mut sts, now(), request("ci", token().sign())), ErrorCode::InvalidIdentityToken, NO_VERIFICATION_KEY);
    web_identity(call_at(&mut sts, now(), request("ci", token().algorithm(Algorithm::ES256).sign())));
}

#[test]
fn the_audience_must_be_a_client_id() {
    refused(call(request("ci", token().aud("someone-else").sign())), ErrorCode::InvalidIdentityToken, "Incorrect token audience");
    // azp wins over aud.
    let r = web_identity(call(request("ci", token().aud("someone-else").azp("app").sign())));
    assert_eq!(r.audience.as_deref(), Some("app"));
    refused(call(request("ci", token().azp("nope").sign())), ErrorCode::InvalidIdentityToken, "Incorrect token audience");
    // Several audiences without azp.
    refused(
        call(request("ci", token().claim("aud", json!(["app", "sts.amazonaws.com"])).sign())),
        ErrorCode::InvalidIdentityToken,
        "Incorrect token audience",
    );
}

#[test]
fn required_claims() {
    for claim in ["sub", "exp", "iat"] {
        refused(
            call(request("ci", token().claim(claim, serde_json::Value::Null).sign())),
            ErrorCode::InvalidIdentityToken,
            &format!("Missing a required claim: {claim}"),
        );
    }
    refused(
        call(request("ci", token().claim("aud", serde_json::Value::Null).sign())),
        ErrorCode::InvalidIdentityToken,
        "Missing a required claim: aud",
    );
}

#[test]
fn expiry_has_a_five_minute_grace() {
    let mut sts = sts();
    let expired_4_min_ago = token().exp_in(-240).sign();
    web_identity(call_at(&mut sts, now(), request("ci", expired_4_min_ago)));
    let expired_6_min_ago = token().exp_in(-360).sign();
    let err = call_at(&mut sts, now(), request("ci", expired_6_min_ago)).unwrap_err();
    assert_eq!(err.code, ErrorCode::ExpiredTokenException);
    assert_eq!(err.http_status(), 400);
    let exp = now().unix_timestamp() - 360;
    assert_eq!(
        err.message,
        format!("Token expired: current date/time {} must be before the expiration date/time {exp}", now().unix_timestamp())
    );
}

#[test]
fn iat_and_nbf_must_not_be_in_the_future() {
    let future = TokenBuilder::new(ISSUER, now() + Duration::minutes(10)).sign();
    refused(call(request("ci", future)), ErrorCode::InvalidIdentityToken, "issued in the future");
    let slightly = TokenBuilder::new(ISSUER, now() + Duration::minutes(2)).sign();
    web_identity(call(request("ci", slightly)));
    let nbf = token().claim("nbf", json!(now().unix_timestamp() + 900)).sign();
    refused(call(request("ci", nbf)), ErrorCode::InvalidIdentityToken, "not valid yet");
}

#[test]
fn trust_policy_principal_and_conditions() {
    web_identity(call(request("main-only", token().sign())));
    refused(
        call(request("main-only", token().sub("repo:org/app:ref:refs/heads/dev").sign())),
        ErrorCode::AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
    refused(call(request("main-only", token().azp("app").sign())), ErrorCode::AccessDenied, "Not authorized");
    // A role that does not trust the provider.
    refused(call(request("users-only", token().sign())), ErrorCode::AccessDenied, "Not authorized");
    refused(call(request("missing", token().sign())), ErrorCode::AccessDenied, "Not authorized");
}

#[test]
fn tags_and_source_identity_from_claims() {
    let mut sts = sts();
    let nested =
        token().tags(&[("Project", "Automation")], &["Project"]).claim(sts_model::oidc::SOURCE_IDENTITY_CLAIM, json!("alice")).sign();
    let r = web_identity(call_at(&mut sts, now(), request("ci", nested)));
    assert_eq!(r.source_identity.as_deref(), Some("alice"));
    assert!(r.packed_policy_size.is_some_and(|p| (1..=100).contains(&p)));
    let c = r.credentials.unwrap();
    let session = sts.session(&c.access_key_id, &c.session_token).unwrap();
    assert!(session.tags.iter().any(|t| t.key == "Project" && t.value == "Automation"));
    assert_eq!(session.transitive_tag_keys, vec!["Project".to_string()]);

    let flat = token()
        .claim("https://aws.amazon.com/tags/principal_tags/Team", json!("blue"))
        .claim("https://aws.amazon.com/tags/transitive_tag_keys", json!(["Team"]))
        .sign();
    let r = web_identity(call_at(&mut sts, now(), request("ci", flat)));
    let c = r.credentials.unwrap();
    let session = sts.session(&c.access_key_id, &c.session_token).unwrap();
    assert!(session.tags.iter().any(|t| t.key == "Team" && t.value == "blue"));

    let both = token().tags(&[("A", "1")], &[]).claim("https://aws.amazon.com/tags/principal_tags/B", json!("2")).sign();
    refused(call(request("ci", both)), ErrorCode::InvalidIdentityToken, "both the nested and the flattened");
    let bad_si = token().claim(sts_model::oidc::SOURCE_IDENTITY_CLAIM, json!("aws:admin")).sign();
    refused(call(request("ci", bad_si)), ErrorCode::InvalidIdentityToken, "Source Identity must match");
    let dup = token().tags(&[("Team", "a"), ("team", "b")], &[]).sign();
    refused(call(request("ci", dup)), ErrorCode::InvalidIdentityToken, "Duplicate tag keys");
}

#[test]
fn durations_policies_and_regions() {
    let mut req = request("ci", token().sign());
    req.duration_seconds = Some(7200);
    assert_eq!(web_identity(call(req.clone())).credentials.unwrap().expiration, now() + Duration::hours(2));
    req.duration_seconds = Some(7201);
    refused(call(req), ErrorCode::ValidationError, "exceeds the MaxSessionDuration set for this role");

    let mut req = request("ci", token().sign());
    req.policy = Some("{not json".into());
    refused(call(req), ErrorCode::MalformedPolicyDocument, "");

    let mut req = request("ci", token().sign());
    req.policy_arns = Some(vec![PolicyDescriptor { arn: Some("arn:aws:iam::123456789012:policy/read-only".into()) }]);
    let r = web_identity(call(req));
    assert!(r.packed_policy_size.is_some());

    let many: Vec<(String, String)> =
        (0..50).map(|i| (format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15))).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    refused(call(request("ci", token().tags(&refs, &[]).sign())), ErrorCode::PackedPolicyTooLarge, "% of allotted space");

    let mut regional =
        Sts::with_config(sts().world().clone(), 3, sts_model::StsConfig { region: Some("ap-east-1".into()), ..Default::default() });
    refused(
        call_at(&mut regional, now(), request("ci", token().sign())),
        ErrorCode::RegionDisabledException,
        "not activated in this region",
    );
}

#[test]
fn oauth_provider_ids_are_rejected_by_the_provider() {
    let mut req = request("ci", "opaque-access-token".into());
    req.provider_id = Some("graph.facebook.com".into());
    let err = call(req).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::IDPRejectedClaim, 403));
    assert_eq!(err.message, "graph.facebook.com: graph.facebook.com responded with HTTP/1.1 400 Bad Request");
}

#[test]
fn trust_conditions_on_amr() {
    let mut sts = sts();
    sts.world_mut()
        .add_role(
            ACCOUNT,
            Role::new("authenticated-only")
                .trust(PROVIDER_ARN)
                .trust_conditions(r#"{"ForAnyValue:StringLike": {"oidc.example.com:amr": "authenticated"}}"#)
                .unwrap(),
        )
        .unwrap();
    let authenticated = token().claim("amr", json!(["authenticated", "cognito"])).sign();
    web_identity(call_at(&mut sts, now(), request("authenticated-only", authenticated)));
    let anonymous = token().claim("amr", json!(["unauthenticated"])).sign();
    refused(call_at(&mut sts, now(), request("authenticated-only", anonymous)), ErrorCode::AccessDenied, "Not authorized");
    refused(call_at(&mut sts, now(), request("authenticated-only", token().sign())), ErrorCode::AccessDenied, "Not authorized");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any string as a token, and any three dot-separated base64url segments, is refused with
    /// InvalidIdentityToken, never a panic.
    #[test]
    fn arbitrary_tokens_are_refused_cleanly(raw in ".{0,300}", a in "[A-Za-z0-9_-]{0,80}", b in "[A-Za-z0-9_-]{0,200}", c in "[A-Za-z0-9_-]{0,100}") {
        for token in [raw, format!("{a}.{b}.{c}"), format!("eyJhbGciOiJSUzI1NiJ9.{b}.{c}")] {
            let err = call(request("ci", token)).unwrap_err();
            proptest::prop_assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
        }
    }
}

/// A provider with a context provider attached: the answer and the session carry the origin
/// identity (the token's `sub`, its `iss` without `https://` as documented, the provider ARN) and
/// the transaction keys; a provider without one gives none, and no transaction claim no map.
#[test]
fn a_context_provider_fills_trusted_identity_propagation_context() {
    use sts_model::oidc::{SUBJECT_TYPE_CLAIM, TRANSACTION_CONTEXT_CLAIM};
    let mut sts = sts();
    assert_eq!(web_identity(call_at(&mut sts, now(), request("ci", token().aud("app").sign()))).trusted_identity_propagation_context, None);
    sts.world_mut().account_mut(ACCOUNT).unwrap().oidc_providers.get_mut("oidc.example.com").unwrap().context_provider = true;
    let signed =
        token().aud("app").claim(SUBJECT_TYPE_CLAIM, json!("workload")).claim(TRANSACTION_CONTEXT_CLAIM, json!({"ticket": "T-42"})).sign();
    let answer = web_identity(call_at(&mut sts, now(), request("ci", signed)));
    let context = answer.trusted_identity_propagation_context.expect("context");
    let origin = context.origin_identity.expect("origin identity");
    assert_eq!(origin.subject.as_deref(), Some("repo:org/app:ref:refs/heads/main"));
    assert_eq!(origin.issuer.as_deref(), Some("oidc.example.com"));
    assert_eq!(origin.subject_type.as_deref(), Some("workload"));
    assert_eq!(origin.federated_provider_arn.as_deref(), Some(PROVIDER_ARN));
    let map = context.transaction_context.and_then(|t| t.identity_provider).expect("transaction keys");
    assert_eq!(map.into_iter().collect::<Vec<_>>(), vec![("ticket".to_string(), "T-42".to_string())]);
    let c = answer.credentials.unwrap();
    let session = sts.session(&c.access_key_id, &c.session_token).unwrap();
    assert!(session.identity_context.is_some(), "the session keeps it for later calls");

    let plain = web_identity(call_at(&mut sts, now(), request("ci", token().aud("app").sign())));
    let context = plain.trusted_identity_propagation_context.expect("context");
    assert_eq!(context.transaction_context, None, "no transaction claim, no map");
    assert_eq!(context.origin_identity.unwrap().subject_type.as_deref(), Some("user"), "a person unless the token says otherwise");
    let too_long = token().aud("app").claim(TRANSACTION_CONTEXT_CLAIM, json!({"k": "v".repeat(129)})).sign();
    refused(call_at(&mut sts, now(), request("ci", too_long)), ErrorCode::InvalidIdentityToken, "at most 128 characters");
}

/// A role trusting the provider for `sts:AssumeRoleWithWebIdentity` alone.
fn assume_only_role(sts: &mut Sts) {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER_ARN}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
    );
    sts.world_mut().add_role(ACCOUNT, Role::new("assume-only").trust_policy_document(&trust).unwrap()).unwrap();
}

/// Session tags in the token need `sts:TagSession` in the trust policy besides the assume action
/// (documented: IAM user guide, passing session tags with AssumeRoleWithWebIdentity); a token
/// without tags needs the assume action only.
#[test]
fn token_tags_need_tag_session_and_no_tags_need_only_the_assume_action() {
    let mut sts = sts();
    assume_only_role(&mut sts);
    web_identity(call_at(&mut sts, now(), request("assume-only", token().sign())));
    refused(
        call_at(&mut sts, now(), request("assume-only", token().tags(&[("Project", "Automation")], &[]).sign())),
        ErrorCode::AccessDenied,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
}

/// Too large a session policy overflows with the policy wording, too many token tags with the tag
/// wording (both observed wordings of PackedPolicyTooLarge).
#[test]
fn packed_overflows_are_worded_for_what_overflowed() {
    let statements: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i:04x}-{:016x}/*"}}"#,
                (i as u64 + 3).wrapping_mul(0x2545F4914F6CDD1D)
            )
        })
        .collect();
    let mut req = request("ci", token().sign());
    req.policy = Some(format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")));
    let err = call(req).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackedPolicyTooLarge);
    assert!(err.message.starts_with("Packed policy consumes "), "{}", err.message);

    let many: Vec<(String, String)> =
        (0..50).map(|i| (format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15))).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let err = call(request("ci", token().tags(&refs, &[]).sign())).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackedPolicyTooLarge);
    assert!(err.message.starts_with("Packed size of session tags consumes "), "{}", err.message);
}

/// The session token carries the assumed-role ARN base64-encoded: twelve more characters of
/// session name are sixteen more token bytes.
#[test]
fn session_tokens_grow_four_bytes_per_three_characters_of_arn() {
    let mut sts = sts();
    let mut sizes = Vec::new();
    for name in ["gh", "gh-123456789ab"] {
        let mut req = request("ci", token().sign());
        req.role_session_name = name.into();
        sizes.push(web_identity(call_at(&mut sts, now(), req)).credentials.unwrap().session_token.len());
    }
    assert_eq!(sizes[1], sizes[0] + 16, "{sizes:?}");
}
