//! Typed requests, one struct per operation, members named and ordered as in the model.
//!
//! Lists are `Option<Vec<_>>` because the wire distinguishes an absent list from an empty one
//! (`Tags=` is an empty list) and the model's `min` item counts apply to the latter.

use crate::Operation;

/// A session tag (`Tags.member.N.Key` / `.Value`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// 1-128 characters; case-insensitive for uniqueness, case preserved.
    pub key: String,
    /// 0-256 characters.
    pub value: String,
}

impl Tag {
    /// A tag from a key and a value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Tag { key: key.into(), value: value.into() }
    }
}

/// A managed policy reference (`PolicyArns.member.N.arn`, `TaskPolicyArn.arn`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PolicyDescriptor {
    /// The policy ARN (optional in the model).
    pub arn: Option<String>,
}

impl PolicyDescriptor {
    /// A descriptor naming `arn`.
    pub fn new(arn: impl Into<String>) -> Self {
        PolicyDescriptor { arn: Some(arn.into()) }
    }
}

/// A context assertion from a trusted context provider (`ProvidedContexts.member.N.*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ProvidedContext {
    /// The context provider ARN.
    pub provider_arn: Option<String>,
    /// The signed context assertion, 4-3072 characters.
    pub context_assertion: Option<String>,
}

/// Input of `AssumeRole`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssumeRoleRequest {
    /// The role to assume.
    pub role_arn: String,
    /// Names the session; appears in the assumed-role ARN.
    pub role_session_name: String,
    /// Managed session policies.
    pub policy_arns: Option<Vec<PolicyDescriptor>>,
    /// Inline session policy (JSON).
    pub policy: Option<String>,
    /// Requested lifetime in seconds.
    pub duration_seconds: Option<i32>,
    /// Session tags.
    pub tags: Option<Vec<Tag>>,
    /// Keys of `tags` that pass on to chained sessions.
    pub transitive_tag_keys: Option<Vec<String>>,
    /// The external id the role's trust policy may require.
    pub external_id: Option<String>,
    /// MFA device serial number or ARN.
    pub serial_number: Option<String>,
    /// Six-digit MFA code.
    pub token_code: Option<String>,
    /// Source identity, kept through role chaining.
    pub source_identity: Option<String>,
    /// Context assertions.
    pub provided_contexts: Option<Vec<ProvidedContext>>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `AssumeRoleWithSAML`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssumeRoleWithSamlRequest {
    /// The role to assume.
    pub role_arn: String,
    /// The SAML provider ARN.
    pub principal_arn: String,
    /// Base64 SAML response.
    pub saml_assertion: String,
    /// Managed session policies.
    pub policy_arns: Option<Vec<PolicyDescriptor>>,
    /// Inline session policy (JSON).
    pub policy: Option<String>,
    /// Requested lifetime in seconds.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssumeRoleWithWebIdentityRequest {
    /// The role to assume.
    pub role_arn: String,
    /// Names the session.
    pub role_session_name: String,
    /// The OIDC ID token or OAuth 2.0 access token.
    pub web_identity_token: String,
    /// Only for the OAuth 2.0 providers `www.amazon.com` and `graph.facebook.com`.
    pub provider_id: Option<String>,
    /// Managed session policies.
    pub policy_arns: Option<Vec<PolicyDescriptor>>,
    /// Inline session policy (JSON).
    pub policy: Option<String>,
    /// Requested lifetime in seconds.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `AssumeRoot`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssumeRootRequest {
    /// Member account id or member principal ARN.
    pub target_principal: String,
    /// The root-task policy (`TaskPolicyArn.arn`).
    pub task_policy_arn: PolicyDescriptor,
    /// Requested lifetime in seconds (0-900).
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `DecodeAuthorizationMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodeAuthorizationMessageRequest {
    /// The message from an `AccessDenied` answer.
    pub encoded_message: String,
}

/// Input of `GetAccessKeyInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetAccessKeyInfoRequest {
    /// The key id to look up.
    pub access_key_id: String,
}

/// Input of `GetDelegatedAccessToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetDelegatedAccessTokenRequest {
    /// The trade-in token.
    pub trade_in_token: String,
}

