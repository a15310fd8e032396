//! The IAM Query API on the wire: parameters in (validated against botocore's IAM model,
//! `data/iam-model.json`, extracted by `data/extract_iam_model.py`), IAM's XML envelopes out.
//!
//! Decoding follows the STS order: no `Action` (`MissingAction`), an unknown action or a wrong
//! `Version` (`InvalidAction`), repeated parameters (`InvalidQueryParameter`), non-integer integers
//! (`InvalidParameterValue`), then every constraint violation at once (`ValidationError`). IAM's
//! recent answers do not echo the value: `Value at 'roleName' failed to satisfy constraint: ...`.
//!
//! ```
//! use sts_wire::iam::decode;
//! use sts_wire::query::parse_form;
//! let params = parse_form(b"Action=CreateUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=team&Tags.member.1.Value=blue").unwrap();
//! let request = decode(&params).unwrap();
//! assert_eq!(request.action, "CreateUser");
//! let params = parse_form(b"Action=CreateUser&Version=2010-05-08&UserName=bad%20name").unwrap();
//! assert_eq!(decode(&params).unwrap_err().message,
//!     "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use sts_model::iam::{Content, IamRequest, Node, Value};
use sts_model::{ErrorCode, StsError};

/// IAM's only API version.
pub const API_VERSION: &str = "2010-05-08";
/// The namespace of IAM's answers.
pub const XML_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

#[derive(Deserialize)]
struct Model {
    operations: BTreeMap<String, OperationModel>,
}

#[derive(Deserialize)]
struct OperationModel {
    input: Vec<Member>,
}

#[derive(Deserialize)]
struct Member {
    /// Empty for a list's item description.
    #[serde(default)]
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(rename = "type")]
    kind: String,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    values: Option<Vec<String>>,
    member: Option<Box<Member>>,
    members: Option<Vec<Member>>,
}

static MODEL: LazyLock<Model> =
    LazyLock::new(|| serde_json::from_str(include_str!("../../data/iam-model.json")).expect("the shipped IAM model parses"));

/// Every pattern of the model, compiled once (full match).
static PATTERNS: LazyLock<HashMap<String, Regex>> = LazyLock::new(|| {
    fn collect(m: &Member, out: &mut HashMap<String, Regex>) {
        if let Some(p) = &m.pattern {
            out.entry(p.clone()).or_insert_with(|| Regex::new(&format!("^(?:{})$", rust_pattern(p))).expect("model patterns translate"));
        }
        if let Some(item) = &m.member {
            collect(item, out);
        }
        for field in m.members.iter().flatten() {
            collect(field, out);
        }
    }
    let mut out = HashMap::new();
    for op in MODEL.operations.values() {
        for m in &op.input {
            collect(m, &mut out);
        }
    }
    out
});

/// The operations the model describes.
pub fn operations() -> impl Iterator<Item = &'static str> {
    MODEL.operations.keys().map(String::as_str)
}

/// A model pattern (Java-flavoured: `\w` and `\d` are ASCII, `\uXXXX` escapes) in the regex
/// crate's syntax.
///
/// ```
/// assert_eq!(sts_wire::iam::rust_pattern(r"[\w+=,.@-]+"), r"[A-Za-z0-9_+=,.@-]+");
/// assert_eq!(sts_wire::iam::rust_pattern(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"), r"(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F})");
/// ```
pub fn rust_pattern(model: &str) -> String {
    let mut out = String::with_capacity(model.len() + 16);
    let mut chars = model.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('w') => out.push_str(if in_class { "A-Za-z0-9_" } else { "[A-Za-z0-9_]" }),
                Some('d') => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                Some('u') => {
                    let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                    out.push_str(&format!("\\x{{{hex}}}"));
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push_str("\\\\"),
            },
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// Decodes and validates the parameters of an IAM call.
pub fn decode(params: &[(String, String)]) -> Result<IamRequest, StsError> {
    let mut by_key: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, value) in params {
        if by_key.insert(key, value).is_some() {
            return Err(StsError::new(
                ErrorCode::InvalidQueryParameter,
                format!("The parameter {key} appears more than once in the request."),
            ));
        }
    }
    let action = match by_key.get("Action") {
        Some(a) if !a.is_empty() => *a,
        _ => return Err(StsError::new(ErrorCode::MissingAction, "Missing Action")),
    };
    let version = by_key.get("Version").copied().unwrap_or("NO_VERSION_SPECIFIED");
    let operation = MODEL
        .operations
        .get(action)
        .filter(|_| version == API_VERSION)
        .ok_or_else(|| StsError::new(ErrorCode::InvalidAction, format!("Could not find operation {action} for version {version}")))?;
    let mut request = IamRequest::new(action);
    let mut violations = Vec::new();
    for member in &operation.input {
        let path = lower_camel(&member.name);
        if let Some(value) = read(&by_key, &member.name, member, &path, &mut violations)? {
            request.input.insert(member.name.clone(), value);
        }
    }
    if !violations.is_empty() {
        return Err(StsError::constraints(&violations));
    }
    Ok(request)
}

