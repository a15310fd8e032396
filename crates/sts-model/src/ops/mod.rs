//! One operation, one file. Shared rules (durations, tags, session policies, minting) live in `common`.

pub(crate) mod common;

pub(crate) mod assume_role;
#[cfg(feature = "saml")]
pub(crate) mod assume_role_with_saml;
#[cfg(feature = "oidc")]
pub(crate) mod assume_role_with_web_identity;
pub(crate) mod assume_root;
pub(crate) mod decode_authorization_message;
pub(crate) mod get_access_key_info;
pub(crate) mod get_caller_identity;
pub(crate) mod get_delegated_access_token;
pub(crate) mod get_federation_token;
pub(crate) mod get_scoped_credentials;
pub(crate) mod get_session_token;
#[cfg(feature = "oidc")]
pub(crate) mod get_web_identity_token;

/// The answer to an operation whose federation feature (`oidc`, `saml`) this build of the model
/// left out: the action exists in STS, this mock cannot perform it. The mock's own wording.
#[cfg(not(all(feature = "oidc", feature = "saml")))]
pub(crate) fn feature_disabled(operation: &str, feature: &str) -> crate::StsError {
    crate::StsError::new(
        crate::ErrorCode::InvalidAction,
        format!("{operation} is not available: this mock was built without the `{feature}` feature of sts-model"),
    )
}

/// Run by `.ci/run` with `--no-default-features`: the federation operations of a build without
/// them are refused, clearly, and the rest of STS still answers.
#[cfg(all(test, not(feature = "oidc"), not(feature = "saml")))]
mod without_federation {
    use crate::request::{AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest};
    use crate::world::World;
    use crate::{Caller, ErrorCode, Request, Sts};

    #[test]
    fn federation_calls_name_the_missing_feature() {
        let mut sts = Sts::new(World::default(), 1);
        let now = time::macros::datetime!(2024-01-01 00:00 UTC);
        let saml = Request::AssumeRoleWithSaml(AssumeRoleWithSamlRequest::default());
        let err = sts.call(now, &Caller::Anonymous, saml).unwrap_err();
        assert_eq!((err.code, err.http_status()), (ErrorCode::InvalidAction, 400));
        assert!(err.message.contains("without the `saml` feature"), "{}", err.message);
        let oidc = Request::AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest::default());
        let err = sts.call(now, &Caller::Anonymous, oidc).unwrap_err();
        assert!(err.message.contains("without the `oidc` feature"), "{}", err.message);
    }
}
