//! The packed size of session policies and session tags: what `PackedPolicySize` reports and what
//! `PackedPolicyTooLarge` refuses, computed on its own, without a world or a call.
//!
//! AWS publishes no formula; ours (documented on the budget in the operations' shared rules and in
//! `golden/ERRATA.md`) deflates each policy statement and each `key=value` tag on its own and reports
//! their total as a share of a fixed budget. fidelity: inferred.

use crate::ops::common::{Packed, inline_policy, session_tags};
use crate::{StsError, Tag};

/// The `PackedPolicySize` an AssumeRole or GetFederationToken call with this inline session
/// `policy` and these session `tags` would report, or the error it would be refused with
/// (`MalformedPolicyDocument`, `PackedPolicyTooLarge`, or `InvalidParameterValue` for tags).
///
/// Managed session policies (`PolicyArns`) are not counted here: each adds the fixed cost of a
/// reference to the call's figure.
///
/// ```
/// use sts_model::{packed, Tag};
/// let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
/// let with_policy = packed::packed_policy_size(Some(policy), &[]).unwrap();
/// let with_tags = packed::packed_policy_size(Some(policy), &[Tag::new("Project", "Pegasus")]).unwrap();
/// assert!(with_policy > 0 && with_tags > with_policy, "every item adds to the figure");
/// assert_eq!(packed::packed_policy_size(None, &[]).unwrap(), 0);
/// ```
pub fn packed_policy_size(policy: Option<&str>, tags: &[Tag]) -> Result<i32, StsError> {
    let policy_cost = match policy {
        Some(text) => inline_policy(text)?.0,
        None => Packed::default(),
    };
    let tag_cost = session_tags(tags, &[], &[])?;
    Ok(Packed { bytes: policy_cost.bytes + tag_cost.bytes }.check(!tags.is_empty())?.percent())
}
