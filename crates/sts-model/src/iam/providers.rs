//! Identity providers over IAM: OpenID Connect (URL, client ids, thumbprints) and SAML (from the
//! IdP's metadata document: its entity id and signing certificate).

use super::{Call, IamRequest, Node, checked_tags, not_truncated, tag_nodes, timestamp};
use crate::world::{OidcProvider, SamlProvider};
use crate::{ErrorCode, Sts, StsError};

/// IAM's quota of client ids per provider (recorded wording).
const CLIENT_IDS_PER_PROVIDER: usize = 100;
/// IAM keeps at most five thumbprints (recorded: "Thumbprint list must contain fewer than 5 entries.").
const MAX_THUMBPRINTS: usize = 5;
/// IAM's quota of providers of each kind per account (100; keeps the world bounded).
const PROVIDERS_PER_ACCOUNT: usize = 100;

pub(super) fn call(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    match req.action.as_str() {
        "CreateOpenIDConnectProvider" => create_oidc(sts, call, req),
        "GetOpenIDConnectProvider" => {
            let arn = req.required("OpenIDConnectProviderArn")?;
            // Recorded (no trailing period).
            let provider = oidc(sts, call, arn)
                .ok_or_else(|| StsError::new(ErrorCode::NoSuchEntity, format!("OpenIDConnect Provider not found for arn {arn}")))?;
            Ok(Some(vec![
                // IAM answers the URL without its scheme.
                Node::text("Url", provider.url.trim_start_matches("https://")),
                Node::children("ClientIDList", provider.client_ids.iter().map(|c| Node::text("member", c)).collect()),
                Node::children("ThumbprintList", provider.thumbprints.iter().map(|t| Node::text("member", t)).collect()),
                Node::text("CreateDate", timestamp(provider.created)),
            ]))
        }
        "DeleteOpenIDConnectProvider" => {
            let arn = req.required("OpenIDConnectProviderArn")?;
            let host = oidc_host(call, arn).filter(|h| oidc(sts, call, arn).is_some() && !h.is_empty()).ok_or_else(|| {
                // Recorded wording (it differs from GetOpenIDConnectProvider's).
                StsError::new(ErrorCode::NoSuchEntity, format!("OpenId connect Provider {arn} cannot be found."))
            })?;
            if let Some(a) = sts.world.account_mut(&call.account) {
                a.oidc_providers.remove(&host);
            }
            Ok(None)
        }
        "ListOpenIDConnectProviders" => {
            let arns: Vec<Vec<Node>> = sts
                .world
                .account(&call.account)
                .map(|a| a.oidc_providers.keys().map(|host| vec![Node::text("Arn", oidc_arn(call, host))]).collect())
                .unwrap_or_default();
            Ok(Some(vec![Node::list("OpenIDConnectProviderList", arns)]))
        }
        "AddClientIDToOpenIDConnectProvider" => {
            let (arn, client_id) = (req.required("OpenIDConnectProviderArn")?, req.required("ClientID")?);
            let host = oidc_host(call, arn).unwrap_or_default();
            let provider = sts
                .world
                .account_mut(&call.account)
                .and_then(|a| a.oidc_providers.get_mut(&host))
                .ok_or_else(|| StsError::new(ErrorCode::NoSuchEntity, format!("OpenIDConnect Provider not found for arn {arn}")))?;
            if !provider.client_ids.iter().any(|c| c == client_id) {
                if provider.client_ids.len() >= CLIENT_IDS_PER_PROVIDER {
                    return Err(super::quota::exceeded("ClientIdsPerOpenIdConnectProvider", CLIENT_IDS_PER_PROVIDER));
                }
                provider.client_ids.push(client_id.to_owned());
            }
            Ok(None)
        }
        "CreateSAMLProvider" => create_saml(sts, call, req),
        "GetSAMLProvider" => {
            let arn = req.required("SAMLProviderArn")?;
            let provider = saml(sts, call, arn).ok_or_else(|| no_saml(arn))?;
            let mut fields = Vec::new();
            if let Some(doc) = &provider.metadata_document {
                fields.push(Node::text("SAMLMetadataDocument", doc));
            }
            fields.push(Node::text("CreateDate", timestamp(provider.created)));
            Ok(Some(fields))
        }
        "DeleteSAMLProvider" => {
            let arn = req.required("SAMLProviderArn")?;
            let name = saml(sts, call, arn).map(|p| p.name.clone()).ok_or_else(|| no_saml(arn))?;
            if let Some(a) = sts.world.account_mut(&call.account) {
                a.saml_providers.remove(&name);
            }
            Ok(None)
        }
        "ListSAMLProviders" => {
            let list: Vec<Vec<Node>> = sts
                .world
                .account(&call.account)
                .map(|a| {
                    a.saml_providers
                        .values()
                        .map(|p| vec![Node::text("Arn", saml_arn(call, &p.name)), Node::text("CreateDate", timestamp(p.created))])
                        .collect()
                })
                .unwrap_or_default();
            Ok(Some(vec![Node::list("SAMLProviderList", list), not_truncated()]))
        }
        other => unreachable!("routed here: {other}"),
    }
}

