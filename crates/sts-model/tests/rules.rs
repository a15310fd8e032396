//! Each rule of the reference model, with a test that fails if the rule is removed.

mod common;

use common::*;
use sts_model::ids::account_from_key_id;
use sts_model::request::*;
use sts_model::time::Duration;
use sts_model::world::totp;
use sts_model::{Caller, ErrorCode, Request, Response, StsConfig};

// ---- credentials and sessions ----

#[test]
fn temporary_keys_are_asia_and_embed_the_account_like_long_term_keys() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let Caller::Credentials { access_key_id: long_term, .. } = &alice else { unreachable!() };
    assert!(long_term.starts_with("AKIA"));
    assert_eq!(account_from_key_id(long_term).as_deref(), Some(MAIN));
    let creds = credentials(call(
        &mut sts,
        &alice,
        Request::AssumeRole(AssumeRoleRequest { ..assume(&format!("arn:aws:iam::{OTHER}:role/cross"), "x") }),
    ));
    assert!(creds.access_key_id.starts_with("ASIA") && creds.access_key_id.len() == 20);
    assert_eq!(creds.secret_access_key.len(), 40);
    let info =
        call(&mut sts, &alice, Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: creds.access_key_id.clone() })).unwrap();
    let Response::GetAccessKeyInfo(info) = info else { panic!() };
    assert_eq!(info.account.as_deref(), Some(OTHER), "the session belongs to the role's account");
}

#[test]
fn session_tokens_vary_in_size_and_pad_to_the_requested_minimum() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let plain = call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s"))).unwrap();
    let Response::AssumeRole(plain) = plain else { panic!() };
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}]}"#;
    let bigger =
        call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { policy: Some(policy.into()), ..assume("demo", "s") })).unwrap();
    let Response::AssumeRole(bigger) = bigger else { panic!() };
    let plain_size = plain.session_token_size.unwrap();
    assert_eq!(plain_size as usize, plain.credentials.unwrap().session_token.len());
    assert!(bigger.session_token_size.unwrap() > plain_size, "session policies make the token larger");
    let padded =
        call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { minimum_session_token_size: Some(3000), ..assume("demo", "s") }))
            .unwrap();
    let Response::AssumeRole(padded) = padded else { panic!() };
    assert!(padded.credentials.unwrap().session_token.len() >= 3000);
    assert!(padded.session_token_utilization.unwrap() > plain.session_token_utilization.unwrap());
}

#[test]
fn the_padding_knob_makes_tokens_exceed_4096_bytes() {
    let mut sts = sts_with(StsConfig { session_token_padding: 4096, ..StsConfig::default() });
    let alice = user(&sts, MAIN, "alice");
    let creds = credentials(call(&mut sts, &alice, Request::GetSessionToken(GetSessionTokenRequest::default())));
    assert!(creds.session_token.len() > 4096);
    // Such a token still authenticates.
    assert!(call(&mut sts, &session(&creds), Request::GetCallerIdentity).is_ok());
}

#[test]
fn sessions_expire_on_the_model_clock() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let creds = credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s"))));
    let s = session(&creds);
    assert!(sts.call(after(3599), &s, Request::GetCallerIdentity).is_ok());
    let err = sts.call(after(3600), &s, Request::GetCallerIdentity).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::ExpiredToken, 403));
    assert_eq!(err.message, "The security token included in the request is expired");
}

#[test]
fn unknown_keys_and_mismatched_tokens_are_invalid_client_token_ids() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let creds = credentials(call(&mut sts, &alice, Request::GetSessionToken(GetSessionTokenRequest::default())));
    let cases = [
        Caller::access_key("AKIAQAAAAAAAAAAAAAAA"),
        Caller::Credentials { access_key_id: creds.access_key_id.clone(), session_token: None },
        Caller::Credentials { access_key_id: creds.access_key_id.clone(), session_token: Some("forged".into()) },
        Caller::Credentials {
            access_key_id: sts.world().user(MAIN, "alice").unwrap().access_keys[0].access_key_id.clone(),
            session_token: Some(creds.session_token.clone()),
        },
    ];
    for caller in cases {
        let err = call(&mut sts, &caller, Request::GetCallerIdentity).unwrap_err();
        assert_eq!((err.code, err.http_status()), (ErrorCode::InvalidClientTokenId, 403), "{caller:?}");
    }
}

#[test]
fn signed_operations_need_credentials_but_federation_operations_do_not() {
    let mut sts = sts();
    let err = call(&mut sts, &Caller::Anonymous, Request::GetCallerIdentity).unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::MissingAuthenticationToken, "Request is missing Authentication Token"));
    // Unsigned: reaches the operation's own checks instead.
    let err = call(
        &mut sts,
        &Caller::Anonymous,
        Request::AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest {
            role_arn: role_arn("demo"),
            role_session_name: "w".into(),
            web_identity_token: "not-a-jwt".into(),
            ..Default::default()
        }),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
}

// ---- durations ----

#[test]
fn assume_role_durations_default_to_an_hour_and_stop_at_the_role_maximum() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    assert_eq!(credentials(call(&mut sts, &alice, Request::AssumeRole(assume("next", "s")))).expiration, after(3600));
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { duration_seconds: Some(3601), ..assume("next", "s") })),
        ErrorCode::ValidationError,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    let long = credentials(call(
        &mut sts,
        &alice,
        Request::AssumeRole(AssumeRoleRequest { duration_seconds: Some(43200), ..assume("demo", "s") }),
    ));
    assert_eq!(long.expiration, after(43200));
}

