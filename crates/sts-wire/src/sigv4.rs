//! AWS Signature Version 4 for STS: signing (the conformance runner signs its requests) and
//! verification (the mock authenticates callers), header-based and presigned (query) forms.
//!
//! The verifier answers what STS answers: `IncompleteSignature` for a malformed Authorization,
//! `SignatureDoesNotMatch` for a wrong signature, scope or clock skew (STS ignores `X-Amz-Expires`
//! and allows 15 minutes either way of `X-Amz-Date`, with its observed "Signature expired" /
//! "Signature not yet current" messages), `InvalidClientTokenId` for an unknown key. Key lookup is a
//! closure, so this module knows nothing of the model.

use std::borrow::Cow;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sts_model::time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time};
use sts_model::{ErrorCode, StsError};

use crate::query::encode_component;

/// The only algorithm accepted (SigV4a is listed by the model but no SDK uses it for STS by default).
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The service name in credential scopes.
pub const SERVICE: &str = "sts";
/// STS's clock-skew window.
pub const MAX_SKEW: Duration = Duration::minutes(15);

/// An HTTP request as the signer sees it. `path` is the decoded path, `query` the decoded pairs.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`.
    pub method: &'a str,
    /// Decoded path, `/` for STS.
    pub path: &'a str,
    /// Decoded query parameters, in order.
    pub query: &'a [(String, String)],
    /// Headers as received (names in any case; repeated names allowed).
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// Credentials to sign with.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Secret access key.
    pub secret_access_key: &'a str,
    /// Session token of temporary credentials.
    pub session_token: Option<&'a str>,
}

/// What a verified signature establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signing key id.
    pub access_key_id: String,
    /// `X-Amz-Security-Token`, from the header or the query.
    pub session_token: Option<String>,
    /// The region of the credential scope.
    pub region: String,
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Appends the lower-case hex of `bytes` to `out`: a table, not `format!` per byte (it showed in
/// profiles; three digests per verification).
fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// The lower-case hex of a 32-byte digest, on the stack.
fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    out
}

/// Hex SHA-256 of a payload.
pub fn payload_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}

/// The SigV4 signing key: HMAC chain over date, region, service and `aws4_request`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// `20150830T123600Z`.
pub fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(sts_model::time::UtcOffset::UTC);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// Parses `20150830T123600Z`.
pub fn parse_amz_date(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok()).flatten()
    };
    let date = Date::from_calendar_date(num(0..4)? as i32, Month::try_from(num(4..6)? as u8).ok()?, num(6..8)? as u8).ok()?;
    let time = Time::from_hms(num(9..11)? as u8, num(11..13)? as u8, num(13..15)? as u8).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Appends the canonical URI: dot segments removed, slashes collapsed, each segment URI-encoded.
fn push_canonical_uri(out: &mut String, path: &str) {
    if path == "/" {
        // Every STS request: no segment to walk.
        out.push('/');
        return;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    out.push('/');
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_component(s, out);
    }
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
}

/// Appends the canonical query string: pairs encoded, sorted, joined by `&`.
fn push_canonical_query(out: &mut String, query: &[(String, String)], exclude_signature: bool) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !(exclude_signature && k == "X-Amz-Signature"))
        .map(|(k, v)| {
            let (mut ek, mut ev) = (String::new(), String::new());
            encode_component(k, &mut ek);
            encode_component(v, &mut ev);
            (ek, ev)
        })
        .collect();
    pairs.sort();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
}

/// Whether a header value is already in its signing form: no leading or trailing whitespace, words
/// separated by single spaces.
fn is_trimmed(value: &str) -> bool {
    let b = value.as_bytes();
    value.is_ascii()
        && !b.first().is_some_and(u8::is_ascii_whitespace)
        && !b.last().is_some_and(u8::is_ascii_whitespace)
        && b.iter().all(|c| *c == b' ' || !c.is_ascii_whitespace())
        && !b.windows(2).any(|w| w == b"  ")
}

