//! AssumeRoleWithWebIdentity (unsigned): role credentials for the holder of an OIDC token.
//!
//! This slice checks the token's shape and its issuer against the world's OIDC providers; the
//! world has none yet (the federation issue adds providers and signature verification), so every
//! well-formed token ends with AWS's "No OpenIDConnect provider found" answer.

use base64::Engine as _;
use time::OffsetDateTime;

use crate::request::AssumeRoleWithWebIdentityRequest;
use crate::response::AssumeRoleWithWebIdentityResponse;
use crate::{Arn, ErrorCode, Sts, StsError};

fn invalid(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::InvalidIdentityToken, message)
}

pub(crate) fn call(
    _sts: &mut Sts,
    _now: OffsetDateTime,
    req: AssumeRoleWithWebIdentityRequest,
) -> Result<AssumeRoleWithWebIdentityResponse, StsError> {
    Arn::parse(&req.role_arn)?;
    if let Some(provider) = &req.provider_id {
        // OAuth 2.0 providers validate opaque access tokens on their side; the mock has no such provider.
        return Err(invalid(format!("No OpenIDConnect provider found in your account for {provider}")));
    }
    let segments: Vec<&str> = req.web_identity_token.split('.').collect();
    let [_, payload, _] = segments.as_slice() else {
        return Err(invalid("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"));
    };
    let claims: serde_json::Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| invalid("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"))?;
    let issuer = claims.get("iss").and_then(|v| v.as_str()).ok_or_else(|| invalid("Missing a required claim: iss"))?;
    Err(invalid(format!("No OpenIDConnect provider found in your account for {issuer}")))
}