#[test]
fn role_chaining_is_capped_at_one_hour() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let first = session(&credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s1")))));
    assert_error(
        call(&mut sts, &first, Request::AssumeRole(AssumeRoleRequest { duration_seconds: Some(3601), ..assume("chained", "s2") })),
        ErrorCode::ValidationError,
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    let chained = credentials(call(&mut sts, &first, Request::AssumeRole(assume("chained", "s2"))));
    assert_eq!(chained.expiration, after(3600));
}

#[test]
fn get_session_token_defaults_to_12_hours_for_users_and_clamps_root_to_one_hour() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let root = root(&sts, MAIN);
    assert_eq!(credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default()))).expiration, after(43200));
    let long = GetSessionTokenRequest { duration_seconds: Some(129600), ..Default::default() };
    assert_eq!(credentials(call(&mut sts, &alice, Request::GetSessionToken(long.clone()))).expiration, after(129600));
    assert_eq!(credentials(call(&mut sts, &root, Request::GetSessionToken(long))).expiration, after(3600));
    assert_eq!(credentials(call(&mut sts, &root, Request::GetSessionToken(Default::default()))).expiration, after(3600));
}

#[test]
fn get_federation_token_defaults_to_12_hours_and_clamps_root() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let root = root(&sts, MAIN);
    let req = |d: Option<i32>| {
        Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), duration_seconds: d, ..Default::default() })
    };
    assert_eq!(credentials(call(&mut sts, &alice, req(None))).expiration, after(43200));
    assert_eq!(credentials(call(&mut sts, &root, req(Some(7200)))).expiration, after(3600));
    assert_eq!(credentials(call(&mut sts, &root, req(None))).expiration, after(3600));
}

// ---- who may call what ----

#[test]
fn session_credentials_cannot_call_get_session_token_or_get_federation_token() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let role_session = session(&credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s")))));
    let gst_session = session(&credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default()))));
    for caller in [&role_session, &gst_session] {
        assert_error(
            call(&mut sts, caller, Request::GetSessionToken(Default::default())),
            ErrorCode::AccessDenied,
            "Cannot call GetSessionToken with session credentials",
        );
        assert_error(
            call(&mut sts, caller, Request::GetFederationToken(GetFederationTokenRequest { name: "f".into(), ..Default::default() })),
            ErrorCode::AccessDenied,
            "Cannot call GetFederationToken with session credentials",
        );
    }
}

#[test]
fn get_session_token_sessions_call_only_assume_role_and_get_caller_identity() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let s = session(&credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default()))));
    assert!(call(&mut sts, &s, Request::GetCallerIdentity).is_ok());
    assert!(call(&mut sts, &s, Request::AssumeRole(assume("demo", "s"))).is_ok());
    assert_error(
        call(&mut sts, &s, Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: "AKIAQAAAAAAAAAAAAAAA".into() })),
        ErrorCode::AccessDenied,
        "is not authorized to perform: sts:GetAccessKeyInfo",
    );
}

#[test]
fn federated_sessions_call_only_get_caller_identity() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let fed = session(&credentials(call(
        &mut sts,
        &alice,
        Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), ..Default::default() }),
    )));
    assert!(call(&mut sts, &fed, Request::GetCallerIdentity).is_ok());
    assert_error(
        call(&mut sts, &fed, Request::AssumeRole(assume("demo", "s"))),
        ErrorCode::AccessDenied,
        "federated-user/fed is not authorized to perform: sts:AssumeRole",
    );
}

#[test]
fn root_cannot_assume_roles() {
    let mut sts = sts();
    let root = root(&sts, MAIN);
    assert_error(
        call(&mut sts, &root, Request::AssumeRole(assume("demo", "s"))),
        ErrorCode::AccessDenied,
        "Roles may not be assumed by root accounts.",
    );
}

// ---- trust, ExternalId, MFA ----

#[test]
fn the_trust_policy_decides_who_may_assume() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let bob = user(&sts, MAIN, "bob");
    let alice_arn = format!("arn:aws:iam::{MAIN}:user/alice");
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(assume("bobs", "s"))),
        ErrorCode::AccessDenied,
        &format!("User: {alice_arn} is not authorized to perform: sts:AssumeRole on resource: {}", role_arn("bobs")),
    );
    assert!(call(&mut sts, &bob, Request::AssumeRole(assume("bobs", "s"))).is_ok());
    // Another account's role that trusts ours, and one that does not.
    assert!(call(&mut sts, &alice, Request::AssumeRole(assume(&format!("arn:aws:iam::{OTHER}:role/cross"), "s"))).is_ok());
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(assume(&format!("arn:aws:iam::{OTHER}:role/private"), "s"))),
        ErrorCode::AccessDenied,
        "not authorized",
    );
    // A role that does not exist looks the same as one that does not trust the caller.
    assert_error(call(&mut sts, &alice, Request::AssumeRole(assume("nope", "s"))), ErrorCode::AccessDenied, "not authorized");
    // A role session is trusted as its role.
    let demo = session(&credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s")))));
    assert!(call(&mut sts, &demo, Request::AssumeRole(assume("chained", "s"))).is_ok());
    assert_error(call(&mut sts, &alice, Request::AssumeRole(assume("chained", "s"))), ErrorCode::AccessDenied, "not authorized");
}

#[test]
fn a_malformed_role_arn_is_invalid() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(assume("arn:aws::iam::123456789012:role/demo", "s"))),
        ErrorCode::ValidationError,
        "arn:aws::iam::123456789012:role/demo is invalid",
    );
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(assume("arn:aws:iam::123456789012:user/demo", "s"))),
        ErrorCode::ValidationError,
        "is invalid",
    );
}

#[test]
fn external_id_must_match_when_the_role_requires_one() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    assert_error(call(&mut sts, &alice, Request::AssumeRole(assume("partner", "s"))), ErrorCode::AccessDenied, "not authorized");
    let wrong = AssumeRoleRequest { external_id: Some("x-2".into()), ..assume("partner", "s") };
    assert_error(call(&mut sts, &alice, Request::AssumeRole(wrong)), ErrorCode::AccessDenied, "not authorized");
    assert!(
        call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { external_id: Some("x-1".into()), ..assume("partner", "s") }))
            .is_ok()
    );
}

