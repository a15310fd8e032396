//! The mock's request handling, independent of the HTTP library: one request in, one reply out.
//!
//! Order: admin routes; body limit; parameters (URL query, then form body); injected faults; SigV4
//! (header or presigned) on the mock clock; then the in-process pipeline (decode, model, encode).

use std::borrow::Cow;
use std::sync::Mutex;
use std::time::Duration;

use sts_model::{Caller, ErrorCode, Operation, Sts, StsError};
use sts_wire::{query, sigv4, xml};

use crate::admin;
use crate::clock::Clock;
use crate::faults::{Fault, Faults};
use crate::journal::{Call, Journal};

/// The largest body the mock reads (SAMLAssertion, the largest member, is at most 100,000 characters).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The reserved path prefix of the admin API.
pub const ADMIN_PREFIX: &str = "/__sts/";

/// A request as received.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path as sent (percent-encoded).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Headers in order (names as sent).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Answer, after `delay`.
    Answer {
        /// HTTP status.
        status: u16,
        /// `text/xml` for STS answers, `application/json` for the admin API.
        content_type: &'static str,
        /// The request id (`x-amzn-RequestId`), empty for admin answers.
        request_id: String,
        /// The body.
        body: String,
        /// Injected latency.
        delay: Duration,
    },
    /// Close the connection without answering, after `delay`.
    Drop {
        /// Injected latency.
        delay: Duration,
    },
}

/// A callback told of every STS call and how long it took.
pub type CallLog = Box<dyn Fn(&Call, Duration) + Send + Sync>;

/// Everything a running mock shares between connections.
pub struct Service {
    pub(crate) sts: Mutex<Sts>,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults,
    pub(crate) journal: Journal,
    pub(crate) log: Option<CallLog>,
    /// The certificate served over TLS (PEM), for clients to trust: `GET /__sts/ca.pem`.
    pub(crate) ca_pem: Option<String>,
    /// How far a signing time may be from the mock's clock.
    pub(crate) signature_skew: SignatureSkew,
}

/// How far a request's signing time (`X-Amz-Date`) may be from the mock's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SignatureSkew {
    /// 15 minutes either way, as AWS allows.
    #[default]
    Aws,
    /// This many seconds either way (more than AWS's 900 to be useful).
    Seconds(u32),
    /// Any distance: for clients that sign on the wall clock and never correct their skew
    /// (botocore, so boto3 and the AWS CLI) while the mock's clock moves.
    Off,
}

impl SignatureSkew {
    /// When a request signed at `signed_at` passes only because of this wider window, the time
    /// to judge its signature at (its own signing time) and the distance in seconds.
    fn widens(self, signed_at: sts_model::time::OffsetDateTime, now: sts_model::time::OffsetDateTime) -> Option<i64> {
        let distance = (signed_at - now).whole_seconds().checked_abs()?;
        if distance <= sigv4::MAX_SKEW.whole_seconds() {
            return None;
        }
        match self {
            SignatureSkew::Aws => None,
            SignatureSkew::Seconds(limit) => (distance <= i64::from(limit)).then_some(distance),
            SignatureSkew::Off => Some(distance),
        }
    }
}

/// Shortens the values of long, secret-like members in place: the journal keeps a recognizable
/// prefix of tokens and assertions.
fn shorten(key: &str, value: &mut String) {
    if matches!(key, "SAMLAssertion" | "WebIdentityToken" | "TradeInToken") && value.len() > 24 {
        let prefix: String = value.chars().take(16).collect();
        *value = format!("{prefix}...({} chars)", value.chars().count());
    }
}

/// The `X-Amz-Date` a request was signed at (header, or presigned query), when it parses.
fn sigv4_signing_time(req: &HttpRequest, query: &[(String, String)]) -> Option<sts_model::time::OffsetDateTime> {
    let header = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("x-amz-date")).map(|(_, v)| v.as_str());
    let text = header.or_else(|| query.iter().find(|(k, _)| k == "X-Amz-Date").map(|(_, v)| v.as_str()))?;
    sigv4::parse_amz_date(text.trim())
}

/// The decoded path: borrowed when there is nothing to decode (every SDK sends `/`).
fn percent_decode_path(path: &str) -> Cow<'_, str> {
    if !path.contains(['%', '+']) {
        return Cow::Borrowed(path);
    }
    match query::parse_form(format!("p={}", path.replace('+', "%2B")).as_bytes()) {
        Ok(mut pairs) if pairs.len() == 1 => Cow::Owned(pairs.remove(0).1),
        _ => Cow::Borrowed(path),
    }
}

impl Service {
    /// A service over `sts` on `clock`, keeping `journal_capacity` calls (the server's core, usable
    /// without HTTP).
    pub fn new(sts: Sts, clock: Clock, journal_capacity: usize) -> Self {
        Service {
            sts: Mutex::new(sts),
            clock,
            faults: Faults::default(),
            journal: Journal::new(journal_capacity),
            log: None,
            ca_pem: None,
            signature_skew: SignatureSkew::Aws,
        }
    }

    /// The clock.
    pub fn clock_handle(&self) -> Clock {
        self.clock.clone()
    }

