//! Inbound SAML federation (AssumeRoleWithSAML): reading and verifying `samlp:Response` documents
//! as STS does, and a test identity provider that builds and signs them.
//!
//! One parser (uppsala) reads the document for both the signature check ([`crate::xmldsig`]:
//! enveloped signatures, bergshamra's C14N, ring's RSA) and the values we use, and the signature
//! must cover the very Assertion (or the Response holding it) that we read: a second Assertion, a signature over
//! another element, duplicate IDs or a DOCTYPE are refused, which defeats signature wrapping.
//! Text is read with all its text nodes (`user@x<!---->.evil` is `user@x.evil`, not `user@x`).
//!
//! ```
//! use sts_model::saml::AssertionBuilder;
//! use sts_model::time::{Duration, OffsetDateTime};
//! let now = OffsetDateTime::UNIX_EPOCH + Duration::days(19_723);
//! let b64 = AssertionBuilder::new("https://idp.example.com/saml", now)
//!     .role("arn:aws:iam::123456789012:role/federated", "arn:aws:iam::123456789012:saml-provider/corp")
//!     .session_name("alice")
//!     .sign();
//! assert!(b64.len() > 1000);
//! ```

use base64::Engine as _;
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uppsala::{Document, NodeId};

use crate::request::Tag;
use crate::{ErrorCode, StsError};

const TEST_KEY: &str = include_str!("../keys/idp-rsa.pem");
/// The test identity provider's signing certificate (PEM), which SAML providers registered
/// without a certificate trust.
pub const TEST_CERTIFICATE: &str = crate::world::TEST_IDP_CERTIFICATE;
const UNTRUSTED_KEY: &str = include_str!("../keys/idp-untrusted-rsa.pem");

/// The test IdP's signing key and the untrusted one, parsed once.
static TEST_KEYS: std::sync::LazyLock<(ring::signature::RsaKeyPair, ring::signature::RsaKeyPair)> = std::sync::LazyLock::new(|| {
    let key = |pem: &str| {
        let der = crate::jose::pem_der(pem, "PRIVATE KEY").expect("the shipped IdP keys are PKCS#8 PEM");
        ring::signature::RsaKeyPair::from_pkcs8(&der).expect("the shipped IdP keys are RSA keys")
    };
    (key(TEST_KEY), key(UNTRUSTED_KEY))
});

const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const NAMEID_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
const ATTRIBUTE_PREFIX: &str = "https://aws.amazon.com/SAML/Attributes/";

