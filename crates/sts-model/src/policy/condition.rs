//! Condition operators, the `IfExists` suffix and the `ForAnyValue:` / `ForAllValues:` qualifiers.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::matching::wildcard_match;

macro_rules! operators {
    ($($name:ident),+ $(,)?) => {
        /// A condition operator.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Operator { $($name),+ }

        impl Operator {
            /// Parses an operator name (case-sensitive, as IAM reads them).
            pub fn from_name(name: &str) -> Option<Operator> {
                match name { $(stringify!($name) => Some(Operator::$name),)+ _ => None }
            }
        }
    };
}

operators!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

/// How a multivalued context key is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    /// Single-valued semantics.
    None,
    /// True when at least one request value satisfies the condition.
    ForAnyValue,
    /// True when every request value satisfies it (vacuously true for no values).
    ForAllValues,
}

/// One `"Operator": {"key": [values]}` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// `ForAnyValue:` / `ForAllValues:`.
    pub qualifier: SetQualifier,
    /// The `IfExists` suffix: true when the key is absent.
    pub if_exists: bool,
    /// The context key (compared case-insensitively).
    pub key: String,
    /// The policy values.
    pub values: Vec<String>,
}

fn number(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

fn date(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| s.parse::<i64>().ok().and_then(|e| OffsetDateTime::from_unix_timestamp(e).ok()))
}

/// ARN comparison: six colon-separated fields, each matched with wildcards (the resource keeps its colons).
fn arn_like(pattern: &str, arn: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let a: Vec<&str> = arn.splitn(6, ':').collect();
    p.len() == 6 && a.len() == 6 && p.iter().zip(&a).all(|(p, a)| wildcard_match(p, a, false))
}

impl Operator {
    /// Whether the operator is the negation of a positive one (its per-value result is inverted).
    fn negated(self) -> bool {
        use Operator::*;
        matches!(
            self,
            StringNotEquals | StringNotEqualsIgnoreCase | StringNotLike | NumericNotEquals | DateNotEquals | ArnNotEquals | ArnNotLike
        )
    }

    /// The positive comparison of one request value with one policy value.
    fn positive(self, request: &str, policy: &str) -> bool {
        use Operator::*;
        let cmp_num = |f: fn(f64, f64) -> bool| number(request).zip(number(policy)).is_some_and(|(a, b)| f(a, b));
        let cmp_date = |f: fn(OffsetDateTime, OffsetDateTime) -> bool| date(request).zip(date(policy)).is_some_and(|(a, b)| f(a, b));
        match self {
            StringEquals | StringNotEquals | BinaryEquals => request == policy,
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => request.to_lowercase() == policy.to_lowercase(),
            StringLike | StringNotLike => wildcard_match(policy, request, false),
            NumericEquals | NumericNotEquals => cmp_num(|a, b| a == b),
            NumericLessThan => cmp_num(|a, b| a < b),
            NumericLessThanEquals => cmp_num(|a, b| a <= b),
            NumericGreaterThan => cmp_num(|a, b| a > b),
            NumericGreaterThanEquals => cmp_num(|a, b| a >= b),
            DateEquals | DateNotEquals => cmp_date(|a, b| a == b),
            DateLessThan => cmp_date(|a, b| a < b),
            DateLessThanEquals => cmp_date(|a, b| a <= b),
            DateGreaterThan => cmp_date(|a, b| a > b),
            DateGreaterThanEquals => cmp_date(|a, b| a >= b),
            Bool => request.eq_ignore_ascii_case(policy),
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => arn_like(policy, request),
            Null => false,
        }
    }
}

impl Condition {
    /// Evaluates the condition against the request context (keys lower-cased).
    pub fn holds(&self, context: &HashMap<String, Vec<String>>) -> bool {
        let present = context.get(&self.key.to_lowercase()).filter(|v| !v.is_empty());
        if self.operator == Operator::Null {
            // "Null": "true" means the key must be absent.
            return self.values.iter().any(|v| v.eq_ignore_ascii_case("true") == present.is_none());
        }
        let Some(values) = present else {
            return self.if_exists || self.qualifier == SetQualifier::ForAllValues;
        };
        let per_value = |v: &String| {
            let any = self.values.iter().any(|p| self.operator.positive(v, p));
            if self.operator.negated() { !any } else { any }
        };
        match self.qualifier {
            SetQualifier::ForAnyValue => values.iter().any(per_value),
            SetQualifier::ForAllValues => values.iter().all(per_value),
            SetQualifier::None if self.operator.negated() => values.iter().all(per_value),
            SetQualifier::None => values.iter().any(per_value),
        }
    }
}
