//! Typed requests to and from placed parameters, one function pair per operation, members in model order.

use sts_model::request::*;
use sts_model::{Operation, Request, Tag};

use super::tree::{Fields, Value};

/// Reads validated fields. Values are already checked, so absent or odd values become defaults.
struct Reader<'a, 'v>(&'a Fields<'v>);

impl<'a, 'v> Reader<'a, 'v> {
    fn string(&self, name: &str) -> Option<String> {
        match self.0.get(name) {
            Some(Value::Scalar(s)) => Some((*s).to_owned()),
            _ => None,
        }
    }

    fn required(&self, name: &str) -> String {
        self.string(name).unwrap_or_default()
    }

    fn int(&self, name: &str) -> Option<i32> {
        self.string(name).and_then(|s| s.parse().ok())
    }

    fn items(&self, name: &str) -> Option<Vec<&'a Value<'v>>> {
        match self.0.get(name) {
            Some(Value::List(items)) => Some(items.values().collect()),
            _ => None,
        }
    }

    fn nested(value: &'a Value<'v>) -> Reader<'a, 'v> {
        static EMPTY: Fields<'static> = Fields::new();
        match value {
            Value::Struct(map) => Reader(map),
            _ => Reader(&EMPTY),
        }
    }

    fn strings(&self, name: &str) -> Option<Vec<String>> {
        self.items(name)
            .map(|v| v.into_iter().filter_map(|i| if let Value::Scalar(s) = i { Some((*s).to_owned()) } else { None }).collect())
    }

    fn tags(&self, name: &str) -> Option<Vec<Tag>> {
        self.items(name).map(|v| v.into_iter().map(Reader::nested).map(|r| Tag::new(r.required("Key"), r.required("Value"))).collect())
    }

    fn descriptor(&self, name: &str) -> Option<PolicyDescriptor> {
        self.0.get(name).map(|v| PolicyDescriptor { arn: Reader::nested(v).string("arn") })
    }

    fn descriptors(&self, name: &str) -> Option<Vec<PolicyDescriptor>> {
        self.items(name).map(|v| v.into_iter().map(|i| PolicyDescriptor { arn: Reader::nested(i).string("arn") }).collect())
    }

    fn contexts(&self, name: &str) -> Option<Vec<ProvidedContext>> {
        self.items(name).map(|v| {
            v.into_iter()
                .map(Reader::nested)
                .map(|r| ProvidedContext { provider_arn: r.string("ProviderArn"), context_assertion: r.string("ContextAssertion") })
                .collect()
        })
    }
}