/// Appends a header value in its signing form: trimmed, inner runs of whitespace collapsed.
fn push_trimmed(out: &mut String, value: &str) {
    for (i, word) in value.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Appends the value of a header for signing (all occurrences, each trimmed, joined by `,`);
/// `false` when the header is absent.
fn push_header_value(out: &mut String, headers: &[(String, String)], name: &str) -> bool {
    let mut found = false;
    for (_, value) in headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)) {
        if found {
            out.push(',');
        }
        found = true;
        push_trimmed(out, value);
    }
    found
}

/// The value of a header for signing, borrowed when it is sent once and already trimmed (the usual case).
fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<Cow<'a, str>> {
    let mut matching = headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name));
    let (_, first) = matching.next()?;
    if is_trimmed(first) && matching.next().is_none() {
        return Some(Cow::Borrowed(first.as_str()));
    }
    let mut out = String::with_capacity(first.len());
    push_header_value(&mut out, headers, name);
    Some(Cow::Owned(out))
}

/// Appends the canonical request of `req` over `signed_headers` (lower-case, sorted).
fn push_canonical_request<'n>(
    out: &mut String,
    req: &Request<'_>,
    signed_headers: impl Iterator<Item = &'n str> + Clone,
    payload_hash: &str,
    presigned: bool,
) {
    out.push_str(req.method);
    out.push('\n');
    push_canonical_uri(out, req.path);
    out.push('\n');
    push_canonical_query(out, req.query, presigned);
    out.push('\n');
    for name in signed_headers.clone() {
        out.push_str(name);
        out.push(':');
        push_header_value(out, req.headers, name);
        out.push('\n');
    }
    out.push('\n');
    for (i, name) in signed_headers.enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    out.push_str(payload_hash);
}

/// The canonical request of `req` over `signed_headers` (lower-case, sorted).
pub fn canonical_request<S: AsRef<str>>(req: &Request<'_>, signed_headers: &[S], payload_hash: &str, presigned: bool) -> String {
    let mut out = String::with_capacity(512);
    push_canonical_request(&mut out, req, signed_headers.iter().map(AsRef::as_ref), payload_hash, presigned);
    out
}

/// The signature of `req` for an explicit scope (any service): what test vectors and other
/// signers are checked against.
pub fn signature_for<S: AsRef<str>>(
    req: &Request<'_>,
    secret: &str,
    amz_date: &str,
    region: &str,
    service: &str,
    signed_headers: &[S],
    presigned: bool,
) -> String {
    let scope = Scope { date: amz_date.get(..8).unwrap_or_default(), region, service, terminator: "aws4_request" };
    let canonical = canonical_request(req, signed_headers, &payload_hash(req.body), presigned);
    signature(secret, amz_date, &scope, &canonical)
}

/// A signing key cached with what derives it.
struct CachedKey {
    secret: String,
    date: String,
    region: String,
    service: String,
    key: [u8; 32],
}

/// The signing key of (secret, date, region, service), cached per thread: it changes once a day per
/// key, and deriving it is four of the five HMACs of a verification (SDKs cache it the same way).
fn cached_signing_key(secret: &str, scope: &Scope<'_>) -> [u8; 32] {
    use std::cell::RefCell;
    thread_local! {
        static CACHE: RefCell<Vec<CachedKey>> = const { RefCell::new(Vec::new()) };
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Compared field by field: a hit allocates nothing.
        if let Some(hit) =
            cache.iter().find(|c| c.secret == secret && c.date == scope.date && c.region == scope.region && c.service == scope.service)
        {
            return hit.key;
        }
        let key = signing_key(secret, scope.date, scope.region, scope.service);
        // A handful of keys are in use at once in a test; keep the newest 64.
        if cache.len() >= 64 {
            cache.remove(0);
        }
        cache.push(CachedKey {
            secret: secret.to_owned(),
            date: scope.date.to_owned(),
            region: scope.region.to_owned(),
            service: scope.service.to_owned(),
            key,
        });
        key
    })
}

