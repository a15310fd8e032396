//! Sessions: what STS remembers about the temporary credentials it minted.

use time::OffsetDateTime;

use crate::policy::PolicyDocument;
use crate::response::TrustedIdentityPropagationContext;
use crate::{Credentials, Principal, Tag};

/// Which operation minted a session; decides what the session may call next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// AssumeRole.
    AssumeRole,
    /// AssumeRoleWithSAML.
    AssumeRoleWithSaml,
    /// AssumeRoleWithWebIdentity.
    AssumeRoleWithWebIdentity,
    /// AssumeRoot.
    AssumeRoot,
    /// GetDelegatedAccessToken.
    GetDelegatedAccessToken,
    /// GetFederationToken.
    GetFederationToken,
    /// GetSessionToken.
    GetSessionToken,
}

/// A session minted by the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The credentials handed out.
    pub credentials: Credentials,
    /// Who the session acts as.
    pub principal: Principal,
    /// Which operation minted it.
    pub kind: SessionKind,
    /// When it was minted.
    pub issued_at: OffsetDateTime,
    /// Source identity, kept through chaining.
    pub source_identity: Option<String>,
    /// Session tags (session tags win over role tags).
    pub tags: Vec<Tag>,
    /// Keys of `tags` passed on to chained sessions.
    pub transitive_tag_keys: Vec<String>,
    /// Whether the session was created with a valid MFA code.
    pub mfa_authenticated: bool,
    /// Session policies (inline and managed), `None` when none was passed.
    pub session_policies: Option<Vec<PolicyDocument>>,
    /// For GetFederationToken sessions, the user (or root) whose identity policies bound them.
    pub federating_principal: Option<Principal>,
    /// Whether GetScopedCredentials minted this session (from a session of `kind`, whose
    /// restrictions it keeps).
    pub scoped: bool,
    /// Scope-down layers added by GetScopedCredentials, oldest first: each one more layer the
    /// session's permissions are intersected with (at most 3).
    pub scoped_policies: Vec<PolicyDocument>,
    /// The `ScopedSessionDescription` of the GetScopedCredentials call that minted this session.
    pub scoped_session_description: Option<String>,
    /// Trusted identity propagation context (from a context assertion or a context provider on the
    /// identity provider), kept through chaining and scoping.
    /// Boxed: most sessions have none, and every session's size counts under load.
    pub identity_context: Option<Box<TrustedIdentityPropagationContext>>,
    /// What the session's session policies and tags cost in the packed form, in bytes (a scoped
    /// session adds its layer to its caller's).
    pub packed_bytes: usize,
    /// The token's size before packed inputs and padding (a scoped session grows from its caller's).
    pub base_token_len: usize,
}

impl Session {
    /// Whether the credentials still work at `now`.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.credentials.expiration
    }
}