/// The Recipients AWS accepts (documented): the global and regional sign-in endpoints.
pub fn recipient_accepted(recipient: &str) -> bool {
    recipient == "https://signin.aws.amazon.com/saml"
        || recipient == "https://signin.aws.amazon.com/static/saml"
        || recipient
            .strip_prefix("https://")
            .and_then(|r| r.strip_suffix(".signin.aws.amazon.com/saml"))
            .is_some_and(|region| !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
}

/// The audiences that name AWS as the service provider.
pub const AWS_AUDIENCES: &[&str] = &["urn:amazon:webservices", "https://signin.aws.amazon.com/saml"];

/// How long after IssueInstant an assertion may be redeemed (observed: "Token must be redeemed
/// within 5 minutes of issuance").
pub const REDEEM_WITHIN: Duration = Duration::minutes(5);

/// `NameQualifier` = Base64(SHA1(Issuer + AccountId + "/" + ProviderName)) (documented).
///
/// ```
/// assert_eq!(
///     sts_model::saml::name_qualifier("https://idp.example.com/saml", "123456789012", "corp"),
///     "HahBW48oNiXLlr28VT6/xduH27c=" // computed independently: base64(hashlib.sha1(...).digest())
/// );
/// ```
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let digest = Sha1::digest(format!("{issuer}{account}/{provider_name}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// Where the builder puts the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// An enveloped signature inside the Assertion (the common IdP setting).
    Assertion,
    /// An enveloped signature over the whole Response.
    Response,
    /// No signature at all.
    Unsigned,
}

/// Builds a `samlp:Response` as an identity provider sends it to AWS, signed with the test IdP key.
#[derive(Debug, Clone)]
pub struct AssertionBuilder {
    issuer: String,
    issue_instant: OffsetDateTime,
    not_on_or_after: OffsetDateTime,
    recipient: String,
    audience: String,
    name_id: String,
    name_id_format: String,
    roles: Vec<String>,
    session_name: Option<String>,
    session_duration: Option<String>,
    session_not_on_or_after: Option<OffsetDateTime>,
    tags: Vec<(String, String)>,
    transitive: Vec<String>,
    source_identity: Option<String>,
    status: String,
    signed: Signed,
    untrusted_key: bool,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn ts(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

impl AssertionBuilder {
    /// A Response from `issuer` issued at `now`, valid five minutes, for the global sign-in
    /// endpoint, NameID `alice` (persistent), signed on the Assertion.
    pub fn new(issuer: &str, now: OffsetDateTime) -> Self {
        AssertionBuilder {
            issuer: issuer.to_owned(),
            issue_instant: now,
            not_on_or_after: now + Duration::minutes(5),
            recipient: "https://signin.aws.amazon.com/saml".into(),
            audience: "urn:amazon:webservices".into(),
            name_id: "alice".into(),
            name_id_format: format!("{NAMEID_PREFIX}persistent"),
            roles: Vec::new(),
            session_name: None,
            session_duration: None,
            session_not_on_or_after: None,
            tags: Vec::new(),
            transitive: Vec::new(),
            source_identity: None,
            status: SUCCESS.into(),
            signed: Signed::Assertion,
            untrusted_key: false,
        }
    }

    /// Adds a Role attribute value `role,provider`.
    pub fn role(mut self, role_arn: &str, provider_arn: &str) -> Self {
        self.roles.push(format!("{role_arn},{provider_arn}"));
        self
    }

    /// Adds a Role attribute value in the `provider,role` order some IdPs emit.
    pub fn role_provider_first(mut self, role_arn: &str, provider_arn: &str) -> Self {
        self.roles.push(format!("{provider_arn},{role_arn}"));
        self
    }

    /// The RoleSessionName attribute.
    pub fn session_name(mut self, name: &str) -> Self {
        self.session_name = Some(name.to_owned());
        self
    }

    /// The SessionDuration attribute.
    pub fn session_duration(mut self, seconds: &str) -> Self {
        self.session_duration = Some(seconds.to_owned());
        self
    }

    /// `AuthnStatement/@SessionNotOnOrAfter`.
    pub fn session_not_on_or_after(mut self, at: OffsetDateTime) -> Self {
        self.session_not_on_or_after = Some(at);
        self
    }

    /// The NameID and its Format (full URI).
    pub fn name_id(mut self, value: &str, format: &str) -> Self {
        self.name_id = value.to_owned();
        self.name_id_format = format.to_owned();
        self
    }

    /// `SubjectConfirmationData/@Recipient`.
    pub fn recipient(mut self, recipient: &str) -> Self {
        self.recipient = recipient.to_owned();
        self
    }

    /// The AudienceRestriction's Audience.
    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = audience.to_owned();
        self
    }

    /// `SubjectConfirmationData/@NotOnOrAfter`.
    pub fn not_on_or_after(mut self, at: OffsetDateTime) -> Self {
        self.not_on_or_after = at;
        self
    }

    /// A `PrincipalTag:{key}` attribute.
    pub fn tag(mut self, key: &str, value: &str) -> Self {
        self.tags.push((key.to_owned(), value.to_owned()));
        self
    }

    /// The TransitiveTagKeys attribute values.
    pub fn transitive(mut self, keys: &[&str]) -> Self {
        self.transitive = keys.iter().map(|k| (*k).to_owned()).collect();
        self
    }

    /// The SourceIdentity attribute.
    pub fn source_identity(mut self, value: &str) -> Self {
        self.source_identity = Some(value.to_owned());
        self
    }

    /// The top-level status code (Success unless set).
    pub fn status(mut self, code: &str) -> Self {
        self.status = code.to_owned();
        self
    }

    /// Where to sign.
    pub fn signed(mut self, where_: Signed) -> Self {
        self.signed = where_;
        self
    }

    /// Signs with a key no provider trusts.
    pub fn untrusted_key(mut self) -> Self {
        self.untrusted_key = true;
        self
    }

    fn signature_template(reference: &str) -> String {
        format!(
            r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{reference}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"##
        )
    }

    fn attribute(name: &str, values: &[String]) -> String {
        let values: String =
            values.iter().map(|v| format!(r#"<saml:AttributeValue xsi:type="xs:string">{}</saml:AttributeValue>"#, esc(v))).collect();
        format!(r#"<saml:Attribute Name="{}">{values}</saml:Attribute>"#, esc(name))
    }

    fn assertion_xml(&self, id: &str, signature: &str) -> String {
        let mut attributes = String::new();
        if !self.roles.is_empty() {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}Role"), &self.roles));
        }
        if let Some(name) = &self.session_name {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}RoleSessionName"), std::slice::from_ref(name)));
        }
        if let Some(d) = &self.session_duration {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}SessionDuration"), std::slice::from_ref(d)));
        }
        for (k, v) in &self.tags {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}PrincipalTag:{k}"), std::slice::from_ref(v)));
        }
        if !self.transitive.is_empty() {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}TransitiveTagKeys"), &self.transitive));
        }
        if let Some(si) = &self.source_identity {
            attributes.push_str(&Self::attribute(&format!("{ATTRIBUTE_PREFIX}SourceIdentity"), std::slice::from_ref(si)));
        }
        let session_limit = self.session_not_on_or_after.map(|t| format!(r#" SessionNotOnOrAfter="{}""#, ts(t))).unwrap_or_default();
        format!(
            r#"<saml:Assertion ID="{id}" Version="2.0" IssueInstant="{issued}"><saml:Issuer>{issuer}</saml:Issuer>{signature}<saml:Subject><saml:NameID Format="{format}">{name_id}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{not_after}" Recipient="{recipient}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{issued}" NotOnOrAfter="{not_after}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{issued}"{session_limit}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"#,
            issued = ts(self.issue_instant),
            issuer = esc(&self.issuer),
            format = esc(&self.name_id_format),
            name_id = esc(&self.name_id),
            not_after = ts(self.not_on_or_after),
            recipient = esc(&self.recipient),
            audience = esc(&self.audience),
        )
    }

    /// The Response XML, signed as configured.
    pub fn xml(&self) -> String {
        let assertion_sig = if self.signed == Signed::Assertion { Self::signature_template("_assertion-1") } else { String::new() };
        let response_sig = if self.signed == Signed::Response { Self::signature_template("_response-1") } else { String::new() };
        let template = format!(
            r#"<samlp:Response xmlns:samlp="{PROTOCOL}" xmlns:saml="{ASSERTION}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_response-1" Version="2.0" IssueInstant="{issued}" Destination="{recipient}"><saml:Issuer>{issuer}</saml:Issuer>{response_sig}<samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status>{assertion}</samlp:Response>"#,
            issued = ts(self.issue_instant),
            recipient = esc(&self.recipient),
            issuer = esc(&self.issuer),
            status = esc(&self.status),
            assertion = self.assertion_xml("_assertion-1", &assertion_sig),
        );
        if self.signed == Signed::Unsigned {
            return template;
        }
        let key = if self.untrusted_key { &TEST_KEYS.1 } else { &TEST_KEYS.0 };
        crate::xmldsig::sign_enveloped(&template, key).expect("signing a well-formed template succeeds")
    }

    /// The signed Response, base64-encoded as the `SAMLAssertion` parameter carries it.
    pub fn sign(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.xml())
    }
}

/// What a verified assertion establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedAssertion {
    /// The Issuer (the provider's entity id).
    pub issuer: String,
    /// NameID text.
    pub subject: String,
    /// NameID Format with the SAML 2.0 prefix removed (other formats unchanged).
    pub subject_type: String,
    /// The Recipient (what the response reports as Audience).
    pub recipient: String,
    /// The RoleSessionName attribute.
    pub session_name: String,
    /// The session's latest end from SessionDuration and SessionNotOnOrAfter, if any.
    pub session_limit: Option<OffsetDateTime>,
    /// PrincipalTag attributes.
    pub tags: Vec<Tag>,
    /// TransitiveTagKeys attribute values.
    pub transitive_tag_keys: Vec<String>,
    /// The SourceIdentity attribute.
    pub source_identity: Option<String>,
}

/// A registered SAML provider, as verification needs it.
#[derive(Debug, Clone, Copy)]
pub struct Provider<'a> {
    /// The provider ARN the request names.
    pub arn: &'a str,
    /// The entity id of its metadata.
    pub entity_id: &'a str,
    /// Its signing certificate (PEM).
    pub certificate_pem: &'a str,
}

