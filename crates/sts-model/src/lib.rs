//! # sts-model: the reference model of AWS STS
//!
//! Typed requests in, typed responses or [`StsError`] out. The model is what the mock serves and
//! what the conformance suite's expectations are checked against, so it follows the real service
//! down to error codes and messages. It does no I/O and never reads the clock: `now` is a parameter
//! of [`Sts::call`], and every generated value comes from a seeded generator.
//!
//! ```
//! use sts_model::{Caller, Request, Response, Sts, world::{Role, User, World}};
//! use sts_model::request::AssumeRoleRequest;
//! use time::macros::datetime;
//!
//! let mut world = World::default();
//! let key = world.add_user("123456789012", User::new("alice")).unwrap().access_keys[0].access_key_id.clone();
//! // A trust policy naming the user grants on its own; naming the account would need an identity
//! // policy allowing sts:AssumeRole too, as in IAM.
//! world.add_role("123456789012", Role::new("demo").trust("arn:aws:iam::123456789012:user/alice")).unwrap();
//! let mut sts = Sts::new(world, 1);
//! let request = Request::AssumeRole(AssumeRoleRequest {
//!     role_arn: "arn:aws:iam::123456789012:role/demo".into(),
//!     role_session_name: "s1".into(),
//!     ..Default::default()
//! });
//! let Ok(Response::AssumeRole(out)) = sts.call(datetime!(2024-01-01 0:00 UTC), &Caller::access_key(&key), request) else { panic!() };
//! assert_eq!(out.assumed_role_user.unwrap().arn, "arn:aws:sts::123456789012:assumed-role/demo/s1");
//! ```

// The federation helpers shared by OIDC and SAML go unused in a build without one of them; the
// default build (both) is the one the dead-code lint judges.
#![cfg_attr(not(all(feature = "oidc", feature = "saml")), allow(dead_code))]
#![warn(missing_docs)]

mod access;
mod arn;
mod authorize;
mod error;
pub mod iam;
pub mod identity_context;
pub mod ids;
#[cfg(any(feature = "oidc", feature = "saml"))]
pub mod jose;
#[cfg(feature = "oidc")]
pub mod oidc;
mod operation;
mod ops;
pub mod packed;
pub mod policy;
mod principal;
pub mod request;
pub mod response;
#[cfg(feature = "saml")]
pub mod saml;
pub mod sealed;
mod session;
mod sts;
#[cfg(feature = "oidc")]
pub mod web_identity;
pub mod world;
#[cfg(feature = "saml")]
pub mod xmldsig;

pub use arn::Arn;
pub use error::{ErrorCode, ErrorKind, StsError};
pub use operation::Operation;
pub use principal::Principal;
pub use request::{Request, Tag};
pub use response::{Credentials, Response};
pub use session::{Session, SessionKind};
pub use sts::{Caller, Sts, StsConfig};
pub use time;
