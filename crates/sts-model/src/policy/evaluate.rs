//! IAM's evaluation logic: within a layer an explicit Deny wins and an Allow is needed; across layers
//! (identity policies, session policies) every layer must allow.

use std::collections::HashMap;

use super::document::{Effect, PolicyDocument};

/// An action on a resource, with the request context (keys compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRequest {
    /// `s3:GetObject`.
    pub action: String,
    /// `arn:aws:s3:::bucket/key`.
    pub resource: String,
    /// Context keys (lower-cased) to values.
    pub context: HashMap<String, Vec<String>>,
}

impl AccessRequest {
    /// A request with an empty context.
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        AccessRequest { action: action.into(), resource: resource.into(), context: HashMap::new() }
    }

    /// Adds a context value (`aws:SourceIp`, `s3:prefix`...).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.entry(key.to_lowercase()).or_default().push(value.into());
        self
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// A Deny statement applies.
    ExplicitDeny,
    /// No Allow applies.
    ImplicitDeny,
}

impl Decision {
    /// Whether the request is allowed.
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// One layer: the union of its documents.
pub fn evaluate<D: std::borrow::Borrow<PolicyDocument>>(documents: &[D], request: &AccessRequest) -> Decision {
    let mut allowed = false;
    for statement in documents.iter().flat_map(|d| &d.borrow().statements) {
        if statement.applies(request) {
            match statement.effect {
                Effect::Deny => return Decision::ExplicitDeny,
                Effect::Allow => allowed = true,
            }
        }
    }
    if allowed { Decision::Allow } else { Decision::ImplicitDeny }
}

/// The intersection of layers: any explicit Deny denies, and every layer must allow.
///
/// ```
/// use sts_model::policy::{Decision, intersect};
/// assert_eq!(intersect(&[Decision::Allow, Decision::Allow]), Decision::Allow);
/// assert_eq!(intersect(&[Decision::Allow, Decision::ImplicitDeny]), Decision::ImplicitDeny);
/// assert_eq!(intersect(&[Decision::ImplicitDeny, Decision::ExplicitDeny]), Decision::ExplicitDeny);
/// ```
pub fn intersect(layers: &[Decision]) -> Decision {
    if layers.contains(&Decision::ExplicitDeny) {
        Decision::ExplicitDeny
    } else if layers.iter().all(|d| d.is_allowed()) && !layers.is_empty() {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}
