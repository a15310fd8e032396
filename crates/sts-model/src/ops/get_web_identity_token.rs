//! GetWebIdentityToken: STS-signed JWTs for outbound federation.
//!
//! Accounts start with outbound web identity federation disabled, as in AWS, where an administrator
//! must enable it. The signing keys arrive with the reference-model issue. Wording inferred.

use time::OffsetDateTime;

use crate::request::GetWebIdentityTokenRequest;
use crate::response::GetWebIdentityTokenResponse;
use crate::sts::CallerContext;
use crate::{ErrorCode, Sts, StsError};

pub(crate) fn call(
    sts: &mut Sts,
    _now: OffsetDateTime,
    caller: &CallerContext,
    _req: GetWebIdentityTokenRequest,
) -> Result<GetWebIdentityTokenResponse, StsError> {
    if sts.config.region.is_none() {
        return Err(StsError::new(
            ErrorCode::InvalidAction,
            "GetWebIdentityToken is not supported on the global endpoint. Use a regional endpoint.",
        ));
    }
    Err(StsError::new(
        ErrorCode::OutboundWebIdentityFederationDisabledException,
        format!("Outbound web identity federation is disabled for account {}.", caller.principal.account()),
    ))
}
