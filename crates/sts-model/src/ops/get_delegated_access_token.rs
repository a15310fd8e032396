//! GetDelegatedAccessToken: exchanges a trade-in token for credentials of the principal it delegates.
//!
//! Trade-in tokens are issued out of band (`Sts::issue_trade_in_token`, or the mock's admin API):
//! each names a role, expires, and can be exchanged once. Expired tokens answer the modeled
//! `ExpiredTradeInTokenException`; unknown or already used ones the same code with another message
//! (AWS documents no other error for them; fidelity: inferred).

use time::OffsetDateTime;

use super::common::{self, Mint};
use crate::request::GetDelegatedAccessTokenRequest;
use crate::response::GetDelegatedAccessTokenResponse;
use crate::sts::CallerContext;
use crate::{ErrorCode, Principal, SessionKind, Sts, StsError};

/// Delegated sessions last one hour (not documented; the AssumeRole default).
const DURATION: i64 = 3600;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    _caller: &CallerContext,
    req: GetDelegatedAccessTokenRequest,
) -> Result<GetDelegatedAccessTokenResponse, StsError> {
    let invalid = || StsError::new(ErrorCode::ExpiredTradeInTokenException, "The trade-in token is invalid or has already been used.");
    let token = sts.trade_in_tokens.get(&req.trade_in_token).cloned().ok_or_else(invalid)?;
    if token.used {
        return Err(invalid());
    }
    if now >= token.expires {
        return Err(StsError::new(ErrorCode::ExpiredTradeInTokenException, "The trade-in token has expired."));
    }
    let role = common::find_role_by_arn(sts, &token.role_arn)?;
    let (account, _) = common::parse_role_arn(&token.role_arn)?;
    common::check_region(sts, &account)?;
    // The delegation's tags count against the packed budget like session tags. fidelity: inferred
    // (the model lists PackedPolicyTooLarge for this operation without saying what fills it).
    let tag_cost = common::session_tags(&token.tags, &[], &[])?;
    let packed = common::Packed { bytes: tag_cost.bytes }.check(!token.tags.is_empty())?;
    if let Some(t) = sts.trade_in_tokens.get_mut(&req.trade_in_token) {
        t.used = true;
    }
    let session_name = format!("delegated-{}", &req.trade_in_token.chars().take(8).collect::<String>());
    let principal = Principal::AssumedRole { account, role_name: role.name.clone(), role_id: role.role_id.clone(), session_name };
    let assumed_principal = principal.arn(&sts.config.partition);
    let minted = common::mint(
        sts,
        now,
        Mint {
            principal,
            kind: SessionKind::GetDelegatedAccessToken,
            duration_seconds: DURATION,
            base_token_len: 728,
            packed,
            minimum_session_token_size: None,
            source_identity: None,
            tags: common::merge_tags(&role.tags, &token.tags),
            transitive_tag_keys: vec![],
            mfa_authenticated: false,
            session_policies: None,
            federating_principal: None,
            extras: common::Extras::default(),
        },
    )?;
    // PackedPolicySize is "not populated" for this operation (model documentation).
    Ok(GetDelegatedAccessTokenResponse {
        credentials: Some(minted.credentials),
        packed_policy_size: None,
        assumed_principal: Some(assumed_principal),
    })
}
