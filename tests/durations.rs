//! Duration rules through the whole pipeline (query decoding, then the model), for every operation
//! and caller type: every value inside the bounds gives `Expiration = now + d`, every value outside
//! is rejected with the right code and message, and chained sessions never exceed one hour.

use proptest::prelude::*;
use sts_harness::mock::in_process::answer;
use sts_harness::model::time::{Duration, OffsetDateTime};
use sts_harness::model::world::{Role, User, World};
use sts_harness::model::{Caller, ErrorCode, Response, Sts, StsError};

const MAIN: &str = "123456789012";
const MANAGEMENT: &str = "111111111111";
const MEMBER: &str = "222222222222";

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

struct Fixture {
    sts: Sts,
    alice: Caller,
    root: Caller,
    admin: Caller,
}

/// Lets a principal call STS (IAM grants nothing by default; the roles trust the account).
const STS_CALLER: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}"#;

fn fixture() -> Fixture {
    let mut w = World::default();
    let alice = w.add_user(MAIN, User::new("alice").inline_policy(STS_CALLER)).unwrap().access_keys[0].access_key_id.clone();
    for (name, max) in [("r3600", 3600), ("r7200", 7200), ("r43200", 43200)] {
        w.add_role(MAIN, Role::new(name).max_session_duration(max).inline_policy(STS_CALLER)).unwrap();
    }
    w.account_mut(MAIN).unwrap().outbound_web_identity_federation = true;
    let admin = w.add_user(MANAGEMENT, User::new("admin").inline_policy(STS_CALLER)).unwrap().access_keys[0].access_key_id.clone();
    w.account_mut(MANAGEMENT).unwrap().root_access_admin = true;
    w.add_account(MEMBER).unwrap().management_account = Some(MANAGEMENT.into());
    let root = w.root_key(MAIN).unwrap().access_key_id.clone();
    Fixture { sts: Sts::new(w, 3), alice: Caller::access_key(alice), root: Caller::access_key(root), admin: Caller::access_key(admin) }
}

