//! AssumeRoleWithSAML (unsigned): role credentials for the bearer of a signed SAML assertion.
//!
//! This slice checks the assertion's encoding and the provider named by PrincipalArn; the world has
//! no SAML providers yet (the federation issue adds them and XML signature verification), so a
//! well-formed request ends with InvalidIdentityToken for the unknown provider.

use base64::Engine as _;
use time::OffsetDateTime;

use crate::request::AssumeRoleWithSamlRequest;
use crate::response::AssumeRoleWithSamlResponse;
use crate::{Arn, ErrorCode, Sts, StsError};

pub(crate) fn call(_sts: &mut Sts, _now: OffsetDateTime, req: AssumeRoleWithSamlRequest) -> Result<AssumeRoleWithSamlResponse, StsError> {
    Arn::parse(&req.role_arn)?;
    Arn::parse(&req.principal_arn)?;
    let compact: String = req.saml_assertion.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let decoded = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).ok();
    let looks_like_xml = decoded.as_deref().and_then(|b| std::str::from_utf8(b).ok()).is_some_and(|s| s.trim_start().starts_with('<'));
    if !looks_like_xml {
        // Wording inferred.
        return Err(StsError::new(ErrorCode::InvalidIdentityToken, "Invalid SAML response: not a base64-encoded XML document"));
    }
    Err(StsError::new(ErrorCode::InvalidIdentityToken, format!("SAML provider {} does not exist", req.principal_arn)))
}
