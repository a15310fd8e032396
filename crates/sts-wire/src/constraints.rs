//! The input contract of every operation, in our own form: member names (as sent on the wire), the
//! shape of each member (string, integer, list, structure) and its bounds and pattern.
//!
//! Transcribed from the botocore 1.44.8 service model (`sts-constraints.json`, copied under
//! `crates/sts-wire/tests/data/` where a test walks it and proves every bound here is enforced at
//! both edges). Patterns are full-match and Java-flavoured: `\w` and `\d` are ASCII-only, and the
//! ARN range written `\u10000-\u10FFFF` in the model means U+10000..U+10FFFF.

use std::sync::LazyLock;

use regex::Regex;
use sts_model::Operation;

/// A member pattern: the model's text (quoted in error messages) and its compiled full-match form.
pub struct Pattern {
    /// The pattern as the model writes it, which AWS quotes in `ValidationError` messages.
    pub model: &'static str,
    /// The Rust (regex crate) form of the same class, with ASCII word classes and the intended ranges.
    pub rust: &'static str,
    regex: &'static LazyLock<Regex>,
}

impl Pattern {
    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.model)
    }
}

macro_rules! pattern {
    ($name:ident, $re:ident, $model:literal, $rust:literal) => {
        static $re: LazyLock<Regex> = LazyLock::new(|| Regex::new(concat!("^(?:", $rust, ")$")).expect("static pattern compiles"));
        /// Model pattern `
        #[doc = $model]
        /// `.
        pub static $name: Pattern = Pattern { model: $model, rust: $rust, regex: &$re };
    };
}