/// Reads the member at wire `key` (`Tags.member.1.Key`), checking its constraints; violations are
/// collected with their model `path` (`tags.1.member.key`).
fn read(
    params: &BTreeMap<&str, &str>,
    key: &str,
    member: &Member,
    path: &str,
    violations: &mut Vec<String>,
) -> Result<Option<Value>, StsError> {
    let value = match member.kind.as_str() {
        "list" => {
            let item = member.member.as_deref();
            let mut items = Vec::new();
            for n in 1.. {
                let item_key = format!("{key}.member.{n}");
                let present = params.keys().any(|k| *k == item_key || k.starts_with(&format!("{item_key}.")));
                if !present {
                    break;
                }
                if let Some(item) = item
                    && let Some(v) = read(params, &item_key, item, &format!("{path}.{n}.member"), violations)?
                {
                    items.push(v);
                }
            }
            // An empty list (`Tags=`) is sent as the bare key.
            if items.is_empty() && !params.contains_key(key) {
                None
            } else {
                let count = items.len() as i64;
                if let Some(min) = member.min.filter(|&m| count < m) {
                    violations.push(StsError::constraint(None, path, &format!("Member must have length greater than or equal to {min}")));
                }
                if let Some(max) = member.max.filter(|&m| count > m) {
                    violations.push(StsError::constraint(None, path, &format!("Member must have length less than or equal to {max}")));
                }
                Some(Value::List(items))
            }
        }
        "structure" => {
            let mut fields = BTreeMap::new();
            let prefix = format!("{key}.");
            if !params.keys().any(|k| k.starts_with(&prefix)) {
                None
            } else {
                for field in member.members.iter().flatten() {
                    let field_path = format!("{path}.{}", lower_camel(&field.name));
                    if let Some(v) = read(params, &format!("{key}.{}", field.name), field, &field_path, violations)? {
                        fields.insert(field.name.clone(), v);
                    }
                }
                Some(Value::Struct(fields))
            }
        }
        kind => match params.get(key) {
            None => None,
            Some(text) => Some(scalar(kind, key, text, member, path, violations)?),
        },
    };
    if value.is_none() && member.required {
        violations.push(StsError::missing_member(path));
    }
    Ok(value)
}

fn scalar(kind: &str, key: &str, text: &str, member: &Member, path: &str, violations: &mut Vec<String>) -> Result<Value, StsError> {
    match kind {
        "integer" | "long" => {
            let n: i64 = text.trim().parse().map_err(|_| {
                StsError::new(
                    ErrorCode::InvalidParameterValue,
                    format!("Value ({text}) for parameter {key} is invalid. Expected an integer."),
                )
            })?;
            if let Some(min) = member.min.filter(|&m| n < m) {
                violations.push(StsError::constraint(None, path, &format!("Member must have value greater than or equal to {min}")));
            }
            if let Some(max) = member.max.filter(|&m| n > m) {
                violations.push(StsError::constraint(None, path, &format!("Member must have value less than or equal to {max}")));
            }
            Ok(Value::Int(n))
        }
        "boolean" => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(StsError::new(
                ErrorCode::InvalidParameterValue,
                format!("Value ({text}) for parameter {key} is invalid. Expected a boolean."),
            )),
        },
        _ => {
            let length = text.chars().count() as i64;
            if let Some(min) = member.min.filter(|&m| length < m) {
                violations.push(StsError::constraint(None, path, &format!("Member must have length greater than or equal to {min}")));
            }
            if let Some(max) = member.max.filter(|&m| length > m) {
                violations.push(StsError::constraint(None, path, &format!("Member must have length less than or equal to {max}")));
            }
            if let Some(p) = &member.pattern
                && !PATTERNS.get(p).is_some_and(|re| re.is_match(text))
            {
                violations.push(StsError::constraint(None, path, &format!("Member must satisfy regular expression pattern: {p}")));
            }
            if let Some(values) = member.values.as_ref().filter(|v| !v.iter().any(|v| v == text)) {
                violations.push(StsError::constraint(None, path, &format!("Member must satisfy enum value set: [{}]", values.join(", "))));
            }
            Ok(Value::Str(text.to_owned()))
        }
    }
}

fn write_node(out: &mut String, node: &Node, depth: usize) {
    let indent = "  ".repeat(depth);
    match &node.content {
        Content::Text(text) => {
            out.push_str(&format!("{indent}<{}>{}</{}>\n", node.name, crate::xml::escape_text(text), node.name));
        }
        Content::Children(children) if children.is_empty() => out.push_str(&format!("{indent}<{}/>\n", node.name)),
        Content::Children(children) => {
            out.push_str(&format!("{indent}<{}>\n", node.name));
            for c in children {
                write_node(out, c, depth + 1);
            }
            out.push_str(&format!("{indent}</{}>\n", node.name));
        }
    }
}

/// The answer to a successful IAM call: `<{Action}Response>` with its `<{Action}Result>` (when the
/// operation has one) and the request id.
///
/// ```
/// let xml = sts_wire::iam::encode_success("DeleteUser", None, "r-1");
/// assert!(xml.starts_with("<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"));
/// assert!(xml.contains("<RequestId>r-1</RequestId>") && !xml.contains("DeleteUserResult"));
/// ```
pub fn encode_success(action: &str, result: Option<&[Node]>, request_id: &str) -> String {
    let mut out = format!("<{action}Response xmlns=\"{XML_NAMESPACE}\">\n");
    if let Some(nodes) = result {
        write_node(&mut out, &Node { name: format!("{action}Result"), content: Content::Children(nodes.to_vec()) }, 1);
    }
    out.push_str(&format!("  <ResponseMetadata>\n    <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n"));
    out
}

/// IAM's error envelope (its namespace, `Type`, `Code`, `Message`, then `RequestId`).
pub fn encode_error(error: &StsError, request_id: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"{XML_NAMESPACE}\">\n  <Error>\n    <Type>{}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        error.code.kind().as_str(),
        error.code.as_str(),
        crate::xml::escape_text(&error.message)
    )
}
