//! GetScopedCredentials and trusted identity propagation in the model, against the documented rules
//! (botocore 1.44.8 model and operation reference) and hand-worked values.

mod common;

use common::*;
use sts_model::policy::{AccessRequest, Decision};
use sts_model::request::{
    AssumeRoleRequest, GetFederationTokenRequest, GetScopedCredentialsRequest, GetWebIdentityTokenRequest, ProvidedContext,
};
use sts_model::response::{OriginIdentity, TrustedIdentityPropagationContext};
use sts_model::time::Duration;
use sts_model::{Caller, ErrorCode, Request, Response, StsConfig};

const ALLOW_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const ALLOW_GET: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn scope(policy: Option<&str>, duration: Option<i32>) -> Request {
    Request::GetScopedCredentials(GetScopedCredentialsRequest {
        policy: policy.map(str::to_owned),
        duration_seconds: duration,
        ..Default::default()
    })
}

fn scoped(result: Result<Response, sts_model::StsError>) -> sts_model::response::GetScopedCredentialsResponse {
    match result.expect("GetScopedCredentials succeeds") {
        Response::GetScopedCredentials(r) => r,
        other => panic!("{other:?}"),
    }
}

/// An AssumeRole session of `demo` (one hour) whose role may do s3:* and dynamodb:GetItem.
fn role_session(sts: &mut sts_model::Sts) -> Caller {
    sts.world_mut().account_mut(MAIN).unwrap().roles.get_mut("demo").unwrap().inline_policies.insert(
        "app".into(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","dynamodb:GetItem"],"Resource":"*"}]}"#.into(),
    );
    let alice = user(sts, MAIN, "alice");
    session(&credentials(call(sts, &alice, Request::AssumeRole(assume("demo", "app")))))
}

fn key(caller: &Caller) -> String {
    match caller {
        Caller::Credentials { access_key_id, .. } => access_key_id.clone(),
        Caller::Anonymous => unreachable!(),
    }
}

#[test]
fn identity_expiration_and_layers_follow_the_documentation() {
    let mut sts = sts();
    let base = role_session(&mut sts);
    let out = scoped(call(&mut sts, &base, scope(Some(ALLOW_S3), None)));
    let info = out.session_info.clone().unwrap();
    // Hand-worked: the caller's assumed-role ARN, and its AROA id with the session name.
    assert_eq!(info.arn, format!("arn:aws:sts::{MAIN}:assumed-role/demo/app"));
    let role_id = sts.world().role(MAIN, "demo").unwrap().role_id.clone();
    assert_eq!(info.scoped_session_id, format!("{role_id}:app"));
    assert_eq!(out.scoped_policies_count, Some(1));
    // Omitted DurationSeconds: the caller's expiration, one hour after `now`.
    assert_eq!(out.credentials.as_ref().unwrap().expiration, now() + Duration::hours(1));
    let scoped_caller = session(out.credentials.as_ref().unwrap());
    assert_ne!(key(&scoped_caller), key(&base), "a new key pair");
    assert_eq!(caller_arn(&mut sts, &scoped_caller), info.arn);
    // A duration-only call adds no layer.
    let shorter = scoped(call(&mut sts, &scoped_caller, scope(None, Some(60))));
    assert_eq!(shorter.scoped_policies_count, Some(1));
    assert_eq!(shorter.credentials.unwrap().expiration, now() + Duration::seconds(60));
}

#[test]
fn remaining_lifetime_is_a_hard_ceiling() {
    let mut sts = sts();
    let base = role_session(&mut sts);
    // 3600 seconds remain: 3600 is granted, 3601 is not.
    assert!(call(&mut sts, &base, scope(None, Some(3600))).is_ok());
    assert_error(
        call(&mut sts, &base, scope(None, Some(3601))),
        ErrorCode::InsufficientSessionLifetime,
        "greater than the remaining lifetime",
    );
    // Ten minutes later, 3000 remain.
    let later = now() + Duration::seconds(600);
    assert!(sts.call(later, &base, scope(None, Some(3000))).is_ok());
    let err = sts.call(later, &base, scope(None, Some(3001))).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::InsufficientSessionLifetime, 400));
}

