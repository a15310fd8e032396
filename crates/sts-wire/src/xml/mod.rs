//! The XML envelopes of STS answers, written and read.
//!
//! Success: `<{Op}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{Op}Result>...</{Op}Result>
//! <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></{Op}Response>`.
//! Error: `<ErrorResponse xmlns=...><Error><Type>Sender|Receiver</Type><Code>...</Code><Message>...</Message>
//! </Error><RequestId>...</RequestId></ErrorResponse>`. The reader also accepts the
//! `<Response><Errors><Error>` nesting that botocore tolerates, since other endpoints send it.

mod responses;
mod tree;
mod write;

pub use tree::{Element, parse};

use sts_model::time::OffsetDateTime;
use sts_model::time::format_description::well_known::Rfc3339;
use sts_model::{Operation, Response, StsError};

pub(crate) use write::escape_text;
use write::{Node, text};

/// The XML namespace of every STS answer.
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Why an XML answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Not well-formed XML.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// The root element is not an STS response or error.
    #[error("unexpected root element <{0}>")]
    UnexpectedRoot(String),
    /// A member the model requires is missing.
    #[error("missing element <{0}>")]
    MissingElement(&'static str),
    /// A value of the wrong type.
    #[error("element <{element}> has an invalid value '{value}'")]
    BadValue {
        /// Element name.
        element: &'static str,
        /// Its text.
        value: String,
    },
}

/// `2019-07-15T23:28:33.359Z`: UTC, milliseconds, `Z`.
///
/// ```
/// use sts_model::time::macros::datetime;
/// assert_eq!(sts_wire::xml::format_timestamp(datetime!(2019-07-15 23:28:33.359 UTC)), "2019-07-15T23:28:33.359Z");
/// ```
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(sts_model::time::UtcOffset::UTC);
    // Every answer carries one; digits are written directly rather than through `format!`.
    let mut out = String::with_capacity(24);
    let mut digits = |value: u32, width: u32, after: Option<char>| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
        if let Some(c) = after {
            out.push(c);
        }
    };
    digits(t.year().clamp(0, 9999) as u32, 4, Some('-'));
    digits(u8::from(t.month()).into(), 2, Some('-'));
    digits(t.day().into(), 2, Some('T'));
    digits(t.hour().into(), 2, Some(':'));
    digits(t.minute().into(), 2, Some(':'));
    digits(t.second().into(), 2, Some('.'));
    digits(t.millisecond().into(), 3, Some('Z'));
    out
}

/// Reads an ISO 8601 / RFC 3339 timestamp, with or without fractional seconds.
pub fn parse_timestamp(element: &'static str, text: &str) -> Result<OffsetDateTime, XmlError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| XmlError::BadValue { element, value: text.to_owned() })
}

/// The document `<{root}{root_suffix} xmlns=...>body</...>`, written into one buffer of the size it
/// will have (responses carry 1 KB tokens: growing the buffer copied them several times).
fn envelope(root: &str, root_suffix: &str, body: &[Node<'_>]) -> String {
    let root_len = root.len() + root_suffix.len();
    let size = 2 * root_len + NAMESPACE.len() + 16 + body.iter().map(|node| write::size(node, 1)).sum::<usize>();
    let mut out = String::with_capacity(size);
    out.push('<');
    out.push_str(root);
    out.push_str(root_suffix);
    out.push_str(" xmlns=\"");
    out.push_str(NAMESPACE);
    out.push_str("\">\n");
    for node in body {
        write::write(&mut out, node, 1);
    }
    out.push_str("</");
    out.push_str(root);
    out.push_str(root_suffix);
    out.push_str(">\n");
    out
}

fn result_name(operation: Operation) -> &'static str {
    // Leaked names would be simpler to build; a match keeps them static and allocation-free.
    match operation {
        Operation::AssumeRole => "AssumeRoleResult",
        Operation::AssumeRoleWithSAML => "AssumeRoleWithSAMLResult",
        Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentityResult",
        Operation::AssumeRoot => "AssumeRootResult",
        Operation::DecodeAuthorizationMessage => "DecodeAuthorizationMessageResult",
        Operation::GetAccessKeyInfo => "GetAccessKeyInfoResult",
        Operation::GetCallerIdentity => "GetCallerIdentityResult",
        Operation::GetDelegatedAccessToken => "GetDelegatedAccessTokenResult",
        Operation::GetFederationToken => "GetFederationTokenResult",
        Operation::GetScopedCredentials => "GetScopedCredentialsResult",
        Operation::GetSessionToken => "GetSessionTokenResult",
        Operation::GetWebIdentityToken => "GetWebIdentityTokenResult",
    }
}