/// The signature's HMAC over the string to sign, fed piece by piece (no string is built).
fn signature_bytes(secret: &str, amz_date: &str, scope: &Scope<'_>, canonical: &str) -> [u8; 32] {
    let canonical_hash = hex32(&Sha256::digest(canonical.as_bytes()).into());
    let mut mac = Hmac::<Sha256>::new_from_slice(&cached_signing_key(secret, scope)).expect("HMAC accepts keys of any length");
    for part in [ALGORITHM.as_bytes(), b"\n", amz_date.as_bytes(), b"\n"] {
        mac.update(part);
    }
    scope.feed(&mut mac);
    mac.update(b"\n");
    mac.update(&canonical_hash);
    mac.finalize().into_bytes().into()
}

fn signature(secret: &str, amz_date: &str, scope: &Scope<'_>, canonical: &str) -> String {
    hex(&signature_bytes(secret, amz_date, scope, canonical))
}

/// A credential scope `date/region/service/aws4_request`, borrowed from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scope<'a> {
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
}

impl Scope<'_> {
    fn text(&self) -> String {
        format!("{}/{}/{}/{}", self.date, self.region, self.service, self.terminator)
    }

    fn feed(&self, mac: &mut Hmac<Sha256>) {
        for (i, part) in [self.date, self.region, self.service, self.terminator].into_iter().enumerate() {
            if i > 0 {
                mac.update(b"/");
            }
            mac.update(part.as_bytes());
        }
    }
}

fn signed_header_names(req: &Request<'_>, extra: &[&str]) -> Vec<String> {
    let mut names: Vec<String> =
        req.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).chain(extra.iter().map(|s| s.to_string())).collect();
    // Sign what botocore signs: host, content-type, x-amz-*; never hop-by-hop or user-agent headers.
    names.retain(|n| n == "host" || n == "content-type" || n.starts_with("x-amz-") || n.starts_with("x-k8s-"));
    names.sort();
    names.dedup();
    names
}

/// Signs `req` in the Authorization header: returns the headers to add (`X-Amz-Date`,
/// `X-Amz-Security-Token` when the credentials have one, `Authorization`). `req.headers` must
/// already hold `host` (and `content-type` for a form body).
pub fn sign(req: &Request<'_>, credentials: &Credentials<'_>, region: &str, now: OffsetDateTime) -> Vec<(String, String)> {
    sign_for(req, credentials, region, SERVICE, now)
}

/// [`sign`] for another service's scope (`iam`, always in `us-east-1`).
pub fn sign_for(
    req: &Request<'_>,
    credentials: &Credentials<'_>,
    region: &str,
    service: &str,
    now: OffsetDateTime,
) -> Vec<(String, String)> {
    let amz_date = format_amz_date(now);
    let mut added = vec![("X-Amz-Date".to_string(), amz_date.clone())];
    if let Some(token) = credentials.session_token {
        added.push(("X-Amz-Security-Token".to_string(), token.to_string()));
    }
    let mut headers = req.headers.to_vec();
    headers.extend(added.iter().cloned());
    let full = Request { headers: &headers, ..*req };
    let names = signed_header_names(&full, &[]);
    let scope = Scope { date: &amz_date[..8], region, service, terminator: "aws4_request" };
    let canonical = canonical_request(&full, &names, &payload_hash(req.body), false);
    let sig = signature(credentials.secret_access_key, &amz_date, &scope, &canonical);
    added.push((
        "Authorization".to_string(),
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={sig}",
            credentials.access_key_id,
            scope.text(),
            names.join(";")
        ),
    ));
    added
}

