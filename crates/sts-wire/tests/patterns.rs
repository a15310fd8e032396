//! Every pattern of the model, judged on hand-picked values whose verdict comes from reading the
//! model's pattern with Java's regex semantics (ASCII `\w` and `\d`, full match), not from our
//! translation of it: each row would fail if the translation drifted.

use sts_wire::constraints::{
    ACCESS_KEY_ID_PATTERN, ARN_PATTERN, EXTERNAL_ID_PATTERN, POLICY_PATTERN, Pattern, SCOPED_SESSION_DESCRIPTION_PATTERN,
    SERIAL_NUMBER_PATTERN, SESSION_NAME_PATTERN, TAG_KEY_PATTERN, TAG_VALUE_PATTERN, TOKEN_CODE_PATTERN, WEB_IDENTITY_TOKEN_SCOPE_PATTERN,
};

fn judge(pattern: &Pattern, accepted: &[&str], refused: &[&str]) {
    for v in accepted {
        assert!(pattern.is_match(v), "{} must accept {v:?}", pattern.model);
    }
    for v in refused {
        assert!(!pattern.is_match(v), "{} must refuse {v:?}", pattern.model);
    }
}

#[test]
fn arn() {
    // \u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF, one or more.
    judge(
        &ARN_PATTERN,
        &["arn:aws:iam::123456789012:role/demo", "a\tb\nc\rd", "\u{85}", "\u{A0}é\u{D7FF}", "\u{E000}\u{FFFD}", "\u{10000}\u{10FFFF}"],
        &["", "\u{0}", "\u{1F}", "\u{7F}", "\u{84}", "\u{86}", "\u{9F}", "\u{FFFE}", "\u{FFFF}"],
    );
}

#[test]
fn session_name_and_source_identity() {
    // [\w+=,.@-]*: ASCII letters, digits, underscore and + = , . @ -; empty allowed by the pattern.
    judge(&SESSION_NAME_PATTERN, &["", "John-session", "a_b+c=d,e.f@g-h", "0123"], &["a b", "a:b", "a/b", "é", "a*b", "ａ"]);
}

#[test]
fn external_id() {
    // [\w+=,.@:\/-]*: the session-name set plus ':' and '/'.
    judge(&EXTERNAL_ID_PATTERN, &["ext-42", "a:b/c", "urn:x/y=z"], &["a b", "a\\b", "é", "a#b"]);
}

#[test]
fn serial_number() {
    // [\w+=/:,.@-]*
    judge(&SERIAL_NUMBER_PATTERN, &["arn:aws:iam::123456789012:mfa/bob", "GAHT12345678"], &["a b", "é", "a;b"]);
}

#[test]
fn token_code() {
    // [\d]*: ASCII digits only (Java's \d), so Arabic-Indic or fullwidth digits are refused.
    judge(&TOKEN_CODE_PATTERN, &["123456", ""], &["12345a", "١٢٣٤٥٦", "１２３４５６", " 123456"]);
}

#[test]
fn policy() {
    // [\u0009\u000A\u000D\u0020-\u00FF]+: Latin-1 printable plus tab and line breaks.
    judge(&POLICY_PATTERN, &["{\"Version\":\"2012-10-17\"}", "\t\n\r", "ÿ é"], &["", "\u{1}", "\u{B}", "\u{100}", "€", "😀"]);
}

#[test]
fn tags() {
    // [\p{L}\p{Z}\p{N}_.:/=+\-@]+ and * for values: Unicode letters, separators and numbers.
    judge(&TAG_KEY_PATTERN, &["Project", "Café Zone 1", "ключ", "a_b.c:d/e=f+g-h@i", "٣"], &["", "a*b", "a#b", "a\tb", "a!b"]);
    judge(&TAG_VALUE_PATTERN, &["", "Pegasus", "12345", "\u{3000}"], &["a*b", "a\"b", "a,b"]);
}

#[test]
fn access_key_id() {
    // [\w]*
    judge(&ACCESS_KEY_ID_PATTERN, &["AKIAIOSFODNN7EXAMPLE", "ASIA_1", ""], &["AKIA-1", "AKIA 1", "É"]);
}

#[test]
fn scoped_session_description() {
    // [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*: like Policy, but without U+007F..U+00A0.
    judge(
        &SCOPED_SESSION_DESCRIPTION_PATTERN,
        &["", "nightly report", "¡olé! ÿ", "\t\n\r"],
        &["\u{7F}", "\u{80}", "\u{A0}", "\u{100}", "\u{1}"],
    );
}

#[test]
fn web_identity_token_scope() {
    // [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+( [\x21\x23-\x2B\x2D-\x5B\x5D-\x7E]+)*: values of printable
    // ASCII without space, '"', ',' and '\', separated by single spaces.
    judge(
        &WEB_IDENTITY_TOKEN_SCOPE_PATTERN,
        &["orders:read", "a b c", "!#$%&'()*+-./09:;<=>?@AZ[]^_`az{|}~"],
        &["", " a", "a ", "a  b", "a\"b", "a,b", "a\\b", "a\tb", "é"],
    );
}

#[test]
fn a_pattern_shows_as_the_models_text() {
    // What ValidationError messages quote.
    assert_eq!(format!("{:?}", sts_wire::constraints::SESSION_NAME_PATTERN), r"[\w+=,.@-]*");
}
