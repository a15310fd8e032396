//! IAM policy documents: parsing and validation (`MalformedPolicyDocument` with a message naming the
//! problem), wildcard matching, condition operators, and IAM's evaluation logic.
//!
//! ```
//! use sts_model::policy::{AccessRequest, Decision, PolicyDocument};
//! let p = PolicyDocument::parse(r#"{"Version":"2012-10-17","Statement":[
//!   {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bucket/*"},
//!   {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/secret/*"}]}"#).unwrap();
//! let r = |res: &str| AccessRequest::new("s3:GetObject", res);
//! assert_eq!(p.evaluate(&r("arn:aws:s3:::bucket/a.txt")), Decision::Allow);
//! assert_eq!(p.evaluate(&r("arn:aws:s3:::bucket/secret/k")), Decision::ExplicitDeny);
//! assert_eq!(p.evaluate(&r("arn:aws:s3:::other/a.txt")), Decision::ImplicitDeny);
//! ```

mod condition;
mod document;
mod evaluate;
mod matching;
mod trust;

pub use condition::{Condition, Operator, SetQualifier};
pub use document::{Effect, PolicyDocument, Statement, Targets, parse_conditions};
pub use evaluate::{AccessRequest, Decision, evaluate as evaluate_all, intersect};
pub use matching::wildcard_match;
pub use trust::{Principals, TrustCaller, TrustGrant, TrustPolicy, TrustRequest, TrustStatement};
