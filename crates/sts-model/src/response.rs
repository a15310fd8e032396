//! Typed responses, one struct per operation, members in the model's order (the XML order).
//!
//! Members the model does not mark required are `Option`, so that a response decoded from any
//! endpoint (or from the documentation) is representable; the reference model fills them as AWS does.

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// Temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `ASIA...` key id (20 characters).
    pub access_key_id: String,
    /// 40-character secret.
    pub secret_access_key: String,
    /// Opaque, variable-size session token.
    pub session_token: String,
    /// When the credentials stop working.
    pub expiration: OffsetDateTime,
}

/// The assumed-role principal of a role session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumedRoleUser {
    /// `AROA...:{RoleSessionName}`.
    pub assumed_role_id: String,
    /// `arn:aws:sts::{account}:assumed-role/{role}/{session}`.
    pub arn: String,
}

/// The federated-user principal of a GetFederationToken session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedUser {
    /// `{account}:{Name}`.
    pub federated_user_id: String,
    /// `arn:aws:sts::{account}:federated-user/{Name}`.
    pub arn: String,
}

/// The identity a scoped session acts as (`SessionInfo` of GetScopedCredentials): the caller's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedSession {
    /// The caller's principal id (`AROA...:{RoleSessionName}` for a role session).
    pub scoped_session_id: String,
    /// The caller's ARN.
    pub arn: String,
}

/// Trusted identity propagation context of a session (`TrustedIdentityPropagationContext`): the
/// `aws:OriginIdentity/*` and `aws:TransactionContext/IdentityProvider/*` keys a context provider
/// put into it. Every member is optional, and absent when the session lacks that key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrustedIdentityPropagationContext {
    /// Who the human or workload behind the session is, as the identity provider named them.
    pub origin_identity: Option<OriginIdentity>,
    /// Transaction keys from the identity provider.
    pub transaction_context: Option<TransactionContext>,
}

/// `aws:OriginIdentity/*` keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct OriginIdentity {
    pub subject: Option<String>,
    /// `user` for a person, `workload` for a non-human caller.
    pub subject_type: Option<String>,
    /// OIDC: the token's `iss` without `https://`; SAML: a hash of the assertion's signing key.
    pub issuer: Option<String>,
    pub federated_provider_arn: Option<String>,
}

/// `aws:TransactionContext/IdentityProvider/*` keys, named after that prefix (values up to 128 characters).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionContext {
    /// Key to value; written as a non-flattened XML map (`entry/key`, `entry/value`).
    pub identity_provider: Option<BTreeMap<String, String>>,
}

/// Output of `AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct AssumeRoleResponse {
    pub credentials: Option<Credentials>,
    pub assumed_role_user: Option<AssumedRoleUser>,
    /// Deprecated since 2026-06-17 in favour of `session_token_utilization`.
    pub packed_policy_size: Option<i32>,
    pub source_identity: Option<String>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
}

/// Output of `AssumeRoleWithSAML`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct AssumeRoleWithSamlResponse {
    pub credentials: Option<Credentials>,
    pub assumed_role_user: Option<AssumedRoleUser>,
    pub packed_policy_size: Option<i32>,
    pub subject: Option<String>,
    /// NameID format with the `urn:oasis:names:tc:SAML:2.0:nameid-format:` prefix dropped.
    pub subject_type: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Base64(SHA1(Issuer + AccountId + "/" + ProviderName)).
    pub name_qualifier: Option<String>,
    pub source_identity: Option<String>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
    /// New in 1.44.7: present only when a context provider put such context into the session.
    pub trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
}

/// Output of `AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct AssumeRoleWithWebIdentityResponse {
    pub credentials: Option<Credentials>,
    pub subject_from_web_identity_token: Option<String>,
    pub assumed_role_user: Option<AssumedRoleUser>,
    pub packed_policy_size: Option<i32>,
    pub provider: Option<String>,
    pub audience: Option<String>,
    pub source_identity: Option<String>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
    /// New in 1.44.7: present only when a context provider put such context into the session.
    pub trusted_identity_propagation_context: Option<TrustedIdentityPropagationContext>,
}

/// Output of `AssumeRoot`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct AssumeRootResponse {
    pub credentials: Option<Credentials>,
    pub source_identity: Option<String>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
}