/// The success envelope of `response`.
///
/// ```
/// use sts_model::{Response, response::GetAccessKeyInfoResponse};
/// let xml = sts_wire::xml::encode_response(
///     &Response::GetAccessKeyInfo(GetAccessKeyInfoResponse { account: Some("123456789012".into()) }),
///     "c6104cbe-af31-11e0-8154-cbc7ccf896c7",
/// );
/// assert!(xml.starts_with("<GetAccessKeyInfoResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetAccessKeyInfoResult>\n    <Account>123456789012</Account>"));
/// ```
pub fn encode_response(response: &Response, request_id: &str) -> String {
    let operation = response.operation();
    let body = [
        Node::Elem(result_name(operation), responses::result_nodes(response)),
        Node::Elem("ResponseMetadata", vec![text("RequestId", request_id)]),
    ];
    envelope(operation.name(), "Response", &body)
}

/// The error envelope of `error`.
pub fn encode_error(error: &StsError, request_id: &str) -> String {
    let body = [
        Node::Elem(
            "Error",
            vec![text("Type", error.kind().as_str()), text("Code", error.code.as_str()), text("Message", error.message.as_str())],
        ),
        text("RequestId", request_id),
    ];
    envelope("ErrorResponse", "", &body)
}

/// A decoded success answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEnvelope {
    /// The typed response.
    pub response: Response,
    /// `ResponseMetadata/RequestId`.
    pub request_id: Option<String>,
}

/// A decoded error answer, kept as text: other endpoints may send codes this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEnvelope {
    /// `Sender` or `Receiver` (or whatever the endpoint wrote).
    pub kind: Option<String>,
    /// The error code.
    pub code: String,
    /// The message.
    pub message: Option<String>,
    /// The request id.
    pub request_id: Option<String>,
}

/// Any STS answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `{Op}Response` (boxed: responses are large, errors small).
    Success(Box<ResponseEnvelope>),
    /// `ErrorResponse`.
    Error(ErrorEnvelope),
}

/// Reads an answer: a success envelope of any operation, or an error envelope.
///
/// ```
/// use sts_wire::xml::{decode, Answer};
/// let Answer::Error(e) = decode("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
///     <Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>").unwrap() else { panic!() };
/// assert_eq!(e.code, "Throttling");
/// ```
pub fn decode(xml: &str) -> Result<Answer, XmlError> {
    let root = parse(xml)?;
    if root.name == "ErrorResponse" || root.name == "Response" {
        let error =
            root.child("Error").or_else(|| root.child("Errors").and_then(|e| e.child("Error"))).ok_or(XmlError::MissingElement("Error"))?;
        return Ok(Answer::Error(ErrorEnvelope {
            kind: error.text_of("Type"),
            code: error.text_of("Code").ok_or(XmlError::MissingElement("Code"))?,
            message: error.text_of("Message"),
            request_id: root.text_of("RequestId").or_else(|| root.text_of("RequestID")),
        }));
    }
    let operation =
        root.name.strip_suffix("Response").and_then(Operation::from_name).ok_or_else(|| XmlError::UnexpectedRoot(root.name.clone()))?;
    let response = responses::from_result(operation, root.child(result_name(operation)))?;
    let request_id = root.child("ResponseMetadata").and_then(|m| m.text_of("RequestId"));
    Ok(Answer::Success(Box::new(ResponseEnvelope { response, request_id })))
}