#[test]
fn mfa_protected_roles_need_a_valid_code_or_an_mfa_session() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let serial = format!("arn:aws:iam::{MAIN}:mfa/alice");
    assert_error(call(&mut sts, &alice, Request::AssumeRole(assume("guarded", "s"))), ErrorCode::AccessDenied, "not authorized");
    let wrong = AssumeRoleRequest { serial_number: Some(serial.clone()), token_code: Some("000000".into()), ..assume("guarded", "s") };
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(wrong)),
        ErrorCode::AccessDenied,
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    );
    let right = AssumeRoleRequest { serial_number: Some(serial.clone()), token_code: Some("123456".into()), ..assume("guarded", "s") };
    assert!(call(&mut sts, &alice, Request::AssumeRole(right)).is_ok());
    // GetSessionToken with MFA, then AssumeRole with that session.
    let gst = GetSessionTokenRequest { serial_number: Some(serial), token_code: Some("123456".into()), ..Default::default() };
    let mfa_session = session(&credentials(call(&mut sts, &alice, Request::GetSessionToken(gst))));
    assert!(call(&mut sts, &mfa_session, Request::AssumeRole(assume("guarded", "s"))).is_ok());
}

#[test]
fn totp_devices_take_the_code_of_the_model_clock() {
    let mut sts = sts();
    let bob = user(&sts, MAIN, "bob");
    let serial = format!("arn:aws:iam::{MAIN}:mfa/bob");
    let code = totp(TOTP_SECRET, now()).unwrap();
    let stale = totp(TOTP_SECRET, now() - Duration::minutes(5)).unwrap();
    let req = |c: &str| {
        Request::GetSessionToken(GetSessionTokenRequest {
            serial_number: Some(serial.clone()),
            token_code: Some(c.into()),
            ..Default::default()
        })
    };
    assert!(call(&mut sts, &bob, req(&code)).is_ok());
    assert_error(call(&mut sts, &bob, req(&stale)), ErrorCode::AccessDenied, "MultiFactorAuthentication failed");
}

// ---- tags ----

#[test]
fn tag_keys_are_unique_regardless_of_case() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let req = AssumeRoleRequest { tags: tags(&[("Project", "a"), ("project", "b")]), ..assume("demo", "s") };
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(req)),
        ErrorCode::InvalidParameterValue,
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
}

#[test]
fn tag_keys_may_not_use_the_aws_prefix() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let req = AssumeRoleRequest { tags: tags(&[("AWS:Project", "a")]), ..assume("demo", "s") };
    assert_error(call(&mut sts, &alice, Request::AssumeRole(req)), ErrorCode::InvalidParameterValue, "aws:");
}

#[test]
fn transitive_keys_must_be_among_the_tags() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let req = AssumeRoleRequest { tags: tags(&[("Project", "a")]), transitive_tag_keys: Some(vec!["Cost".into()]), ..assume("demo", "s") };
    assert_error(
        call(&mut sts, &alice, Request::AssumeRole(req)),
        ErrorCode::InvalidParameterValue,
        "The specified transitive tag key must be included in the requested tags.",
    );
    let ok =
        AssumeRoleRequest { tags: tags(&[("Project", "a")]), transitive_tag_keys: Some(vec!["PROJECT".into()]), ..assume("demo", "s") };
    assert!(call(&mut sts, &alice, Request::AssumeRole(ok)).is_ok());
}

#[test]
fn transitive_tags_pass_through_chains_and_cannot_be_overridden() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let first = AssumeRoleRequest {
        tags: tags(&[("Project", "p1"), ("Stage", "dev")]),
        transitive_tag_keys: Some(vec!["Project".into()]),
        ..assume("demo", "s1")
    };
    let first = session(&credentials(call(&mut sts, &alice, Request::AssumeRole(first))));
    assert_error(
        call(&mut sts, &first, Request::AssumeRole(AssumeRoleRequest { tags: tags(&[("project", "p2")]), ..assume("chained", "s2") })),
        ErrorCode::InvalidParameterValue,
        "conflicts with a transitive tag key from the calling session",
    );
    let second = credentials(call(&mut sts, &first, Request::AssumeRole(assume("chained", "s2"))));
    let s = sts.session(&second.access_key_id, &second.session_token).unwrap();
    assert!(s.tags.iter().any(|t| t.key == "Project" && t.value == "p1"), "transitive tag inherited");
    assert!(!s.tags.iter().any(|t| t.key == "Stage"), "non-transitive tag not inherited");
    assert!(s.transitive_tag_keys.iter().any(|k| k == "Project"), "still transitive for the next hop");
}

#[test]
fn role_tags_are_merged_and_session_tags_win_regardless_of_case() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let creds = credentials(call(
        &mut sts,
        &alice,
        Request::AssumeRole(AssumeRoleRequest { tags: tags(&[("team", "green")]), ..assume("tagged", "s") }),
    ));
    let mut got: Vec<(String, String)> =
        sts.session(&creds.access_key_id, &creds.session_token).unwrap().tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
    got.sort();
    assert_eq!(got, vec![("Project".into(), "old".into()), ("team".into(), "green".into())]);
}

#[test]
fn federated_users_inherit_the_users_tags() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let creds = credentials(call(
        &mut sts,
        &alice,
        Request::GetFederationToken(GetFederationTokenRequest { name: "fed".into(), ..Default::default() }),
    ));
    assert!(sts.session(&creds.access_key_id, &creds.session_token).unwrap().tags.iter().any(|t| t.key == "Team" && t.value == "blue"));
}

// ---- source identity ----

#[test]
fn source_identity_persists_through_chains_and_cannot_change() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let first = AssumeRoleRequest { source_identity: Some("alice-laptop".into()), ..assume("demo", "s1") };
    let Response::AssumeRole(first) = call(&mut sts, &alice, Request::AssumeRole(first)).unwrap() else { panic!() };
    assert_eq!(first.source_identity.as_deref(), Some("alice-laptop"));
    let s1 = session(first.credentials.as_ref().unwrap());
    let Response::AssumeRole(second) = call(&mut sts, &s1, Request::AssumeRole(assume("chained", "s2"))).unwrap() else { panic!() };
    assert_eq!(second.source_identity.as_deref(), Some("alice-laptop"), "kept without being passed again");
    let change = AssumeRoleRequest { source_identity: Some("mallory".into()), ..assume("chained", "s3") };
    assert_error(call(&mut sts, &s1, Request::AssumeRole(change)), ErrorCode::AccessDenied, "sts:SetSourceIdentity");
}

