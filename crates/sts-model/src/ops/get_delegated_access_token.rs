//! GetDelegatedAccessToken: exchanges a trade-in token for credentials of the delegating principal.
//!
//! The world does not issue trade-in tokens yet (the reference-model issue adds them), so every
//! token is unknown here. fidelity: inferred (AWS documents no error for an unknown token; the
//! closest modeled one is ExpiredTradeInTokenException).

use crate::request::GetDelegatedAccessTokenRequest;
use crate::response::GetDelegatedAccessTokenResponse;
use crate::sts::CallerContext;
use crate::{ErrorCode, Sts, StsError};

pub(crate) fn call(
    _sts: &mut Sts,
    _caller: &CallerContext,
    _req: GetDelegatedAccessTokenRequest,
) -> Result<GetDelegatedAccessTokenResponse, StsError> {
    Err(StsError::new(ErrorCode::ExpiredTradeInTokenException, "The trade-in token is expired or not valid."))
}