#[test]
fn permissions_are_the_intersection_of_every_layer() {
    let mut sts = sts();
    let base = role_session(&mut sts);
    let one = session(scoped(call(&mut sts, &base, scope(Some(ALLOW_S3), None))).credentials.as_ref().unwrap());
    let two = session(scoped(call(&mut sts, &one, scope(Some(ALLOW_GET), None))).credentials.as_ref().unwrap());
    let decide = |sts: &sts_model::Sts, who: &Caller, action: &str| {
        let Caller::Credentials { access_key_id, session_token } = who else { unreachable!() };
        sts.is_allowed(now(), access_key_id, session_token.as_deref(), &AccessRequest::new(action, "*")).unwrap()
    };
    // Hand-worked table: role {s3:*, dynamodb:GetItem} ∩ layer 1 {s3:*} ∩ layer 2 {s3:GetObject}.
    assert_eq!(decide(&sts, &base, "dynamodb:GetItem"), Decision::Allow);
    assert_eq!(decide(&sts, &one, "dynamodb:GetItem"), Decision::ImplicitDeny);
    assert_eq!(decide(&sts, &one, "s3:PutObject"), Decision::Allow);
    assert_eq!(decide(&sts, &two, "s3:PutObject"), Decision::ImplicitDeny);
    assert_eq!(decide(&sts, &two, "s3:GetObject"), Decision::Allow);
}

#[test]
fn a_fourth_layer_is_denied_but_duration_only_calls_pass() {
    let mut sts = sts();
    let mut caller = role_session(&mut sts);
    for expected in 1..=3 {
        let out = scoped(call(&mut sts, &caller, scope(Some(ALLOW_S3), None)));
        assert_eq!(out.scoped_policies_count, Some(expected));
        caller = session(out.credentials.as_ref().unwrap());
    }
    assert_error(call(&mut sts, &caller, scope(Some(ALLOW_S3), None)), ErrorCode::AccessDenied, "maximum of 3 scoped policies");
    assert_eq!(scoped(call(&mut sts, &caller, scope(None, Some(900)))).scoped_policies_count, Some(3));
}

#[test]
fn long_term_keys_and_vanished_principals_are_invalid_subjects() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let root = root(&sts, MAIN);
    for caller in [&alice, &root] {
        let err = call(&mut sts, caller, scope(None, Some(900))).unwrap_err();
        assert_eq!((err.code, err.http_status(), err.kind().as_str()), (ErrorCode::InvalidSubjectCredentials, 400, "Sender"));
    }
    // The role behind a session is deleted: the session can no longer be resolved.
    let base = role_session(&mut sts);
    sts.world_mut().account_mut(MAIN).unwrap().roles.remove("demo");
    assert_error(call(&mut sts, &base, scope(None, Some(900))), ErrorCode::InvalidSubjectCredentials, "could not be validated or resolved");
}

#[test]
fn a_request_needs_a_policy_or_a_duration() {
    let mut sts = sts();
    let base = role_session(&mut sts);
    assert_error(call(&mut sts, &base, scope(None, None)), ErrorCode::ValidationError, "Policy or DurationSeconds");
}

