//! Each response type to and from its `{Op}Result` element, members in model order.

use sts_model::response::*;
use sts_model::{Credentials, Operation, Response};

use super::tree::Element;
use super::write::{Node, text};
use super::{XmlError, format_timestamp, parse_timestamp};

fn opt_text<'a>(nodes: &mut Vec<Node<'a>>, name: &'static str, value: &'a Option<String>) {
    if let Some(v) = value {
        nodes.push(text(name, v.as_str()));
    }
}

fn opt_int(nodes: &mut Vec<Node<'_>>, name: &'static str, value: Option<i32>) {
    if let Some(v) = value {
        nodes.push(text(name, v.to_string()));
    }
}

fn credentials<'a>(nodes: &mut Vec<Node<'a>>, c: &'a Option<Credentials>) {
    if let Some(c) = c {
        nodes.push(Node::Elem(
            "Credentials",
            vec![
                text("AccessKeyId", c.access_key_id.as_str()),
                text("SecretAccessKey", c.secret_access_key.as_str()),
                text("SessionToken", c.session_token.as_str()),
                text("Expiration", format_timestamp(c.expiration)),
            ],
        ));
    }
}

fn assumed_role_user<'a>(nodes: &mut Vec<Node<'a>>, u: &'a Option<AssumedRoleUser>) {
    if let Some(u) = u {
        nodes.push(Node::Elem("AssumedRoleUser", vec![text("AssumedRoleId", u.assumed_role_id.as_str()), text("Arn", u.arn.as_str())]));
    }
}

/// `TrustedIdentityPropagationContext`: structures, and the model's first map, not flattened
/// (`IdentityProvider/entry/key`, `entry/value`), as botocore's query parser reads maps.
fn identity_context<'a>(nodes: &mut Vec<Node<'a>>, c: &'a Option<TrustedIdentityPropagationContext>) {
    let Some(c) = c else { return };
    let mut children = Vec::new();
    if let Some(o) = &c.origin_identity {
        let mut origin = Vec::new();
        opt_text(&mut origin, "Subject", &o.subject);
        opt_text(&mut origin, "SubjectType", &o.subject_type);
        opt_text(&mut origin, "Issuer", &o.issuer);
        opt_text(&mut origin, "FederatedProviderArn", &o.federated_provider_arn);
        children.push(Node::Elem("OriginIdentity", origin));
    }
    if let Some(t) = &c.transaction_context {
        let mut transaction = Vec::new();
        if let Some(map) = &t.identity_provider {
            let entries = map.iter().map(|(k, v)| Node::Elem("entry", vec![text("key", k.as_str()), text("value", v.as_str())])).collect();
            transaction.push(Node::Elem("IdentityProvider", entries));
        }
        children.push(Node::Elem("TransactionContext", transaction));
    }
    nodes.push(Node::Elem("TrustedIdentityPropagationContext", children));
}

