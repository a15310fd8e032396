//! AssumeRoot: short root-task sessions on a member account (regional endpoints only).

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::AssumeRootRequest;
use crate::response::AssumeRootResponse;
use crate::sts::CallerContext;
use crate::{ErrorCode, Principal, SessionKind, Sts, StsError};

/// The documented root-task policies.
pub(crate) const TASK_POLICIES: &[&str] = &[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];
const DEFAULT_DURATION: i64 = 900;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: AssumeRootRequest,
) -> Result<AssumeRootResponse, StsError> {
    let partition = sts.config.partition.clone();
    if sts.config.region.is_none() {
        // Not offered on the global endpoint; wording inferred.
        return Err(StsError::new(
            ErrorCode::InvalidAction,
            "AssumeRoot is not supported on the global endpoint. Use a regional endpoint.",
        ));
    }
    if caller.is_root() {
        return Err(StsError::not_authorized(&caller.principal.arn(&partition), "AssumeRoot", &req.target_principal));
    }
    let task_arn = req.task_policy_arn.arn.clone().unwrap_or_default();
    let prefix = format!("arn:{partition}:iam::aws:policy/root-task/");
    let known_task = task_arn.strip_prefix(&prefix).is_some_and(|name| TASK_POLICIES.contains(&name));
    if !known_task {
        return Err(StsError::validation(format!("{task_arn} is invalid")));
    }
    let target_account = req.target_principal.rsplit(':').find(|p| p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()));
    let target_account = match target_account {
        Some(a) if sts.world.account(a).is_some() => a.to_owned(),
        _ => return Err(StsError::not_authorized(&caller.principal.arn(&partition), "AssumeRoot", &req.target_principal)),
    };
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal: Principal::Root { account: target_account },
            kind: SessionKind::AssumeRoot,
            duration_seconds: req.duration_seconds.map_or(DEFAULT_DURATION, i64::from),
            base_token_len: 600,
            packed: common::Packed::default(),
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: None,
            tags: vec![],
            transitive_tag_keys: vec![],
            mfa_authenticated: false,
        },
    );
    Ok(AssumeRootResponse {
        credentials: Some(minted.credentials),
        source_identity: None,
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