#[test]
fn source_identity_tags_and_mfa_are_carried() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let request = AssumeRoleRequest {
        source_identity: Some("alice-laptop".into()),
        tags: tags(&[("Project", "Pegasus"), ("Stage", "ci")]),
        transitive_tag_keys: Some(vec!["Project".into()]),
        serial_number: Some(format!("arn:aws:iam::{MAIN}:mfa/alice")),
        token_code: Some("123456".into()),
        ..assume("demo", "app")
    };
    let base = session(&credentials(call(&mut sts, &alice, Request::AssumeRole(request))));
    let out = scoped(call(&mut sts, &base, scope(None, Some(900))));
    assert_eq!(out.source_identity.as_deref(), Some("alice-laptop"));
    let scoped_creds = out.credentials.as_ref().unwrap();
    let s = sts.session(&scoped_creds.access_key_id, &scoped_creds.session_token).unwrap();
    assert!(s.mfa_authenticated && s.scoped);
    assert!(s.tags.iter().any(|t| t.key == "Stage" && t.value == "ci"));
    assert_eq!(s.transitive_tag_keys, vec!["Project".to_string()]);
    // Chaining from the scoped session passes the transitive tag on, as from its caller.
    let chained = credentials(call(&mut sts, &session(out.credentials.as_ref().unwrap()), Request::AssumeRole(assume("next", "n"))));
    assert!(
        sts.session(&chained.access_key_id, &chained.session_token)
            .unwrap()
            .tags
            .iter()
            .any(|t| t.key == "Project" && t.value == "Pegasus")
    );
}

#[test]
fn federated_and_session_token_sessions_may_scope_and_keep_their_restrictions() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let fed = session(&credentials(call(
        &mut sts,
        &alice,
        Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), policy: Some(ALLOW_S3.into()), ..Default::default() }),
    )));
    let out = scoped(call(&mut sts, &fed, scope(Some(ALLOW_GET), None)));
    assert_eq!(out.session_info.unwrap().arn, format!("arn:aws:sts::{MAIN}:federated-user/fed"));
    let scoped_fed = session(out.credentials.as_ref().unwrap());
    assert_error(call(&mut sts, &scoped_fed, Request::AssumeRole(assume("demo", "x"))), ErrorCode::AccessDenied, "federated-user/fed");
    let gst = session(&credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default()))));
    assert_eq!(scoped(call(&mut sts, &gst, scope(None, Some(900)))).session_info.unwrap().arn, format!("arn:aws:iam::{MAIN}:user/alice"));
}

#[test]
fn the_global_endpoint_does_not_offer_it() {
    let mut sts = sts_with(StsConfig { region: None, ..StsConfig::default() });
    let base = role_session(&mut sts);
    assert_error(call(&mut sts, &base, scope(None, Some(900))), ErrorCode::InvalidAction, "Unknown Operation");
}

#[test]
fn an_expiration_past_year_9999_is_refused_not_a_panic() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let late = sts_model::time::macros::datetime!(9999-12-31 23:00 UTC);
    let err = sts.call(late, &alice, Request::GetSessionToken(Default::default())).unwrap_err();
    assert_eq!(err.code, ErrorCode::ValidationError);
}

fn origin(subject: &str) -> TrustedIdentityPropagationContext {
    TrustedIdentityPropagationContext {
        origin_identity: Some(OriginIdentity {
            subject: Some(subject.into()),
            issuer: Some("idp.example.com".into()),
            ..Default::default()
        }),
        transaction_context: None,
    }
}

fn with_context(sts: &mut sts_model::Sts, assertion: &str, provider: &str) -> Result<Response, sts_model::StsError> {
    let alice = user(sts, MAIN, "alice");
    let request = AssumeRoleRequest {
        provided_contexts: Some(vec![ProvidedContext { provider_arn: Some(provider.into()), context_assertion: Some(assertion.into()) }]),
        ..assume("demo", "app")
    };
    call(sts, &alice, Request::AssumeRole(request))
}