/// The children of `{Op}Result`.
pub(crate) fn result_nodes(response: &Response) -> Vec<Node<'_>> {
    let mut n = Vec::new();
    match response {
        Response::AssumeRole(r) => {
            credentials(&mut n, &r.credentials);
            assumed_role_user(&mut n, &r.assumed_role_user);
            opt_int(&mut n, "PackedPolicySize", r.packed_policy_size);
            opt_text(&mut n, "SourceIdentity", &r.source_identity);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
        }
        Response::AssumeRoleWithSaml(r) => {
            credentials(&mut n, &r.credentials);
            assumed_role_user(&mut n, &r.assumed_role_user);
            opt_int(&mut n, "PackedPolicySize", r.packed_policy_size);
            opt_text(&mut n, "Subject", &r.subject);
            opt_text(&mut n, "SubjectType", &r.subject_type);
            opt_text(&mut n, "Issuer", &r.issuer);
            opt_text(&mut n, "Audience", &r.audience);
            opt_text(&mut n, "NameQualifier", &r.name_qualifier);
            opt_text(&mut n, "SourceIdentity", &r.source_identity);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
            identity_context(&mut n, &r.trusted_identity_propagation_context);
        }
        Response::AssumeRoleWithWebIdentity(r) => {
            credentials(&mut n, &r.credentials);
            opt_text(&mut n, "SubjectFromWebIdentityToken", &r.subject_from_web_identity_token);
            assumed_role_user(&mut n, &r.assumed_role_user);
            opt_int(&mut n, "PackedPolicySize", r.packed_policy_size);
            opt_text(&mut n, "Provider", &r.provider);
            opt_text(&mut n, "Audience", &r.audience);
            opt_text(&mut n, "SourceIdentity", &r.source_identity);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
            identity_context(&mut n, &r.trusted_identity_propagation_context);
        }
        Response::AssumeRoot(r) => {
            credentials(&mut n, &r.credentials);
            opt_text(&mut n, "SourceIdentity", &r.source_identity);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
        }
        Response::DecodeAuthorizationMessage(r) => opt_text(&mut n, "DecodedMessage", &r.decoded_message),
        Response::GetAccessKeyInfo(r) => opt_text(&mut n, "Account", &r.account),
        Response::GetCallerIdentity(r) => {
            opt_text(&mut n, "UserId", &r.user_id);
            opt_text(&mut n, "Account", &r.account);
            opt_text(&mut n, "Arn", &r.arn);
        }
        Response::GetDelegatedAccessToken(r) => {
            credentials(&mut n, &r.credentials);
            opt_int(&mut n, "PackedPolicySize", r.packed_policy_size);
            opt_text(&mut n, "AssumedPrincipal", &r.assumed_principal);
        }
        Response::GetFederationToken(r) => {
            credentials(&mut n, &r.credentials);
            if let Some(u) = &r.federated_user {
                n.push(Node::Elem(
                    "FederatedUser",
                    vec![text("FederatedUserId", u.federated_user_id.as_str()), text("Arn", u.arn.as_str())],
                ));
            }
            opt_int(&mut n, "PackedPolicySize", r.packed_policy_size);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
        }
        Response::GetScopedCredentials(r) => {
            credentials(&mut n, &r.credentials);
            if let Some(info) = &r.session_info {
                n.push(Node::Elem(
                    "SessionInfo",
                    vec![text("ScopedSessionId", info.scoped_session_id.as_str()), text("Arn", info.arn.as_str())],
                ));
            }
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
            opt_int(&mut n, "ScopedPoliciesCount", r.scoped_policies_count);
            opt_text(&mut n, "SourceIdentity", &r.source_identity);
        }
        Response::GetSessionToken(r) => {
            credentials(&mut n, &r.credentials);
            opt_int(&mut n, "SessionTokenUtilization", r.session_token_utilization);
            opt_int(&mut n, "SessionTokenSize", r.session_token_size);
        }
        Response::GetWebIdentityToken(r) => {
            opt_text(&mut n, "WebIdentityToken", &r.web_identity_token);
            if let Some(e) = r.expiration {
                n.push(text("Expiration", format_timestamp(e)));
            }
        }
    }
    n
}

/// Reads the members of a result element.
struct Read<'a>(&'a Element);

impl Read<'_> {
    fn text(&self, name: &str) -> Option<String> {
        self.0.text_of(name)
    }

    fn required(&self, name: &'static str) -> Result<String, XmlError> {
        self.text(name).ok_or(XmlError::MissingElement(name))
    }

    fn int(&self, name: &'static str) -> Result<Option<i32>, XmlError> {
        self.text(name).map(|t| t.parse().map_err(|_| XmlError::BadValue { element: name, value: t })).transpose()
    }

    fn credentials(&self) -> Result<Option<Credentials>, XmlError> {
        let Some(c) = self.0.child("Credentials") else { return Ok(None) };
        let c = Read(c);
        Ok(Some(Credentials {
            access_key_id: c.required("AccessKeyId")?,
            secret_access_key: c.required("SecretAccessKey")?,
            session_token: c.required("SessionToken")?,
            expiration: parse_timestamp("Expiration", &c.required("Expiration")?)?,
        }))
    }

    fn identity_context(&self) -> Result<Option<TrustedIdentityPropagationContext>, XmlError> {
        let Some(c) = self.0.child("TrustedIdentityPropagationContext") else { return Ok(None) };
        let origin_identity = c.child("OriginIdentity").map(|o| {
            let o = Read(o);
            OriginIdentity {
                subject: o.text("Subject"),
                subject_type: o.text("SubjectType"),
                issuer: o.text("Issuer"),
                federated_provider_arn: o.text("FederatedProviderArn"),
            }
        });
        let transaction_context = match c.child("TransactionContext") {
            None => None,
            Some(t) => {
                let identity_provider = match t.child("IdentityProvider") {
                    None => None,
                    Some(map) => {
                        let mut entries = std::collections::BTreeMap::new();
                        for entry in map.children.iter().filter(|e| e.name == "entry") {
                            let e = Read(entry);
                            entries.insert(e.required("key")?, e.text("value").unwrap_or_default());
                        }
                        Some(entries)
                    }
                };
                Some(TransactionContext { identity_provider })
            }
        };
        Ok(Some(TrustedIdentityPropagationContext { origin_identity, transaction_context }))
    }

    fn assumed_role_user(&self) -> Result<Option<AssumedRoleUser>, XmlError> {
        let Some(u) = self.0.child("AssumedRoleUser") else { return Ok(None) };
        let u = Read(u);
        Ok(Some(AssumedRoleUser { assumed_role_id: u.required("AssumedRoleId")?, arn: u.required("Arn")? }))
    }
}

