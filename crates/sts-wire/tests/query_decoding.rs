//! The awsQuery decoder on the inputs AWS clients (and broken clients) send.

use sts_model::{ErrorCode, Request, Tag};
use sts_wire::query::{decode, decode_form, http_params, parse_form};

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn assume_role(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p = params(&[
        ("Action", "AssumeRole"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
        ("RoleSessionName", "s1"),
    ]);
    p.extend(params(extra));
    p
}

#[test]
fn list_members_are_read_in_index_order_and_gaps_are_closed() {
    let Request::AssumeRole(r) = decode(&assume_role(&[
        ("Tags.member.3.Key", "c"),
        ("Tags.member.3.Value", "3"),
        ("Tags.member.1.Value", "1"),
        ("Tags.member.1.Key", "a"),
        ("TransitiveTagKeys.member.7", "c"),
        ("PolicyArns.member.2.arn", "arn:aws:iam::123456789012:policy/p"),
    ]))
    .unwrap() else {
        panic!()
    };
    assert_eq!(r.tags, Some(vec![Tag::new("a", "1"), Tag::new("c", "3")]));
    assert_eq!(r.transitive_tag_keys, Some(vec!["c".to_string()]));
    assert_eq!(r.policy_arns.unwrap()[0].arn.as_deref(), Some("arn:aws:iam::123456789012:policy/p"));
}

#[test]
fn an_empty_list_is_sent_as_name_equals_nothing() {
    let Request::AssumeRole(r) = decode(&assume_role(&[("Tags", "")])).unwrap() else { panic!() };
    assert_eq!(r.tags, Some(vec![]));
    let Request::AssumeRole(r) = decode(&assume_role(&[])).unwrap() else { panic!() };
    assert_eq!(r.tags, None);
    // ProvidedContexts has a minimum of one item, so an explicit empty list violates it.
    let err = decode(&assume_role(&[("ProvidedContexts", "")])).unwrap_err();
    assert!(err.message.contains("at 'providedContexts' failed to satisfy constraint: Member must have length greater than or equal to 1"));
}

#[test]
fn a_tag_without_its_value_is_null() {
    let err = decode(&assume_role(&[("Tags.member.1.Key", "a")])).unwrap_err();
    assert_eq!(
        err.message,
        "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn several_violations_are_counted_and_joined() {
    let err = decode(&params(&[("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleSessionName", "Session1:2")])).unwrap_err();
    assert_eq!(err.code, ErrorCode::ValidationError);
    assert_eq!(
        err.message,
        "2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; \
         Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    );
}

#[test]
fn sensitive_values_are_not_echoed() {
    let p = params(&[
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", "arn:aws:iam::123456789012:role/demo"),
        ("RoleSessionName", "s1"),
        ("WebIdentityToken", "abc"),
    ]);
    let err = decode(&p).unwrap_err();
    assert_eq!(
        err.message,
        "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
    );
}

#[test]
fn action_and_version_errors_come_first() {
    let err = decode(&params(&[("Version", "2011-06-15")])).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::MissingAction, 400));

    let err = decode(&params(&[("Action", "AssumeRole")])).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidAction);
    assert_eq!(err.message, "Could not find operation AssumeRole for version NO_VERSION_SPECIFIED");

    let err = decode(&params(&[("Action", "AssumeRole"), ("Version", "2010-05-08")])).unwrap_err();
    assert_eq!(err.message, "Could not find operation AssumeRole for version 2010-05-08");

    let err = decode(&params(&[("Action", "assumerole"), ("Version", "2011-06-15")])).unwrap_err();
    assert_eq!(err.message, "Could not find operation assumerole for version 2011-06-15");
}

#[test]
fn repeated_and_misindexed_parameters_are_refused() {
    let err = decode(&assume_role(&[("RoleSessionName", "again")])).unwrap_err();
    assert_eq!((err.code, err.http_status()), (ErrorCode::InvalidQueryParameter, 400));
    let err = decode(&params(&[("Action", "GetCallerIdentity"), ("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidQueryParameter);
    for key in ["Tags.member.0.Key", "Tags.member.01.Key", "Tags.member.99999999999.Key", "Tags.member.x.Key"] {
        let err = decode(&assume_role(&[(key, "a")])).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidQueryParameter, "{key}");
    }
}

#[test]
fn unknown_parameters_such_as_presigning_ones_are_ignored() {
    let p = params(&[
        ("Action", "GetCallerIdentity"),
        ("Version", "2011-06-15"),
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Signature", "00"),
        ("Tags.member.1.Key", "not-a-member-of-this-operation"),
    ]);
    assert_eq!(decode(&p).unwrap(), Request::GetCallerIdentity);
}

#[test]
fn integers_are_java_integers() {
    let Request::GetSessionToken(r) = decode_form(b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=%2B01800").unwrap() else {
        panic!()
    };
    assert_eq!(r.duration_seconds, Some(1800));
    for bad in ["abc", "1.5", "", "99999999999", "0x10"] {
        let body = format!("Action=GetSessionToken&Version=2011-06-15&DurationSeconds={bad}");
        let err = decode_form(body.as_bytes()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidParameterValue, "{bad:?}");
    }
}

#[test]
fn undecodable_bytes_are_malformed_query_strings() {
    for bad in [&b"Action=Get%zzCallerIdentity"[..], b"Action=%", b"Action=%4", b"RoleSessionName=%FF%FE"] {
        let err = parse_form(bad).unwrap_err();
        assert_eq!((err.code, err.http_status()), (ErrorCode::MalformedQueryString, 404));
    }
}

#[test]
fn http_requests_combine_query_and_form_body() {
    for content_type in [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8",
        "APPLICATION/X-WWW-FORM-URLENCODED;charset=UTF-8",
    ] {
        let p = http_params(None, Some(content_type), b"Action=GetCallerIdentity&Version=2011-06-15").unwrap();
        assert_eq!(decode(&p).unwrap(), Request::GetCallerIdentity, "{content_type}");
    }
    // GET with a query string only, as presigned GetCallerIdentity URLs are.
    let p = http_params(Some("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60"), None, b"").unwrap();
    assert_eq!(decode(&p).unwrap(), Request::GetCallerIdentity);
    // A JSON body is not a form: no parameters, so no Action.
    let p = http_params(None, Some("application/json"), br#"{"Action":"GetCallerIdentity"}"#).unwrap();
    assert_eq!(decode(&p).unwrap_err().code, ErrorCode::MissingAction);
}