/// Builds a typed request from validated fields.
pub(crate) fn from_fields(operation: Operation, fields: &Fields<'_>) -> Request {
    let r = Reader(fields);
    match operation {
        Operation::AssumeRole => Request::AssumeRole(AssumeRoleRequest {
            role_arn: r.required("RoleArn"),
            role_session_name: r.required("RoleSessionName"),
            policy_arns: r.descriptors("PolicyArns"),
            policy: r.string("Policy"),
            duration_seconds: r.int("DurationSeconds"),
            tags: r.tags("Tags"),
            transitive_tag_keys: r.strings("TransitiveTagKeys"),
            external_id: r.string("ExternalId"),
            serial_number: r.string("SerialNumber"),
            token_code: r.string("TokenCode"),
            source_identity: r.string("SourceIdentity"),
            provided_contexts: r.contexts("ProvidedContexts"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::AssumeRoleWithSAML => Request::AssumeRoleWithSaml(AssumeRoleWithSamlRequest {
            role_arn: r.required("RoleArn"),
            principal_arn: r.required("PrincipalArn"),
            saml_assertion: r.required("SAMLAssertion"),
            policy_arns: r.descriptors("PolicyArns"),
            policy: r.string("Policy"),
            duration_seconds: r.int("DurationSeconds"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::AssumeRoleWithWebIdentity => Request::AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest {
            role_arn: r.required("RoleArn"),
            role_session_name: r.required("RoleSessionName"),
            web_identity_token: r.required("WebIdentityToken"),
            provider_id: r.string("ProviderId"),
            policy_arns: r.descriptors("PolicyArns"),
            policy: r.string("Policy"),
            duration_seconds: r.int("DurationSeconds"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::AssumeRoot => Request::AssumeRoot(AssumeRootRequest {
            target_principal: r.required("TargetPrincipal"),
            task_policy_arn: r.descriptor("TaskPolicyArn").unwrap_or_default(),
            duration_seconds: r.int("DurationSeconds"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::DecodeAuthorizationMessage => {
            Request::DecodeAuthorizationMessage(DecodeAuthorizationMessageRequest { encoded_message: r.required("EncodedMessage") })
        }
        Operation::GetAccessKeyInfo => Request::GetAccessKeyInfo(GetAccessKeyInfoRequest { access_key_id: r.required("AccessKeyId") }),
        Operation::GetCallerIdentity => Request::GetCallerIdentity,
        Operation::GetDelegatedAccessToken => {
            Request::GetDelegatedAccessToken(GetDelegatedAccessTokenRequest { trade_in_token: r.required("TradeInToken") })
        }
        Operation::GetFederationToken => Request::GetFederationToken(GetFederationTokenRequest {
            name: r.required("Name"),
            policy: r.string("Policy"),
            policy_arns: r.descriptors("PolicyArns"),
            duration_seconds: r.int("DurationSeconds"),
            tags: r.tags("Tags"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::GetScopedCredentials => Request::GetScopedCredentials(GetScopedCredentialsRequest {
            policy: r.string("Policy"),
            duration_seconds: r.int("DurationSeconds"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
            scoped_session_description: r.string("ScopedSessionDescription"),
        }),
        Operation::GetSessionToken => Request::GetSessionToken(GetSessionTokenRequest {
            duration_seconds: r.int("DurationSeconds"),
            serial_number: r.string("SerialNumber"),
            token_code: r.string("TokenCode"),
            minimum_session_token_size: r.int("MinimumSessionTokenSize"),
        }),
        Operation::GetWebIdentityToken => Request::GetWebIdentityToken(GetWebIdentityTokenRequest {
            audience: r.strings("Audience").unwrap_or_default(),
            duration_seconds: r.int("DurationSeconds"),
            signing_algorithm: r.required("SigningAlgorithm"),
            scope: r.string("Scope"),
            subject_mode: r.string("SubjectMode"),
            tags: r.tags("Tags"),
        }),
    }
}

/// Writes parameters the way botocore's query serializer does.
struct Writer(Vec<(String, String)>);

impl Writer {
    fn put(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    fn string(&mut self, name: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.put(name, v.clone());
        }
    }

    fn int(&mut self, name: &str, value: Option<i32>) {
        if let Some(v) = value {
            self.put(name, v.to_string());
        }
    }

    fn list<T>(&mut self, name: &str, items: &Option<Vec<T>>, mut each: impl FnMut(&mut Self, &str, &T)) {
        let Some(items) = items else { return };
        if items.is_empty() {
            self.put(name, "");
        }
        for (i, item) in items.iter().enumerate() {
            each(self, &format!("{name}.member.{}", i + 1), item);
        }
    }

    fn tags(&mut self, name: &str, tags: &Option<Vec<Tag>>) {
        self.list(name, tags, |w, prefix, t| {
            w.put(format!("{prefix}.Key"), t.key.clone());
            w.put(format!("{prefix}.Value"), t.value.clone());
        });
    }

    fn strings(&mut self, name: &str, values: &Option<Vec<String>>) {
        self.list(name, values, |w, prefix, v| w.put(prefix, v.clone()));
    }

    fn descriptors(&mut self, name: &str, values: &Option<Vec<PolicyDescriptor>>) {
        self.list(name, values, |w, prefix, d| w.string(&format!("{prefix}.arn"), &d.arn));
    }
}

/// The parameters of `request`, starting with `Action` and `Version`.
pub(crate) fn to_params(request: &Request) -> Vec<(String, String)> {
    let mut w = Writer(Vec::with_capacity(8));
    w.put("Action", request.operation().name());
    w.put("Version", super::API_VERSION);
    match request {
        Request::AssumeRole(r) => {
            w.put("RoleArn", r.role_arn.clone());
            w.put("RoleSessionName", r.role_session_name.clone());
            w.descriptors("PolicyArns", &r.policy_arns);
            w.string("Policy", &r.policy);
            w.int("DurationSeconds", r.duration_seconds);
            w.tags("Tags", &r.tags);
            w.strings("TransitiveTagKeys", &r.transitive_tag_keys);
            w.string("ExternalId", &r.external_id);
            w.string("SerialNumber", &r.serial_number);
            w.string("TokenCode", &r.token_code);
            w.string("SourceIdentity", &r.source_identity);
            w.list("ProvidedContexts", &r.provided_contexts, |w, prefix, c| {
                w.string(&format!("{prefix}.ProviderArn"), &c.provider_arn);
                w.string(&format!("{prefix}.ContextAssertion"), &c.context_assertion);
            });
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::AssumeRoleWithSaml(r) => {
            w.put("RoleArn", r.role_arn.clone());
            w.put("PrincipalArn", r.principal_arn.clone());
            w.put("SAMLAssertion", r.saml_assertion.clone());
            w.descriptors("PolicyArns", &r.policy_arns);
            w.string("Policy", &r.policy);
            w.int("DurationSeconds", r.duration_seconds);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::AssumeRoleWithWebIdentity(r) => {
            w.put("RoleArn", r.role_arn.clone());
            w.put("RoleSessionName", r.role_session_name.clone());
            w.put("WebIdentityToken", r.web_identity_token.clone());
            w.string("ProviderId", &r.provider_id);
            w.descriptors("PolicyArns", &r.policy_arns);
            w.string("Policy", &r.policy);
            w.int("DurationSeconds", r.duration_seconds);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::AssumeRoot(r) => {
            w.put("TargetPrincipal", r.target_principal.clone());
            w.string("TaskPolicyArn.arn", &r.task_policy_arn.arn);
            w.int("DurationSeconds", r.duration_seconds);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::DecodeAuthorizationMessage(r) => w.put("EncodedMessage", r.encoded_message.clone()),
        Request::GetAccessKeyInfo(r) => w.put("AccessKeyId", r.access_key_id.clone()),
        Request::GetCallerIdentity => {}
        Request::GetDelegatedAccessToken(r) => w.put("TradeInToken", r.trade_in_token.clone()),
        Request::GetFederationToken(r) => {
            w.put("Name", r.name.clone());
            w.string("Policy", &r.policy);
            w.descriptors("PolicyArns", &r.policy_arns);
            w.int("DurationSeconds", r.duration_seconds);
            w.tags("Tags", &r.tags);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::GetScopedCredentials(r) => {
            w.string("Policy", &r.policy);
            w.int("DurationSeconds", r.duration_seconds);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
            w.string("ScopedSessionDescription", &r.scoped_session_description);
        }
        Request::GetSessionToken(r) => {
            w.int("DurationSeconds", r.duration_seconds);
            w.string("SerialNumber", &r.serial_number);
            w.string("TokenCode", &r.token_code);
            w.int("MinimumSessionTokenSize", r.minimum_session_token_size);
        }
        Request::GetWebIdentityToken(r) => {
            w.strings("Audience", &Some(r.audience.clone()));
            w.int("DurationSeconds", r.duration_seconds);
            w.put("SigningAlgorithm", r.signing_algorithm.clone());
            w.string("Scope", &r.scope);
            w.string("SubjectMode", &r.subject_mode);
            w.tags("Tags", &r.tags);
        }
    }
    w.0
}
