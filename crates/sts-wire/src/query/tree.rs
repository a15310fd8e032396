//! Query parameters arranged by the operation's members, and their validation against the model's
//! constraints with AWS's `ValidationError` grammar.

use std::collections::BTreeMap;
use std::fmt;

use sts_model::{ErrorCode, StsError};

use crate::constraints::{Member, Shape};

/// A parameter value placed by its member's shape, borrowed from the decoded parameters. Lists keep
/// their wire index (gaps allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Scalar(&'a str),
    List(BTreeMap<u32, Value<'a>>),
    Struct(Fields<'a>),
}

pub(crate) type Fields<'a> = BTreeMap<&'static str, Value<'a>>;

/// Why a parameter could not be placed.
pub(crate) enum PlaceError {
    Duplicate,
    BadIndex,
}

/// Whether `segments` (a key split on `.`) names a member of `members`.
pub(crate) fn is_known(members: &'static [Member], segments: &[&str]) -> bool {
    let Some((first, rest)) = segments.split_first() else { return false };
    members.iter().find(|m| m.name == *first).is_some_and(|m| shape_accepts(m.shape, rest))
}

fn shape_accepts(shape: &'static Shape, rest: &[&str]) -> bool {
    match shape {
        Shape::String { .. } | Shape::Enum(_) | Shape::Integer { .. } => rest.is_empty(),
        Shape::List { member, .. } => match rest {
            [] => true,
            ["member", _, tail @ ..] => shape_accepts(member, tail),
            _ => false,
        },
        Shape::Structure(fields) => is_known(fields, rest),
    }
}

/// Places a known parameter into `fields`.
pub(crate) fn place<'a>(fields: &mut Fields<'a>, members: &'static [Member], segments: &[&str], raw: &'a str) -> Result<(), PlaceError> {
    let (first, rest) = segments.split_first().ok_or(PlaceError::BadIndex)?;
    let member = members.iter().find(|m| m.name == *first).ok_or(PlaceError::BadIndex)?;
    let existing = fields.remove(member.name);
    let value = place_value(existing, member.shape, rest, raw)?;
    fields.insert(member.name, value);
    Ok(())
}

fn parse_index(text: &str) -> Result<u32, PlaceError> {
    // Indices are 1-based decimal numbers as botocore writes them; anything else is refused.
    if text.is_empty() || text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PlaceError::BadIndex);
    }
    text.parse().map_err(|_| PlaceError::BadIndex)
}

fn place_value<'a>(existing: Option<Value<'a>>, shape: &'static Shape, rest: &[&str], raw: &'a str) -> Result<Value<'a>, PlaceError> {
    match shape {
        Shape::String { .. } | Shape::Enum(_) | Shape::Integer { .. } => match existing {
            Some(_) => Err(PlaceError::Duplicate),
            None => Ok(Value::Scalar(raw)),
        },
        Shape::List { member, .. } => {
            let mut items = match existing {
                None => BTreeMap::new(),
                Some(Value::List(items)) => items,
                Some(_) => return Err(PlaceError::Duplicate),
            };
            if let ["member", index, tail @ ..] = rest {
                let n = parse_index(index)?;
                let old = items.remove(&n);
                items.insert(n, place_value(old, member, tail, raw)?);
            } else if !raw.is_empty() {
                // `Tags=` is how an empty list is sent; `Tags=x` is not a list.
                return Err(PlaceError::BadIndex);
            }
            Ok(Value::List(items))
        }
        Shape::Structure(fields) => {
            let mut map = match existing {
                None => Fields::new(),
                Some(Value::Struct(map)) => map,
                Some(_) => return Err(PlaceError::Duplicate),
            };
            place(&mut map, fields, rest, raw)?;
            Ok(Value::Struct(map))
        }
    }
}

/// `RoleSessionName` -> `roleSessionName`, as AWS names members in validation messages.
struct LowerCamel(&'static str);

impl fmt::Display for LowerCamel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        if let Some(first) = chars.next() {
            write!(f, "{}{}", first.to_ascii_lowercase(), chars.as_str())?;
        }
        Ok(())
    }
}

/// The path of a member in validation messages (`tags.1.member.key`), written only when a message
/// needs it: a valid request builds no path at all.
#[derive(Clone, Copy)]
struct MemberPath<'p> {
    prefix: &'p str,
    name: &'static str,
}