/// Presigns `req` (usually a GET) in its query string: returns the full query to send, ending with
/// `X-Amz-Signature`. Only `host` (and any `x-k8s-*` header, as EKS tokens do) is signed.
pub fn presign(req: &Request<'_>, credentials: &Credentials<'_>, region: &str, now: OffsetDateTime, expires: u32) -> Vec<(String, String)> {
    let amz_date = format_amz_date(now);
    let scope = Scope { date: &amz_date[..8], region, service: SERVICE, terminator: "aws4_request" };
    let mut names: Vec<String> =
        req.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).filter(|n| n == "host" || n.starts_with("x-k8s-")).collect();
    names.sort();
    names.dedup();
    let mut query = req.query.to_vec();
    query.push(("X-Amz-Algorithm".into(), ALGORITHM.into()));
    query.push(("X-Amz-Credential".into(), format!("{}/{}", credentials.access_key_id, scope.text())));
    query.push(("X-Amz-Date".into(), amz_date.clone()));
    query.push(("X-Amz-Expires".into(), expires.to_string()));
    query.push(("X-Amz-SignedHeaders".into(), names.join(";")));
    if let Some(token) = credentials.session_token {
        query.push(("X-Amz-Security-Token".into(), token.into()));
    }
    let canonical = canonical_request(&Request { query: &query, ..*req }, &names, &payload_hash(req.body), true);
    let sig = signature(credentials.secret_access_key, &amz_date, &scope, &canonical);
    query.push(("X-Amz-Signature".into(), sig));
    query
}

fn incomplete(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::IncompleteSignature, message)
}

fn mismatch(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::SignatureDoesNotMatch, message)
}

/// The signature parts found in a request, from the Authorization header or the query, borrowed.
struct Parts<'a> {
    credential: &'a str,
    /// `;`-separated, as sent.
    signed_headers: &'a str,
    signature: &'a str,
    amz_date: Cow<'a, str>,
    presigned: bool,
}

fn parse_authorization<'a>(value: &'a str, headers: &'a [(String, String)]) -> Result<Parts<'a>, StsError> {
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| incomplete(format!("Unsupported AWS 'algorithm': '{}'", value.split_whitespace().next().unwrap_or_default())))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        // Every space-separated token must be a pair: AWS names the first that is not (a header
        // sent twice is folded with a comma, and its second algorithm is such a token).
        if let Some(token) = item.split_whitespace().find(|token| !token.contains('=')) {
            return Err(incomplete(format!(
                "'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'."
            )));
        }
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => {}
        }
    }
    let amz_date = header_value(headers, "x-amz-date");
    let mut missing = String::new();
    if credential.is_none() {
        missing.push_str("Authorization header requires 'Credential' parameter. ");
    }
    if signature.is_none() {
        missing.push_str("Authorization header requires 'Signature' parameter. ");
    }
    if signed.is_none() {
        missing.push_str("Authorization header requires 'SignedHeaders' parameter. ");
    }
    if amz_date.is_none() {
        missing.push_str("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
    }
    match (credential, signed, signature, amz_date) {
        (Some(credential), Some(signed_headers), Some(signature), Some(amz_date)) => {
            Ok(Parts { credential, signed_headers, signature, amz_date, presigned: false })
        }
        _ => Err(incomplete(format!("{missing}Authorization={value}"))),
    }
}

fn parse_presigned(query: &[(String, String)]) -> Result<Parts<'_>, StsError> {
    let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let algorithm = get("X-Amz-Algorithm").unwrap_or_default();
    if algorithm != ALGORITHM {
        return Err(incomplete(format!("Unsupported AWS 'algorithm': '{algorithm}'")));
    }
    let mut missing = Vec::new();
    for name in ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] {
        if get(name).is_none() {
            missing.push(format!("AWS query-string parameters must include '{name}'."));
        }
    }
    if !missing.is_empty() {
        return Err(incomplete(format!("{} Re-examine the query-string parameters.", missing.join(" "))));
    }
    Ok(Parts {
        credential: get("X-Amz-Credential").unwrap_or_default(),
        signed_headers: get("X-Amz-SignedHeaders").unwrap_or_default(),
        signature: get("X-Amz-Signature").unwrap_or_default(),
        amz_date: Cow::Borrowed(get("X-Amz-Date").unwrap_or_default()),
        presigned: true,
    })
}

