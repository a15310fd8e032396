//! GetWebIdentityToken: an STS-signed JWT about the caller, for outbound federation to external services.
//!
//! Off until the account enables outbound web identity federation (as in AWS); regional endpoints
//! only; the token may not outlive the calling session. Claim layout and the size limit are not
//! documented in detail: fidelity: inferred.

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
    // The global endpoint was refused before the call got here.
    let region = sts.config.region.clone().unwrap_or_default();
    // The documentation lists the two values; the model types the member as a plain string, so the
    // set is checked here, in the wire layer's words.
    let algorithm = SigningAlgorithm::from_name(&req.signing_algorithm).ok_or_else(|| {
        StsError::constraints(&[StsError::constraint(
            Some(&req.signing_algorithm),
            "signingAlgorithm",
            "Member must satisfy enum value set: [ES384, RS256]",
        )])
    })?;
    let account = caller.principal.account().to_owned();
    // Documented: the caller needs sts:GetWebIdentityToken. The denial's wording is inferred from
    // the other actions on no particular resource (DecodeAuthorizationMessage, GetAccessKeyInfo).
    sts.authorize_identity_action(now, caller, "sts:GetWebIdentityToken", "*", &std::collections::HashMap::new())?;
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
    let origin_subject = subject_for(caller, &arn, req.subject_mode.as_deref())?;
    if let Some(scope) = &req.scope {
        check_scope(scope, origin_subject.is_some(), req.audience.len())?;
    }
    let tags: Map<String, Value> = req.tags.iter().flatten().map(|t| (t.key.clone(), Value::String(t.value.clone()))).collect();
    let audience = match req.audience.as_slice() {
        [one] => Value::String(one.clone()),
        many => json!(many),
    };
    let jti = sts.generator.request_id();
    // Documented: `principal_id` names the requesting principal, the role itself for a role session.
    let principal_id = caller.principal.trust_arn(&sts.config.partition);
    let mut claims = json!({
        "iss": issuer(&account),
        "sub": origin_subject.as_deref().unwrap_or(&arn),
        "aud": audience,
        "iat": now.unix_timestamp(),
        "nbf": now.unix_timestamp(),
        "exp": expiration.unix_timestamp(),
        "jti": jti,
        "https://sts.amazonaws.com/": {
            "aws_account": account,
            "source_region": region,
            "principal_id": principal_id,
            "request_tags": tags,
        },
    });
    if origin_subject.is_some() {
        // Documented: OriginIdentity adds a `subject_mode` claim (its place is not: top level). fidelity: inferred.
        claims["subject_mode"] = json!("OriginIdentity");
    }
    if let Some(scope) = &req.scope {
        // Documented: copied verbatim into a top-level `scope` claim.
        claims["scope"] = json!(scope);
    }
    if claims.to_string().len() > MAX_PAYLOAD_BYTES {
        return Err(StsError::new(
            ErrorCode::JWTPayloadSizeExceededException,
            "The size of the JWT payload exceeds the maximum allowed size.",
        ));
    }
    let token = algorithm.signing_key().sign_jwt(Some(algorithm.key_id()), &claims);
    Ok(GetWebIdentityTokenResponse { web_identity_token: Some(token), expiration: Some(expiration) })
}

/// The `sub` of an `OriginIdentity` token: the session's `aws:OriginIdentity/Subject`, which needs
/// an issuer or a federated provider beside it (documented: else a validation error), and which
/// may not pass for an ARN or carry odd characters (documented: denied). `None` for `AWSIdentity`.
/// The wording of both refusals is inferred.
fn subject_for(caller: &CallerContext, arn: &str, subject_mode: Option<&str>) -> Result<Option<String>, StsError> {
    if subject_mode != Some("OriginIdentity") {
        return Ok(None);
    }
    let origin = caller.session.as_ref().and_then(|s| s.identity_context.as_ref()).and_then(|c| c.origin_identity.as_ref());
    let subject = origin
        .filter(|o| o.issuer.is_some() || o.federated_provider_arn.is_some())
        .and_then(|o| o.subject.clone())
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            StsError::validation(
                "SubjectMode OriginIdentity requires the calling session to carry aws:OriginIdentity/Subject and aws:OriginIdentity/Issuer or aws:OriginIdentity/FederatedProviderArn.",
            )
        })?;
    let looks_like_arn = subject.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:"));
    let padded = subject.starts_with(' ') || subject.ends_with(' ');
    // Control, format and separator characters other than the plain space.
    let odd = subject.chars().any(|c| c != ' ' && (c.is_control() || c.is_whitespace() || is_format(c)));
    if looks_like_arn || padded || odd {
        return Err(StsError::new(
            ErrorCode::AccessDenied,
            format!(
                "User: {arn} is not authorized to perform: sts:GetWebIdentityToken with SubjectMode OriginIdentity: the origin identity subject cannot be used as a token subject"
            ),
        ));
    }
    Ok(Some(subject))
}

/// Unicode format characters (category Cf) that can hide in a subject: the common ones.
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// Documented: Scope only with `OriginIdentity` and exactly one audience, values not repeated (the
/// pattern already keeps spaces, quotes, commas and backslashes out). Wording inferred.
fn check_scope(scope: &str, origin_identity: bool, audiences: usize) -> Result<(), StsError> {
    if !origin_identity || audiences != 1 {
        return Err(StsError::validation("Scope can only be specified with SubjectMode OriginIdentity and exactly one Audience."));
    }
    let values: Vec<&str> = scope.split(' ').collect();
    if values.iter().enumerate().any(|(i, v)| values[..i].contains(v)) {
        return Err(StsError::validation("Scope values must be unique."));
    }
    Ok(())
}
