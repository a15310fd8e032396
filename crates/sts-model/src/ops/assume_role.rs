//! AssumeRole: role credentials for an IAM user or a role session (role chaining).

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::{AssumeRoleRequest, Tag};
use crate::response::{AssumeRoleResponse, AssumedRoleUser};
use crate::sts::CallerContext;
use crate::{ErrorCode, Principal, SessionKind, Sts, StsError};

/// Role chaining caps sessions at one hour (documented; EC2 instance-profile roles are exempt).
const CHAINING_MAX: i64 = 3600;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: AssumeRoleRequest,
) -> Result<AssumeRoleResponse, StsError> {
    let partition = sts.config.partition.clone();
    // Observed wording; AssumeRoot sessions are root sessions too.
    if caller.is_root() {
        return Err(StsError::new(ErrorCode::AccessDenied, "Roles may not be assumed by root accounts."));
    }
    let (role_account, role_name) = common::parse_role_arn(&req.role_arn)?;
    common::check_region(sts, &role_account)?;
    // A role that does not exist is indistinguishable from one that does not trust the caller:
    // STS reveals nothing about other accounts' roles.
    let Some(role) = sts.world.role(&role_account, &role_name) else {
        return Err(sts.deny(&caller.principal, "AssumeRole", &req.role_arn));
    };
    // Federated users never get here: the caller-type table refuses their AssumeRole first.
    let (trust, max_session_duration) = (role.trust_policy_for(&role_account), role.max_session_duration);
    let (role_id, role_tags) = (role.role_id.clone(), role.tags.clone());

    // A code is judged after the trust policy, which reads it as given: a caller the policy refuses
    // anyway learns nothing about the code (the order the observed answers show).
    let session_mfa = caller.session.as_ref().is_some_and(|s| s.mfa_authenticated);
    let code_given = req.serial_number.is_some() || req.token_code.is_some();
    let code_check = common::mfa_check(sts, now, &caller.principal, req.serial_number.as_deref(), req.token_code.as_deref());

    // Transitive tags of the calling session pass on and cannot be overridden.
    let inherited: Vec<Tag> = caller
        .session
        .as_ref()
        .map(|s| s.tags.iter().filter(|t| s.transitive_tag_keys.iter().any(|k| common::same_tag_key(k, &t.key))).cloned().collect())
        .unwrap_or_default();
    let tags = req.tags.clone().unwrap_or_default();
    let transitive = req.transitive_tag_keys.clone().unwrap_or_default();
    // Source identity persists through chains and cannot change once set (documented).
    let inherited_source = caller.session.as_ref().and_then(|s| s.source_identity.clone());
    let source_identity = inherited_source.clone().or(req.source_identity.clone());
    let provided = req.provided_contexts.as_deref().is_some_and(|p| !p.is_empty());

    // The trust policy and the caller's identity policies, for AssumeRole and each session action
    // the call implies (documented: sts:TagSession for session tags, inherited transitive ones
    // included (observed); sts:SetSourceIdentity for a source identity, inherited included;
    // sts:SetContext for ProvidedContexts).
    let mut actions = vec!["sts:AssumeRole"];
    if !tags.is_empty() || !inherited.is_empty() {
        actions.push("sts:TagSession");
    }
    if source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    if provided {
        actions.push("sts:SetContext");
    }
    let context = common::assume_role_context(&req, &tags, &transitive, source_identity.as_deref(), code_given || session_mfa);
    sts.authorize_role_actions(now, caller, (&role_account, &req.role_arn, &trust), &actions, context)?;
    let mfa_ok = code_check? || session_mfa;

    // Context assertions from a trusted context provider (trusted identity propagation). Without
    // one, a chained session keeps its caller's context, as it keeps its source identity.
    // fidelity: inferred (the chaining rule).
    let identity_context = match req.provided_contexts.as_deref() {
        Some(provided) if !provided.is_empty() => sts.provided_context(now, provided)?.map(Box::new),
        _ => caller.session.as_ref().and_then(|s| s.identity_context.clone()),
    };

    let chained = matches!(caller.principal, Principal::AssumedRole { .. });
    if chained && req.duration_seconds.map_or(common::ROLE_SESSION_DEFAULT, i64::from) > CHAINING_MAX {
        return Err(StsError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    let duration = common::role_session_duration(req.duration_seconds, max_session_duration)?;

    // The answer to a different value is not documented: AccessDenied, as for a missing
    // sts:SetSourceIdentity.
    if let (Some(old), Some(new)) = (&inherited_source, &req.source_identity)
        && old != new
    {
        return Err(sts.deny(&caller.principal, "SetSourceIdentity", &req.role_arn));
    }
    let tag_cost = common::session_tags(&tags, &transitive, &inherited)?;
    let (policy_cost, session_policies) = common::session_policies(sts, req.policy.as_deref(), req.policy_arns.as_deref())?;
    let packed = common::Packed { bytes: tag_cost.bytes + policy_cost.bytes }.check(!tags.is_empty() || !inherited.is_empty())?;
    let has_session_inputs = req.policy.is_some() || req.policy_arns.as_ref().is_some_and(|v| !v.is_empty()) || !tags.is_empty();

    let principal = Principal::AssumedRole { account: role_account, role_name, role_id, session_name: req.role_session_name.clone() };
    let assumed_role_user = AssumedRoleUser { assumed_role_id: principal.user_id(), arn: principal.arn(&partition) };
    let mut session_tags = inherited.clone();
    session_tags.extend(tags);
    let mut transitive_keys: Vec<String> = inherited.iter().map(|t| t.key.clone()).collect();
    transitive_keys.extend(transitive);
    let minted = common::mint(
        sts,
        now,
        Mint {
            base_token_len: 728 + assumed_role_user.arn.len().div_ceil(3) * 4,
            principal,
            kind: SessionKind::AssumeRole,
            duration_seconds: duration,
            packed,
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: source_identity.clone(),
            tags: common::merge_tags(&role_tags, &session_tags),
            transitive_tag_keys: transitive_keys,
            mfa_authenticated: mfa_ok,
            session_policies,
            federating_principal: None,
            extras: common::Extras { identity_context, ..common::Extras::default() },
        },
    )?;
    Ok(AssumeRoleResponse {
        credentials: Some(minted.credentials),
        assumed_role_user: Some(assumed_role_user),
        packed_policy_size: has_session_inputs.then(|| packed.percent()),
        source_identity,
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
