//! Parsing and validating policy documents. Invalid documents are `MalformedPolicyDocument` 400 with
//! a message naming the problem (IAM's wording where known: "Syntax errors in policy.", "Policy
//! document should not specify a principal.", "Missing required field Effect"; others inferred).

use serde_json::{Map, Value};

use super::condition::{Condition, Operator, SetQualifier};
use super::evaluate::{AccessRequest, Decision};
use super::matching::wildcard_match;
use crate::{ErrorCode, StsError};

fn malformed(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::MalformedPolicyDocument, message)
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, winning over any Allow.
    Deny,
}

/// `Action` / `NotAction` (or `Resource` / `NotResource`): the patterns and whether they are negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// The patterns.
    pub patterns: Vec<String>,
    /// `NotAction` / `NotResource`: everything except the patterns.
    pub negated: bool,
}

impl Targets {
    pub(crate) fn matches(&self, value: &str, ignore_case: bool) -> bool {
        self.patterns.iter().any(|p| wildcard_match(p, value, ignore_case)) != self.negated
    }
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub actions: Targets,
    /// `Resource` / `NotResource`.
    pub resources: Targets,
    /// `Condition` entries (all must hold).
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// Whether the statement applies to the request.
    pub fn applies(&self, request: &AccessRequest) -> bool {
        self.actions.matches(&request.action, true)
            && self.resources.matches(&request.resource, false)
            && self.conditions.iter().all(|c| c.holds(&request.context))
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `Version` (`2012-10-17` or `2008-10-17`), if given.
    pub version: Option<String>,
    /// The statements.
    pub statements: Vec<Statement>,
    /// Each statement re-serialized without insignificant whitespace (what the packed size measures).
    pub canonical_statements: Vec<String>,
}

fn strings(value: &Value, field: &str) -> Result<Vec<String>, StsError> {
    let list = match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or_else(|| malformed(format!("{field} must be a string or an array of strings"))))
            .collect::<Result<_, _>>()?,
        _ => return Err(malformed(format!("{field} must be a string or a non-empty array of strings"))),
    };
    Ok(list)
}

fn targets(statement: &Map<String, Value>, positive: &str, negative: &str) -> Result<Targets, StsError> {
    match (statement.get(positive), statement.get(negative)) {
        (Some(_), Some(_)) => Err(malformed(format!("Statement cannot have both {positive} and {negative}"))),
        (Some(v), None) => Ok(Targets { patterns: strings(v, positive)?, negated: false }),
        (None, Some(v)) => Ok(Targets { patterns: strings(v, negative)?, negated: true }),
        (None, None) => Err(malformed(format!("Missing required field {positive}"))),
    }
}

/// Parses a `Condition` block (`{"StringEquals": {"key": "value"}}`), as trust policies carry them.
///
/// ```
/// let c = sts_model::policy::parse_conditions(r#"{"StringLike": {"oidc.example.com:sub": "repo:org/*"}}"#).unwrap();
/// assert_eq!(c[0].key, "oidc.example.com:sub");
/// assert!(sts_model::policy::parse_conditions("[]").is_err());
/// ```
pub fn parse_conditions(json: &str) -> Result<Vec<Condition>, StsError> {
    let value: Value = serde_json::from_str(json).map_err(|e| malformed(format!("Condition is not JSON: {e}")))?;
    conditions(&value)
}

