//! Property tests of the wire layer: decode(encode(request)) round-trips for every valid request the
//! constraint table admits, and no byte string makes the decoders panic.

use proptest::prelude::*;
use proptest::string::string_regex;
use sts_model::Operation;
use sts_wire::constraints::{Member, Shape, input_members};
use sts_wire::query::{decode, encode_request, parse_form, to_params};

type Params = Vec<(String, String)>;

/// Valid values of a string shape, drawn from the pattern's own character class.
fn string_strategy(min: Option<usize>, max: Option<usize>, class: &str) -> BoxedStrategy<String> {
    let lo = min.unwrap_or(0);
    let hi = max.unwrap_or(lo + 40).min(lo + 40);
    string_regex(&format!("{class}{{{lo},{hi}}}")).expect("valid generator regex").boxed()
}

fn shape_params(shape: &'static Shape, key: String) -> BoxedStrategy<Params> {
    match shape {
        // A space-separated list (Scope): values drawn from its class, joined by single spaces.
        Shape::String { pattern: Some(p), .. } if p.rust.contains("( ") => {
            let value = p.rust.split('+').next().unwrap_or("[a-z]");
            string_regex(&format!("{value}{{1,8}}( {value}{{1,8}}){{0,4}}"))
                .expect("valid generator regex")
                .prop_map(move |v| vec![(key.clone(), v)])
                .boxed()
        }
        Shape::Enum(values) => prop::sample::select(values.to_vec()).prop_map(move |v| vec![(key.clone(), v.to_owned())]).boxed(),
        Shape::String { min, max, pattern } => {
            let class = pattern.map_or(r"[ -~\x{A0}-\x{17F}\x{1F600}]", |p| p.rust.trim_end_matches(['*', '+']));
            string_strategy(*min, *max, class).prop_map(move |v| vec![(key.clone(), v)]).boxed()
        }
        Shape::Integer { min, max } => {
            let lo = min.unwrap_or(i64::from(i32::MIN));
            let hi = max.unwrap_or(i64::from(i32::MAX));
            (lo..=hi).prop_map(move |v| vec![(key.clone(), v.to_string())]).boxed()
        }
        Shape::List { min, max, member } => {
            let lo = min.unwrap_or(0);
            let hi = max.unwrap_or(4).min(lo + 4);
            let items: Vec<BoxedStrategy<Params>> = (1..=hi).map(|i| shape_params(member, format!("{key}.member.{i}"))).collect();
            (lo..=hi, items)
                .prop_map(move |(n, items)| {
                    if n == 0 {
                        return vec![(key.clone(), String::new())];
                    }
                    items.into_iter().take(n).flatten().collect()
                })
                .boxed()
        }
        Shape::Structure(fields) => members_params(fields, Some(key)),
    }
}

fn members_params(members: &'static [Member], prefix: Option<String>) -> BoxedStrategy<Params> {
    let parts: Vec<BoxedStrategy<Params>> = members
        .iter()
        .map(|m| {
            let key = prefix.as_ref().map_or(m.name.to_string(), |p| format!("{p}.{}", m.name));
            let value = shape_params(m.shape, key);
            // Inside a structure every field is sent: a structure with no field at all is not on the
            // wire (botocore never sends one), so it could not round-trip.
            if m.required || prefix.is_some() { value } else { prop::option::of(value).prop_map(Option::unwrap_or_default).boxed() }
        })
        .collect();
    parts.prop_map(|parts| parts.into_iter().flatten().collect()).boxed()
}

fn valid_params() -> impl Strategy<Value = Params> {
    proptest::sample::select(Operation::ALL).prop_flat_map(|op| {
        members_params(input_members(op), None).prop_map(move |mut params| {
            params.insert(0, ("Version".into(), "2011-06-15".into()));
            params.insert(0, ("Action".into(), op.name().into()));
            params
        })
    })
}

/// Keys a fuzzer should hit: real members, list members with odd indices, auth parameters.
fn plausible_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Action".to_string()),
        Just("Version".to_string()),
        proptest::sample::select(vec![
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
            "Policy",
            "Tags",
            "Tags.member",
            "Tags.member.1.Key",
            "Tags.member.1.Value",
            "Tags.member.0.Key",
            "Tags.member.01.Key",
            "Tags.member.99999999999.Key",
            "Tags.member.1",
            "PolicyArns.member.1.arn",
            "PolicyArns.member.2",
            "TaskPolicyArn.arn",
            "TaskPolicyArn",
            "TransitiveTagKeys.member.1",
            "TransitiveTagKeys.member.1.x",
            "Audience.member.1",
            "ProvidedContexts",
            "ProvidedContexts.member.1.ProviderArn",
            "X-Amz-Signature",
            "SAMLAssertion",
            "Name",
        ])
        .prop_map(str::to_string),
        "[A-Za-z.0-9]{0,12}",
    ]
}

fn plausible_value() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(Operation::ALL).prop_map(|o| o.name().to_string()),
        Just("2011-06-15".to_string()),
        "-?[0-9]{0,12}",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_of_encode_round_trips(params in valid_params()) {
        let request = decode(&params).map_err(|e| TestCaseError::fail(format!("valid params rejected: {e}: {params:?}")))?;
        prop_assert_eq!(&decode(&to_params(&request)).expect("re-decodes"), &request);
        let body = encode_request(&request);
        let reparsed = parse_form(body.as_bytes()).expect("our own encoding parses");
        prop_assert_eq!(decode(&reparsed).expect("form round trip decodes"), request);
    }

    #[test]
    fn no_byte_string_makes_the_query_decoder_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(params) = parse_form(&bytes) {
            let _ = decode(&params);
        }
    }

    #[test]
    fn no_parameter_soup_makes_the_query_decoder_panic(
        op in proptest::sample::select(Operation::ALL),
        pairs in proptest::collection::vec((plausible_key(), plausible_value()), 0..20),
    ) {
        let mut params = vec![("Action".to_string(), op.name().to_string()), ("Version".to_string(), "2011-06-15".to_string())];
        params.extend(pairs);
        let _ = decode(&params);
    }

    #[test]
    fn no_text_makes_the_xml_decoder_panic(text in "\\PC{0,300}") {
        let _ = sts_wire::xml::decode(&text);
        let wrapped = format!("<GetCallerIdentityResponse><GetCallerIdentityResult>{text}</GetCallerIdentityResult></GetCallerIdentityResponse>");
        let _ = sts_wire::xml::decode(&wrapped);
    }
}
