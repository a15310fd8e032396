//! GetFederationToken: federated-user credentials for an IAM user or root (long-term keys only).

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::GetFederationTokenRequest;
use crate::response::{FederatedUser, GetFederationTokenResponse};
use crate::sts::CallerContext;
use crate::{Principal, SessionKind, Sts, StsError};

const DEFAULT_DURATION: i64 = 43200;
/// Root callers are silently clamped to one hour (documented).
const ROOT_MAX: i64 = 3600;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: GetFederationTokenRequest,
) -> Result<GetFederationTokenResponse, StsError> {
    common::check_region(sts, caller.principal.account())?;
    let mut duration = req.duration_seconds.map_or(DEFAULT_DURATION, i64::from);
    if caller.is_root() {
        duration = duration.min(ROOT_MAX);
    }
    let tags = req.tags.clone().unwrap_or_default();
    let tag_cost = common::session_tags(&tags, &[], &[])?;
    let (policy_cost, session_policies) = common::session_policies(sts, req.policy.as_deref(), req.policy_arns.as_deref())?;
    let packed = common::Packed { bytes: tag_cost.bytes + policy_cost.bytes }.check(!tags.is_empty())?;
    // The federating user's tags are principal tags of the federated session unless overridden.
    let user_tags = match &caller.principal {
        Principal::User { account, name, .. } => sts.world.user(account, name).map(|u| u.tags.clone()).unwrap_or_default(),
        _ => vec![],
    };
    let principal = Principal::FederatedUser { account: caller.principal.account().to_owned(), name: req.name.clone() };
    let federated_user = FederatedUser { federated_user_id: principal.user_id(), arn: principal.arn(&sts.config.partition) };
    // Observed (2024): "User: arn:aws:iam::ACCT:user/u is not authorized to perform:
    // sts:GetFederationToken on resource: arn:aws:sts::ACCT:federated-user/NAME". Session tags are
    // passed with sts:TagSession (documented).
    let mut context = std::collections::HashMap::new();
    for t in &tags {
        context.insert(format!("aws:requesttag/{}", t.key.to_lowercase()), vec![t.value.clone()]);
    }
    if !tags.is_empty() {
        context.insert("aws:tagkeys".to_owned(), tags.iter().map(|t| t.key.clone()).collect());
    }
    sts.authorize_identity_action(now, caller, "sts:GetFederationToken", &federated_user.arn, &context)?;
    if !tags.is_empty() {
        sts.authorize_identity_action(now, caller, "sts:TagSession", &federated_user.arn, &context)?;
    }
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal,
            kind: SessionKind::GetFederationToken,
            duration_seconds: duration,
            base_token_len: 556,
            packed,
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: None,
            tags: common::merge_tags(&user_tags, &tags),
            transitive_tag_keys: vec![],
            mfa_authenticated: false,
            // Without a session policy a federated user may do nothing: an empty layer denies.
            session_policies: Some(session_policies.unwrap_or_default()),
            federating_principal: Some(caller.principal.clone()),
            extras: common::Extras::default(),
        },
    )?;
    Ok(GetFederationTokenResponse {
        credentials: Some(minted.credentials),
        federated_user: Some(federated_user),
        // Reported even without policies or tags (observed: 0).
        packed_policy_size: Some(packed.percent()),
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