/// Verifies the signature of `req` at `now` for an endpoint in `region`; `secret_for` gives the
/// secret of a key id (or `None` for an unknown key). `Ok(None)` when the request is not signed.
///
/// Verification borrows from the request and feeds the HMAC piece by piece: the mock verifies
/// every call, and allocations were most of its cost (see BENCHMARKS.md).
///
/// ```
/// use sts_wire::sigv4::{sign, verify, Credentials, Request};
/// use sts_model::time::OffsetDateTime;
/// let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
/// let headers = vec![("host".to_string(), "sts.us-east-1.amazonaws.com".to_string())];
/// let body = b"Action=GetCallerIdentity&Version=2011-06-15";
/// let req = Request { method: "POST", path: "/", query: &[], headers: &headers, body };
/// let creds = Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: "secret", session_token: None };
/// let mut signed = headers.clone();
/// signed.extend(sign(&req, &creds, "us-east-1", now));
/// let req = Request { headers: &signed, ..req };
/// let ok = verify(&req, now, "us-east-1", |_| Some("secret".into())).unwrap().unwrap();
/// assert_eq!(ok.access_key_id, "AKIDEXAMPLE");
/// assert!(verify(&req, now, "us-east-1", |_| Some("wrong".into())).is_err());
/// ```
pub fn verify(
    req: &Request<'_>,
    now: OffsetDateTime,
    region: &str,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Option<Verified>, StsError> {
    verify_for(req, now, region, SERVICE, secret_for)
}

/// The service a request's credential scope names (`sts`, `iam`), from its Authorization header
/// or presigned `X-Amz-Credential`; `None` for unsigned requests. The mock routes by it, as AWS
/// routes by endpoint.
///
/// ```
/// let headers = vec![("authorization".to_string(),
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00".to_string())];
/// let req = sts_wire::sigv4::Request { method: "POST", path: "/", query: &[], headers: &headers, body: b"" };
/// assert_eq!(sts_wire::sigv4::scope_service(&req).as_deref(), Some("iam"));
/// ```
pub fn scope_service(req: &Request<'_>) -> Option<String> {
    let credential = match header_value(req.headers, "authorization") {
        Some(auth) => auth.split("Credential=").nth(1)?.split([',', ' ']).next()?.to_owned(),
        None => req.query.iter().find(|(k, _)| k == "X-Amz-Credential")?.1.clone(),
    };
    credential.split('/').nth(3).map(str::to_owned)
}

/// [`verify`] for another service's credential scope (IAM's is `iam` in `us-east-1`).
pub fn verify_for(
    req: &Request<'_>,
    now: OffsetDateTime,
    region: &str,
    expected_service: &str,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Option<Verified>, StsError> {
    let header_auth = header_value(req.headers, "authorization");
    let query_auth = req.query.iter().any(|(k, _)| k == "X-Amz-Algorithm");
    let parts = match (&header_auth, query_auth) {
        (None, false) => return Ok(None),
        (Some(value), _) => parse_authorization(value, req.headers)?,
        (None, true) => parse_presigned(req.query)?,
    };
    let header_token = header_value(req.headers, "x-amz-security-token");
    let query_token = req.query.iter().find(|(k, _)| k == "X-Amz-Security-Token").map(|(_, v)| v.as_str());
    if header_token.is_some() && query_token.is_some() {
        // fidelity: inferred (AWS's answer to a token sent twice is not established).
        return Err(StsError::new(
            ErrorCode::InvalidParameterCombination,
            "X-Amz-Security-Token must be sent either as a header or as a query parameter, not both.",
        ));
    }

    // Credential = AKID/date/region/service/aws4_request
    let mut fields = parts.credential.split('/');
    let (Some(akid), Some(date), Some(scope_region), Some(service), Some(terminator), None) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(incomplete(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            parts.credential.split('/').nth(2).unwrap_or_default()
        )));
    };
    let scope = Scope { date, region: scope_region, service, terminator };
    let amz_date: &str = &parts.amz_date;
    let signed_at = parse_amz_date(amz_date).ok_or_else(|| {
        incomplete(format!("Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"))
    })?;
    if scope.terminator != "aws4_request" {
        return Err(mismatch(format!("Credential should be scoped with a valid terminator: 'aws4_request', not '{}'. ", scope.terminator)));
    }
    if scope.service != expected_service {
        return Err(mismatch(format!("Credential should be scoped to correct service: '{expected_service}'. ")));
    }
    if scope.region != region {
        return Err(mismatch(format!("Credential should be scoped to a valid region, not '{}'. ", scope.region)));
    }
    if scope.date != &amz_date[..8] {
        return Err(mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            scope.date,
            &amz_date[..8],
        )));
    }
    if !parts.signed_headers.split(';').any(|h| h == "host") {
        return Err(mismatch("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    }
    // STS ignores X-Amz-Expires: every signature is good 15 minutes either way of X-Amz-Date.
    if signed_at < now - MAX_SKEW {
        return Err(mismatch(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
            format_amz_date(now - MAX_SKEW),
            format_amz_date(now)
        )));
    }
    if signed_at > now + MAX_SKEW {
        return Err(mismatch(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
            format_amz_date(now + MAX_SKEW),
            format_amz_date(now)
        )));
    }
    let secret = secret_for(akid).ok_or_else(StsError::invalid_client_token_id)?;
    let payload = hex32(&Sha256::digest(req.body).into());
    let payload = std::str::from_utf8(&payload).expect("hex is ASCII");
    let mut canonical = String::with_capacity(512);
    push_canonical_request(&mut canonical, req, parts.signed_headers.split(';'), payload, parts.presigned);
    let expected = hex32(&signature_bytes(&secret, amz_date, &scope, &canonical));
    // Constant-time comparison: the mock is a test tool, but a verifier should not leak timing.
    let provided = parts.signature.as_bytes();
    let equal = expected.len() == provided.len() && expected.iter().zip(provided).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !equal {
        return Err(mismatch(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(Some(Verified {
        access_key_id: akid.to_owned(),
        session_token: header_token.map(Cow::into_owned).or(query_token.map(str::to_owned)),
        region: scope.region.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The signing form of a header value, as the SigV4 specification states it.
    fn reference(values: &[&str]) -> String {
        values.iter().map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(",")
    }

    proptest! {
        // The borrowed fast path must give exactly what normalizing gives, for any value.
        #[test]
        fn header_value_is_the_trimmed_joined_value(values in proptest::collection::vec("[ \t\na-zA-Z0-9;=\u{a0}é-]{0,12}", 1..3)) {
            let headers: Vec<(String, String)> = values.iter().map(|v| ("X-Test".to_string(), v.clone())).collect();
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let expected = reference(&refs);
            prop_assert_eq!(header_value(&headers, "x-test").map(Cow::into_owned), Some(expected));
            let mut pushed = String::new();
            prop_assert!(push_header_value(&mut pushed, &headers, "x-test"));
            prop_assert_eq!(pushed, reference(&refs));
        }
    }

    #[test]
    fn a_value_sent_once_and_already_trimmed_is_borrowed() {
        let headers = vec![("Host".to_string(), "sts.amazonaws.com".to_string()), ("X-A".to_string(), " a  b ".to_string())];
        assert!(matches!(header_value(&headers, "host"), Some(Cow::Borrowed("sts.amazonaws.com"))));
        assert!(matches!(header_value(&headers, "x-a"), Some(Cow::Owned(v)) if v == "a b"));
        assert!(header_value(&headers, "x-b").is_none());
    }

    #[test]
    fn the_string_to_sign_fed_in_pieces_signs_as_the_joined_string() {
        let scope = Scope { date: "20150830", region: "us-east-1", service: "iam", terminator: "aws4_request" };
        let canonical = "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let string_to_sign = format!("{ALGORITHM}\n20150830T123600Z\n{}\n{}", scope.text(), payload_hash(canonical.as_bytes()));
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
        assert_eq!(
            signature_bytes("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", &scope, canonical),
            hmac(&key, string_to_sign.as_bytes())
        );
        // The signature of the AWS documentation's example (Signature Version 4 signing process).
        assert_eq!(
            signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830T123600Z", &scope, canonical),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }
}