// ---- identities ----

#[test]
fn get_caller_identity_reports_each_principal_as_aws_does() {
    let mut sts = sts();
    let root = root(&sts, MAIN);
    let bob = user(&sts, MAIN, "bob");
    let bob_id = sts.world().user(MAIN, "bob").unwrap().user_id.clone();
    let role_id = sts.world().role(MAIN, "tagged").unwrap().role_id.clone();
    let check = |sts: &mut sts_model::Sts, caller: &Caller, arn: &str, user_id: &str| {
        let Response::GetCallerIdentity(r) = call(sts, caller, Request::GetCallerIdentity).unwrap() else { panic!() };
        assert_eq!((r.arn.as_deref(), r.user_id.as_deref(), r.account.as_deref()), (Some(arn), Some(user_id), Some(MAIN)));
    };
    check(&mut sts, &root, &format!("arn:aws:iam::{MAIN}:root"), MAIN);
    check(&mut sts, &bob, &format!("arn:aws:iam::{MAIN}:user/ops/bob"), &bob_id);
    assert!(bob_id.starts_with("AIDA") && bob_id.len() == 21);
    let alice = user(&sts, MAIN, "alice");
    let role =
        session(&credentials(call(&mut sts, &alice, Request::AssumeRole(assume("arn:aws:iam::123456789012:role/team/tagged", "ci")))));
    check(&mut sts, &role, &format!("arn:aws:sts::{MAIN}:assumed-role/tagged/ci"), &format!("{role_id}:ci"));
    let fed = session(&credentials(call(
        &mut sts,
        &alice,
        Request::GetFederationToken(GetFederationTokenRequest { name: "jane".into(), ..Default::default() }),
    )));
    check(&mut sts, &fed, &format!("arn:aws:sts::{MAIN}:federated-user/jane"), &format!("{MAIN}:jane"));
    let gst = session(&credentials(call(&mut sts, &bob, Request::GetSessionToken(Default::default()))));
    check(&mut sts, &gst, &format!("arn:aws:iam::{MAIN}:user/ops/bob"), &bob_id);
}

// ---- AssumeRoot ----

fn assume_root(target: &str, task: &str) -> Request {
    Request::AssumeRoot(AssumeRootRequest {
        target_principal: target.into(),
        task_policy_arn: PolicyDescriptor::new(format!("arn:aws:iam::aws:policy/root-task/{task}")),
        ..Default::default()
    })
}

#[test]
fn assume_root_gives_the_management_account_short_root_sessions_on_members() {
    let mut sts = sts();
    let admin = user(&sts, MANAGEMENT, "admin");
    let creds = credentials(call(&mut sts, &admin, assume_root(MEMBER, "IAMAuditRootUserCredentials")));
    assert_eq!(creds.expiration, after(900));
    assert_eq!(caller_arn(&mut sts, &session(&creds)), format!("arn:aws:iam::{MEMBER}:root"));
    // Not an organization administrator, not a member, not a root task.
    let alice = user(&sts, MAIN, "alice");
    assert_error(call(&mut sts, &alice, assume_root(MEMBER, "S3UnlockBucketPolicy")), ErrorCode::AccessDenied, "sts:AssumeRoot");
    assert_error(call(&mut sts, &admin, assume_root(OTHER, "S3UnlockBucketPolicy")), ErrorCode::AccessDenied, "sts:AssumeRoot");
    assert_error(call(&mut sts, &admin, assume_root(MEMBER, "AdministratorAccess")), ErrorCode::ValidationError, "is invalid");
    // Root credentials cannot call it.
    let root = root(&sts, MANAGEMENT);
    assert_error(call(&mut sts, &root, assume_root(MEMBER, "S3UnlockBucketPolicy")), ErrorCode::AccessDenied, "sts:AssumeRoot");
}

#[test]
fn assume_root_and_get_web_identity_token_are_regional_only() {
    let mut sts = sts_with(StsConfig { region: None, ..StsConfig::default() });
    let admin = user(&sts, MANAGEMENT, "admin");
    assert_error(call(&mut sts, &admin, assume_root(MEMBER, "S3UnlockBucketPolicy")), ErrorCode::InvalidAction, "Unknown Operation");
    let alice = user(&sts, MAIN, "alice");
    let gwit = Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
        audience: vec!["a".into()],
        signing_algorithm: "RS256".into(),
        ..Default::default()
    });
    assert_error(call(&mut sts, &alice, gwit), ErrorCode::InvalidAction, "Unknown Operation");
}

// ---- DecodeAuthorizationMessage ----

#[test]
fn access_denied_answers_leave_a_message_that_decode_authorization_message_decodes() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    call(&mut sts, &alice, Request::AssumeRole(assume("bobs", "s"))).unwrap_err();
    let encoded = sts.authorization_messages().last().unwrap().to_owned();
    let Response::DecodeAuthorizationMessage(r) =
        call(&mut sts, &alice, Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message: encoded }))
            .unwrap()
    else {
        panic!()
    };
    let decoded: serde_json::Value = serde_json::from_str(r.decoded_message.as_deref().unwrap()).unwrap();
    assert_eq!(decoded["allowed"], false);
    assert_eq!(decoded["context"]["action"], "sts:AssumeRole");
    assert_eq!(decoded["context"]["resource"], role_arn("bobs"));
    assert_error(
        call(
            &mut sts,
            &alice,
            Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message: "garbage".into() }),
        ),
        ErrorCode::InvalidAuthorizationMessageException,
        "",
    );
}

// ---- GetDelegatedAccessToken ----

