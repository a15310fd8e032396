//! Sessions: what STS remembers about the temporary credentials it minted.

use time::OffsetDateTime;

use crate::policy::PolicyDocument;
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
}

impl Session {
    /// Whether the credentials still work at `now`.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.credentials.expiration
    }
}
