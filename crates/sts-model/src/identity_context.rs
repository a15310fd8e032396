//! Trusted identity propagation: the `aws:OriginIdentity/*` and `aws:TransactionContext/*` context a
//! session can carry, where it comes from, and the context assertions AssumeRole accepts in
//! `ProvidedContexts`.
//!
//! On AWS the context comes from a *context provider*: IAM Identity Center (an assertion passed to
//! AssumeRole) or one attached to an OIDC or SAML identity provider. The mock plays both: it issues
//! context assertions ([`Sts::issue_context_assertion`]) that only it accepts, and a provider marked
//! `context_provider` in the world fills the context from the token or assertion it verified. What
//! AWS's assertions contain is not public, so theirs are refused as malformed. fidelity: inferred.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::response::{OriginIdentity, TransactionContext, TrustedIdentityPropagationContext};
use crate::{ErrorCode, Sts, StsError};

/// The context provider AWS documents for `ProvidedContexts.member.N.ProviderArn`: IAM Identity
/// Center, whose assertions carry the origin identity.
pub const IDENTITY_CENTER_PROVIDER_ARN: &str = "arn:aws:iam::aws:contextProvider/IdentityCenter";

/// How many unredeemed context assertions the model remembers (oldest forgotten first).
pub(crate) const ASSERTIONS_KEPT: usize = 1024;

/// A context assertion the model issued: what it vouches for, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedAssertion {
    pub context: TrustedIdentityPropagationContext,
    pub expires: OffsetDateTime,
}

/// The context a session from an OIDC provider with a context provider carries: the token's `sub`,
/// its `iss` without `https://` (documented), the provider ARN, and the transaction keys.
pub(crate) fn from_web_identity(
    issuer_url: &str,
    provider_arn: &str,
    subject: &str,
    subject_type: Option<&str>,
    transaction: &BTreeMap<String, String>,
) -> TrustedIdentityPropagationContext {
    TrustedIdentityPropagationContext {
        origin_identity: Some(OriginIdentity {
            subject: Some(subject.to_owned()),
            subject_type: Some(subject_type.unwrap_or("user").to_owned()),
            issuer: Some(issuer_url.trim_start_matches("https://").to_owned()),
            federated_provider_arn: Some(provider_arn.to_owned()),
        }),
        transaction_context: (!transaction.is_empty()).then(|| TransactionContext { identity_provider: Some(transaction.clone()) }),
    }
}

/// The context a session from a SAML provider with a context provider carries. Its Issuer is "a hash
/// of the assertion's signing key" (documented), not the assertion's Issuer element: the mock uses
/// the lowercase hex SHA-256 of the provider's certificate text. fidelity: inferred.
pub(crate) fn from_saml(certificate_pem: &str, provider_arn: &str, subject: &str) -> TrustedIdentityPropagationContext {
    let digest = Sha256::digest(certificate_pem.trim().as_bytes());
    let issuer: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    TrustedIdentityPropagationContext {
        origin_identity: Some(OriginIdentity {
            subject: Some(subject.to_owned()),
            subject_type: Some("user".to_owned()),
            issuer: Some(issuer),
            federated_provider_arn: Some(provider_arn.to_owned()),
        }),
        transaction_context: None,
    }
}

/// `InvalidContextAssertion` with the reason. The real wording is not established. fidelity: inferred.
fn invalid(reason: &str) -> StsError {
    StsError::new(ErrorCode::InvalidContextAssertion, format!("The context assertion is invalid: {reason}"))
}

impl Sts {
    /// Issues a context assertion, as IAM Identity Center would for trusted identity propagation,
    /// that AssumeRole accepts in `ProvidedContexts` (with [`IDENTITY_CENTER_PROVIDER_ARN`]) until
    /// `expires`; the session it opens carries `context`.
    ///
    /// ```
    /// use sts_model::{Sts, world::World};
    /// use sts_model::response::{OriginIdentity, TrustedIdentityPropagationContext};
    /// use sts_model::time::{Duration, OffsetDateTime};
    /// let mut sts = Sts::new(World::default(), 1);
    /// let context = TrustedIdentityPropagationContext {
    ///     origin_identity: Some(OriginIdentity { subject: Some("alice@example.com".into()), issuer: Some("idp.example.com".into()), ..Default::default() }),
    ///     transaction_context: None,
    /// };
    /// let assertion = sts.issue_context_assertion(context, OffsetDateTime::UNIX_EPOCH + Duration::hours(1));
    /// assert!(assertion.len() >= 4 && assertion.len() <= 3072, "within the model's ContextAssertion bounds");
    /// ```
    pub fn issue_context_assertion(&mut self, context: TrustedIdentityPropagationContext, expires: OffsetDateTime) -> String {
        use base64::Engine as _;
        let assertion = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.generator.bytes(96));
        self.context_assertions.insert(assertion.clone(), IssuedAssertion { context, expires });
        self.context_assertion_order.push_back(assertion.clone());
        while self.context_assertion_order.len() > ASSERTIONS_KEPT {
            if let Some(old) = self.context_assertion_order.pop_front() {
                self.context_assertions.remove(&old);
            }
        }
        assertion
    }

    /// The context the `ProvidedContexts` of an AssumeRole call establish: every item must name a
    /// trusted context provider and carry an assertion it issued that has not expired.
    pub(crate) fn provided_context(
        &self,
        now: OffsetDateTime,
        provided: &[crate::request::ProvidedContext],
    ) -> Result<Option<TrustedIdentityPropagationContext>, StsError> {
        let mut context = None;
        for item in provided {
            if item.provider_arn.as_deref() != Some(IDENTITY_CENTER_PROVIDER_ARN) {
                return Err(invalid("it does not belong to a trusted context provider."));
            }
            let assertion = item.context_assertion.as_deref().unwrap_or_default();
            let issued = self.context_assertions.get(assertion).ok_or_else(|| invalid("it is malformed."))?;
            if now >= issued.expires {
                return Err(invalid("it has expired."));
            }
            context = Some(issued.context.clone());
        }
        Ok(context)
    }
}