#[test]
fn trade_in_tokens_are_exchanged_once_before_they_expire() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let token = sts.issue_trade_in_token(&role_arn("demo"), after(600)).unwrap();
    let req = || Request::GetDelegatedAccessToken(GetDelegatedAccessTokenRequest { trade_in_token: token.clone() });
    let Response::GetDelegatedAccessToken(r) = call(&mut sts, &alice, req()).unwrap() else { panic!() };
    assert!(r.assumed_principal.unwrap().starts_with(&format!("arn:aws:sts::{MAIN}:assumed-role/demo/")));
    assert_eq!(r.packed_policy_size, None, "not populated for this operation");
    assert_error(call(&mut sts, &alice, req()), ErrorCode::ExpiredTradeInTokenException, "already been used");
    let late = sts.issue_trade_in_token(&role_arn("demo"), after(600)).unwrap();
    let err = sts
        .call(after(600), &alice, Request::GetDelegatedAccessToken(GetDelegatedAccessTokenRequest { trade_in_token: late }))
        .unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::ExpiredTradeInTokenException, "The trade-in token has expired."));
}

// ---- GetWebIdentityToken ----

fn gwit(alg: &str, duration: Option<i32>) -> Request {
    Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
        audience: vec!["https://api.example".into()],
        duration_seconds: duration,
        signing_algorithm: alg.into(),
        tags: tags(&[("env", "ci")]),
        ..Default::default()
    })
}

#[test]
fn web_identity_tokens_are_signed_jwts_that_verify_with_the_published_keys() {
    // Oracle: jsonwebtoken over RustCrypto, another implementation than the model's (ring).
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    use sts_model::web_identity::{SigningAlgorithm, jwks};
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(jwks()).unwrap();
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    for alg in ["RS256", "ES384"] {
        let Response::GetWebIdentityToken(r) = call(&mut sts, &alice, gwit(alg, None)).unwrap() else { panic!() };
        let token = r.web_identity_token.unwrap();
        assert_eq!(r.expiration, Some(after(300)), "default lifetime is 300 s");
        let header = decode_header(&token).unwrap();
        let jwk = jwks.find(header.kid.as_deref().unwrap()).cloned().expect("kid is published");
        let algorithm: Algorithm = SigningAlgorithm::from_name(alg).unwrap().algorithm().name().parse().unwrap();
        assert_eq!(header.alg, algorithm);
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&["https://api.example"]);
        validation.validate_exp = false; // the model's clock is not the system clock
        let claims = decode::<serde_json::Value>(&token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation).unwrap().claims;
        assert_eq!(claims["sub"], format!("arn:aws:iam::{MAIN}:user/alice"));
        assert_eq!(claims["exp"], after(300).unix_timestamp());
        assert_eq!(claims["https://sts.amazonaws.com/"]["request_tags"]["env"], "ci");
        // A tampered token fails verification.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        assert!(decode::<serde_json::Value>(&parts.join("."), &DecodingKey::from_jwk(&jwk).unwrap(), &validation).is_err());
    }
}

#[test]
fn web_identity_tokens_need_enabled_accounts_documented_algorithms_and_no_escalation() {
    let mut sts = sts();
    let admin = user(&sts, MANAGEMENT, "admin");
    assert_error(call(&mut sts, &admin, gwit("RS256", None)), ErrorCode::OutboundWebIdentityFederationDisabledException, "not enabled");
    let alice = user(&sts, MAIN, "alice");
    assert_error(call(&mut sts, &alice, gwit("HS256", None)), ErrorCode::ValidationError, "enum value set: [ES384, RS256]");
    // A role session with 15 minutes left cannot mint a one-hour token.
    let short = session(&credentials(call(
        &mut sts,
        &alice,
        Request::AssumeRole(AssumeRoleRequest { duration_seconds: Some(900), ..assume("demo", "s") }),
    )));
    let err = call(&mut sts, &short, gwit("RS256", Some(3600))).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::SessionDurationEscalationException, 403));
    assert!(call(&mut sts, &short, gwit("RS256", Some(900))).is_ok());
}

// ---- regions ----

#[test]
fn a_region_where_sts_is_deactivated_answers_region_disabled() {
    let mut sts = sts_with(StsConfig { region: Some("ap-east-1".into()), ..StsConfig::default() });
    let alice = user(&sts, MAIN, "alice");
    let err = call(&mut sts, &alice, Request::GetSessionToken(Default::default())).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::RegionDisabledException, 403));
    assert_eq!(
        err.message,
        "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console."
    );
    // The role's account decides for AssumeRole: OTHER is active there.
    assert!(call(&mut sts, &alice, Request::AssumeRole(assume(&format!("arn:aws:iam::{OTHER}:role/cross"), "s"))).is_ok());
}

/// AWS never forgets a valid credential: the first of 25,000 sessions (the old store kept 20,000)
/// still works, and so does every session of a model rebuilt with the same seed or state key.
#[test]
fn sessions_are_never_forgotten_and_survive_a_rebuilt_model() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let first = credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default())));
    for _ in 0..25_000 {
        call(&mut sts, &alice, Request::GetSessionToken(Default::default())).unwrap();
    }
    assert!(call(&mut sts, &session(&first), Request::GetCallerIdentity).is_ok());

    // A model with the same seed (or the same explicit state key) opens it; another one does not.
    let world = sts.world().clone();
    let mut same_seed = sts_model::Sts::with_config(world.clone(), SEED, StsConfig::default());
    assert!(call(&mut same_seed, &session(&first), Request::GetCallerIdentity).is_ok());
    let key = sts_model::sealed::state_key_from_seed(SEED);
    let mut same_key = sts_model::Sts::with_config(world.clone(), SEED + 1, StsConfig { state_key: Some(key), ..StsConfig::default() });
    assert!(call(&mut same_key, &session(&first), Request::GetCallerIdentity).is_ok());
    let mut other = sts_model::Sts::with_config(world, SEED + 1, StsConfig::default());
    assert_eq!(call(&mut other, &session(&first), Request::GetCallerIdentity).unwrap_err().code, ErrorCode::InvalidClientTokenId);
}

