//! Typed STS errors: the code on the wire, its HTTP status, Sender/Receiver and a message.
//!
//! The codes and statuses come from the service model's error shapes (the `code`, not the shape
//! name: `PackedPolicyTooLargeException` is sent as `PackedPolicyTooLarge`) and from the AWS
//! "Common Errors" page for query services, corrected by what STS was observed to answer
//! (see `STS-FACTS.md` §5 as copied into the scenario notes).

use std::fmt;

/// Who is at fault, as written in `<Error><Type>`: `Sender` for client faults, `Receiver` for server faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request was wrong (4xx).
    Sender,
    /// The service failed (5xx).
    Receiver,
}

impl ErrorKind {
    /// The text of `<Type>`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Sender => "Sender",
            ErrorKind::Receiver => "Receiver",
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:literal, $kind:ident) ),+ $(,)?) => {
        /// Every error code the model, the wire layer or the mock can answer with.
        ///
        /// ```
        /// use sts_model::{ErrorCode, ErrorKind};
        /// assert_eq!(ErrorCode::PackedPolicyTooLarge.as_str(), "PackedPolicyTooLarge");
        /// assert_eq!(ErrorCode::ExpiredToken.http_status(), 403);
        /// assert_eq!(ErrorCode::InternalFailure.kind(), ErrorKind::Receiver);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )+
        }

        impl ErrorCode {
            /// All codes, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as sent in `<Code>`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status STS answers with for this code.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)+ }
            }

            /// Sender (client fault) or Receiver (server fault).
            pub fn kind(self) -> ErrorKind {
                match self { $(ErrorCode::$variant => ErrorKind::$kind,)+ }
            }

            /// Parses the `<Code>` text; `None` for codes this crate does not know.
            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)+ _ => None }
            }
        }
    };
}

error_codes! {
    // Modeled error shapes of the 2011-06-15 model, botocore 1.44.8 (all senderFault).
    /// A session policy is not valid JSON or not a valid policy.
    MalformedPolicyDocument = ("MalformedPolicyDocument", 400, Sender),
    /// Session policies and tags exceed the packed-size budget.
    PackedPolicyTooLarge = ("PackedPolicyTooLarge", 400, Sender),
    /// STS is not activated in the region for the account.
    RegionDisabledException = ("RegionDisabledException", 403, Sender),
    /// The web identity token or SAML assertion has expired (not the signing session: see `ExpiredToken`).
    ExpiredTokenException = ("ExpiredTokenException", 400, Sender),
    /// The identity provider rejected a claim.
    IDPRejectedClaim = ("IDPRejectedClaim", 403, Sender),
    /// STS could not reach the identity provider (retried by SDKs).
    IDPCommunicationError = ("IDPCommunicationError", 400, Sender),
    /// The web identity token or SAML assertion is not valid.
    InvalidIdentityToken = ("InvalidIdentityToken", 400, Sender),
    /// DecodeAuthorizationMessage was given something STS did not encode.
    InvalidAuthorizationMessageException = ("InvalidAuthorizationMessageException", 400, Sender),
    /// The GetDelegatedAccessToken trade-in token has expired.
    ExpiredTradeInTokenException = ("ExpiredTradeInTokenException", 400, Sender),
    /// GetWebIdentityToken asked for a token that outlives the calling session.
    SessionDurationEscalationException = ("SessionDurationEscalationException", 403, Sender),
    /// Outbound web identity federation is not enabled for the account.
    OutboundWebIdentityFederationDisabledException = ("OutboundWebIdentityFederationDisabledException", 403, Sender),
    /// The JWT GetWebIdentityToken would mint is too large.
    JWTPayloadSizeExceededException = ("JWTPayloadSizeExceededException", 400, Sender),
    /// GetScopedCredentials asked for more lifetime than the calling session has left (1.44.7).
    InsufficientSessionLifetime = ("InsufficientSessionLifetime", 400, Sender),
    /// GetScopedCredentials: the calling credentials are not a session that can be resolved (1.44.7).
    InvalidSubjectCredentials = ("InvalidSubjectCredentials", 400, Sender),
    /// AssumeRole: a `ProvidedContexts` assertion is malformed, expired, or not from a trusted
    /// context provider (1.44.7).
    InvalidContextAssertion = ("InvalidContextAssertion", 400, Sender),

    // Common and authentication errors of query services, as STS answers them.
    /// Not authorized, or a caller-type restriction.
    AccessDenied = ("AccessDenied", 403, Sender),
    /// The session token that signed the request has expired.
    ExpiredToken = ("ExpiredToken", 403, Sender),
    /// Malformed Authorization header or presigned parameters.
    IncompleteSignature = ("IncompleteSignature", 400, Sender),
    /// The service failed.
    InternalFailure = ("InternalFailure", 500, Receiver),
    /// Unknown Action, or an Action that does not exist for the given Version.
    InvalidAction = ("InvalidAction", 400, Sender),
    /// Unknown access key id, or a session token that does not belong to it.
    InvalidClientTokenId = ("InvalidClientTokenId", 403, Sender),
    /// Parameters that cannot be used together.
    InvalidParameterCombination = ("InvalidParameterCombination", 400, Sender),
    /// A parameter value that is well-formed but not acceptable.
    InvalidParameterValue = ("InvalidParameterValue", 400, Sender),
    /// The query string does not follow the AWS query conventions.
    InvalidQueryParameter = ("InvalidQueryParameter", 400, Sender),
    /// The query string cannot be decoded (the Common Errors page lists 404 for it).
    MalformedQueryString = ("MalformedQueryString", 404, Sender),
    /// The request has no Action.
    MissingAction = ("MissingAction", 400, Sender),
    /// The request carries no credentials at all.
    MissingAuthenticationToken = ("MissingAuthenticationToken", 403, Sender),
    /// A required parameter is missing (STS itself reports missing members as `ValidationError`).
    MissingParameter = ("MissingParameter", 400, Sender),
    /// The request is past its expiry date.
    RequestExpired = ("RequestExpired", 400, Sender),
    /// The service is unavailable.
    ServiceUnavailable = ("ServiceUnavailable", 503, Receiver),
    /// The signature does not match, is out of the clock-skew window, or has the wrong scope.
    SignatureDoesNotMatch = ("SignatureDoesNotMatch", 403, Sender),
    /// Rate exceeded.
    Throttling = ("Throttling", 400, Sender),
    /// A member failed its model constraint, or a documented value rule.
    ValidationError = ("ValidationError", 400, Sender),

    // The IAM control plane's errors (botocore IAM model, 2010-05-08).
    /// IAM: the user, role, policy or key named does not exist.
    NoSuchEntity = ("NoSuchEntity", 404, Sender),
    /// IAM: an entity with that name already exists.
    EntityAlreadyExists = ("EntityAlreadyExists", 409, Sender),
    /// IAM: the entity still has things attached (keys, policies).
    DeleteConflict = ("DeleteConflict", 409, Sender),
    /// IAM: a quota would be exceeded (two access keys per user, five policy versions).
    LimitExceeded = ("LimitExceeded", 409, Sender),
    /// IAM: a value is well-formed but not acceptable.
    InvalidInput = ("InvalidInput", 400, Sender),
    /// IAM: EnableMFADevice's two codes are not consecutive codes of the device.
    InvalidAuthenticationCode = ("InvalidAuthenticationCode", 403, Sender),
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An STS rejection: what goes into `<ErrorResponse>` and the HTTP status line.
///
/// ```
/// use sts_model::{ErrorCode, StsError};
/// let err = StsError::new(ErrorCode::ExpiredToken, "The security token included in the request is expired");
/// assert_eq!(err.http_status(), 403);
/// assert_eq!(err.to_string(), "ExpiredToken (403): The security token included in the request is expired");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsError {
    /// The error code.
    pub code: ErrorCode,
    /// The human-readable message, as AWS words it where known.
    pub message: String,
}

