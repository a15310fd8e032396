//! One call through the whole stack without HTTP: decode, answer with the model, encode.

use sts_model::time::OffsetDateTime;
use sts_model::{Caller, Request, Response, Sts, StsError};
use sts_wire::{query, xml};

/// What the mock answers to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The XML body (`text/xml`).
    pub body: String,
    /// The request id, also sent as `x-amzn-RequestId`.
    pub request_id: String,
    /// The decoded request, when decoding succeeded.
    pub request: Option<Request>,
    /// The model's outcome.
    pub outcome: Result<Response, StsError>,
}

/// Decodes `params`, calls the model as `caller` at `now`, and encodes the answer.
///
/// ```
/// use sts_mock::in_process::answer;
/// use sts_model::{Caller, Sts, world::{User, World}, time::OffsetDateTime};
///
/// let mut world = World::default();
/// let key = world.add_user("123456789012", User::new("alice")).unwrap().access_keys[0].access_key_id.clone();
/// let mut sts = Sts::new(world, 1);
/// let params = sts_wire::query::parse_form(b"Action=GetCallerIdentity&Version=2011-06-15").unwrap();
/// let out = answer(&mut sts, OffsetDateTime::UNIX_EPOCH, &Caller::access_key(key), &params);
/// assert_eq!(out.status, 200);
/// assert!(out.body.contains("<Arn>arn:aws:iam::123456789012:user/alice</Arn>"));
/// ```
pub fn answer(sts: &mut Sts, now: OffsetDateTime, caller: &Caller, params: &[(String, String)]) -> Answer {
    let request_id = sts.request_id();
    answer_with_request_id(sts, now, caller, params, request_id)
}

/// [`answer`] with a request id chosen by the caller (the server draws it first, for its journal).
pub fn answer_with_request_id(
    sts: &mut Sts,
    now: OffsetDateTime,
    caller: &Caller,
    params: &[(String, String)],
    request_id: String,
) -> Answer {
    let decoded = query::decode(params);
    let request = decoded.as_ref().ok().cloned();
    let outcome = decoded.and_then(|request| sts.call(now, caller, request));
    encode(outcome, request_id, request)
}

/// The answer to a model outcome: status and XML body.
pub(crate) fn encode(outcome: Result<Response, StsError>, request_id: String, request: Option<Request>) -> Answer {
    let (status, body) = match &outcome {
        Ok(response) => (200, xml::encode_response(response, &request_id)),
        Err(error) => (error.http_status(), xml::encode_error(error, &request_id)),
    };
    Answer { status, body, request_id, request, outcome }
}