impl fmt::Display for MemberPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.prefix.is_empty() {
            write!(f, "{}.", self.prefix)?;
        }
        write!(f, "{}", LowerCamel(self.name))
    }
}

fn render(value: &Value<'_>) -> String {
    match value {
        Value::Scalar(s) => (*s).to_owned(),
        Value::List(items) => format!("[{}]", items.values().map(render).collect::<Vec<_>>().join(", ")),
        Value::Struct(map) => {
            let inner: Vec<String> = map.iter().map(|(k, v)| format!("{}={}", LowerCamel(k), render(v))).collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// Collects constraint violations of `fields` against `members` in model order.
///
/// Returns `Err` for a value that is not even of the member's type (a non-integer DurationSeconds),
/// which AWS does not report as a constraint violation.
pub(crate) fn validate(fields: &Fields<'_>, members: &'static [Member], prefix: &str, out: &mut Vec<String>) -> Result<(), StsError> {
    for member in members {
        let path = MemberPath { prefix, name: member.name };
        match fields.get(member.name) {
            None if member.required => out.push(StsError::missing_member(&path.to_string())),
            None => {}
            Some(value) => validate_value(value, member, member.shape, &path, out)?,
        }
    }
    Ok(())
}

fn violation(value: &Value<'_>, member: &Member, path: &dyn fmt::Display, constraint: String, out: &mut Vec<String>) {
    let shown = (!member.sensitive).then(|| render(value));
    out.push(StsError::constraint(shown.as_deref(), &path.to_string(), &constraint));
}

fn validate_value(
    value: &Value<'_>,
    member: &Member,
    shape: &'static Shape,
    path: &dyn fmt::Display,
    out: &mut Vec<String>,
) -> Result<(), StsError> {
    match (shape, value) {
        (Shape::String { min, max, pattern }, Value::Scalar(s)) => {
            let len = s.chars().count();
            if let Some(max) = max.filter(|&max| len > max) {
                violation(value, member, path, format!("Member must have length less than or equal to {max}"), out);
            }
            if let Some(min) = min.filter(|&min| len < min) {
                violation(value, member, path, format!("Member must have length greater than or equal to {min}"), out);
            }
            if let Some(p) = pattern.filter(|p| !p.is_match(s)) {
                violation(value, member, path, format!("Member must satisfy regular expression pattern: {}", p.model), out);
            }
        }
        (Shape::Enum(values), Value::Scalar(s)) => {
            if !values.contains(s) {
                violation(value, member, path, format!("Member must satisfy enum value set: [{}]", values.join(", ")), out);
            }
        }
        (Shape::Integer { min, max }, Value::Scalar(s)) => {
            let n = parse_integer(s).ok_or_else(|| {
                StsError::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Value ({s}) for parameter {} is invalid. Expected an integer.", member.name),
                )
            })?;
            if let Some(min) = min.filter(|&min| n < min) {
                violation(value, member, path, format!("Member must have value greater than or equal to {min}"), out);
            }
            if let Some(max) = max.filter(|&max| n > max) {
                violation(value, member, path, format!("Member must have value less than or equal to {max}"), out);
            }
        }
        (Shape::List { min, max, member: item_shape }, Value::List(items)) => {
            let count = items.len();
            if let Some(max) = max.filter(|&max| count > max) {
                violation(value, member, path, format!("Member must have length less than or equal to {max}"), out);
            }
            if let Some(min) = min.filter(|&min| count < min) {
                violation(value, member, path, format!("Member must have length greater than or equal to {min}"), out);
            }
            for (position, item) in items.values().enumerate() {
                let item_path = format!("{path}.{}.member", position + 1);
                match (item_shape, item) {
                    (Shape::Structure(fields), Value::Struct(map)) => validate(map, fields, &item_path, out)?,
                    _ => validate_value(item, member, item_shape, &item_path, out)?,
                }
            }
        }
        (Shape::Structure(fields), Value::Struct(map)) => validate(map, fields, &path.to_string(), out)?,
        // Placement only builds values of the member's shape.
        _ => unreachable!("value placed with a shape other than its member's"),
    }
    Ok(())
}

/// Integers as Java's `Integer.parseInt` reads them: optional sign, decimal digits, 32 bits.
pub(crate) fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i32>().ok().map(i64::from)
}

/// Joins violations into AWS's message: "N validation error(s) detected: a; b".
pub(crate) fn validation_error(violations: &[String]) -> StsError {
    StsError::constraints(violations)
}
