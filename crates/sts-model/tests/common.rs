//! The fixture world of the model's rule tests.
#![allow(dead_code)]

use sts_model::request::*;
use sts_model::time::{Duration, OffsetDateTime};
use sts_model::world::{OidcProvider, Role, User, World};
use sts_model::{Caller, Credentials, ErrorCode, Request, Response, Sts, StsConfig, StsError, Tag};

pub const MAIN: &str = "123456789012";
pub const MANAGEMENT: &str = "111111111111";
pub const MEMBER: &str = "222222222222";
pub const OTHER: &str = "333333333333";
pub const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A managed policy that lets its principals call STS (IAM grants nothing by default).
pub const STS_CALLER: &str = "arn:aws:iam::123456789012:policy/sts-caller";

pub fn world() -> World {
    let mut w = World::default();
    w.add_managed_policy(STS_CALLER, r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#);
    w.add_user(
        MAIN,
        User::new("alice").mfa_device(format!("arn:aws:iam::{MAIN}:mfa/alice"), "123456").tag("Team", "blue").policy(STS_CALLER),
    )
    .unwrap();
    w.add_user(MAIN, User::new("bob").path("/ops/").totp_device(format!("arn:aws:iam::{MAIN}:mfa/bob"), TOTP_SECRET).policy(STS_CALLER))
        .unwrap();
    w.add_role(MAIN, Role::new("demo").max_session_duration(43200).policy(STS_CALLER)).unwrap();
    w.add_role(MAIN, Role::new("next").policy(STS_CALLER)).unwrap();
    w.add_role(MAIN, Role::new("partner").external_id("x-1")).unwrap();
    w.add_role(MAIN, Role::new("guarded").require_mfa()).unwrap();
    w.add_role(MAIN, Role::new("bobs").trust(format!("arn:aws:iam::{MAIN}:user/ops/bob"))).unwrap();
    w.add_role(MAIN, Role::new("chained").trust(format!("arn:aws:iam::{MAIN}:role/demo"))).unwrap();
    w.add_role(MAIN, Role::new("tagged").path("/team/").tag("Team", "red").tag("Project", "old")).unwrap();
    w.add_role(OTHER, Role::new("cross").trust(MAIN)).unwrap();
    w.add_role(OTHER, Role::new("private")).unwrap();
    w.add_oidc_provider(
        MAIN,
        OidcProvider {
            url: "https://issuer.example".into(),
            client_ids: vec!["app".into()],
            jwks: None,
            context_provider: false,
            thumbprints: vec![],
            created: None,
        },
    )
    .unwrap();
    let main = w.account_mut(MAIN).unwrap();
    main.outbound_web_identity_federation = true;
    main.disabled_regions.insert("ap-east-1".into());
    w.add_user(MANAGEMENT, User::new("admin").policy(STS_CALLER)).unwrap();
    w.account_mut(MANAGEMENT).unwrap().root_access_admin = true;
    w.add_account(MEMBER).unwrap().management_account = Some(MANAGEMENT.into());
    w
}

/// The seed of [`sts`] and [`sts_with`].
pub const SEED: u64 = 7;

pub fn sts() -> Sts {
    Sts::new(world(), SEED)
}

pub fn sts_with(config: StsConfig) -> Sts {
    Sts::with_config(world(), SEED, config)
}

pub fn user(sts: &Sts, account: &str, name: &str) -> Caller {
    Caller::access_key(sts.world().user(account, name).unwrap().access_keys[0].access_key_id.clone())
}

pub fn root(sts: &Sts, account: &str) -> Caller {
    Caller::access_key(sts.world().root_key(account).unwrap().access_key_id.clone())
}

pub fn assume(role: &str, session: &str) -> AssumeRoleRequest {
    AssumeRoleRequest { role_arn: role_arn(role), role_session_name: session.into(), ..Default::default() }
}

pub fn role_arn(role: &str) -> String {
    if role.starts_with("arn:") { role.into() } else { format!("arn:aws:iam::{MAIN}:role/{role}") }
}

pub fn call(sts: &mut Sts, caller: &Caller, request: Request) -> Result<Response, StsError> {
    sts.call(now(), caller, request)
}

pub fn credentials(response: Result<Response, StsError>) -> Credentials {
    response.expect("call succeeds").credentials().expect("response carries credentials").clone()
}

pub fn session(creds: &Credentials) -> Caller {
    Caller::from_credentials(creds)
}

pub fn assert_error(result: Result<Response, StsError>, code: ErrorCode, message: &str) {
    let err = result.expect_err("call must fail");
    assert_eq!(err.code, code, "{err}");
    assert!(err.message.contains(message), "message {:?} lacks {message:?}", err.message);
}

pub fn caller_arn(sts: &mut Sts, caller: &Caller) -> String {
    match call(sts, caller, Request::GetCallerIdentity).expect("GetCallerIdentity works for every valid caller") {
        Response::GetCallerIdentity(r) => r.arn.unwrap(),
        other => panic!("{other:?}"),
    }
}

pub fn tags(pairs: &[(&str, &str)]) -> Option<Vec<Tag>> {
    Some(pairs.iter().map(|(k, v)| Tag::new(*k, *v)).collect())
}

pub fn after(seconds: i64) -> OffsetDateTime {
    now() + Duration::seconds(seconds)
}
