//! awsQuery requests: form bodies and query strings into typed requests, and back.
//!
//! Decoding runs in a fixed order, so that a request with several faults gets the answer AWS would
//! give first: undecodable bytes (`MalformedQueryString`), no `Action` (`MissingAction`), an unknown
//! action or wrong `Version` (`InvalidAction`), repeated or mis-indexed parameters
//! (`InvalidQueryParameter`), non-integer integers (`InvalidParameterValue`), and then every
//! constraint violation at once (`ValidationError`, counted). Unknown parameters, such as the
//! `X-Amz-*` parameters of presigned URLs, are ignored as query services do.

mod form;
mod tree;
mod typed;

pub use form::{encode_component, encode_form, parse_form};

use sts_model::{ErrorCode, Operation, Request, StsError};

use crate::constraints::input_members;

/// The only API version of STS.
pub const API_VERSION: &str = "2011-06-15";

fn invalid_query_parameter(message: String) -> StsError {
    StsError::new(ErrorCode::InvalidQueryParameter, message)
}

/// Decodes parameters (from [`parse_form`], possibly URL query and body together) into a request.
///
/// ```
/// use sts_wire::query::{decode, parse_form};
/// use sts_model::{ErrorCode, Request};
///
/// let params = parse_form(b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=1800").unwrap();
/// let Request::GetSessionToken(r) = decode(&params).unwrap() else { panic!() };
/// assert_eq!(r.duration_seconds, Some(1800));
///
/// let params = parse_form(b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=600").unwrap();
/// let err = decode(&params).unwrap_err();
/// assert_eq!(err.code, ErrorCode::ValidationError);
/// assert_eq!(err.message, "1 validation error detected: Value '600' at 'durationSeconds' failed to \
///     satisfy constraint: Member must have value greater than or equal to 900");
/// ```
pub fn decode(params: &[(String, String)]) -> Result<Request, StsError> {
    let mut action = None;
    let mut version = None;
    for (key, value) in params {
        let slot = match key.as_str() {
            "Action" => &mut action,
            "Version" => &mut version,
            _ => continue,
        };
        if slot.replace(value.as_str()).is_some() {
            return Err(invalid_query_parameter(format!("The parameter {key} appears more than once in the request.")));
        }
    }
    let action = match action {
        Some(a) if !a.is_empty() => a,
        // fidelity: inferred (query services answer MissingAction; the wording is not established).
        _ => return Err(StsError::new(ErrorCode::MissingAction, "Missing Action")),
    };
    // A missing or wrong Version makes the operation unknown: AWS query services answer
    // "Could not find operation X for version NO_VERSION_SPECIFIED" / "... for version V".
    let version = version.unwrap_or("NO_VERSION_SPECIFIED");
    let operation = Operation::from_name(action)
        .filter(|_| version == API_VERSION)
        .ok_or_else(|| StsError::new(ErrorCode::InvalidAction, format!("Could not find operation {action} for version {version}")))?;

    let members = input_members(operation);
    let mut fields = tree::Fields::new();
    for (key, value) in params {
        if key == "Action" || key == "Version" {
            continue;
        }
        // Known keys have at most four segments (`Tags.member.1.Key`); longer ones are unknown.
        let mut buffer = [""; 6];
        let mut count = 0;
        for segment in key.split('.') {
            if count == buffer.len() {
                count += 1;
                break;
            }
            buffer[count] = segment;
            count += 1;
        }
        let Some(segments) = buffer.get(..count) else { continue };
        if !tree::is_known(members, segments) {
            continue;
        }
        tree::place(&mut fields, members, segments, value).map_err(|e| match e {
            tree::PlaceError::Duplicate => invalid_query_parameter(format!("The parameter {key} appears more than once in the request.")),
            tree::PlaceError::BadIndex => invalid_query_parameter(format!("The parameter {key} is not a valid list member.")),
        })?;
    }
    let mut violations = Vec::new();
    tree::validate(&fields, members, "", &mut violations)?;
    if !violations.is_empty() {
        return Err(tree::validation_error(&violations));
    }
    Ok(typed::from_fields(operation, &fields))
}

/// The parameters of an HTTP request: those of the URL query string, then those of the body when it
/// is a form (`application/x-www-form-urlencoded`, with or without a `charset`, any case).
///
/// A body of another type is not read as parameters, so a JSON body answers `MissingAction` as a
/// query service does when it finds no parameters. fidelity: inferred.
///
/// ```
/// use sts_wire::query::{http_params, decode};
/// let params = http_params(
///     Some("Action=GetCallerIdentity"),
///     Some("application/x-www-form-urlencoded; charset=utf-8"),
///     b"Version=2011-06-15",
/// ).unwrap();
/// assert!(decode(&params).is_ok());
/// ```
pub fn http_params(query: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Result<Vec<(String, String)>, StsError> {
    let mut params = match query {
        Some(q) => parse_form(q.as_bytes())?,
        None => Vec::new(),
    };
    let is_form = content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if is_form {
        params.extend(parse_form(body)?);
    }
    Ok(params)
}

/// Decodes a form body or query string in one step.
pub fn decode_form(bytes: &[u8]) -> Result<Request, StsError> {
    decode(&parse_form(bytes)?)
}

/// The parameters botocore would send for `request`, `Action` and `Version` first.
///
/// ```
/// use sts_model::{Request, request::GetFederationTokenRequest, Tag};
/// use sts_wire::query::to_params;
/// let request = Request::GetFederationToken(GetFederationTokenRequest {
///     name: "Jane-session".into(),
///     tags: Some(vec![Tag::new("Project", "Pegasus")]),
///     ..Default::default()
/// });
/// let params = to_params(&request);
/// assert_eq!(params[3], ("Tags.member.1.Key".to_string(), "Project".to_string()));
/// ```
pub fn to_params(request: &Request) -> Vec<(String, String)> {
    typed::to_params(request)
}

/// `to_params` as a form body.
pub fn encode_request(request: &Request) -> String {
    encode_form(&to_params(request))
}
