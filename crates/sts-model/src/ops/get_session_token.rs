//! GetSessionToken: credentials for an IAM user or root, optionally MFA-authenticated.

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::GetSessionTokenRequest;
use crate::response::GetSessionTokenResponse;
use crate::sts::CallerContext;
use crate::{SessionKind, Sts, StsError};

/// Users get 12 hours unless they ask otherwise (documented).
const USER_DEFAULT: i64 = 43200;
/// Root sessions are one hour at most; longer requests are silently clamped (documented).
const ROOT_MAX: i64 = 3600;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: GetSessionTokenRequest,
) -> Result<GetSessionTokenResponse, StsError> {
    common::check_region(sts, caller.principal.account())?;
    let requested = req.duration_seconds.map(i64::from);
    let duration = if caller.is_root() { requested.unwrap_or(ROOT_MAX).min(ROOT_MAX) } else { requested.unwrap_or(USER_DEFAULT) };
    let mfa_authenticated = common::mfa_check(sts, now, &caller.principal, req.serial_number.as_deref(), req.token_code.as_deref())?;
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal: caller.principal.clone(),
            kind: SessionKind::GetSessionToken,
            duration_seconds: duration,
            base_token_len: 404,
            packed: common::Packed::default(),
            minimum_session_token_size: req.minimum_session_token_size,
            source_identity: None,
            tags: vec![],
            transitive_tag_keys: vec![],
            mfa_authenticated,
            session_policies: None,
            federating_principal: None,
            extras: common::Extras::default(),
        },
    )?;
    Ok(GetSessionTokenResponse {
        credentials: Some(minted.credentials),
        session_token_utilization: Some(minted.session_token_utilization),
        session_token_size: Some(minted.session_token_size),
    })
}