/// Input of `GetFederationToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetFederationTokenRequest {
    /// The federated user's name.
    pub name: String,
    /// Inline session policy (JSON).
    pub policy: Option<String>,
    /// Managed session policies.
    pub policy_arns: Option<Vec<PolicyDescriptor>>,
    /// Requested lifetime in seconds.
    pub duration_seconds: Option<i32>,
    /// Session tags.
    pub tags: Option<Vec<Tag>>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `GetScopedCredentials`. The model marks no member required; the documentation asks
/// for at least one of `policy` and `duration_seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetScopedCredentialsRequest {
    /// A scope-down policy (JSON): the new session may do only what this and the caller allow.
    pub policy: Option<String>,
    /// Lifetime of the new credentials, 1-129600 seconds, never beyond the caller's remaining
    /// lifetime; omitted, they expire with the caller's.
    pub duration_seconds: Option<i32>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
    /// Free text recorded for the request (CloudTrail; the mock's journal).
    pub scoped_session_description: Option<String>,
}

/// Input of `GetSessionToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetSessionTokenRequest {
    /// Requested lifetime in seconds.
    pub duration_seconds: Option<i32>,
    /// MFA device serial number or ARN.
    pub serial_number: Option<String>,
    /// Six-digit MFA code.
    pub token_code: Option<String>,
    /// Pads the session token to at least this many bytes.
    pub minimum_session_token_size: Option<i32>,
}

/// Input of `GetWebIdentityToken`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetWebIdentityTokenRequest {
    /// The `aud` values of the JWT (1-10).
    pub audience: Vec<String>,
    /// Requested JWT lifetime in seconds (60-3600).
    pub duration_seconds: Option<i32>,
    /// `RS256` or `ES384`.
    pub signing_algorithm: String,
    /// Space-separated values copied into the JWT's `scope` claim (only with `OriginIdentity` and
    /// one audience).
    pub scope: Option<String>,
    /// `AWSIdentity` (default: `sub` is the caller's ARN) or `OriginIdentity` (`sub` is the
    /// session's trusted-identity-propagation subject).
    pub subject_mode: Option<String>,
    /// Custom claims.
    pub tags: Option<Vec<Tag>>,
}

/// A decoded request to any operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Request {
    AssumeRole(AssumeRoleRequest),
    AssumeRoleWithSaml(AssumeRoleWithSamlRequest),
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest),
    AssumeRoot(AssumeRootRequest),
    DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest),
    GetAccessKeyInfo(GetAccessKeyInfoRequest),
    GetCallerIdentity,
    GetDelegatedAccessToken(GetDelegatedAccessTokenRequest),
    GetFederationToken(GetFederationTokenRequest),
    GetScopedCredentials(GetScopedCredentialsRequest),
    GetSessionToken(GetSessionTokenRequest),
    GetWebIdentityToken(GetWebIdentityTokenRequest),
}

impl Request {
    /// The operation this request calls.
    pub fn operation(&self) -> Operation {
        match self {
            Request::AssumeRole(_) => Operation::AssumeRole,
            Request::AssumeRoleWithSaml(_) => Operation::AssumeRoleWithSAML,
            Request::AssumeRoleWithWebIdentity(_) => Operation::AssumeRoleWithWebIdentity,
            Request::AssumeRoot(_) => Operation::AssumeRoot,
            Request::DecodeAuthorizationMessage(_) => Operation::DecodeAuthorizationMessage,
            Request::GetAccessKeyInfo(_) => Operation::GetAccessKeyInfo,
            Request::GetCallerIdentity => Operation::GetCallerIdentity,
            Request::GetDelegatedAccessToken(_) => Operation::GetDelegatedAccessToken,
            Request::GetFederationToken(_) => Operation::GetFederationToken,
            Request::GetScopedCredentials(_) => Operation::GetScopedCredentials,
            Request::GetSessionToken(_) => Operation::GetSessionToken,
            Request::GetWebIdentityToken(_) => Operation::GetWebIdentityToken,
        }
    }
}
