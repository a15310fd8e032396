//! GetScopedCredentials (botocore 1.44.7): a second set of temporary credentials for the caller's
//! own session (same principal, same session name), with a scope-down policy, a shorter life, or
//! both. It never adds permissions and never extends a session.
//!
//! Documented (model and operation reference): temporary credentials only; `Policy` or
//! `DurationSeconds` required; `DurationSeconds` 1..129600 and never beyond the caller's remaining
//! lifetime (`InsufficientSessionLifetime`), omitted it inherits the caller's expiration; at most
//! three scope-down layers; `SourceIdentity` copied; no `PackedPolicySize`; regional endpoints only.
//! The codes and wording of the undocumented refusals are marked where they are chosen.

use time::{Duration, OffsetDateTime};

use super::common::{self, Extras, Mint};
use crate::request::GetScopedCredentialsRequest;
use crate::response::{GetScopedCredentialsResponse, ScopedSession};
use crate::sts::CallerContext;
use crate::{ErrorCode, Principal, Session, Sts, StsError};

/// Most scope-down layers a session may carry (documented).
pub(crate) const MAX_SCOPED_POLICIES: usize = 3;
/// What one more layer adds to the token beyond its packed policy. fidelity: inferred.
const SCOPE_LAYER_TOKEN_BYTES: usize = 64;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: GetScopedCredentialsRequest,
) -> Result<GetScopedCredentialsResponse, StsError> {
    // Long-term keys are refused before the call gets here (the caller-type table).
    let Some(session) = caller.session.as_ref() else {
        return Err(subject_unresolved());
    };
    if !subject_exists(sts, session) {
        return Err(subject_unresolved());
    }
    if req.policy.is_none() && req.duration_seconds.is_none() {
        // Documented rule, unmodeled error: the closest documented behaviour is a validation error.
        // fidelity: inferred.
        return Err(StsError::validation("At least one of Policy or DurationSeconds must be specified."));
    }
    if req.policy.is_some() && session.scoped_policies.len() >= MAX_SCOPED_POLICIES {
        // Documented: "denied". The code and wording are not. fidelity: inferred.
        let arn = caller.principal.arn(&sts.config.partition);
        return Err(StsError::new(
            ErrorCode::AccessDenied,
            format!(
                "User: {arn} is not authorized to perform: sts:GetScopedCredentials because the session already carries the maximum of {MAX_SCOPED_POLICIES} scoped policies"
            ),
        ));
    }
    let expiration = match req.duration_seconds {
        None => session.credentials.expiration,
        Some(seconds) => {
            let asked = common::expiration_after(now, i64::from(seconds))?;
            if asked > session.credentials.expiration {
                let remaining = (session.credentials.expiration - now).max(Duration::ZERO).whole_seconds();
                // Documented situation; the wording follows the error shape's documentation ("the
                // requested DurationSeconds is greater than the remaining lifetime of the calling
                // session"), the figures are ours. fidelity: inferred.
                return Err(StsError::new(
                    ErrorCode::InsufficientSessionLifetime,
                    format!(
                        "The requested DurationSeconds ({seconds}) is greater than the remaining lifetime of the calling session ({remaining} seconds)."
                    ),
                ));
            }
            asked
        }
    };

    let mut scoped_policies = session.scoped_policies.clone();
    let mut packed = common::Packed { bytes: session.packed_bytes };
    let mut base_token_len = session.base_token_len;
    if let Some(text) = &req.policy {
        let (cost, document) = common::inline_policy(text)?;
        packed.bytes += cost.bytes;
        base_token_len += SCOPE_LAYER_TOKEN_BYTES;
        scoped_policies.push(document);
    }
    let packed = packed.check(false)?;
    let count = scoped_policies.len() as i32;
    let principal = caller.principal.clone();
    let session_info = ScopedSession { scoped_session_id: principal.user_id(), arn: principal.arn(&sts.config.partition) };
    let source_identity = session.source_identity.clone();
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal,
            kind: session.kind,
            duration_seconds: 0,
            base_token_len,
            packed,
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: source_identity.clone(),
            tags: session.tags.clone(),
            transitive_tag_keys: session.transitive_tag_keys.clone(),
            mfa_authenticated: session.mfa_authenticated,
            session_policies: session.session_policies.clone(),
            federating_principal: session.federating_principal.clone(),
            extras: Extras {
                scoped: true,
                scoped_policies,
                scoped_session_description: req.scoped_session_description,
                identity_context: session.identity_context.clone(),
                expires_at: Some(expiration),
            },
        },
    )?;
    Ok(GetScopedCredentialsResponse {
        credentials: Some(minted.credentials),
        session_info: Some(session_info),
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
        scoped_policies_count: Some(count),
        source_identity,
    })
}

/// `InvalidSubjectCredentials`: the error shape's documentation says "the session used to call
/// GetScopedCredentials is not a valid session. The calling session's credentials could not be
/// validated or resolved." The wire wording is not published. fidelity: inferred.
fn subject_unresolved() -> StsError {
    StsError::new(ErrorCode::InvalidSubjectCredentials, "The calling session's credentials could not be validated or resolved.")
}

/// Whether the principal behind a session still exists as it did when the session was minted (a
/// role deleted, or deleted and recreated with a new id, leaves its sessions unresolvable).
fn subject_exists(sts: &Sts, session: &Session) -> bool {
    let principal = session.federating_principal.as_ref().unwrap_or(&session.principal);
    match principal {
        Principal::Root { account } => sts.world.account(account).is_some(),
        Principal::User { account, name, user_id, .. } => sts.world.user(account, name).is_some_and(|u| &u.user_id == user_id),
        Principal::AssumedRole { account, role_name, role_id, .. } => {
            sts.world.role(account, role_name).is_some_and(|r| &r.role_id == role_id)
        }
        Principal::FederatedUser { .. } => true,
    }
}