/// A session token is bound to its key id and to every byte of it: a token paired with another
/// key id, altered or cut short is InvalidClientTokenId, as a forged token is to AWS.
#[test]
fn a_session_token_works_only_whole_and_with_its_own_key_id() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let a = credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default())));
    let b = credentials(call(&mut sts, &alice, Request::GetSessionToken(Default::default())));
    let swapped = Caller::Credentials { access_key_id: a.access_key_id.clone(), session_token: Some(b.session_token.clone()) };
    let mut altered = a.session_token.clone().into_bytes();
    altered[100] = if altered[100] == b'A' { b'B' } else { b'A' };
    let altered = Caller::Credentials { access_key_id: a.access_key_id.clone(), session_token: Some(String::from_utf8(altered).unwrap()) };
    let cut = Caller::Credentials { access_key_id: a.access_key_id.clone(), session_token: Some(a.session_token[..80].to_owned()) };
    let none = Caller::Credentials { access_key_id: a.access_key_id.clone(), session_token: None };
    for caller in [swapped, altered, cut, none] {
        assert_eq!(call(&mut sts, &caller, Request::GetCallerIdentity).unwrap_err().code, ErrorCode::InvalidClientTokenId);
    }
    assert!(call(&mut sts, &session(&a), Request::GetCallerIdentity).is_ok());
}

// ---- rules closed by the mutation run ----

/// GetFederationToken credentials "cannot call any STS operations except GetCallerIdentity"
/// (GetFederationToken reference, Permissions; the model also lets them scope and trade in): the
/// refusal comes from the caller type, even when the federating user's policies and the session
/// policy both allow `sts:*`.
#[test]
fn federated_sessions_are_refused_other_sts_actions_even_when_every_policy_allows_them() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let everything = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;
    let fed = session(&credentials(call(
        &mut sts,
        &alice,
        Request::GetFederationToken(GetFederationTokenRequest {
            name: "fed".into(),
            policy: Some(everything.into()),
            ..Default::default()
        }),
    )));
    assert!(call(&mut sts, &fed, Request::GetCallerIdentity).is_ok());
    let who = format!("User: arn:aws:sts::{MAIN}:federated-user/fed is not authorized to perform: ");
    for (request, action) in [
        (gwit("RS256", None), "sts:GetWebIdentityToken"),
        (Request::AssumeRole(assume("demo", "s")), "sts:AssumeRole"),
        (
            Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message: "x".into() }),
            "sts:DecodeAuthorizationMessage",
        ),
    ] {
        let err = call(&mut sts, &fed, request).unwrap_err();
        assert_eq!((err.code, err.message.clone()), (ErrorCode::AccessDenied, format!("{who}{action}")));
    }
}

/// Only one of SerialNumber and TokenCode is still an MFA code given: the trust policy reads
/// `aws:MultiFactorAuthPresent` as given, and the pair is then refused for what it is ("must
/// provide both", observed 2017), not as a trust-policy denial.
#[test]
fn half_an_mfa_pair_is_refused_as_such_by_an_mfa_protected_role() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let serial_only = AssumeRoleRequest { serial_number: Some(format!("arn:aws:iam::{MAIN}:mfa/alice")), ..assume("guarded", "s") };
    let code_only = AssumeRoleRequest { token_code: Some("123456".into()), ..assume("guarded", "s") };
    for request in [serial_only, code_only] {
        assert_error(
            call(&mut sts, &alice, Request::AssumeRole(request)),
            ErrorCode::AccessDenied,
            "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.",
        );
    }
}

/// A trust policy that grants `sts:AssumeRole` and nothing else, to alice.
fn assume_only_trust() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MAIN}:user/alice"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// A context assertion from the trusted context provider (IAM Identity Center), valid an hour.
fn provided_context(sts: &mut sts_model::Sts, subject: &str) -> Vec<ProvidedContext> {
    use sts_model::response::{OriginIdentity, TrustedIdentityPropagationContext};
    let context = TrustedIdentityPropagationContext {
        origin_identity: Some(OriginIdentity { subject: Some(subject.into()), ..Default::default() }),
        transaction_context: None,
    };
    let assertion = sts.issue_context_assertion(context, after(3600));
    vec![ProvidedContext {
        provider_arn: Some(sts_model::identity_context::IDENTITY_CENTER_PROVIDER_ARN.into()),
        context_assertion: Some(assertion),
    }]
}

/// ProvidedContexts needs `sts:SetContext` in the trust policy (documented: IAM user guide,
/// trusted identity propagation), like tags need `sts:TagSession`.
#[test]
fn provided_contexts_need_set_context_in_the_trust_policy() {
    let mut w = world();
    w.add_role(MAIN, sts_model::world::Role::new("strict").trust_policy_document(&assume_only_trust()).unwrap()).unwrap();
    let mut sts = sts_model::Sts::new(w, 7);
    let alice = user(&sts, MAIN, "alice");
    let contexts = provided_context(&mut sts, "alice@example.com");
    assert!(call(&mut sts, &alice, Request::AssumeRole(assume("strict", "s"))).is_ok(), "the role trusts alice");
    let with_context = AssumeRoleRequest { provided_contexts: Some(contexts.clone()), ..assume("strict", "s") };
    assert_error(call(&mut sts, &alice, Request::AssumeRole(with_context)), ErrorCode::AccessDenied, "not authorized");
    // A role whose trust policy grants it (the shortcut trust does) takes the same context.
    let with_context = AssumeRoleRequest { provided_contexts: Some(contexts), ..assume("demo", "s") };
    assert!(call(&mut sts, &alice, Request::AssumeRole(with_context)).is_ok());
}