fn conditions(value: &Value) -> Result<Vec<Condition>, StsError> {
    let Value::Object(blocks) = value else { return Err(malformed("Condition must be an object")) };
    let mut out = Vec::new();
    for (name, entries) in blocks {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else if let Some(r) = name.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else {
            (SetQualifier::None, name.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) if b != "Null" => (b, true),
            _ => (rest, false),
        };
        let operator = Operator::from_name(base).ok_or_else(|| malformed(format!("Invalid Condition type : {name}.")))?;
        let Value::Object(keys) = entries else { return Err(malformed(format!("Condition {name} must map keys to values"))) };
        for (key, v) in keys {
            let values = match v {
                Value::String(s) => vec![s.clone()],
                Value::Bool(b) => vec![b.to_string()],
                Value::Number(n) => vec![n.to_string()],
                Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => Ok(s.clone()),
                        Value::Bool(b) => Ok(b.to_string()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(malformed(format!("Condition value of {key} must be a string, number or boolean"))),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(malformed(format!("Condition value of {key} must be a string, number, boolean or array"))),
            };
            out.push(Condition { operator, qualifier, if_exists, key: key.clone(), values });
        }
    }
    Ok(out)
}

/// `Effect`: `Allow` or `Deny`.
pub(crate) fn effect_of(s: &Map<String, Value>) -> Result<Effect, StsError> {
    match s.get("Effect").map(|e| e.as_str()) {
        Some(Some("Allow")) => Ok(Effect::Allow),
        Some(Some("Deny")) => Ok(Effect::Deny),
        Some(other) => Err(malformed(format!("Invalid effect: {}", other.unwrap_or("(not a string)")))),
        None => Err(malformed("Missing required field Effect")),
    }
}

/// `Sid`, when given (a string).
pub(crate) fn sid_of(s: &Map<String, Value>) -> Result<Option<String>, StsError> {
    match s.get("Sid") {
        None => Ok(None),
        Some(Value::String(v)) => Ok(Some(v.clone())),
        Some(_) => Err(malformed("Sid must be a string")),
    }
}

/// `Action` / `NotAction` (every action prefaced by its vendor), or `Resource` / `NotResource`.
pub(crate) fn targets_of(s: &Map<String, Value>, positive: &str, negative: &str) -> Result<Targets, StsError> {
    let found = targets(s, positive, negative)?;
    if positive == "Action" {
        for action in &found.patterns {
            if action != "*" && !action.split_once(':').is_some_and(|(vendor, name)| !vendor.is_empty() && !name.is_empty()) {
                return Err(malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."));
            }
        }
    }
    Ok(found)
}

/// The `Condition` block, if any.
pub(crate) fn conditions_of(s: &Map<String, Value>) -> Result<Vec<Condition>, StsError> {
    Ok(s.get("Condition").map(conditions).transpose()?.unwrap_or_default())
}

/// The document-level fields: only `Version` (a supported one), `Id` and `Statement`.
pub(crate) fn check_document_fields(doc: &Map<String, Value>) -> Result<Option<String>, StsError> {
    for key in doc.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(malformed(format!("Policy document contains an unknown field: {key}")));
        }
    }
    match doc.get("Version") {
        None => Ok(None),
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Ok(Some(v.clone())),
        Some(other) => Err(malformed(format!("The policy document version {other} is not supported; use 2012-10-17."))),
    }
}

fn statement(value: &Value) -> Result<Statement, StsError> {
    let Value::Object(s) = value else { return Err(malformed("Statement must be an object or an array of objects")) };
    for key in s.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource" | "Condition" => {}
            "Principal" | "NotPrincipal" => return Err(malformed("Policy document should not specify a principal.")),
            other => return Err(malformed(format!("Statement contains an unknown field: {other}"))),
        }
    }
    let effect = effect_of(s)?;
    let actions = targets_of(s, "Action", "NotAction")?;
    let resources = targets(s, "Resource", "NotResource")?;
    let conditions = conditions_of(s)?;
    Ok(Statement { sid: sid_of(s)?, effect, actions, resources, conditions })
}

impl PolicyDocument {
    /// Parses and validates a policy.
    pub fn parse(text: &str) -> Result<PolicyDocument, StsError> {
        let value: Value = serde_json::from_str(text).map_err(|_| malformed("Syntax errors in policy."))?;
        let Value::Object(doc) = value else { return Err(malformed("Syntax errors in policy.")) };
        let version = check_document_fields(&doc)?;
        let raw: Vec<&Value> = match doc.get("Statement") {
            Some(Value::Array(items)) if !items.is_empty() => items.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            Some(_) => return Err(malformed("Statement must be an object or a non-empty array")),
            None => return Err(malformed("Missing required field Statement")),
        };
        let statements = raw.iter().map(|v| statement(v)).collect::<Result<Vec<_>, _>>()?;
        let canonical_statements = raw.iter().map(|v| v.to_string()).collect();
        Ok(PolicyDocument { version, statements, canonical_statements })
    }

    /// This document's decision alone: an explicit Deny wins, else any Allow, else an implicit deny.
    pub fn evaluate(&self, request: &AccessRequest) -> Decision {
        super::evaluate::evaluate(std::slice::from_ref(self), request)
    }
}