pattern!(
    ARN_PATTERN,
    ARN_RE,
    r"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+",
    r"[\x{09}\x{0A}\x{0D}\x{20}-\x{7E}\x{85}\x{A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+"
);
pattern!(SESSION_NAME_PATTERN, SESSION_NAME_RE, r"[\w+=,.@-]*", r"[A-Za-z0-9_+=,.@-]*");
pattern!(EXTERNAL_ID_PATTERN, EXTERNAL_ID_RE, r"[\w+=,.@:\/-]*", r"[A-Za-z0-9_+=,.@:/-]*");
pattern!(SERIAL_NUMBER_PATTERN, SERIAL_NUMBER_RE, r"[\w+=/:,.@-]*", r"[A-Za-z0-9_+=/:,.@-]*");
pattern!(TOKEN_CODE_PATTERN, TOKEN_CODE_RE, r"[\d]*", r"[0-9]*");
pattern!(POLICY_PATTERN, POLICY_RE, r"[\u0009\u000A\u000D\u0020-\u00FF]+", r"[\x{09}\x{0A}\x{0D}\x{20}-\x{FF}]+");
pattern!(TAG_KEY_PATTERN, TAG_KEY_RE, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+", r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");
pattern!(TAG_VALUE_PATTERN, TAG_VALUE_RE, r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
pattern!(ACCESS_KEY_ID_PATTERN, ACCESS_KEY_ID_RE, r"[\w]*", r"[A-Za-z0-9_]*");
pattern!(
    SCOPED_SESSION_DESCRIPTION_PATTERN,
    SCOPED_SESSION_DESCRIPTION_RE,
    r"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
    r"[\x{09}\x{0A}\x{0D}\x{20}-\x{7E}\x{A1}-\x{FF}]*"
);
pattern!(
    WEB_IDENTITY_TOKEN_SCOPE_PATTERN,
    WEB_IDENTITY_TOKEN_SCOPE_RE,
    r"[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+( [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)*",
    r"[\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+( [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)*"
);

/// The shape of a member.
#[derive(Debug)]
pub enum Shape {
    /// A string with optional length bounds (in characters) and pattern.
    String {
        /// Minimum length.
        min: Option<usize>,
        /// Maximum length.
        max: Option<usize>,
        /// Full-match pattern.
        pattern: Option<&'static Pattern>,
    },
    /// A string limited to the listed values (the model's `enum`), in model order.
    Enum(&'static [&'static str]),
    /// A 32-bit integer with optional value bounds.
    Integer {
        /// Minimum value.
        min: Option<i64>,
        /// Maximum value.
        max: Option<i64>,
    },
    /// A list (`Name.member.N`), with optional item-count bounds.
    List {
        /// Minimum item count.
        min: Option<usize>,
        /// Maximum item count.
        max: Option<usize>,
        /// The shape of each item.
        member: &'static Shape,
    },
    /// A structure (`Name.Field`).
    Structure(&'static [Member]),
}

/// A member of an input structure.
#[derive(Debug)]
pub struct Member {
    /// Name on the wire (`RoleArn`, `arn`, `Key`).
    pub name: &'static str,
    /// Required by the model.
    pub required: bool,
    /// Sensitive in the model: its value is not echoed in error messages.
    pub sensitive: bool,
    /// Its shape.
    pub shape: &'static Shape,
}

const fn m(name: &'static str, required: bool, shape: &'static Shape) -> Member {
    Member { name, required, sensitive: false, shape }
}

const fn sensitive(name: &'static str, required: bool, shape: &'static Shape) -> Member {
    Member { name, required, sensitive: true, shape }
}

const fn string(min: Option<usize>, max: Option<usize>, pattern: Option<&'static Pattern>) -> Shape {
    Shape::String { min, max, pattern }
}

// Named shapes of the model.
static ARN: Shape = string(Some(20), Some(2048), Some(&ARN_PATTERN));
static ROLE_SESSION_NAME: Shape = string(Some(2), Some(64), Some(&SESSION_NAME_PATTERN));
static SOURCE_IDENTITY: Shape = string(Some(2), Some(256), Some(&SESSION_NAME_PATTERN));
static EXTERNAL_ID: Shape = string(Some(2), Some(1224), Some(&EXTERNAL_ID_PATTERN));
static SERIAL_NUMBER: Shape = string(Some(9), Some(256), Some(&SERIAL_NUMBER_PATTERN));
static TOKEN_CODE: Shape = string(Some(6), Some(6), Some(&TOKEN_CODE_PATTERN));
static USER_NAME: Shape = string(Some(2), Some(32), Some(&SESSION_NAME_PATTERN));
static SESSION_POLICY: Shape = string(Some(1), Some(2048), Some(&POLICY_PATTERN));
static UNRESTRICTED_SESSION_POLICY: Shape = string(Some(1), None, Some(&POLICY_PATTERN));
static TAG_KEY: Shape = string(Some(1), Some(128), Some(&TAG_KEY_PATTERN));
static TAG_VALUE: Shape = string(Some(0), Some(256), Some(&TAG_VALUE_PATTERN));
static SAML_ASSERTION: Shape = string(Some(4), Some(100_000), None);
static CLIENT_TOKEN: Shape = string(Some(4), Some(20_000), None);
static URL: Shape = string(Some(4), Some(2048), None);
static ENCODED_MESSAGE: Shape = string(Some(1), Some(10_240), None);
static ACCESS_KEY_ID: Shape = string(Some(16), Some(128), Some(&ACCESS_KEY_ID_PATTERN));
static TARGET_PRINCIPAL: Shape = string(Some(12), Some(2048), None);
static JWT_ALGORITHM: Shape = string(Some(5), Some(5), None);
static AUDIENCE_STRING: Shape = string(Some(1), Some(1000), None);
static CONTEXT_ASSERTION: Shape = string(Some(4), Some(3072), None);
static SCOPED_SESSION_DESCRIPTION: Shape = string(Some(2), Some(256), Some(&SCOPED_SESSION_DESCRIPTION_PATTERN));
static WEB_IDENTITY_TOKEN_SCOPE: Shape = string(Some(1), Some(256), Some(&WEB_IDENTITY_TOKEN_SCOPE_PATTERN));
static WEB_IDENTITY_TOKEN_SUBJECT_MODE: Shape = Shape::Enum(&["AWSIdentity", "OriginIdentity"]);
static TRADE_IN_TOKEN: Shape = string(None, None, None);

static ROLE_DURATION: Shape = Shape::Integer { min: Some(900), max: Some(43200) };
static DURATION: Shape = Shape::Integer { min: Some(900), max: Some(129_600) };
static SCOPED_CREDENTIAL_DURATION: Shape = Shape::Integer { min: Some(1), max: Some(129_600) };
static ROOT_DURATION: Shape = Shape::Integer { min: Some(0), max: Some(900) };
static WEB_IDENTITY_TOKEN_DURATION: Shape = Shape::Integer { min: Some(60), max: Some(3600) };
static MINIMUM_SESSION_TOKEN_SIZE: Shape = Shape::Integer { min: Some(0), max: Some(4096) };

static POLICY_DESCRIPTOR: Shape = Shape::Structure(&[m("arn", false, &ARN)]);
static POLICY_DESCRIPTOR_LIST: Shape = Shape::List { min: None, max: None, member: &POLICY_DESCRIPTOR };
static TAG: Shape = Shape::Structure(&[m("Key", true, &TAG_KEY), m("Value", true, &TAG_VALUE)]);
static TAG_LIST: Shape = Shape::List { min: None, max: Some(50), member: &TAG };
static TAG_KEY_LIST: Shape = Shape::List { min: None, max: Some(50), member: &TAG_KEY };
static PROVIDED_CONTEXT: Shape = Shape::Structure(&[m("ProviderArn", false, &ARN), m("ContextAssertion", false, &CONTEXT_ASSERTION)]);
static PROVIDED_CONTEXTS: Shape = Shape::List { min: Some(1), max: Some(5), member: &PROVIDED_CONTEXT };
static AUDIENCE_LIST: Shape = Shape::List { min: Some(1), max: Some(10), member: &AUDIENCE_STRING };

static ASSUME_ROLE: &[Member] = &[
    m("RoleArn", true, &ARN),
    m("RoleSessionName", true, &ROLE_SESSION_NAME),
    m("PolicyArns", false, &POLICY_DESCRIPTOR_LIST),
    m("Policy", false, &UNRESTRICTED_SESSION_POLICY),
    m("DurationSeconds", false, &ROLE_DURATION),
    m("Tags", false, &TAG_LIST),
    m("TransitiveTagKeys", false, &TAG_KEY_LIST),
    m("ExternalId", false, &EXTERNAL_ID),
    m("SerialNumber", false, &SERIAL_NUMBER),
    m("TokenCode", false, &TOKEN_CODE),
    m("SourceIdentity", false, &SOURCE_IDENTITY),
    m("ProvidedContexts", false, &PROVIDED_CONTEXTS),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static ASSUME_ROLE_WITH_SAML: &[Member] = &[
    m("RoleArn", true, &ARN),
    m("PrincipalArn", true, &ARN),
    sensitive("SAMLAssertion", true, &SAML_ASSERTION),
    m("PolicyArns", false, &POLICY_DESCRIPTOR_LIST),
    m("Policy", false, &SESSION_POLICY),
    m("DurationSeconds", false, &ROLE_DURATION),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static ASSUME_ROLE_WITH_WEB_IDENTITY: &[Member] = &[
    m("RoleArn", true, &ARN),
    m("RoleSessionName", true, &ROLE_SESSION_NAME),
    sensitive("WebIdentityToken", true, &CLIENT_TOKEN),
    m("ProviderId", false, &URL),
    m("PolicyArns", false, &POLICY_DESCRIPTOR_LIST),
    m("Policy", false, &SESSION_POLICY),
    m("DurationSeconds", false, &ROLE_DURATION),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static ASSUME_ROOT: &[Member] = &[
    m("TargetPrincipal", true, &TARGET_PRINCIPAL),
    m("TaskPolicyArn", true, &POLICY_DESCRIPTOR),
    m("DurationSeconds", false, &ROOT_DURATION),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static DECODE_AUTHORIZATION_MESSAGE: &[Member] = &[m("EncodedMessage", true, &ENCODED_MESSAGE)];
static GET_ACCESS_KEY_INFO: &[Member] = &[m("AccessKeyId", true, &ACCESS_KEY_ID)];
static GET_CALLER_IDENTITY: &[Member] = &[];
static GET_DELEGATED_ACCESS_TOKEN: &[Member] = &[sensitive("TradeInToken", true, &TRADE_IN_TOKEN)];
static GET_FEDERATION_TOKEN: &[Member] = &[
    m("Name", true, &USER_NAME),
    m("Policy", false, &SESSION_POLICY),
    m("PolicyArns", false, &POLICY_DESCRIPTOR_LIST),
    m("DurationSeconds", false, &DURATION),
    m("Tags", false, &TAG_LIST),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static GET_SCOPED_CREDENTIALS: &[Member] = &[
    m("Policy", false, &SESSION_POLICY),
    m("DurationSeconds", false, &SCOPED_CREDENTIAL_DURATION),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
    m("ScopedSessionDescription", false, &SCOPED_SESSION_DESCRIPTION),
];
static GET_SESSION_TOKEN: &[Member] = &[
    m("DurationSeconds", false, &DURATION),
    m("SerialNumber", false, &SERIAL_NUMBER),
    m("TokenCode", false, &TOKEN_CODE),
    m("MinimumSessionTokenSize", false, &MINIMUM_SESSION_TOKEN_SIZE),
];
static GET_WEB_IDENTITY_TOKEN: &[Member] = &[
    m("Audience", true, &AUDIENCE_LIST),
    m("DurationSeconds", false, &WEB_IDENTITY_TOKEN_DURATION),
    m("SigningAlgorithm", true, &JWT_ALGORITHM),
    m("Scope", false, &WEB_IDENTITY_TOKEN_SCOPE),
    m("SubjectMode", false, &WEB_IDENTITY_TOKEN_SUBJECT_MODE),
    m("Tags", false, &TAG_LIST),
];

/// The input members of each operation, in model order.
pub fn input_members(operation: Operation) -> &'static [Member] {
    match operation {
        Operation::AssumeRole => ASSUME_ROLE,
        Operation::AssumeRoleWithSAML => ASSUME_ROLE_WITH_SAML,
        Operation::AssumeRoleWithWebIdentity => ASSUME_ROLE_WITH_WEB_IDENTITY,
        Operation::AssumeRoot => ASSUME_ROOT,
        Operation::DecodeAuthorizationMessage => DECODE_AUTHORIZATION_MESSAGE,
        Operation::GetAccessKeyInfo => GET_ACCESS_KEY_INFO,
        Operation::GetCallerIdentity => GET_CALLER_IDENTITY,
        Operation::GetDelegatedAccessToken => GET_DELEGATED_ACCESS_TOKEN,
        Operation::GetFederationToken => GET_FEDERATION_TOKEN,
        Operation::GetScopedCredentials => GET_SCOPED_CREDENTIALS,
        Operation::GetSessionToken => GET_SESSION_TOKEN,
        Operation::GetWebIdentityToken => GET_WEB_IDENTITY_TOKEN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_classes_are_ascii_only() {
        assert!(SESSION_NAME_PATTERN.is_match("John-session"));
        assert!(!SESSION_NAME_PATTERN.is_match("Session1:2"));
        assert!(!SESSION_NAME_PATTERN.is_match("é-session"));
        assert!(!TOKEN_CODE_PATTERN.is_match("١٢٣٤٥٦")); // Arabic-Indic digits are \d in Unicode, not in Java
        assert!(TOKEN_CODE_PATTERN.is_match("123456"));
    }

    #[test]
    fn arn_range_covers_supplementary_planes_but_not_controls() {
        assert!(ARN_PATTERN.is_match("arn:aws:iam::123456789012:role/😀"));
        assert!(!ARN_PATTERN.is_match("arn:aws:iam::123456789012:role/\u{1}"));
        assert!(!ARN_PATTERN.is_match(""));
    }

    #[test]
    fn scope_values_are_single_space_separated_without_quotes_commas_or_backslashes() {
        assert!(WEB_IDENTITY_TOKEN_SCOPE_PATTERN.is_match("read:orders write"));
        for bad in [" read", "read ", "read  write", "a\"b", "a,b", "a\\b", ""] {
            assert!(!WEB_IDENTITY_TOKEN_SCOPE_PATTERN.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn scoped_session_description_leaves_out_del_and_c1_controls() {
        assert!(SCOPED_SESSION_DESCRIPTION_PATTERN.is_match("nightly report ¡olé!"));
        assert!(!SCOPED_SESSION_DESCRIPTION_PATTERN.is_match("a\u{7f}"));
        assert!(!SCOPED_SESSION_DESCRIPTION_PATTERN.is_match("a\u{a0}"));
        assert!(!SCOPED_SESSION_DESCRIPTION_PATTERN.is_match("a\u{100}"));
    }

    #[test]
    fn tag_patterns_are_unicode() {
        assert!(TAG_KEY_PATTERN.is_match("Café Zone 1"));
        assert!(!TAG_KEY_PATTERN.is_match("a*b"));
        assert!(TAG_VALUE_PATTERN.is_match(""));
    }
}
