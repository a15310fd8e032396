//! Principals: who a set of credentials acts as, with the ARN and `UserId` GetCallerIdentity reports.

/// The identity behind a request.
///
/// ```
/// use sts_model::Principal;
/// let p = Principal::FederatedUser { account: "123456789012".into(), name: "Bob".into() };
/// assert_eq!(p.arn("aws"), "arn:aws:sts::123456789012:federated-user/Bob");
/// assert_eq!(p.user_id(), "123456789012:Bob");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The account root.
    Root {
        /// Account id.
        account: String,
    },
    /// An IAM user.
    User {
        /// Account id.
        account: String,
        /// User name.
        name: String,
        /// Path (kept in the ARN).
        path: String,
        /// `AIDA...`.
        user_id: String,
    },
    /// A role session (AssumeRole, SAML, web identity).
    AssumedRole {
        /// Account id.
        account: String,
        /// Role name (the path is dropped from assumed-role ARNs).
        role_name: String,
        /// `AROA...`.
        role_id: String,
        /// RoleSessionName.
        session_name: String,
    },
    /// A GetFederationToken session.
    FederatedUser {
        /// Account id.
        account: String,
        /// The `Name` parameter.
        name: String,
    },
}

impl Principal {
    /// The account the principal belongs to.
    pub fn account(&self) -> &str {
        match self {
            Principal::Root { account }
            | Principal::User { account, .. }
            | Principal::AssumedRole { account, .. }
            | Principal::FederatedUser { account, .. } => account,
        }
    }

    /// The ARN GetCallerIdentity reports.
    // ARNs and user ids are built with `concat` (one allocation of the right size): they are
    // written on every call, and `format!` grew its buffer several times.
    pub fn arn(&self, partition: &str) -> String {
        match self {
            Principal::Root { account } => ["arn:", partition, ":iam::", account, ":root"].concat(),
            Principal::User { account, name, path, .. } => user_arn(partition, account, path, name),
            Principal::AssumedRole { account, role_name, session_name, .. } => {
                ["arn:", partition, ":sts::", account, ":assumed-role/", role_name, "/", session_name].concat()
            }
            Principal::FederatedUser { account, name } => ["arn:", partition, ":sts::", account, ":federated-user/", name].concat(),
        }
    }

    /// The `UserId` GetCallerIdentity reports (the `aws:userid` policy variable).
    pub fn user_id(&self) -> String {
        match self {
            Principal::Root { account } => account.clone(),
            Principal::User { user_id, .. } => user_id.clone(),
            Principal::AssumedRole { role_id, session_name, .. } => [role_id.as_str(), ":", session_name].concat(),
            Principal::FederatedUser { account, name } => [account.as_str(), ":", name].concat(),
        }
    }

    /// The IAM ARN a trust policy names for this principal: the user, the root, or the role itself
    /// for a role session.
    pub fn trust_arn(&self, partition: &str) -> String {
        match self {
            Principal::AssumedRole { account, role_name, .. } => format!("arn:{partition}:iam::{account}:role/{role_name}"),
            other => other.arn(partition),
        }
    }
}

/// `arn:aws:iam::123456789012:user/path/name`.
pub(crate) fn user_arn(partition: &str, account: &str, path: &str, name: &str) -> String {
    ["arn:", partition, ":iam::", account, ":user", path, name].concat()
}

/// `[\w+=,.@-]{2,64}` with ASCII `\w`: the RoleSessionName rule, which STS also applies to the
/// session names and source identities that SAML assertions and OIDC tokens carry (observed
/// wording quotes `[a-zA-Z_0-9+=,.@-]{2,64}`). One rule, one place.
pub(crate) fn valid_session_name(s: &str) -> bool {
    (2..=64).contains(&s.chars().count()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}