/// Recorded wording for a SAML provider that does not exist.
fn no_saml(arn: &str) -> StsError {
    StsError::new(ErrorCode::NoSuchEntity, format!("Manifest not found for arn {arn}"))
}

fn oidc_arn(call: &Call, host: &str) -> String {
    format!("arn:{}:iam::{}:oidc-provider/{host}", call.partition, call.account)
}

fn saml_arn(call: &Call, name: &str) -> String {
    format!("arn:{}:iam::{}:saml-provider/{name}", call.partition, call.account)
}

/// The host part of one of the caller's account's OIDC provider ARNs.
fn oidc_host(call: &Call, arn: &str) -> Option<String> {
    arn.strip_prefix(&format!("arn:{}:iam::{}:oidc-provider/", call.partition, call.account)).map(str::to_owned)
}

fn oidc<'a>(sts: &'a Sts, call: &Call, arn: &str) -> Option<&'a OidcProvider> {
    sts.world.account(&call.account)?.oidc_providers.get(&oidc_host(call, arn)?)
}

fn saml<'a>(sts: &'a Sts, call: &Call, arn: &str) -> Option<&'a SamlProvider> {
    let name = arn.strip_prefix(&format!("arn:{}:iam::{}:saml-provider/", call.partition, call.account))?;
    sts.world.account(&call.account)?.saml_providers.get(name)
}

fn create_oidc(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let url = req.required("Url")?;
    // Recorded: a URL without its scheme.
    let Some(host) = url.strip_prefix("https://").filter(|h| !h.is_empty()) else {
        return Err(StsError::validation("Invalid Open ID Connect Provider URL"));
    };
    let thumbprints = req.strings("ThumbprintList");
    if thumbprints.len() > MAX_THUMBPRINTS {
        return Err(StsError::new(ErrorCode::InvalidInput, "Thumbprint list must contain fewer than 5 entries."));
    }
    let tags = checked_tags(req.tags())?;
    let account = sts.world.account(&call.account);
    if account.is_some_and(|a| a.oidc_providers.contains_key(host)) {
        return Err(StsError::new(ErrorCode::EntityAlreadyExists, format!("Provider with url {url} already exists.")));
    }
    if account.is_some_and(|a| a.oidc_providers.len() >= PROVIDERS_PER_ACCOUNT) {
        return Err(super::quota::exceeded("OpenIdConnectProvidersPerAccount", PROVIDERS_PER_ACCOUNT));
    }
    let provider = OidcProvider {
        url: url.to_owned(),
        client_ids: req.strings("ClientIDList"),
        jwks: None,
        context_provider: false,
        thumbprints,
        created: Some(call.now),
    };
    sts.world.add_oidc_provider(&call.account, provider).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
    let mut out = vec![Node::text("OpenIDConnectProviderArn", oidc_arn(call, host))];
    if !tags.is_empty() {
        out.push(Node::list("Tags", tag_nodes(&tags)));
    }
    Ok(Some(out))
}

fn create_saml(sts: &mut Sts, call: &Call, req: &IamRequest) -> Result<Option<Vec<Node>>, StsError> {
    let (name, document) = (req.required("Name")?, req.required("SAMLMetadataDocument")?);
    // Reading metadata needs the XML parser of the `saml` feature.
    #[cfg(not(feature = "saml"))]
    let _ = (sts, call, name, document);
    #[cfg(not(feature = "saml"))]
    return Err(crate::ops::feature_disabled("CreateSAMLProvider", "saml"));
    #[cfg(feature = "saml")]
    create_saml_from(sts, call, req, name, document)
}

#[cfg(feature = "saml")]
fn create_saml_from(sts: &mut Sts, call: &Call, req: &IamRequest, name: &str, document: &str) -> Result<Option<Vec<Node>>, StsError> {
    // What IAM answers to metadata it cannot read is not established. fidelity: inferred.
    let (entity_id, certificate_pem) = crate::saml::parse_metadata(document).ok_or_else(|| {
        StsError::new(
            ErrorCode::InvalidInput,
            "Could not parse metadata: the document must be SAML metadata with an entityID and a signing certificate.",
        )
    })?;
    let tags = checked_tags(req.tags())?;
    let account = sts.world.account(&call.account);
    if account.is_some_and(|a| a.saml_providers.contains_key(name)) {
        // The model lists EntityAlreadyExists; no recorded wording. fidelity: inferred.
        return Err(StsError::new(ErrorCode::EntityAlreadyExists, format!("SAMLProvider {name} already exists.")));
    }
    if account.is_some_and(|a| a.saml_providers.len() >= PROVIDERS_PER_ACCOUNT) {
        return Err(super::quota::exceeded("SAMLProvidersPerAccount", PROVIDERS_PER_ACCOUNT));
    }
    let provider = SamlProvider {
        name: name.to_owned(),
        entity_id,
        certificate_pem,
        context_provider: false,
        metadata_document: Some(document.to_owned()),
        created: Some(call.now),
    };
    sts.world.add_saml_provider(&call.account, provider).map_err(|e| StsError::new(ErrorCode::InvalidInput, e.0))?;
    let mut out = vec![Node::text("SAMLProviderArn", saml_arn(call, name))];
    if !tags.is_empty() {
        out.push(Node::list("Tags", tag_nodes(&tags)));
    }
    Ok(Some(out))
}
