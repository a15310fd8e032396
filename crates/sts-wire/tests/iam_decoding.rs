//! The IAM decoder against botocore's IAM model, read here from the data file itself (the oracle is
//! the model's data, not the decoder's reading of it): every operation is known, every top-level
//! string bound is enforced at both edges, lists of strings and of structures are read, and the
//! errors come in the STS order.

use std::collections::BTreeSet;

use serde_json::Value;
use sts_model::ErrorCode;
use sts_model::iam::Value as IamValue;
use sts_wire::iam::{decode, operations, rust_pattern};

fn model() -> Value {
    serde_json::from_str(include_str!("../data/iam-model.json")).unwrap()
}

fn params(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn lower_camel(name: &str) -> String {
    let mut c = name.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

#[test]
fn every_operation_of_the_model_is_known() {
    let model = model();
    let expected: BTreeSet<&str> = model["operations"].as_object().unwrap().keys().map(String::as_str).collect();
    let known: BTreeSet<&str> = operations().collect();
    assert_eq!(known, expected);
    assert_eq!(known.len(), 49);
}

/// For every top-level string member with a maximum length: one character over it is a
/// ValidationError naming the member's length bound; exactly at it, no length violation.
#[test]
fn every_string_bound_is_enforced_at_both_edges() {
    let model = model();
    let mut checked = 0;
    for (op, spec) in model["operations"].as_object().unwrap() {
        let members = spec["input"].as_array().unwrap();
        for m in members.iter().filter(|m| m["type"] == "string" && m["max"].is_u64() && m["enum"].is_null()) {
            let (name, max) = (m["name"].as_str().unwrap(), m["max"].as_u64().unwrap() as usize);
            if max > 4096 {
                continue; // documents: the same rule, checked on the smaller bounds
            }
            let path = lower_camel(name);
            let bound = format!("Value at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}");
            let over = "a".repeat(max + 1);
            let at = "a".repeat(max);
            let with = |value: &str| {
                let mut p = params(&[("Action", op), ("Version", "2010-05-08")]);
                p.push((name.to_owned(), value.to_owned()));
                decode(&p)
            };
            let err = with(&over).expect_err(&format!("{op}.{name} over {max}"));
            assert_eq!(err.code, ErrorCode::ValidationError);
            assert!(err.message.contains(&bound), "{op}.{name}: {}", err.message);
            if let Err(e) = with(&at) {
                assert!(!e.message.contains(&bound), "{op}.{name} at {max}: {}", e.message);
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} bounds checked");
}

#[test]
fn lists_of_strings_and_of_structures_are_read() {
    let tags = decode(&params(&[
        ("Action", "TagRole"),
        ("Version", "2010-05-08"),
        ("RoleName", "r"),
        ("Tags.member.1.Key", "a"),
        ("Tags.member.1.Value", "1"),
        ("Tags.member.2.Key", "b"),
        ("Tags.member.2.Value", "2"),
    ]))
    .unwrap();
    let Some(IamValue::List(items)) = tags.input.get("Tags") else { panic!("{tags:?}") };
    assert_eq!(items.len(), 2);
    let keys = decode(&params(&[
        ("Action", "UntagRole"),
        ("Version", "2010-05-08"),
        ("RoleName", "r"),
        ("TagKeys.member.1", "a"),
        ("TagKeys.member.2", "b"),
        ("TagKeys.member.3", "c"),
    ]))
    .unwrap();
    assert_eq!(
        keys.input.get("TagKeys"),
        Some(&IamValue::List(vec![IamValue::Str("a".into()), IamValue::Str("b".into()), IamValue::Str("c".into())]))
    );
    // A gap ends the list, as in STS's decoding of members.
    let gap =
        decode(&params(&[("Action", "UntagRole"), ("Version", "2010-05-08"), ("RoleName", "r"), ("TagKeys.member.2", "b")])).unwrap_err();
    assert!(gap.message.contains("Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"), "{}", gap.message);
}

#[test]
fn errors_come_in_the_sts_order() {
    let missing = decode(&params(&[("Action", ""), ("Version", "2010-05-08")])).unwrap_err();
    assert_eq!((missing.code, missing.message.as_str()), (ErrorCode::MissingAction, "Missing Action"));
    let none = decode(&params(&[("Version", "2010-05-08")])).unwrap_err();
    assert_eq!(none.code, ErrorCode::MissingAction);
    let version = decode(&params(&[("Action", "ListUsers")])).unwrap_err();
    assert_eq!(
        (version.code, version.message.as_str()),
        (ErrorCode::InvalidAction, "Could not find operation ListUsers for version NO_VERSION_SPECIFIED")
    );
    let unknown = decode(&params(&[("Action", "AssumeRole"), ("Version", "2010-05-08")])).unwrap_err();
    assert_eq!(unknown.code, ErrorCode::InvalidAction);
    let twice =
        decode(&params(&[("Action", "ListUsers"), ("Version", "2010-05-08"), ("PathPrefix", "/"), ("PathPrefix", "/a/")])).unwrap_err();
    assert_eq!(
        (twice.code, twice.message.as_str()),
        (ErrorCode::InvalidQueryParameter, "The parameter PathPrefix appears more than once in the request.")
    );
    let integer = decode(&params(&[("Action", "ListUsers"), ("Version", "2010-05-08"), ("MaxItems", "ten")])).unwrap_err();
    assert_eq!(integer.code, ErrorCode::InvalidParameterValue);
    let boolean = decode(&params(&[
        ("Action", "CreatePolicyVersion"),
        ("Version", "2010-05-08"),
        ("PolicyArn", "arn:aws:iam::123456789012:policy/p"),
        ("PolicyDocument", "{}"),
        ("SetAsDefault", "yes"),
    ]))
    .unwrap_err();
    assert_eq!(boolean.code, ErrorCode::InvalidParameterValue);
    // Two violations at once, counted.
    let two = decode(&params(&[("Action", "CreateUser"), ("Version", "2010-05-08"), ("UserName", "bad name"), ("Path", "no-slashes")]))
        .unwrap_err();
    assert!(two.message.starts_with("2 validation errors detected: "), "{}", two.message);
}

#[test]
fn java_patterns_translate_class_by_class() {
    // `\w` inside a class is its ranges, outside a class a class of its own; `]` ends a class.
    assert_eq!(rust_pattern(r"[\w]\w"), "[A-Za-z0-9_][A-Za-z0-9_]");
    assert_eq!(rust_pattern(r"\d[\d]"), "[0-9][0-9]");
    assert_eq!(rust_pattern(r"[\u0009\u000A]+"), r"[\x{0009}\x{000A}]+");
    assert_eq!(rust_pattern(r"[\p{L}\-@]+"), r"[\p{L}\-@]+");
}

#[test]
fn list_bounds_count_items() {
    let tagged = |n: usize| {
        let mut p = params(&[("Action", "TagRole"), ("Version", "2010-05-08"), ("RoleName", "r")]);
        for i in 1..=n {
            p.push((format!("Tags.member.{i}.Key"), format!("k{i}")));
            p.push((format!("Tags.member.{i}.Value"), "v".into()));
        }
        decode(&p)
    };
    // The model's tagListType holds at most 50.
    assert!(tagged(50).is_ok());
    let err = tagged(51).unwrap_err();
    assert_eq!(
        err.message,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    );
    // A structure member that is not sent is absent, not empty.
    let oidc =
        decode(&params(&[("Action", "CreateOpenIDConnectProvider"), ("Version", "2010-05-08"), ("Url", "https://a.example")])).unwrap();
    assert!(!oidc.input.contains_key("ContextProvider"), "{oidc:?}");
}

/// Every integer member at both edges of its range, and every string member one below its minimum.
#[test]
fn integer_ranges_and_string_minimums_at_their_edges() {
    let model = model();
    let mut checked = 0;
    for (op, spec) in model["operations"].as_object().unwrap() {
        for m in spec["input"].as_array().unwrap() {
            let name = m["name"].as_str().unwrap();
            let path = lower_camel(name);
            let with = |value: &str| {
                let mut p = params(&[("Action", op), ("Version", "2010-05-08")]);
                p.push((name.to_owned(), value.to_owned()));
                decode(&p)
            };
            let violates = |value: &str, rule: &str| {
                let text = format!("Value at '{path}' failed to satisfy constraint: {rule}");
                with(value).err().is_some_and(|e| e.message.contains(&text))
            };
            if m["type"] == "integer" {
                let (min, max) = (m["min"].as_i64().unwrap(), m["max"].as_i64().unwrap());
                let low = format!("Member must have value greater than or equal to {min}");
                let high = format!("Member must have value less than or equal to {max}");
                assert!(violates(&(min - 1).to_string(), &low), "{op}.{name} below {min}");
                assert!(!violates(&min.to_string(), &low), "{op}.{name} at {min}");
                assert!(violates(&(max + 1).to_string(), &high), "{op}.{name} above {max}");
                assert!(!violates(&max.to_string(), &high), "{op}.{name} at {max}");
                checked += 1;
            }
            if m["type"] == "string" && m["min"].as_u64().is_some_and(|min| min >= 1) && m["enum"].is_null() {
                let min = m["min"].as_u64().unwrap() as usize;
                let low = format!("Member must have length greater than or equal to {min}");
                assert!(violates(&"a".repeat(min - 1), &low), "{op}.{name} below {min}");
                assert!(!violates(&"a".repeat(min), &low), "{op}.{name} at {min}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "only {checked} checked");
}

#[test]
fn enums_and_booleans() {
    let status = |s: &str| {
        decode(&params(&[("Action", "UpdateAccessKey"), ("Version", "2010-05-08"), ("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"), ("Status", s)]))
    };
    assert!(status("Inactive").is_ok());
    assert_eq!(
        status("Paused").unwrap_err().message,
        "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"
    );
    for (text, value) in [("true", true), ("false", false)] {
        let r = decode(&params(&[
            ("Action", "CreatePolicyVersion"),
            ("Version", "2010-05-08"),
            ("PolicyArn", "arn:aws:iam::123456789012:policy/p"),
            ("PolicyDocument", "{}"),
            ("SetAsDefault", text),
        ]))
        .unwrap();
        assert_eq!(r.input.get("SetAsDefault"), Some(&IamValue::Bool(value)));
    }
    let r = decode(&params(&[("Action", "ListUsers"), ("Version", "2010-05-08"), ("MaxItems", "5")])).unwrap();
    assert_eq!(r.input.get("MaxItems"), Some(&IamValue::Int(5)));
}

/// The success envelope, written out by hand: two-space indentation, empty elements self-closed,
/// text escaped.
#[test]
fn success_envelope_layout() {
    use sts_model::iam::{Content, Node};
    let text = |name: &str, value: &str| Node { name: name.into(), content: Content::Text(value.into()) };
    let nodes = vec![
        Node {
            name: "User".into(),
            content: Content::Children(vec![text("UserName", "a&b"), Node { name: "Tags".into(), content: Content::Children(vec![]) }]),
        },
        text("IsTruncated", "false"),
    ];
    let xml = sts_wire::iam::encode_success("ListUsers", Some(&nodes), "r-1");
    assert_eq!(
        xml,
        "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <ListUsersResult>\n    <User>\n      <UserName>a&amp;b</UserName>\n      <Tags/>\n    </User>\n    <IsTruncated>false</IsTruncated>\n  </ListUsersResult>\n  <ResponseMetadata>\n    <RequestId>r-1</RequestId>\n  </ResponseMetadata>\n</ListUsersResponse>\n"
    );
}
