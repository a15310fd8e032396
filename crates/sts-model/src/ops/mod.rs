//! One operation, one file. Shared rules (durations, tags, session policies, minting) live in `common`.

pub(crate) mod common;

pub(crate) mod assume_role;
pub(crate) mod assume_role_with_saml;
pub(crate) mod assume_role_with_web_identity;
pub(crate) mod assume_root;
pub(crate) mod decode_authorization_message;
pub(crate) mod get_access_key_info;
pub(crate) mod get_caller_identity;
pub(crate) mod get_delegated_access_token;
pub(crate) mod get_federation_token;
pub(crate) mod get_scoped_credentials;
pub(crate) mod get_session_token;
pub(crate) mod get_web_identity_token;