/// Builds the typed response of `operation` from its `{Op}Result` element (absent: all members absent).
pub(crate) fn from_result(operation: Operation, result: Option<&Element>) -> Result<Response, XmlError> {
    let empty = Element::default();
    let r = Read(result.unwrap_or(&empty));
    Ok(match operation {
        Operation::AssumeRole => Response::AssumeRole(AssumeRoleResponse {
            credentials: r.credentials()?,
            assumed_role_user: r.assumed_role_user()?,
            packed_policy_size: r.int("PackedPolicySize")?,
            source_identity: r.text("SourceIdentity"),
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
        }),
        Operation::AssumeRoleWithSAML => Response::AssumeRoleWithSaml(AssumeRoleWithSamlResponse {
            credentials: r.credentials()?,
            assumed_role_user: r.assumed_role_user()?,
            packed_policy_size: r.int("PackedPolicySize")?,
            subject: r.text("Subject"),
            subject_type: r.text("SubjectType"),
            issuer: r.text("Issuer"),
            audience: r.text("Audience"),
            name_qualifier: r.text("NameQualifier"),
            source_identity: r.text("SourceIdentity"),
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
            trusted_identity_propagation_context: r.identity_context()?,
        }),
        Operation::AssumeRoleWithWebIdentity => Response::AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityResponse {
            credentials: r.credentials()?,
            subject_from_web_identity_token: r.text("SubjectFromWebIdentityToken"),
            assumed_role_user: r.assumed_role_user()?,
            packed_policy_size: r.int("PackedPolicySize")?,
            provider: r.text("Provider"),
            audience: r.text("Audience"),
            source_identity: r.text("SourceIdentity"),
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
            trusted_identity_propagation_context: r.identity_context()?,
        }),
        Operation::AssumeRoot => Response::AssumeRoot(AssumeRootResponse {
            credentials: r.credentials()?,
            source_identity: r.text("SourceIdentity"),
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
        }),
        Operation::DecodeAuthorizationMessage => {
            Response::DecodeAuthorizationMessage(DecodeAuthorizationMessageResponse { decoded_message: r.text("DecodedMessage") })
        }
        Operation::GetAccessKeyInfo => Response::GetAccessKeyInfo(GetAccessKeyInfoResponse { account: r.text("Account") }),
        Operation::GetCallerIdentity => Response::GetCallerIdentity(GetCallerIdentityResponse {
            user_id: r.text("UserId"),
            account: r.text("Account"),
            arn: r.text("Arn"),
        }),
        Operation::GetDelegatedAccessToken => Response::GetDelegatedAccessToken(GetDelegatedAccessTokenResponse {
            credentials: r.credentials()?,
            packed_policy_size: r.int("PackedPolicySize")?,
            assumed_principal: r.text("AssumedPrincipal"),
        }),
        Operation::GetFederationToken => Response::GetFederationToken(GetFederationTokenResponse {
            credentials: r.credentials()?,
            federated_user: match r.0.child("FederatedUser") {
                Some(u) => {
                    let u = Read(u);
                    Some(FederatedUser { federated_user_id: u.required("FederatedUserId")?, arn: u.required("Arn")? })
                }
                None => None,
            },
            packed_policy_size: r.int("PackedPolicySize")?,
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
        }),
        Operation::GetScopedCredentials => Response::GetScopedCredentials(GetScopedCredentialsResponse {
            credentials: r.credentials()?,
            session_info: match r.0.child("SessionInfo") {
                Some(i) => {
                    let i = Read(i);
                    Some(ScopedSession { scoped_session_id: i.required("ScopedSessionId")?, arn: i.required("Arn")? })
                }
                None => None,
            },
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
            scoped_policies_count: r.int("ScopedPoliciesCount")?,
            source_identity: r.text("SourceIdentity"),
        }),
        Operation::GetSessionToken => Response::GetSessionToken(GetSessionTokenResponse {
            credentials: r.credentials()?,
            session_token_utilization: r.int("SessionTokenUtilization")?,
            session_token_size: r.int("SessionTokenSize")?,
        }),
        Operation::GetWebIdentityToken => Response::GetWebIdentityToken(GetWebIdentityTokenResponse {
            web_identity_token: r.text("WebIdentityToken"),
            expiration: r.text("Expiration").map(|t| parse_timestamp("Expiration", &t)).transpose()?,
        }),
    })
}