fn invalid(message: impl Into<String>) -> StsError {
    StsError::new(ErrorCode::InvalidIdentityToken, message)
}

/// The answer to a response that is not a well-formed SAML response. fidelity: inferred wording.
pub const INVALID_RESPONSE: &str = "Invalid SAML response: not a base64-encoded XML document";
/// The answer to a signature that does not verify (observed after certificate rollovers).
pub const SIGNATURE_INVALID: &str = "Response signature invalid";

struct Reader<'d, 'a> {
    doc: &'d Document<'a>,
}

impl Reader<'_, '_> {
    fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.doc.element(id).is_some_and(|e| e.name.local_name == local && e.name.namespace_uri.as_deref() == Some(ns))
    }

    fn children(&self, id: NodeId, ns: &str, local: &str) -> Vec<NodeId> {
        self.doc.children(id).into_iter().filter(|c| self.is(*c, ns, local)).collect()
    }

    /// The only child called `local`; none or several is an error.
    fn only(&self, id: NodeId, ns: &str, local: &str) -> Result<NodeId, StsError> {
        match self.children(id, ns, local).as_slice() {
            [one] => Ok(*one),
            [] => Err(invalid(format!("Invalid SAML response: missing {local}."))),
            _ => Err(invalid(format!("Invalid SAML response: more than one {local}."))),
        }
    }

    fn text(&self, id: NodeId) -> String {
        self.doc.text_content_deep(id).trim().to_owned()
    }

    fn attr(&self, id: NodeId, name: &str) -> Option<String> {
        self.doc.get_attribute(id, name).map(str::to_owned)
    }
}

