//! AssumeRoleWithSAML (unsigned): role credentials for the bearer of a signed SAML response.
//!
//! The response is verified for real ([`crate::saml::verify`]: XML signature over the Assertion we
//! read, issuer, recipient, audience, times, Role pair, RoleSessionName) against the SAML provider
//! PrincipalArn names; then the role's trust policy, durations (also bounded by SessionDuration and
//! SessionNotOnOrAfter), session policies, and the tags and source identity of the attributes.

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::AssumeRoleWithSamlRequest;
use crate::response::{AssumeRoleWithSamlResponse, AssumedRoleUser};
use crate::saml::{self, Provider};
use crate::{Arn, ErrorCode, Principal, SessionKind, Sts, StsError};

/// Default lifetime when DurationSeconds is omitted (model documentation).
const DEFAULT_DURATION: i64 = 3600;

pub(crate) fn call(sts: &mut Sts, now: OffsetDateTime, req: AssumeRoleWithSamlRequest) -> Result<AssumeRoleWithSamlResponse, StsError> {
    let partition = sts.config.partition.clone();
    let (role_account, role_name) = common::parse_role_arn(&req.role_arn)?;
    let principal = Arn::parse(&req.principal_arn)?;
    // The parameter is decoded before the provider is looked up (the documented example's fake
    // assertion is refused as such).
    let xml = saml::decode(&req.saml_assertion)?;
    let provider_name = principal.resource.strip_prefix("saml-provider/").filter(|n| !n.is_empty() && principal.service == "iam");
    let provider = provider_name
        .and_then(|name| sts.world.account(principal.account).and_then(|a| a.saml_providers.get(name)))
        .cloned()
        // The wording for an unknown provider is not established. fidelity: inferred.
        .ok_or_else(|| StsError::new(ErrorCode::InvalidIdentityToken, format!("SAML provider {} does not exist", req.principal_arn)))?;
    let provider_account = principal.account.to_owned();
    let verified = saml::verify_xml(
        &xml,
        &req.role_arn,
        Provider { arn: &req.principal_arn, entity_id: &provider.entity_id, certificate_pem: &provider.certificate_pem },
        now,
    )?;
    common::check_region(sts, &role_account)?;

    let denied = || StsError::new(ErrorCode::AccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML");
    let role = sts.world.role(&role_account, &role_name).cloned().ok_or_else(denied)?;
    let name_qualifier = saml::name_qualifier(&verified.issuer, &provider_account, &provider.name);
    let mut context = std::collections::HashMap::new();
    for (key, value) in [
        ("saml:aud", &verified.recipient),
        ("saml:iss", &verified.issuer),
        ("saml:sub", &verified.subject),
        ("saml:sub_type", &verified.subject_type),
        ("saml:namequalifier", &name_qualifier),
        ("sts:rolesessionname", &verified.session_name),
    ] {
        context.insert(key.to_owned(), vec![value.clone()]);
    }
    for tag in &verified.tags {
        context.insert(format!("aws:requesttag/{}", tag.key.to_lowercase()), vec![tag.value.clone()]);
    }
    let trusted = role.trust.principals.iter().any(|p| p == "*" || *p == req.principal_arn);
    if !trusted || !role.trust.conditions_hold(&context) {
        return Err(denied());
    }

    let requested = req.duration_seconds.map_or(DEFAULT_DURATION, i64::from);
    if requested > i64::from(role.max_session_duration) {
        return Err(StsError::validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
    }
    // SessionDuration and SessionNotOnOrAfter can only shorten the session (documented).
    let duration = match verified.session_limit {
        Some(limit) => requested.min((limit - now).whole_seconds()).max(1),
        None => requested,
    };
    let tag_cost = common::session_tags(&verified.tags, &verified.transitive_tag_keys, &[])
        .map_err(|e| StsError::new(ErrorCode::InvalidIdentityToken, e.message))?;
    let (policy_cost, session_policies) = common::session_policies(sts, req.policy.as_deref(), req.policy_arns.as_deref())?;
    let packed = common::Packed { bytes: tag_cost.bytes + policy_cost.bytes }.check(!verified.tags.is_empty())?;
    let has_session_inputs = req.policy.is_some() || req.policy_arns.as_ref().is_some_and(|v| !v.is_empty()) || !verified.tags.is_empty();

    let principal = Principal::AssumedRole {
        account: role_account,
        role_name: role.name.clone(),
        role_id: role.role_id.clone(),
        session_name: verified.session_name.clone(),
    };
    let assumed_role_user = AssumedRoleUser { assumed_role_id: principal.user_id(), arn: principal.arn(&partition) };
    let minted = common::mint(
        sts,
        now,
        Mint {
            base_token_len: 760 + assumed_role_user.arn.len().div_ceil(3) * 4,
            principal,
            kind: SessionKind::AssumeRoleWithSaml,
            duration_seconds: duration,
            packed,
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: verified.source_identity.clone(),
            tags: common::merge_tags(&role.tags, &verified.tags),
            transitive_tag_keys: verified.transitive_tag_keys.clone(),
            mfa_authenticated: false,
            session_policies,
            federating_principal: None,
        },
    );
    Ok(AssumeRoleWithSamlResponse {
        credentials: Some(minted.credentials),
        assumed_role_user: Some(assumed_role_user),
        packed_policy_size: has_session_inputs.then(|| packed.percent()),
        subject: Some(verified.subject),
        subject_type: Some(verified.subject_type),
        issuer: Some(verified.issuer),
        audience: Some(verified.recipient),
        name_qualifier: Some(name_qualifier),
        source_identity: verified.source_identity,
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