/// Query parameters as the tests write them.
type Params = Vec<(&'static str, String)>;

fn send(f: &mut Fixture, caller: &Caller, pairs: &[(&str, String)]) -> Result<Response, StsError> {
    let params: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    answer(&mut f.sts, now(), caller, &params).outcome
}

fn assume_role(role: &str, d: Option<i64>) -> Params {
    let mut p = vec![
        ("Action", "AssumeRole".to_string()),
        ("Version", "2011-06-15".into()),
        ("RoleArn", format!("arn:aws:iam::{MAIN}:role/{role}")),
        ("RoleSessionName", "prop".into()),
    ];
    if let Some(d) = d {
        p.push(("DurationSeconds", d.to_string()));
    }
    p
}

fn simple(action: &str, d: Option<i64>, extra: &[(&'static str, &str)]) -> Params {
    let mut p = vec![("Action", action.to_string()), ("Version", "2011-06-15".into())];
    p.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    if let Some(d) = d {
        p.push(("DurationSeconds", d.to_string()));
    }
    p
}

fn expiration(r: &Response) -> OffsetDateTime {
    match r {
        Response::GetWebIdentityToken(w) => w.expiration.unwrap(),
        other => other.credentials().unwrap().expiration,
    }
}

/// The model-bound message the wire gives for a value outside [min, max].
fn check_out_of_model_bounds(result: Result<Response, StsError>, d: i64, min: i64, max: i64) -> Result<(), TestCaseError> {
    let err = result.err().ok_or_else(|| TestCaseError::fail(format!("{d} outside [{min}, {max}] accepted")))?;
    prop_assert_eq!(err.code, ErrorCode::ValidationError);
    let expected = if d < min {
        format!("Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {min}")
    } else {
        format!("Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to {max}")
    };
    prop_assert!(err.message.contains(&expected), "{} lacks {}", err.message, expected);
    Ok(())
}

fn check_window(
    result: Result<Response, StsError>,
    d: i64,
    min: i64,
    max: i64,
    effective: impl Fn(i64) -> i64,
) -> Result<(), TestCaseError> {
    if d < min || d > max {
        return check_out_of_model_bounds(result, d, min, max);
    }
    let r = result.map_err(|e| TestCaseError::fail(format!("{d} rejected: {e}")))?;
    prop_assert_eq!(expiration(&r), now() + Duration::seconds(effective(d)));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn assume_role_by_a_user_runs_from_900_to_the_role_maximum(d in -100i64..50_000, role in prop::sample::select(vec![("r3600", 3600i64), ("r7200", 7200), ("r43200", 43200)])) {
        let mut f = fixture();
        let alice = f.alice.clone();
        let result = send(&mut f, &alice, &assume_role(role.0, Some(d)));
        if !(900..=43200).contains(&d) {
            check_out_of_model_bounds(result, d, 900, 43200)?;
        } else if d > role.1 {
            let err = result.err().ok_or_else(|| TestCaseError::fail("above the role maximum accepted"))?;
            prop_assert_eq!(err.code, ErrorCode::ValidationError);
            prop_assert_eq!(err.message, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        } else {
            prop_assert_eq!(expiration(&result.unwrap()), now() + Duration::seconds(d));
        }
    }

    #[test]
    fn chained_sessions_never_exceed_one_hour(d in -100i64..50_000) {
        let mut f = fixture();
        let alice = f.alice.clone();
        let first = send(&mut f, &alice, &assume_role("r43200", Some(43200))).unwrap();
        let session = Caller::from_credentials(first.credentials().unwrap());
        let result = send(&mut f, &session, &assume_role("r43200", Some(d)));
        if !(900..=43200).contains(&d) {
            check_out_of_model_bounds(result, d, 900, 43200)?;
        } else if d > 3600 {
            let err = result.err().ok_or_else(|| TestCaseError::fail("chained session over an hour accepted"))?;
            prop_assert_eq!(err.message, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        } else {
            let r = result.unwrap();
            prop_assert!(expiration(&r) - now() <= Duration::hours(1));
            prop_assert_eq!(expiration(&r), now() + Duration::seconds(d));
        }
    }

    #[test]
    fn get_session_token_and_get_federation_token_run_to_36_hours_for_users_and_clamp_root(d in -100i64..140_000) {
        let mut f = fixture();
        let (alice, root) = (f.alice.clone(), f.root.clone());
        for (action, extra) in [("GetSessionToken", &[][..]), ("GetFederationToken", &[("Name", "fed")][..])] {
            check_window(send(&mut f, &alice, &simple(action, Some(d), extra)), d, 900, 129_600, |d| d)?;
            check_window(send(&mut f, &root, &simple(action, Some(d), extra)), d, 900, 129_600, |d| d.min(3600))?;
        }
    }

    #[test]
    fn assume_root_runs_from_0_to_900(d in -100i64..2_000) {
        let mut f = fixture();
        let admin = f.admin.clone();
        let extra = [("TargetPrincipal", MEMBER), ("TaskPolicyArn.arn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy")];
        check_window(send(&mut f, &admin, &simple("AssumeRoot", Some(d), &extra)), d, 0, 900, |d| d)?;
    }

    #[test]
    fn web_identity_tokens_run_from_60_to_3600_and_never_outlive_the_caller(d in -100i64..5_000, remaining in 900i64..3600) {
        let mut f = fixture();
        let alice = f.alice.clone();
        let extra = [("Audience.member.1", "aud"), ("SigningAlgorithm", "RS256")];
        check_window(send(&mut f, &alice, &simple("GetWebIdentityToken", Some(d), &extra)), d, 60, 3600, |d| d)?;
        let session = send(&mut f, &alice, &assume_role("r3600", Some(remaining))).unwrap();
        let session = Caller::from_credentials(session.credentials().unwrap());
        let result = send(&mut f, &session, &simple("GetWebIdentityToken", Some(d), &extra));
        if (60..=3600).contains(&d) && d > remaining {
            prop_assert_eq!(result.unwrap_err().code, ErrorCode::SessionDurationEscalationException);
        } else {
            check_window(result, d, 60, 3600, |d| d)?;
        }
    }
}

#[test]
fn defaults_apply_when_duration_seconds_is_omitted() {
    let mut f = fixture();
    let (alice, root, admin) = (f.alice.clone(), f.root.clone(), f.admin.clone());
    let cases: Vec<(&Caller, Params, i64)> = vec![
        (&alice, assume_role("r43200", None), 3600),
        (&alice, simple("GetSessionToken", None, &[]), 43200),
        (&root, simple("GetSessionToken", None, &[]), 3600),
        (&alice, simple("GetFederationToken", None, &[("Name", "fed")]), 43200),
        (&root, simple("GetFederationToken", None, &[("Name", "fed")]), 3600),
        (
            &admin,
            simple(
                "AssumeRoot",
                None,
                &[("TargetPrincipal", MEMBER), ("TaskPolicyArn.arn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy")],
            ),
            900,
        ),
        (&alice, simple("GetWebIdentityToken", None, &[("Audience.member.1", "aud"), ("SigningAlgorithm", "ES384")]), 300),
    ];
    for (caller, params, default) in cases {
        let caller = caller.clone();
        let r = send(&mut f, &caller, &params).unwrap_or_else(|e| panic!("{params:?}: {e}"));
        assert_eq!(expiration(&r), now() + Duration::seconds(default), "{params:?}");
    }
}