#[test]
fn context_assertions_are_checked_and_carried_through_scoping() {
    use sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN as IDC;
    let mut sts = sts();
    let assertion = sts.issue_context_assertion(origin("alice@example.com"), now() + Duration::minutes(5));
    assert_error(with_context(&mut sts, "AAAAnot-issued", IDC), ErrorCode::InvalidContextAssertion, "malformed");
    assert_error(
        with_context(&mut sts, &assertion, "arn:aws:iam::aws:contextProvider/Other"),
        ErrorCode::InvalidContextAssertion,
        "trusted",
    );
    let mut late = sts.clone();
    let alice = user(&late, MAIN, "alice");
    let request = AssumeRoleRequest {
        provided_contexts: Some(vec![ProvidedContext { provider_arn: Some(IDC.into()), context_assertion: Some(assertion.clone()) }]),
        ..assume("demo", "app")
    };
    let err = late.call(now() + Duration::minutes(5), &alice, Request::AssumeRole(request)).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::InvalidContextAssertion, 400));

    let base = session(&credentials(with_context(&mut sts, &assertion, IDC)));
    let scoped_creds = scoped(call(&mut sts, &base, scope(None, Some(600)))).credentials.unwrap();
    let context = sts.session(&scoped_creds.access_key_id, &scoped_creds.session_token).unwrap().identity_context.clone();
    assert_eq!(context.as_deref(), Some(&origin("alice@example.com")));
}