impl StsError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        StsError { code, message: message.into() }
    }

    /// The HTTP status of the answer.
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// Sender or Receiver.
    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }

    /// `AccessDenied` in the shape real STS uses for authorization failures.
    pub fn not_authorized(principal_arn: &str, action: &str, resource: &str) -> Self {
        StsError::new(
            ErrorCode::AccessDenied,
            format!("User: {principal_arn} is not authorized to perform: sts:{action} on resource: {resource}"),
        )
    }

    /// `ValidationError` with a free-form message (for documented rules outside the model's constraints).
    pub fn validation(message: impl Into<String>) -> Self {
        StsError::new(ErrorCode::ValidationError, message)
    }

    /// One constraint violation in AWS's words: `Value 'x' at 'path' failed to satisfy constraint:
    /// ...`, the value left out for sensitive members (`value` is `None`). [`StsError::constraints`]
    /// joins them; the wire layer and the model's own enum checks use these two and nothing else.
    ///
    /// ```
    /// use sts_model::StsError;
    /// let v = StsError::constraint(Some("600"), "durationSeconds", "Member must have value greater than or equal to 900");
    /// assert_eq!(StsError::constraints(&[v]).message,
    ///     "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
    /// ```
    pub fn constraint(value: Option<&str>, path: &str, constraint: &str) -> String {
        match value {
            Some(v) => format!("Value '{v}' at '{path}' failed to satisfy constraint: {constraint}"),
            None => format!("Value at '{path}' failed to satisfy constraint: {constraint}"),
        }
    }

    /// A required member that is absent: `Value null at 'path' failed to satisfy constraint: Member
    /// must not be null`.
    pub fn missing_member(path: &str) -> String {
        format!("Value null at '{path}' failed to satisfy constraint: Member must not be null")
    }

    /// `ValidationError` "N validation error(s) detected: a; b" from [`StsError::constraint`] texts.
    pub fn constraints(violations: &[String]) -> Self {
        let n = violations.len();
        let noun = if n == 1 { "error" } else { "errors" };
        StsError::validation(format!("{n} validation {noun} detected: {}", violations.join("; ")))
    }

    /// `InvalidClientTokenId` as observed from STS.
    pub fn invalid_client_token_id() -> Self {
        StsError::new(ErrorCode::InvalidClientTokenId, "The security token included in the request is invalid.")
    }

    /// `ExpiredToken` as observed from STS.
    pub fn expired_token() -> Self {
        StsError::new(ErrorCode::ExpiredToken, "The security token included in the request is expired")
    }

    /// `MissingAuthenticationToken` as observed from STS.
    pub fn missing_authentication_token() -> Self {
        StsError::new(ErrorCode::MissingAuthenticationToken, "Request is missing Authentication Token")
    }
}

impl fmt::Display for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.http_status(), self.message)
    }
}

impl std::error::Error for StsError {}