fn time_attr(r: &Reader<'_, '_>, id: NodeId, name: &str) -> Result<Option<OffsetDateTime>, StsError> {
    r.attr(id, name)
        .map(|t| OffsetDateTime::parse(&t, &Rfc3339).map_err(|_| invalid(format!("Invalid SAML response: {name} is not a timestamp."))))
        .transpose()
}

/// The entity id and signing certificate (PEM) of an IdP's SAML metadata document, as IAM's
/// CreateSAMLProvider reads it; `None` when the document is not metadata with both.
///
/// ```
/// let metadata = r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
///   <md:IDPSSODescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
///   <ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor>
/// </md:EntityDescriptor>"#;
/// let (entity, pem) = sts_model::saml::parse_metadata(metadata).unwrap();
/// assert_eq!(entity, "https://idp.example.com/saml");
/// assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\nMIIB\n"));
/// assert!(sts_model::saml::parse_metadata("<x/>").is_none());
/// ```
pub fn parse_metadata(xml: &str) -> Option<(String, String)> {
    let doc = uppsala::Parser::new().with_forbid_dtd(true).parse(xml).ok()?;
    let root = doc.document_element()?;
    let element = doc.element(root)?;
    if element.name.local_name != "EntityDescriptor" {
        return None;
    }
    let entity_id = doc.get_attribute(root, "entityID")?.to_owned();
    // The first certificate under a signing (or unqualified) key descriptor, depth first.
    let mut stack = vec![root];
    let mut certificate = None;
    while let Some(id) = stack.pop() {
        let Some(e) = doc.element(id) else { continue };
        if e.name.local_name == "KeyDescriptor" && doc.get_attribute(id, "use").is_some_and(|u| u != "signing") {
            continue;
        }
        if e.name.local_name == "X509Certificate" {
            certificate = Some(doc.text_content_deep(id).chars().filter(|c| !c.is_whitespace()).collect::<String>());
            break;
        }
        let mut children = doc.children(id);
        children.reverse();
        stack.extend(children);
    }
    let body = certificate.filter(|c| !c.is_empty())?;
    let wrapped: Vec<String> = body.as_bytes().chunks(64).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    Some((entity_id, format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", wrapped.join("\n"))))
}

/// The XML text of a `SAMLAssertion` parameter (base64, whitespace ignored), or
/// `InvalidIdentityToken` when it is not base64 of UTF-8 text.
pub fn decode(saml_assertion: &str) -> Result<String, StsError> {
    let compact: String = saml_assertion.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(compact).map_err(|_| invalid(INVALID_RESPONSE))?;
    String::from_utf8(bytes).map_err(|_| invalid(INVALID_RESPONSE))
}

/// Decodes and verifies a `SAMLAssertion` for `role_arn` and `provider` at `now`.
pub fn verify(saml_assertion: &str, role_arn: &str, provider: Provider<'_>, now: OffsetDateTime) -> Result<VerifiedAssertion, StsError> {
    verify_xml(&decode(saml_assertion)?, role_arn, provider, now)
}

/// Verifies a decoded SAML response (see [`decode`]).
pub fn verify_xml(xml: &str, role_arn: &str, provider: Provider<'_>, now: OffsetDateTime) -> Result<VerifiedAssertion, StsError> {
    // No DTDs: entity tricks and external references have no place in a SAML response.
    let doc = uppsala::Parser::new().with_forbid_dtd(true).parse(xml).map_err(|_| invalid(INVALID_RESPONSE))?;
    let r = Reader { doc: &doc };
    let response = doc.document_element().filter(|id| r.is(*id, PROTOCOL, "Response")).ok_or_else(|| invalid(INVALID_RESPONSE))?;

    // The IdP's own verdict first: a non-Success status is its refusal. fidelity: inferred.
    let status = r.only(response, PROTOCOL, "Status")?;
    let code = r.only(status, PROTOCOL, "StatusCode")?;
    let code = r.attr(code, "Value").unwrap_or_default();
    if code != SUCCESS {
        return Err(StsError::new(
            ErrorCode::IDPRejectedClaim,
            format!("The identity provider did not authenticate the user (StatusCode {code})."),
        ));
    }
    if !r.children(response, ASSERTION, "EncryptedAssertion").is_empty() {
        // Encrypted assertions need the provider's private key, which the mock's providers lack.
        return Err(invalid("Encrypted SAML assertions are not accepted for this provider."));
    }
    // Exactly one Assertion, and it is the one we read and the one the signature must cover.
    let assertion = r.only(response, ASSERTION, "Assertion")?;

    let key = crate::xmldsig::PublicKey::from_certificate_pem(provider.certificate_pem).ok_or_else(|| invalid(SIGNATURE_INVALID))?;
    let covered = crate::xmldsig::verify_enveloped(&doc, &key).map_err(|_| invalid(SIGNATURE_INVALID))?;
    if !(covered.contains(&assertion) || covered.contains(&response)) {
        return Err(invalid(SIGNATURE_INVALID));
    }

    let issuer_node = r.only(assertion, ASSERTION, "Issuer")?;
    let issuer = r.text(issuer_node);
    if issuer != provider.entity_id {
        return Err(invalid("Issuer not present in specified provider"));
    }
    let subject = r.only(assertion, ASSERTION, "Subject")?;
    let name_id = r.only(subject, ASSERTION, "NameID")?;
    let name_id_text = r.text(name_id);
    let format =
        r.attr(name_id, "Format").filter(|f| !f.is_empty()).ok_or_else(|| invalid("Invalid SAML response: NameID has no Format."))?;
    let confirmation = r.only(subject, ASSERTION, "SubjectConfirmation")?;
    let data = r.only(confirmation, ASSERTION, "SubjectConfirmationData")?;
    let recipient = r.attr(data, "Recipient").ok_or_else(|| invalid("Invalid SAML response: SubjectConfirmationData has no Recipient."))?;
    let not_on_or_after = time_attr(&r, data, "NotOnOrAfter")?
        .ok_or_else(|| invalid("Invalid SAML response: SubjectConfirmationData has no NotOnOrAfter."))?;
    if !recipient_accepted(&recipient) {
        return Err(invalid(format!("Invalid SAML response: Recipient {recipient} is not an AWS sign-in endpoint.")));
    }
    let conditions = r.only(assertion, ASSERTION, "Conditions")?;
    let audiences: Vec<String> = r
        .children(conditions, ASSERTION, "AudienceRestriction")
        .into_iter()
        .flat_map(|ar| r.children(ar, ASSERTION, "Audience"))
        .map(|a| r.text(a))
        .collect();
    if !audiences.iter().any(|a| AWS_AUDIENCES.contains(&a.as_str())) {
        return Err(invalid("Response does not contain the required audience"));
    }
    // Time: NotOnOrAfter passed, or issued more than five minutes ago (observed wording for the latter).
    if now >= not_on_or_after {
        // Observed (2022, saml2aws): ExpiredTokenException "Response has expired".
        return Err(StsError::new(ErrorCode::ExpiredTokenException, "Response has expired"));
    }
    let issued =
        time_attr(&r, assertion, "IssueInstant")?.ok_or_else(|| invalid("Invalid SAML response: the Assertion has no IssueInstant."))?;
    if now - issued > REDEEM_WITHIN {
        return Err(StsError::new(ErrorCode::ExpiredTokenException, "Token must be redeemed within 5 minutes of issuance"));
    }

    let attributes: Vec<(String, Vec<String>)> = r
        .children(assertion, ASSERTION, "AttributeStatement")
        .into_iter()
        .flat_map(|s| r.children(s, ASSERTION, "Attribute"))
        .map(|a| {
            (r.attr(a, "Name").unwrap_or_default(), r.children(a, ASSERTION, "AttributeValue").into_iter().map(|v| r.text(v)).collect())
        })
        .collect();
    let values = |name: &str| {
        attributes.iter().filter(|(n, _)| n == &format!("{ATTRIBUTE_PREFIX}{name}")).flat_map(|(_, v)| v.clone()).collect::<Vec<_>>()
    };

    let roles = values("Role");
    if roles.is_empty() {
        return Err(invalid("Invalid SAML response: no https://aws.amazon.com/SAML/Attributes/Role attribute."));
    }
    // Each value is a pair, in either order (AWS's own ADFS rules emit provider first).
    let pair_matches = |v: &String| {
        let parts: Vec<&str> = v.split(',').map(str::trim).collect();
        matches!(parts.as_slice(), [a, b] if (*a == role_arn && *b == provider.arn) || (*b == role_arn && *a == provider.arn))
    };
    if !roles.iter().any(pair_matches) {
        // The assertion does not grant this role through this provider. fidelity: inferred.
        return Err(StsError::new(ErrorCode::AccessDenied, "Not authorized to perform sts:AssumeRoleWithSAML"));
    }
    let session_name = match values("RoleSessionName").as_slice() {
        [] => return Err(invalid("RoleSessionName is required in AuthnResponse")),
        [one] if crate::principal::valid_session_name(one) => one.clone(),
        _ => return Err(invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")),
    };
    let mut session_limit = None;
    if let [seconds] = values("SessionDuration").as_slice() {
        let s: i64 = seconds
            .parse()
            .ok()
            .filter(|s| (900..=43200).contains(s))
            .ok_or_else(|| invalid("SessionDuration in AuthnResponse must be between 900 and 43200."))?;
        session_limit = Some(now + Duration::seconds(s));
    }
    for statement in r.children(assertion, ASSERTION, "AuthnStatement") {
        if let Some(t) = time_attr(&r, statement, "SessionNotOnOrAfter")? {
            session_limit = Some(session_limit.map_or(t, |l: OffsetDateTime| l.min(t)));
        }
    }
    let tag_prefix = format!("{ATTRIBUTE_PREFIX}PrincipalTag:");
    let mut tags = Vec::new();
    for (name, vals) in &attributes {
        if let Some(key) = name.strip_prefix(&tag_prefix) {
            let [value] = vals.as_slice() else { return Err(invalid(format!("PrincipalTag:{key} must have exactly one value."))) };
            tags.push(Tag::new(key, value.clone()));
        }
    }
    let source_identity = match values("SourceIdentity").as_slice() {
        [] => None,
        [one] if crate::principal::valid_session_name(one) => Some(one.clone()),
        _ => return Err(invalid(r#"Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:""#)),
    };
    let subject_type = format.strip_prefix(NAMEID_PREFIX).map(str::to_owned).unwrap_or(format);
    Ok(VerifiedAssertion {
        issuer,
        subject: name_id_text,
        subject_type,
        recipient,
        session_name,
        session_limit,
        tags,
        transitive_tag_keys: values("TransitiveTagKeys"),
        source_identity,
    })
}