    /// The faults.
    pub fn faults_handle(&self) -> Faults {
        self.faults.clone()
    }

    /// The journal.
    pub fn journal_handle(&self) -> Journal {
        self.journal.clone()
    }

    pub(crate) fn sts(&self) -> std::sync::MutexGuard<'_, Sts> {
        // A panic elsewhere cannot leave the model half-updated in a way a caller could exploit:
        // every call validates before it mutates. Keep serving.
        self.sts.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn error_reply(&self, error: &StsError, request_id: String, delay: Duration) -> Reply {
        Reply::Answer {
            status: error.http_status(),
            content_type: "text/xml",
            body: xml::encode_error(error, &request_id),
            request_id,
            delay,
        }
    }

    /// Handles one request.
    pub fn handle(&self, req: &HttpRequest) -> Reply {
        if let Some(route) = req.path.strip_prefix(ADMIN_PREFIX) {
            if route == "ca.pem" && req.method == "GET" {
                // The certificate is public; a plain-HTTP mock has none to give.
                let (status, body) = match &self.ca_pem {
                    Some(pem) => (200, pem.clone()),
                    None => (404, "this mock does not serve TLS\n".to_owned()),
                };
                return Reply::Answer {
                    status,
                    content_type: "application/x-pem-file",
                    request_id: String::new(),
                    body,
                    delay: Duration::ZERO,
                };
            }
            let (status, body) = admin::handle(self, &req.method, route, req.query.as_deref(), &req.body);
            return Reply::Answer { status, content_type: "application/json", request_id: String::new(), body, delay: Duration::ZERO };
        }
        let started = std::time::Instant::now();
        let now = self.clock.now();
        // The model lock is taken briefly, twice: once for the request id, the endpoint region and
        // the secret of the key the Authorization header names, once for the call itself.
        // Signature checks, decoding, encoding and the journal run outside it, so concurrent
        // connections do not queue behind each other's HMACs and XML.
        let named_key = header_key_id(req);
        let (request_id, region, named_secret) = {
            let mut sts = self.sts();
            // A temporary key's secret comes from its session token (the session is sealed in it).
            let token = header_value(req, "x-amz-security-token");
            let secret = named_key.as_deref().and_then(|key| sts.secret_for(key, token));
            (sts.request_id(), sts.config().region.clone(), secret)
        };
        let signing = Signing { region: region.as_deref().unwrap_or("us-east-1"), named_key, named_secret };
        let mut call = Call {
            at: xml::format_timestamp(now),
            operation: None,
            access_key_id: None,
            caller_arn: None,
            parameters: vec![],
            status: 0,
            error_code: None,
            error_message: None,
            request_id,
            fault: None,
        };
        let reply = self.answer(req, now, signing, &mut call);
        if let Reply::Answer { status, .. } = &reply {
            call.status = *status;
        }
        // The parameters moved into the journal entry for decoding; secret-like values are
        // shortened only now.
        for (key, value) in &mut call.parameters {
            shorten(key, value);
        }
        if let Some(log) = &self.log {
            log(&call, started.elapsed());
        }
        self.journal.record(&call);
        reply
    }

    /// Answers `req`, filling in `call` (whose `parameters` hold the request's parameters, as
    /// received, once they are read).
    fn answer(&self, req: &HttpRequest, now: sts_model::time::OffsetDateTime, signing: Signing<'_>, call: &mut Call) -> Reply {
        let fail = |call: &mut Call, error: StsError, delay: Duration| {
            call.error_code = Some(error.code.to_string());
            call.error_message = Some(error.message.clone());
            self.error_reply(&error, call.request_id.clone(), delay)
        };
        if req.body.len() > MAX_BODY_BYTES {
            // fidelity: inferred (AWS's front end refuses large bodies before STS sees them).
            let error =
                StsError::new(ErrorCode::InvalidParameterValue, format!("Request body exceeds the maximum of {MAX_BODY_BYTES} bytes."));
            return fail(call, error, Duration::ZERO);
        }
        let content_type = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str());
        call.parameters = match query::http_params(req.query.as_deref(), content_type, &req.body) {
            Ok(p) => p,
            Err(e) => return fail(call, e, Duration::ZERO),
        };
        let action = call.parameters.iter().find(|(k, _)| k == "Action").map(|(_, v)| v.as_str());
        let operation = action.and_then(Operation::from_name);
        call.operation = action.map(str::to_owned);

        call.access_key_id = signing.named_key.clone();
        let decision = self.faults.decide(operation);
        if let Some(fault) = &decision.failure {
            call.fault = Some(fault.name());
            if *fault == Fault::DropConnection {
                return Reply::Drop { delay: decision.delay };
            }
            if let Some(error) = fault.error() {
                return fail(call, error, decision.delay);
            }
        } else if !decision.delay.is_zero() {
            call.fault = Some(format!("latency {}ms", decision.delay.as_millis()));
        }

