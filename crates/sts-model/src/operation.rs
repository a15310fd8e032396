//! The twelve operations of the 2011-06-15 model (botocore 1.44.8).

use std::fmt;

macro_rules! operations {
    ($( $(#[$doc:meta])* $variant:ident ),+ $(,)?) => {
        /// An STS operation, named as in `Action=`.
        ///
        /// ```
        /// use sts_model::Operation;
        /// assert_eq!(Operation::from_name("AssumeRole"), Some(Operation::AssumeRole));
        /// assert_eq!(Operation::ALL.len(), 12);
        /// assert!(Operation::AssumeRoleWithSAML.is_unsigned());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation {
            $( $(#[$doc])* $variant, )+
        }

        impl Operation {
            /// All operations, in the model's (alphabetical) order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),+];

            /// The name used in `Action=` and in the XML element names.
            pub fn name(self) -> &'static str {
                match self { $(Operation::$variant => stringify!($variant),)+ }
            }

            /// Looks an `Action` value up (case-sensitive, as AWS does).
            pub fn from_name(name: &str) -> Option<Operation> {
                match name { $(stringify!($variant) => Some(Operation::$variant),)+ _ => None }
            }
        }
    };
}

operations! {
    /// Temporary credentials for a role.
    AssumeRole,
    /// Role credentials for a SAML-authenticated user (unsigned).
    AssumeRoleWithSAML,
    /// Role credentials for an OIDC-authenticated user (unsigned).
    AssumeRoleWithWebIdentity,
    /// Privileged root-task credentials for a member account.
    AssumeRoot,
    /// Decodes an encoded authorization failure message.
    DecodeAuthorizationMessage,
    /// The account that owns an access key id.
    GetAccessKeyInfo,
    /// Who signed the request.
    GetCallerIdentity,
    /// Exchanges a trade-in token for credentials.
    GetDelegatedAccessToken,
    /// Credentials for a federated user.
    GetFederationToken,
    /// A scoped-down copy of the caller's temporary credentials: same identity, fewer permissions
    /// or a shorter life (new in botocore 1.44.7).
    GetScopedCredentials,
    /// Credentials for an IAM user or root, optionally MFA-authenticated.
    GetSessionToken,
    /// An STS-signed JWT for outbound web identity federation.
    GetWebIdentityToken,
}

impl Operation {
    /// Operations STS does not offer on its global endpoint `sts.amazonaws.com` (documented in each
    /// operation's reference: AssumeRoot, GetWebIdentityToken and, since 1.44.7, GetScopedCredentials).
    pub fn is_regional_only(self) -> bool {
        matches!(self, Operation::AssumeRoot | Operation::GetScopedCredentials | Operation::GetWebIdentityToken)
    }

    /// AssumeRoleWithSAML and AssumeRoleWithWebIdentity are sent without a signature (`authtype: none`).
    pub fn is_unsigned(self) -> bool {
        matches!(self, Operation::AssumeRoleWithSAML | Operation::AssumeRoleWithWebIdentity)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
