//! `application/x-www-form-urlencoded` bodies and query strings, decoded strictly.
//!
//! Lenient decoders (like `form_urlencoded`) pass `%zz` through and replace invalid UTF-8; a mock
//! that is meant to catch client bugs must refuse both, with the query-protocol error for an
//! undecodable query string (`MalformedQueryString`; fidelity: inferred, message ours).

use sts_model::{ErrorCode, StsError};

fn malformed(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::MalformedQueryString, message)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_component(raw: &[u8]) -> Result<String, StsError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let pair = raw.get(i + 1..i + 3).and_then(|p| Some(hex(p[0])? << 4 | hex(p[1])?));
                let Some(byte) = pair else {
                    let shown = String::from_utf8_lossy(&raw[i..raw.len().min(i + 3)]).into_owned();
                    return Err(malformed(format!("The query string contains an invalid percent-encoding: '{shown}'")));
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| malformed("The query string does not decode to valid UTF-8"))
}

/// Splits and decodes `k=v&k=v`; a piece without `=` is a key with an empty value, empty pieces are skipped.
///
/// ```
/// use sts_wire::query::parse_form;
/// let params = parse_form(b"Action=GetCallerIdentity&Version=2011-06-15&Name=a+b%2Fc").unwrap();
/// assert_eq!(params[2], ("Name".to_string(), "a b/c".to_string()));
/// assert!(parse_form(b"Name=%zz").is_err());
/// ```
pub fn parse_form(bytes: &[u8]) -> Result<Vec<(String, String)>, StsError> {
    bytes
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = match piece.iter().position(|&b| b == b'=') {
                Some(eq) => (&piece[..eq], &piece[eq + 1..]),
                None => (piece, &[][..]),
            };
            Ok((decode_component(key)?, decode_component(value)?))
        })
        .collect()
}

/// Percent-encodes one component the SigV4 way: RFC 3986 unreserved characters kept, all else `%XX`.
pub fn encode_component(text: &str, out: &mut String) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
}

/// Encodes parameters as a form body, in the given order.
///
/// ```
/// use sts_wire::query::encode_form;
/// let body = encode_form(&[("Action".into(), "AssumeRole".into()), ("Policy".into(), "{\"a\": 1}".into())]);
/// assert_eq!(body, "Action=AssumeRole&Policy=%7B%22a%22%3A%201%7D");
/// ```
pub fn encode_form(params: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(key, &mut out);
        out.push('=');
        encode_component(value, &mut out);
    }
    out
}