        // SigV4 over the query pairs as decoded; the region is the endpoint's (the global endpoint signs as us-east-1).
        let query_pairs = match req.query.as_deref().map(|q| query::parse_form(q.as_bytes())).transpose() {
            Ok(q) => q.unwrap_or_default(),
            Err(e) => return fail(call, e, decision.delay),
        };
        let path = percent_decode_path(&req.path);
        let signed = sigv4::Request { method: &req.method, path: &path, query: &query_pairs, headers: &req.headers, body: &req.body };
        let secret_for = |key: &str| match (&signing.named_key, signing.named_secret) {
            (Some(named), secret) if named == key => secret,
            // A presigned URL, or a header naming another key than its Credential: look it up.
            _ => {
                let token = query_pairs
                    .iter()
                    .find(|(k, _)| k == "X-Amz-Security-Token")
                    .map(|(_, v)| v.as_str())
                    .or_else(|| header_value(req, "x-amz-security-token"));
                self.sts().secret_for(key, token)
            }
        };
        // A signature outside AWS's window that a wider configured window admits is judged at its
        // own signing time, and the journal says so.
        let signed_at = sigv4_signing_time(req, &query_pairs);
        let verify_at = match signed_at.and_then(|at| Some((at, self.signature_skew.widens(at, now)?))) {
            Some((at, distance)) => {
                call.fault = Some(format!("signature-skew: signed {distance} s from the mock's clock (AWS allows 900)"));
                at
            }
            None => now,
        };
        // Requests signed for IAM reach the IAM control plane on the same port.
        if sigv4::scope_service(&signed).as_deref() == Some("iam") {
            return self.answer_iam(&signed, now, verify_at, secret_for, call, decision.delay);
        }
        let caller = match sigv4::verify(&signed, verify_at, signing.region, secret_for) {
            Ok(None) => Caller::Anonymous,
            Ok(Some(v)) => {
                if call.access_key_id.as_deref() != Some(v.access_key_id.as_str()) {
                    call.access_key_id = Some(v.access_key_id.clone());
                }
                Caller::Credentials { access_key_id: v.access_key_id, session_token: v.session_token }
            }
            Err(e) => return fail(call, e, decision.delay),
        };
        let decoded = query::decode(&call.parameters);
        let outcome = {
            let mut sts = self.sts();
            if let Caller::Credentials { access_key_id, session_token } = &caller {
                call.caller_arn = sts.arn_of(access_key_id, session_token.as_deref());
            }
            decoded.and_then(|request| sts.call(now, &caller, request))
        };
        let out = crate::in_process::encode(outcome, call.request_id.clone(), None);
        if let Err(e) = &out.outcome {
            call.error_code = Some(e.code.to_string());
            call.error_message = Some(e.message.clone());
        }
        Reply::Answer { status: out.status, content_type: "text/xml", body: out.body, request_id: out.request_id, delay: decision.delay }
    }
}

impl Service {
    /// An IAM call: verified for IAM's scope (`iam`, `us-east-1`: IAM is global), decoded against
    /// IAM's model, answered by the model over the same world as STS.
    fn answer_iam(
        &self,
        signed: &sigv4::Request<'_>,
        now: sts_model::time::OffsetDateTime,
        verify_at: sts_model::time::OffsetDateTime,
        secret_for: impl FnOnce(&str) -> Option<String>,
        call: &mut Call,
        delay: Duration,
    ) -> Reply {
        let outcome = sigv4::verify_for(signed, verify_at, "us-east-1", "iam", secret_for).and_then(|verified| {
            let caller = match verified {
                None => Caller::Anonymous,
                Some(v) => {
                    call.access_key_id = Some(v.access_key_id.clone());
                    Caller::Credentials { access_key_id: v.access_key_id, session_token: v.session_token }
                }
            };
            let request = sts_wire::iam::decode(&call.parameters)?;
            let mut sts = self.sts();
            if let Caller::Credentials { access_key_id, session_token } = &caller {
                call.caller_arn = sts.arn_of(access_key_id, session_token.as_deref());
            }
            let action = request.action.clone();
            sts.iam(now, &caller, request).map(|nodes| (action, nodes))
        });
        let (status, body) = match &outcome {
            Ok((action, nodes)) => (200, sts_wire::iam::encode_success(action, nodes.as_deref(), &call.request_id)),
            Err(e) => {
                call.error_code = Some(e.code.to_string());
                call.error_message = Some(e.message.clone());
                (e.http_status(), sts_wire::iam::encode_error(e, &call.request_id))
            }
        };
        Reply::Answer { status, content_type: "text/xml", body, request_id: call.request_id.clone(), delay }
    }
}

/// What signature verification needs from the model, read under the first lock.
struct Signing<'a> {
    /// The endpoint's region (`us-east-1` for the global endpoint).
    region: &'a str,
    /// The key id the Authorization header names, if any.
    named_key: Option<String>,
    /// Its secret, when the key is known.
    named_secret: Option<String>,
}

/// The key id named in an Authorization header, for the journal of a failed verification.
/// The first value of header `name` (lowercase).
fn header_value<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn header_key_id(req: &HttpRequest) -> Option<String> {
    let auth = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization"))?;
    let credential = auth.1.split("Credential=").nth(1)?;
    credential.split('/').next().map(str::to_owned)
}
