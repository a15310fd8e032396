//! AssumeRoleWithWebIdentity (unsigned): role credentials for the holder of an OIDC ID token.
//!
//! The token is verified for real ([`crate::oidc::verify`]) against the OIDC provider of the role's
//! account that its `iss` names; then the role's trust policy (provider principal and conditions on
//! `<provider>:aud`, `:sub`, `:amr`), durations, session policies and the tags and source identity
//! the token carries.

use time::OffsetDateTime;

use super::common;
use crate::oidc::{self, Provider};
use crate::request::AssumeRoleWithWebIdentityRequest;
use crate::response::AssumeRoleWithWebIdentityResponse;
use crate::{ErrorCode, SessionKind, Sts, StsError};

/// OAuth 2.0 providers whose opaque access tokens STS checks with the provider itself (`ProviderId`).
const OAUTH_PROVIDERS: &[&str] = &["www.amazon.com", "graph.facebook.com"];

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    req: AssumeRoleWithWebIdentityRequest,
) -> Result<AssumeRoleWithWebIdentityResponse, StsError> {
    let partition = sts.config.partition.clone();
    let (role_account, role_name) = common::parse_role_arn(&req.role_arn)?;
    if let Some(provider) = &req.provider_id {
        // The mock has no Amazon or Facebook to ask, and they do not know its tokens: their refusal,
        // as observed from graph.facebook.com. fidelity: inferred for www.amazon.com.
        if OAUTH_PROVIDERS.contains(&provider.as_str()) {
            return Err(StsError::new(
                ErrorCode::IDPRejectedClaim,
                format!("{provider}: {provider} responded with HTTP/1.1 400 Bad Request"),
            ));
        }
        return Err(StsError::new(
            ErrorCode::InvalidIdentityToken,
            format!("No OpenIDConnect provider found in your account for {provider}"),
        ));
    }
    let issuer = oidc::issuer_of(&req.web_identity_token)?;
    let provider = sts
        .world
        .account(&role_account)
        .and_then(|a| a.oidc_providers.get(issuer.strip_prefix("https://").unwrap_or(&issuer)))
        .cloned()
        .ok_or_else(|| {
            StsError::new(ErrorCode::InvalidIdentityToken, format!("No OpenIDConnect provider found in your account for {issuer}"))
        })?;
    let verified = oidc::verify(
        &req.web_identity_token,
        Provider { url: &provider.url, client_ids: &provider.client_ids, jwks: provider.jwks.as_deref() },
        now,
    )?;
    common::check_region(sts, &role_account)?;

    let host = provider.url.trim_start_matches("https://");
    let provider_arn = format!("arn:{partition}:iam::{role_account}:oidc-provider/{host}");
    let denied = || StsError::new(ErrorCode::AccessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    let role = sts.world.role(&role_account, &role_name).cloned().ok_or_else(denied)?;
    let context = common::federation_context(
        verified.condition_keys.clone(),
        &verified.tags,
        verified.source_identity.as_deref(),
        &req.role_session_name,
    );
    // Observed wording, the same when the trust policy lacks sts:TagSession or
    // sts:SetSourceIdentity for the token's tags or source identity (documented for SAML).
    let actions = common::federated_actions("sts:AssumeRoleWithWebIdentity", &verified.tags, verified.source_identity.as_deref());
    if !Sts::trust_allows_federated(&role.trust_policy_for(&role_account), &provider_arn, &actions, &context) {
        return Err(denied());
    }

    let duration = common::role_session_duration(req.duration_seconds, role.max_session_duration)?;
    let identity_context = provider.context_provider.then(|| {
        crate::identity_context::from_web_identity(
            &provider.url,
            &provider_arn,
            &verified.subject,
            verified.subject_type.as_deref(),
            &verified.transaction_context,
        )
    });
    let session = common::federated_session(
        sts,
        now,
        common::Federated {
            role: &role,
            account: role_account,
            session_name: req.role_session_name.clone(),
            kind: SessionKind::AssumeRoleWithWebIdentity,
            duration_seconds: duration,
            tags: &verified.tags,
            transitive_tag_keys: &verified.transitive_tag_keys,
            source_identity: verified.source_identity.clone(),
            policy: req.policy.as_deref(),
            policy_arns: req.policy_arns.as_deref(),
            minimum_session_token_size: req.minimum_session_token_size,
            identity_context: identity_context.clone(),
        },
    )?;
    Ok(AssumeRoleWithWebIdentityResponse {
        credentials: Some(session.minted.credentials),
        subject_from_web_identity_token: Some(verified.subject),
        assumed_role_user: Some(session.assumed_role_user),
        packed_policy_size: session.packed_policy_size,
        // Real responses carry the provider ARN (observed), not the bare `iss` the model documents.
        provider: Some(provider_arn),
        audience: Some(verified.audience),
        source_identity: verified.source_identity,
        session_token_utilization: Some(session.minted.session_token_utilization),
        session_token_size: Some(session.minted.session_token_size),
        trusted_identity_propagation_context: identity_context,
    })
}