fn jwt_claims(token: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn web_identity_token(
    sts: &mut sts_model::Sts,
    caller: &Caller,
    mode: Option<&str>,
    scope: Option<&str>,
) -> Result<String, sts_model::StsError> {
    let request = GetWebIdentityTokenRequest {
        audience: vec!["https://api.example.com".into()],
        signing_algorithm: "RS256".into(),
        subject_mode: mode.map(str::to_owned),
        scope: scope.map(str::to_owned),
        ..Default::default()
    };
    match call(sts, caller, Request::GetWebIdentityToken(request))? {
        Response::GetWebIdentityToken(r) => Ok(r.web_identity_token.unwrap()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn origin_identity_tokens_carry_the_origin_subject_scope_and_the_role_as_principal() {
    use sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN as IDC;
    let mut sts = sts();
    let assertion = sts.issue_context_assertion(origin("alice@example.com"), now() + Duration::minutes(5));
    let base = session(&credentials(with_context(&mut sts, &assertion, IDC)));
    let role_arn = format!("arn:aws:iam::{MAIN}:role/demo");

    let default = jwt_claims(&web_identity_token(&mut sts, &base, None, None).unwrap());
    assert_eq!(default["sub"], format!("arn:aws:sts::{MAIN}:assumed-role/demo/app"));
    assert_eq!(default["https://sts.amazonaws.com/"]["principal_id"], role_arn, "documented: the role's ARN for a role session");
    assert!(default.get("subject_mode").is_none() && default.get("scope").is_none());

    let origin_claims = jwt_claims(&web_identity_token(&mut sts, &base, Some("OriginIdentity"), Some("orders:read orders:write")).unwrap());
    assert_eq!(origin_claims["sub"], "alice@example.com");
    assert_eq!(origin_claims["subject_mode"], "OriginIdentity");
    assert_eq!(origin_claims["scope"], "orders:read orders:write");
    assert_eq!(origin_claims["https://sts.amazonaws.com/"]["principal_id"], role_arn);

    assert_error(
        web_identity_token(&mut sts, &base, Some("OriginIdentity"), Some("a b a")).map(|_| Response::GetCallerIdentity(Default::default())),
        ErrorCode::ValidationError,
        "unique",
    );
    assert_error(
        web_identity_token(&mut sts, &base, None, Some("a")).map(|_| Response::GetCallerIdentity(Default::default())),
        ErrorCode::ValidationError,
        "OriginIdentity",
    );
    let plain = user(&sts, MAIN, "alice");
    assert_error(
        web_identity_token(&mut sts, &plain, Some("OriginIdentity"), None).map(|_| Response::GetCallerIdentity(Default::default())),
        ErrorCode::ValidationError,
        "aws:OriginIdentity/Subject",
    );
}

#[test]
fn subjects_that_could_pass_for_something_else_are_denied() {
    use sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN as IDC;
    for subject in ["arn:aws:iam::123456789012:user/x", "ARN:x", " alice", "alice ", "al\u{200B}ice", "al\tice", "al\u{2028}ice"] {
        let mut sts = sts();
        let assertion = sts.issue_context_assertion(origin(subject), now() + Duration::minutes(5));
        let base = session(&credentials(with_context(&mut sts, &assertion, IDC)));
        let err = web_identity_token(&mut sts, &base, Some("OriginIdentity"), None).unwrap_err();
        assert_eq!(err.code, ErrorCode::AccessDenied, "{subject:?}");
    }
    // A plain inner space is fine.
    let mut sts = sts();
    let assertion = sts.issue_context_assertion(origin("Alice Example"), now() + Duration::minutes(5));
    let base = session(&credentials(with_context(&mut sts, &assertion, IDC)));
    assert!(web_identity_token(&mut sts, &base, Some("OriginIdentity"), None).is_ok());
}

/// The model remembers the last 1024 context assertions it issued (bounded memory): the oldest is
/// then refused as any unknown assertion, the newest still works.
#[test]
fn context_assertions_are_bounded() {
    use sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN as IDC;
    let mut sts = sts();
    let first = sts.issue_context_assertion(origin("first"), now() + Duration::minutes(5));
    for i in 0..1023 {
        sts.issue_context_assertion(origin(&format!("s{i}")), now() + Duration::minutes(5));
    }
    // Exactly 1024 issued: the first is still there (an assertion may be presented more than once).
    assert!(with_context(&mut sts.clone(), &first, IDC).is_ok());
    let last = sts.issue_context_assertion(origin("last"), now() + Duration::minutes(5));
    assert_error(with_context(&mut sts, &first, IDC), ErrorCode::InvalidContextAssertion, "malformed");
    assert!(with_context(&mut sts, &last, IDC).is_ok());
}

/// Each scope-down layer adds its packed policy to what the token carries: the token grows, and
/// two hard-to-compress layers overflow the packed budget (PackedPolicyTooLarge, as AssumeRole).
#[test]
fn layers_add_to_the_token_and_the_packed_budget() {
    // A resource of 960 characters drawn by a fixed linear congruential generator: deflate cannot shrink it much.
    let noise = |seed: u64| -> String {
        let mut x = seed;
        (0..960)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[(x >> 33) as usize % 36])
            })
            .collect()
    };
    let policy = |seed: u64| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}/*"}}]}}"#,
            noise(seed)
        )
    };
    let mut sts = sts();
    let base = role_session(&mut sts);
    let shortened = scoped(call(&mut sts, &base, scope(None, Some(900))));
    let one = scoped(call(&mut sts, &base, scope(Some(&policy(1)), None)));
    assert!(
        one.session_token_size.unwrap() > shortened.session_token_size.unwrap() + 500,
        "a 700-byte packed layer travels in the token: {:?} vs {:?}",
        one.session_token_size,
        shortened.session_token_size
    );
    let caller = session(one.credentials.as_ref().unwrap());
    let err = call(&mut sts, &caller, scope(Some(&policy(2)), None)).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::PackedPolicyTooLarge, 400), "{err}");
}

/// What one layer adds to the token, hand-worked: a fixed 64 bytes for the layer (fidelity:
/// inferred) plus its packed policy in base64, which for a one-statement policy is at most the
/// statement's own length (deflate of short text gains little), base64-inflated.
#[test]
fn a_layer_adds_its_fixed_cost_and_its_packed_policy_to_the_token() {
    let mut sts = sts();
    let base = role_session(&mut sts);
    let without = scoped(call(&mut sts, &base, scope(None, Some(900)))).session_token_size.unwrap();
    let with = scoped(call(&mut sts, &base, scope(Some(ALLOW_GET), None))).session_token_size.unwrap();
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#.len() as i32;
    let growth = with - without;
    assert!(growth >= 64 + 4, "the layer's fixed cost and at least one base64 quantum: {growth}");
    assert!(growth <= 64 + ((statement + 8) / 3 + 1) * 4, "no more than the layer and its statement: {growth}");
}
