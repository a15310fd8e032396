//! GetWebIdentityToken: an STS-signed JWT about the caller, for outbound federation to external services.
//!
//! Off until the account enables outbound web identity federation (as in AWS); regional endpoints
//! only; the token may not outlive the calling session. Claim layout and the size limit are not
//! documented in detail: fidelity: inferred.

use jsonwebtoken::Header;
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use crate::request::GetWebIdentityTokenRequest;
use crate::response::GetWebIdentityTokenResponse;
use crate::sts::CallerContext;
use crate::web_identity::{SigningAlgorithm, issuer};
use crate::{ErrorCode, Sts, StsError};

/// Default token lifetime (documented: 300 seconds).
const DEFAULT_DURATION: i64 = 300;
/// Largest JWT payload the mock signs. fidelity: inferred.
pub(crate) const MAX_PAYLOAD_BYTES: usize = 16 * 1024;

pub(crate) fn call(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &CallerContext,
    req: GetWebIdentityTokenRequest,
) -> Result<GetWebIdentityTokenResponse, StsError> {
    let Some(region) = sts.config.region.clone() else {
        return Err(StsError::new(ErrorCode::InvalidAction, "Could not find operation GetWebIdentityToken for version 2011-06-15"));
    };
    let algorithm = SigningAlgorithm::from_name(&req.signing_algorithm).ok_or_else(|| {
        StsError::validation(format!(
            "1 validation error detected: Value '{}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ES384, RS256]",
            req.signing_algorithm
        ))
    })?;
    let account = caller.principal.account().to_owned();
    if !sts.world.account(&account).is_some_and(|a| a.outbound_web_identity_federation) {
        return Err(StsError::new(
            ErrorCode::OutboundWebIdentityFederationDisabledException,
            format!("Outbound web identity federation is not enabled for account {account}."),
        ));
    }
    let expiration = now + Duration::seconds(req.duration_seconds.map_or(DEFAULT_DURATION, i64::from));
    if let Some(session) = &caller.session
        && expiration > session.credentials.expiration
    {
        return Err(StsError::new(
            ErrorCode::SessionDurationEscalationException,
            "The requested token duration exceeds the remaining duration of the calling session.",
        ));
    }
    let arn = caller.principal.arn(&sts.config.partition);
    let tags: Map<String, Value> = req.tags.iter().flatten().map(|t| (t.key.clone(), Value::String(t.value.clone()))).collect();
    let audience = match req.audience.as_slice() {
        [one] => Value::String(one.clone()),
        many => json!(many),
    };
    let jti = sts.generator.request_id();
    let claims = json!({
        "iss": issuer(&account),
        "sub": arn,
        "aud": audience,
        "iat": now.unix_timestamp(),
        "nbf": now.unix_timestamp(),
        "exp": expiration.unix_timestamp(),
        "jti": jti,
        "https://sts.amazonaws.com/": {
            "aws_account": account,
            "source_region": region,
            "principal_id": arn,
            "request_tags": tags,
        },
    });
    if claims.to_string().len() > MAX_PAYLOAD_BYTES {
        return Err(StsError::new(
            ErrorCode::JWTPayloadSizeExceededException,
            "The size of the JWT payload exceeds the maximum allowed size.",
        ));
    }
    let mut header = Header::new(algorithm.algorithm());
    header.kid = Some(algorithm.key_id().to_owned());
    let token = jsonwebtoken::encode(&header, &claims, &algorithm.encoding_key())
        .map_err(|e| StsError::new(ErrorCode::InternalFailure, format!("signing failed: {e}")))?;
    Ok(GetWebIdentityTokenResponse { web_identity_token: Some(token), expiration: Some(expiration) })
}