/// Output of `DecodeAuthorizationMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodeAuthorizationMessageResponse {
    /// The decoded message, a JSON document.
    pub decoded_message: Option<String>,
}

/// Output of `GetAccessKeyInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetAccessKeyInfoResponse {
    /// The 12-digit account id.
    pub account: Option<String>,
}

/// Output of `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetCallerIdentityResponse {
    pub user_id: Option<String>,
    pub account: Option<String>,
    pub arn: Option<String>,
}

/// Output of `GetDelegatedAccessToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetDelegatedAccessTokenResponse {
    pub credentials: Option<Credentials>,
    pub packed_policy_size: Option<i32>,
    pub assumed_principal: Option<String>,
}

/// Output of `GetFederationToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetFederationTokenResponse {
    pub credentials: Option<Credentials>,
    pub federated_user: Option<FederatedUser>,
    pub packed_policy_size: Option<i32>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
}

/// Output of `GetScopedCredentials` (no `PackedPolicySize`: the operation never had it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetScopedCredentialsResponse {
    pub credentials: Option<Credentials>,
    pub session_info: Option<ScopedSession>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
    /// Scope-down layers added by GetScopedCredentials that the new session carries (at most 3).
    pub scoped_policies_count: Option<i32>,
    /// The caller's source identity, unchanged.
    pub source_identity: Option<String>,
}

/// Output of `GetSessionToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetSessionTokenResponse {
    pub credentials: Option<Credentials>,
    pub session_token_utilization: Option<i32>,
    pub session_token_size: Option<i32>,
}

/// Output of `GetWebIdentityToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct GetWebIdentityTokenResponse {
    pub web_identity_token: Option<String>,
    pub expiration: Option<OffsetDateTime>,
}

/// A response of any operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Response {
    AssumeRole(AssumeRoleResponse),
    AssumeRoleWithSaml(AssumeRoleWithSamlResponse),
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityResponse),
    AssumeRoot(AssumeRootResponse),
    DecodeAuthorizationMessage(DecodeAuthorizationMessageResponse),
    GetAccessKeyInfo(GetAccessKeyInfoResponse),
    GetCallerIdentity(GetCallerIdentityResponse),
    GetDelegatedAccessToken(GetDelegatedAccessTokenResponse),
    GetFederationToken(GetFederationTokenResponse),
    GetScopedCredentials(GetScopedCredentialsResponse),
    GetSessionToken(GetSessionTokenResponse),
    GetWebIdentityToken(GetWebIdentityTokenResponse),
}

impl Response {
    /// The operation this response answers.
    pub fn operation(&self) -> crate::Operation {
        use crate::Operation as O;
        match self {
            Response::AssumeRole(_) => O::AssumeRole,
            Response::AssumeRoleWithSaml(_) => O::AssumeRoleWithSAML,
            Response::AssumeRoleWithWebIdentity(_) => O::AssumeRoleWithWebIdentity,
            Response::AssumeRoot(_) => O::AssumeRoot,
            Response::DecodeAuthorizationMessage(_) => O::DecodeAuthorizationMessage,
            Response::GetAccessKeyInfo(_) => O::GetAccessKeyInfo,
            Response::GetCallerIdentity(_) => O::GetCallerIdentity,
            Response::GetDelegatedAccessToken(_) => O::GetDelegatedAccessToken,
            Response::GetFederationToken(_) => O::GetFederationToken,
            Response::GetScopedCredentials(_) => O::GetScopedCredentials,
            Response::GetSessionToken(_) => O::GetSessionToken,
            Response::GetWebIdentityToken(_) => O::GetWebIdentityToken,
        }
    }

    /// The credentials the response carries, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        match self {
            Response::AssumeRole(r) => r.credentials.as_ref(),
            Response::AssumeRoleWithSaml(r) => r.credentials.as_ref(),
            Response::AssumeRoleWithWebIdentity(r) => r.credentials.as_ref(),
            Response::AssumeRoot(r) => r.credentials.as_ref(),
            Response::GetDelegatedAccessToken(r) => r.credentials.as_ref(),
            Response::GetFederationToken(r) => r.credentials.as_ref(),
            Response::GetScopedCredentials(r) => r.credentials.as_ref(),
            Response::GetSessionToken(r) => r.credentials.as_ref(),
            _ => None,
        }
    }
}
