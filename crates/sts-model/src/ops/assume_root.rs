//! AssumeRoot: short root-task sessions on a member account of an AWS Organization.
//!
//! Callable from the organization's management account, or from a delegated administrator for
//! centralized root access, by an IAM user or role session (not by root), on regional endpoints only.

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::AssumeRootRequest;
use crate::response::AssumeRootResponse;
use crate::sts::CallerContext;
use crate::{Principal, SessionKind, Sts, StsError};

/// The documented root-task policies (`arn:aws:iam::aws:policy/root-task/{name}`).
pub(crate) const TASK_POLICIES: &[&str] = &[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];
const DEFAULT_DURATION: i64 = 900;

/// The account a TargetPrincipal names: an account id, or the account field of a principal ARN.
fn target_account(target: &str) -> Option<&str> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(target) {
        return Some(target);
    }
    crate::Arn::parse(target).ok().map(|a| a.account).filter(|a| is_account(a))
}

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: AssumeRootRequest,
) -> Result<AssumeRootResponse, StsError> {
    let partition = sts.config.partition.clone();
    let task_arn = req.task_policy_arn.arn.clone().unwrap_or_default();
    let prefix = format!("arn:{partition}:iam::aws:policy/root-task/");
    if !task_arn.strip_prefix(&prefix).is_some_and(|name| TASK_POLICIES.contains(&name)) {
        return Err(StsError::validation(format!("{task_arn} is invalid")));
    }
    let caller_account = caller.principal.account().to_owned();
    let admin = sts.world.account(&caller_account).filter(|a| a.root_access_admin);
    // The organization the caller administers: its own (management account) or its management account's.
    let organization = admin.map(|a| a.management_account.clone().unwrap_or_else(|| a.id.clone()));
    let target = target_account(&req.target_principal).map(str::to_owned);
    let member = target
        .as_deref()
        .and_then(|t| sts.world.account(t))
        .filter(|t| organization.as_deref().is_some_and(|org| t.management_account.as_deref() == Some(org)) && t.id != caller_account);
    let (Some(member), false) = (member.map(|m| m.id.clone()), caller.is_root()) else {
        return Err(sts.deny(&caller.principal, "AssumeRoot", &req.target_principal));
    };
    // Documented: the caller needs sts:AssumeRoot; the sts:TaskPolicyArn key names the task policy.
    // The wording of the denial is inferred (AssumeRole's form, the target as resource).
    let context = std::collections::HashMap::from([("sts:taskpolicyarn".to_owned(), vec![task_arn.clone()])]);
    sts.authorize_identity_action(now, caller, "sts:AssumeRoot", &req.target_principal, &context)?;
    common::check_region(sts, &member)?;
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal: Principal::Root { account: member },
            kind: SessionKind::AssumeRoot,
            duration_seconds: req.duration_seconds.map_or(DEFAULT_DURATION, i64::from),
            base_token_len: 600,
            packed: common::Packed::default(),
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: None,
            tags: vec![],
            transitive_tag_keys: vec![],
            mfa_authenticated: false,
            session_policies: None,
            federating_principal: None,
            extras: common::Extras::default(),
        },
    )?;
    Ok(AssumeRootResponse {
        credentials: Some(minted.credentials),
        source_identity: None,
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