/// An empty ProvidedContexts list provides nothing: no `sts:SetContext` is asked, and a chained
/// session keeps its caller's context exactly as without the member.
#[test]
fn an_empty_provided_contexts_list_is_no_list() {
    let mut w = world();
    w.add_role(MAIN, sts_model::world::Role::new("strict").trust_policy_document(&assume_only_trust()).unwrap()).unwrap();
    let mut sts = sts_model::Sts::new(w, 7);
    let alice = user(&sts, MAIN, "alice");
    let empty = AssumeRoleRequest { provided_contexts: Some(vec![]), ..assume("strict", "s") };
    assert!(call(&mut sts, &alice, Request::AssumeRole(empty)).is_ok(), "no sts:SetContext needed for nothing");

    let contexts = provided_context(&mut sts, "alice@example.com");
    let first = credentials(call(
        &mut sts,
        &alice,
        Request::AssumeRole(AssumeRoleRequest { provided_contexts: Some(contexts), ..assume("demo", "first") }),
    ));
    let context_of =
        |sts: &sts_model::Sts, c: &sts_model::Credentials| sts.session(&c.access_key_id, &c.session_token).unwrap().identity_context;
    let carried = context_of(&sts, &first);
    assert!(carried.is_some());
    for provided_contexts in [None, Some(vec![])] {
        let next = credentials(call(
            &mut sts,
            &session(&first),
            Request::AssumeRole(AssumeRoleRequest { provided_contexts, ..assume("chained", "next") }),
        ));
        assert_eq!(context_of(&sts, &next), carried);
    }
}

/// The trust policy sees the request's tag keys as `aws:TagKeys` and the transitive ones as
/// `sts:TransitiveTagKeys` (IAM condition keys for STS), so it can limit which tags a caller sets.
#[test]
fn trust_conditions_see_tag_keys_and_transitive_tag_keys() {
    let gate = |key: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MAIN}:user/alice"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MAIN}:user/alice"}},"Action":"sts:TagSession",
              "Condition":{{"ForAnyValue:StringEquals":{{"{key}":"Project"}}}}}}]}}"#
        )
    };
    let mut w = world();
    let role = |name: &str, key: &str| sts_model::world::Role::new(name).trust_policy_document(&gate(key)).unwrap();
    w.add_role(MAIN, role("tag-gate", "aws:TagKeys")).unwrap();
    w.add_role(MAIN, role("transitive-gate", "sts:TransitiveTagKeys")).unwrap();
    let mut sts = sts_model::Sts::new(w, 7);
    let alice = user(&sts, MAIN, "alice");
    let req = |role: &str, tag: &str, transitive: Option<Vec<String>>| {
        Request::AssumeRole(AssumeRoleRequest { tags: tags(&[(tag, "x")]), transitive_tag_keys: transitive, ..assume(role, "s") })
    };
    assert!(call(&mut sts, &alice, req("tag-gate", "Project", None)).is_ok());
    assert_error(call(&mut sts, &alice, req("tag-gate", "Team", None)), ErrorCode::AccessDenied, "not authorized");
    assert!(call(&mut sts, &alice, req("transitive-gate", "Project", Some(vec!["Project".into()]))).is_ok());
    assert_error(call(&mut sts, &alice, req("transitive-gate", "Project", None)), ErrorCode::AccessDenied, "not authorized");
}

/// A role session's token carries its assumed-role ARN base64-encoded: twelve more characters of
/// session name are sixteen more token bytes (nothing else in the two calls differs).
#[test]
fn role_session_tokens_grow_four_bytes_per_three_characters_of_arn() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let short = credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s"))));
    let long = credentials(call(&mut sts, &alice, Request::AssumeRole(assume("demo", "s-123456789ab"))));
    assert_eq!(long.session_token.len(), short.session_token.len() + 16);
}

/// A user's identity policies decide GetFederationToken, and `sts:TagSession` besides when tags
/// are passed (documented: session tags), with the tag keys as `aws:TagKeys`.
#[test]
fn get_federation_token_asks_tag_session_for_tags_with_their_keys() {
    let mut w = world();
    let gft_only = format!("arn:aws:iam::{MAIN}:policy/gft-only");
    w.add_managed_policy(
        &gft_only,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetFederationToken","Resource":"*"}]}"#,
    );
    let project_tags = format!("arn:aws:iam::{MAIN}:policy/project-tags");
    w.add_managed_policy(
        &project_tags,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetFederationToken","Resource":"*"},
            {"Effect":"Allow","Action":"sts:TagSession","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"Project"}}}]}"#,
    );
    w.add_user(MAIN, sts_model::world::User::new("carol").policy(&gft_only)).unwrap();
    w.add_user(MAIN, sts_model::world::User::new("dave").policy(&project_tags)).unwrap();
    let mut sts = sts_model::Sts::new(w, 7);
    let (carol, dave) = (user(&sts, MAIN, "carol"), user(&sts, MAIN, "dave"));
    let gft = |tags: Option<Vec<sts_model::Tag>>| {
        Request::GetFederationToken(GetFederationTokenRequest { name: "f".into(), tags, ..Default::default() })
    };
    assert!(call(&mut sts, &carol, gft(None)).is_ok(), "no tags, no sts:TagSession needed");
    assert_error(call(&mut sts, &carol, gft(tags(&[("Project", "x")]))), ErrorCode::AccessDenied, "sts:TagSession");
    assert!(call(&mut sts, &dave, gft(tags(&[("Project", "x")]))).is_ok());
    assert_error(call(&mut sts, &dave, gft(tags(&[("Team", "x")]))), ErrorCode::AccessDenied, "sts:TagSession");
}

/// The delegation's tags overflow the packed budget with the tag wording (observed for tags).
#[test]
fn trade_in_tokens_with_too_many_tags_overflow_in_the_tag_wording() {
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let many: Vec<sts_model::Tag> = (0..50)
        .map(|i| sts_model::Tag::new(format!("k{i:02}-{:x}", i * 7919), format!("{:064x}", (i as u128 + 1) * 0x9e3779b97f4a7c15)))
        .collect();
    let token = sts.issue_trade_in_token_with_tags(&role_arn("demo"), after(600), many).unwrap();
    let err =
        call(&mut sts, &alice, Request::GetDelegatedAccessToken(GetDelegatedAccessTokenRequest { trade_in_token: token })).unwrap_err();
    assert_eq!(err.code, ErrorCode::PackedPolicyTooLarge);
    assert!(err.message.starts_with("Packed size of session tags consumes "), "{}", err.message);
}

/// The JWT payload of a web identity token, decoded (base64url, no padding).
fn jwt_payload(token: &str) -> String {
    use base64::Engine as _;
    let part = token.split('.').nth(1).expect("three parts");
    String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The model signs payloads of up to 16 KiB (its inferred limit) and refuses larger ones with
/// JWTPayloadSizeExceededException: a payload of exactly 16384 bytes is signed, one byte more is not.
/// Tags stay within STS's tag limits (keys up to 128 characters, values up to 256, 50 tags).
#[test]
fn web_identity_token_payloads_stop_at_16_kib() {
    const LIMIT: usize = 16 * 1024;
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let request = |tags: &[sts_model::Tag]| {
        Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
            audience: vec!["https://api.example".into()],
            signing_algorithm: "RS256".into(),
            tags: Some(tags.to_vec()),
            ..Default::default()
        })
    };
    let token_of = |r: Response| match r {
        Response::GetWebIdentityToken(r) => r.web_identity_token.unwrap(),
        other => panic!("{other:?}"),
    };
    // A full tag takes 128 + 240 + 6 bytes (`"key":"value",`); the last tag takes what is left
    // (under 374 bytes: up to 256 in its value, the rest in its one-character key).
    let full = |i: usize| sts_model::Tag::new(format!("{i:02}{}", "k".repeat(126)), "v".repeat(240));
    let mut tags: Vec<sts_model::Tag> = vec![sts_model::Tag::new("l", "")];
    loop {
        let size = jwt_payload(&token_of(call(&mut sts, &alice, request(&tags)).unwrap())).len();
        if size + 374 > LIMIT {
            let missing = LIMIT - size;
            let last = tags.last_mut().unwrap();
            last.value = "v".repeat(missing.min(256));
            last.key.push_str(&"l".repeat(missing.saturating_sub(256)));
            assert!(last.key.len() <= 128);
            break;
        }
        tags.insert(0, full(tags.len()));
    }
    assert!(tags.len() <= 50);
    let token = token_of(call(&mut sts, &alice, request(&tags)).expect("a payload of exactly 16 KiB is signed"));
    assert_eq!(jwt_payload(&token).len(), LIMIT);
    tags.last_mut().unwrap().value.push('v');
    assert_error(call(&mut sts, &alice, request(&tags)), ErrorCode::JWTPayloadSizeExceededException, "exceeds the maximum allowed size");
}

/// Outbound tokens name an account-specific issuer shaped like AWS's
/// `https://{id}.tokens.sts.global.api.aws`, the same for every token of the account and another
/// for another account.
#[test]
fn web_identity_tokens_name_the_accounts_issuer() {
    use sts_model::web_identity::issuer;
    let shape = regex::Regex::new(r"^https://[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tokens\.sts\.global\.api\.aws$")
        .unwrap();
    assert!(shape.is_match(&issuer(MAIN)), "{}", issuer(MAIN));
    assert_eq!(issuer(MAIN), issuer(MAIN));
    assert_ne!(issuer(MAIN), issuer(OTHER));
    let mut sts = sts();
    let alice = user(&sts, MAIN, "alice");
    let Response::GetWebIdentityToken(r) = call(&mut sts, &alice, gwit("RS256", None)).unwrap() else { panic!() };
    let claims: serde_json::Value = serde_json::from_str(&jwt_payload(&r.web_identity_token.unwrap())).unwrap();
    assert_eq!(claims["iss"], issuer(MAIN));
}

/// What the mock asks of the model besides calls: the configuration it was built with, the ARN
/// and the secret of any key (to journal and to verify signatures), and fresh request ids.
#[test]
fn the_model_answers_for_its_configuration_keys_and_request_ids() {
    let config =
        StsConfig { partition: "aws-cn".into(), region: Some("cn-north-1".into()), session_token_padding: 8, state_key: Some([9; 32]) };
    let mut sts = sts_with(config.clone());
    assert_eq!(sts.config(), &config);
    let alice = user(&sts, MAIN, "alice");
    let bob = user(&sts, MAIN, "bob");
    let root = root(&sts, MAIN);
    let key = |c: &Caller| match c {
        Caller::Credentials { access_key_id, .. } => access_key_id.clone(),
        Caller::Anonymous => unreachable!(),
    };
    assert_eq!(sts.arn_of(&key(&alice), None).as_deref(), Some("arn:aws-cn:iam::123456789012:user/alice"));
    assert_eq!(sts.arn_of(&key(&bob), None).as_deref(), Some("arn:aws-cn:iam::123456789012:user/ops/bob"));
    assert_eq!(sts.arn_of(&key(&root), None).as_deref(), Some("arn:aws-cn:iam::123456789012:root"));
    assert_eq!(sts.arn_of("AKIAUNKNOWNUNKNOWN00", None), None);
    let role_arn = "arn:aws-cn:iam::123456789012:role/demo".to_string();
    let creds = credentials(call(&mut sts, &alice, Request::AssumeRole(AssumeRoleRequest { role_arn, ..assume("demo", "s") })));
    assert_eq!(
        sts.arn_of(&creds.access_key_id, Some(&creds.session_token)).as_deref(),
        Some("arn:aws-cn:sts::123456789012:assumed-role/demo/s")
    );

    let alice_secret = sts.world().user(MAIN, "alice").unwrap().access_keys[0].secret_access_key.clone();
    assert_eq!(sts.secret_for(&key(&alice), None), Some(alice_secret));
    assert_eq!(sts.secret_for(&creds.access_key_id, Some(&creds.session_token)), Some(creds.secret_access_key.clone()));
    assert_eq!(sts.secret_for(&creds.access_key_id, None), None, "a temporary key's secret needs its token");
    assert_eq!(sts.secret_for("AKIAUNKNOWNUNKNOWN00", None), None);

    // Request ids are UUIDs, as AWS's are (`x-amzn-RequestId`), and never repeat.
    let uuid = regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").unwrap();
    let (first, second) = (sts.request_id(), sts.request_id());
    assert!(uuid.is_match(&first) && uuid.is_match(&second), "{first} {second}");
    assert_ne!(first, second);
}
