//! Enveloped XML signatures as SAML uses them: a `ds:Signature` inside the element it signs, one
//! `Reference` to that element's `ID`, the enveloped-signature transform, then canonicalization.
//!
//! The SAML profile allows only this shape, and checking only this shape is what defeats signature
//! wrapping: a signature counts for its parent element, whatever its `Reference` names elsewhere.
//! Canonicalization (exclusive and inclusive C14N) is bergshamra's, the hashes and RSA/ECDSA are
//! ring's (the one RSA implementation of the crate). What is ours is reading the `SignedInfo` and
//! the key of an X.509 certificate.
//!
//! [`sign_enveloped`] fills a template's `DigestValue` and `SignatureValue` byte for byte as the
//! XML-DSig library it replaced did (the signed assertions of the golden files did not change),
//! and an independent implementation (bergshamra-dsig, a dev-dependency) verifies its output in
//! the tests.

use base64::Engine as _;
use bergshamra_c14n::C14nMode;
use bergshamra_xml::NodeSet;
use ring::digest;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use uppsala::{Document, NodeId};

/// The XML-DSig namespace.
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// More signatures than this in one document are refused before any is checked: each costs a
/// canonicalization of what it covers, and a SAML response carries one or two.
pub const MAX_SIGNATURES: usize = 4;

/// Why a signature does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Invalid {}

fn is_dsig(doc: &Document<'_>, id: NodeId, local: &str) -> bool {
    doc.element(id).is_some_and(|e| e.name.local_name == local && e.name.namespace_uri.as_deref() == Some(DSIG))
}

fn only_child(doc: &Document<'_>, id: NodeId, local: &str) -> Result<NodeId, Invalid> {
    let mut found = doc.children(id).into_iter().filter(|c| is_dsig(doc, *c, local));
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        _ => Err(Invalid("a SignedInfo part is missing or repeated")),
    }
}

fn algorithm<'d>(doc: &'d Document<'_>, id: NodeId) -> &'d str {
    doc.get_attribute(id, "Algorithm").unwrap_or_default()
}

/// Every element of the document, in document order.
fn elements(doc: &Document<'_>) -> Vec<NodeId> {
    doc.descendants(doc.root()).into_iter().filter(|id| doc.element(*id).is_some()).collect()
}

/// A canonicalization step: the mode and, for exclusive C14N, its InclusiveNamespaces prefixes.
struct Canonicalization {
    mode: C14nMode,
    prefixes: Vec<String>,
}

impl Canonicalization {
    /// Inclusive C14N 1.0, which XML-DSig applies when a node set becomes octets and no
    /// canonicalization is named.
    fn node_set_default() -> Canonicalization {
        Canonicalization { mode: C14nMode::Inclusive, prefixes: Vec::new() }
    }

    /// Reads a `CanonicalizationMethod` or `Transform` element naming a C14N algorithm.
    fn read(doc: &Document<'_>, id: NodeId) -> Option<Canonicalization> {
        let mode = C14nMode::from_uri(algorithm(doc, id))?;
        let prefixes = doc
            .children(id)
            .into_iter()
            .filter(|c| doc.element(*c).is_some_and(|e| e.name.local_name == "InclusiveNamespaces"))
            .filter_map(|c| doc.get_attribute(c, "PrefixList"))
            .flat_map(|list| list.split_ascii_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        Some(Canonicalization { mode, prefixes })
    }

    fn apply(&self, doc: &Document<'_>, nodes: &NodeSet) -> Result<Vec<u8>, Invalid> {
        bergshamra_c14n::canonicalize_doc(doc, self.mode, Some(nodes), &self.prefixes).map_err(|_| Invalid("canonicalization failed"))
    }
}

/// The nodes an enveloped signature covers: its parent's subtree without comments, less the
/// signature itself.
fn enveloped_nodes(doc: &Document<'_>, parent: NodeId, signature: NodeId) -> NodeSet {
    let mut nodes = NodeSet::tree_without_comments(parent, doc);
    let mut stack = vec![signature];
    while let Some(id) = stack.pop() {
        nodes.remove_id(id);
        stack.extend(doc.children(id));
    }
    nodes
}

fn digest_algorithm(uri: &str) -> Option<&'static digest::Algorithm> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        SHA256 => Some(&digest::SHA256),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Some(&digest::SHA384),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Some(&digest::SHA512),
        _ => None,
    }
}

/// The public key of a certificate: its algorithm and the bytes ring verifies with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An RSA key (PKCS#1 `RSAPublicKey` DER).
    Rsa(Vec<u8>),
    /// A P-256 key (uncompressed point).
    P256(Vec<u8>),
    /// A P-384 key (uncompressed point).
    P384(Vec<u8>),
}

/// One DER element: its tag, its content, and what follows it.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81..=0x84 => {
            let (bytes, rest) = rest.split_at_checked(usize::from(first & 0x7f))?;
            (bytes.iter().fold(0usize, |n, b| (n << 8) | usize::from(*b)), rest)
        }
        _ => return None,
    };
    let (content, rest) = rest.split_at_checked(length)?;
    Some((tag, content, rest))
}

const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];

impl PublicKey {
    /// The subject public key of an X.509 certificate in PEM (the first `CERTIFICATE` block).
    ///
    /// ```
    /// use sts_model::xmldsig::PublicKey;
    /// let key = PublicKey::from_certificate_pem(sts_model::saml::TEST_CERTIFICATE).unwrap();
    /// assert!(matches!(key, PublicKey::Rsa(der) if der.len() == 270)); // 2048-bit modulus, e = 65537
    /// assert_eq!(PublicKey::from_certificate_pem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"), None);
    /// ```
    pub fn from_certificate_pem(pem: &str) -> Option<PublicKey> {
        PublicKey::from_certificate_der(&crate::jose::pem_der(pem, "CERTIFICATE")?)
    }

    /// The subject public key of a DER X.509 certificate: Certificate → TBSCertificate →
    /// (version, serial, signature, issuer, validity, subject) → SubjectPublicKeyInfo.
    pub fn from_certificate_der(der: &[u8]) -> Option<PublicKey> {
        let (0x30, certificate, _) = der_element(der)? else { return None };
        let (0x30, mut tbs, _) = der_element(certificate)? else { return None };
        if tbs.first() == Some(&0xa0) {
            tbs = der_element(tbs)?.2;
        }
        for expected in [0x02, 0x30, 0x30, 0x30, 0x30] {
            let (tag, _, rest) = der_element(tbs)?;
            if tag != expected {
                return None;
            }
            tbs = rest;
        }
        let (0x30, spki, _) = der_element(tbs)? else { return None };
        let (0x30, algorithm, rest) = der_element(spki)? else { return None };
        let (0x03, bits, _) = der_element(rest)? else { return None };
        // A BIT STRING's first byte counts unused bits: a key has none.
        let (0, key) = bits.split_first()? else { return None };
        let (0x06, oid, parameters) = der_element(algorithm)? else { return None };
        match oid {
            RSA_ENCRYPTION => Some(PublicKey::Rsa(key.to_vec())),
            EC_PUBLIC_KEY => match der_element(parameters)? {
                (0x06, P256, _) => Some(PublicKey::P256(key.to_vec())),
                (0x06, P384, _) => Some(PublicKey::P384(key.to_vec())),
                _ => None,
            },
            _ => None,
        }
    }

    fn verify(&self, method: &str, message: &[u8], signature: &[u8]) -> bool {
        let algorithm: &'static dyn signature::VerificationAlgorithm = match (self, method) {
            (PublicKey::Rsa(_), "http://www.w3.org/2000/09/xmldsig#rsa-sha1") => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            (PublicKey::Rsa(_), RSA_SHA256) => &signature::RSA_PKCS1_2048_8192_SHA256,
            (PublicKey::Rsa(_), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384") => &signature::RSA_PKCS1_2048_8192_SHA384,
            (PublicKey::Rsa(_), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512") => &signature::RSA_PKCS1_2048_8192_SHA512,
            (PublicKey::P256(_), "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256") => &signature::ECDSA_P256_SHA256_FIXED,
            (PublicKey::P384(_), "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384") => &signature::ECDSA_P384_SHA384_FIXED,
            _ => return false,
        };
        let (PublicKey::Rsa(key) | PublicKey::P256(key) | PublicKey::P384(key)) = self;
        UnparsedPublicKey::new(algorithm, key).verify(message, signature).is_ok()
    }
}

fn base64_text(doc: &Document<'_>, id: NodeId) -> Result<Vec<u8>, Invalid> {
    // Base64 in XML may wrap lines; the whitespace carries nothing.
    let compact: String = doc.text_content_deep(id).chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|_| Invalid("a value is not base64"))
}

/// Checks one enveloped signature and returns the element it covers (its parent).
fn verify_one(doc: &Document<'_>, signature: NodeId, key: &PublicKey) -> Result<NodeId, Invalid> {
    let parent = doc.parent(signature).filter(|p| doc.element(*p).is_some()).ok_or(Invalid("a signature outside an element"))?;
    let signed_info = only_child(doc, signature, "SignedInfo")?;
    let c14n_method = only_child(doc, signed_info, "CanonicalizationMethod")?;
    let signed_info_c14n = Canonicalization::read(doc, c14n_method).ok_or(Invalid("an unknown canonicalization"))?;
    let method = algorithm(doc, only_child(doc, signed_info, "SignatureMethod")?);
    let reference = only_child(doc, signed_info, "Reference")?;

    // The reference names the parent, by its ID.
    let parent_id = doc.get_attribute(parent, "ID").ok_or(Invalid("the signed element has no ID"))?;
    if doc.get_attribute(reference, "URI").and_then(|u| u.strip_prefix('#')) != Some(parent_id) {
        return Err(Invalid("the reference is not the signature's parent"));
    }
    // Transforms: the enveloped-signature transform, then at most one canonicalization.
    let mut canonicalization = None;
    let mut enveloped = false;
    if let Some(transforms) = doc.children(reference).into_iter().find(|c| is_dsig(doc, *c, "Transforms")) {
        for transform in doc.children(transforms).into_iter().filter(|c| is_dsig(doc, *c, "Transform")) {
            match algorithm(doc, transform) {
                ENVELOPED if !enveloped && canonicalization.is_none() => enveloped = true,
                _ if canonicalization.is_none() => {
                    canonicalization = Some(Canonicalization::read(doc, transform).ok_or(Invalid("an unknown transform"))?);
                }
                _ => return Err(Invalid("an unexpected transform")),
            }
        }
    }
    if !enveloped {
        return Err(Invalid("the signature is not enveloped"));
    }
    let canonicalization = canonicalization.unwrap_or_else(Canonicalization::node_set_default);
    let digest_method =
        digest_algorithm(algorithm(doc, only_child(doc, reference, "DigestMethod")?)).ok_or(Invalid("an unknown digest"))?;
    let expected = base64_text(doc, only_child(doc, reference, "DigestValue")?)?;
    let covered = canonicalization.apply(doc, &enveloped_nodes(doc, parent, signature))?;
    if digest::digest(digest_method, &covered).as_ref() != expected.as_slice() {
        return Err(Invalid("the digest does not match"));
    }

    let signature_value = base64_text(doc, only_child(doc, signature, "SignatureValue")?)?;
    let signed = signed_info_c14n.apply(doc, &NodeSet::tree_without_comments(signed_info, doc))?;
    if !key.verify(method, &signed, &signature_value) {
        return Err(Invalid("the signature does not verify"));
    }
    Ok(parent)
}

/// Verifies every signature of `doc` with `key` and returns the elements they cover. Any signature
/// that does not verify, more than [`MAX_SIGNATURES`], or two elements with one `ID` fail the whole
/// document.
pub fn verify_enveloped(doc: &Document<'_>, key: &PublicKey) -> Result<Vec<NodeId>, Invalid> {
    let elements = elements(doc);
    let mut ids: Vec<&str> = elements.iter().filter_map(|e| doc.get_attribute(*e, "ID")).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(Invalid("two elements share an ID"));
    }
    let signatures: Vec<NodeId> = elements.into_iter().filter(|e| is_dsig(doc, *e, "Signature")).collect();
    if signatures.len() > MAX_SIGNATURES {
        return Err(Invalid("too many signatures"));
    }
    signatures.into_iter().map(|signature| verify_one(doc, signature, key)).collect()
}

fn unsigned_signature(doc: &Document<'_>) -> Option<NodeId> {
    elements(doc).into_iter().find(|s| {
        is_dsig(doc, *s, "Signature") && only_child(doc, *s, "SignatureValue").is_ok_and(|v| doc.text_content_deep(v).trim().is_empty())
    })
}

fn parse(xml: &str) -> Result<Document<'_>, Invalid> {
    uppsala::Parser::new().with_forbid_dtd(true).parse(xml).map_err(|_| Invalid("the template is not XML"))
}

/// Puts `value` into the first empty `<prefix:local></prefix:local>` (or `<prefix:local/>`) of `xml`.
fn fill_first_empty(xml: &str, local: &str, value: &str) -> Result<String, Invalid> {
    let mut from = 0;
    while let Some(found) = xml[from..].find(local) {
        let at = from + found;
        from = at + local.len();
        // The qualified name runs from the '<' before it.
        let Some(open) = xml[..at].rfind('<') else { continue };
        let qualified = &xml[open + 1..at + local.len()];
        if qualified.starts_with('/') || qualified.contains(|c: char| c.is_whitespace() || c == '>') {
            continue;
        }
        let after = &xml[at + local.len()..];
        if let Some(rest) = after.strip_prefix("/>") {
            return Ok(format!("{}<{qualified}>{value}</{qualified}>{rest}", &xml[..open]));
        }
        if after.strip_prefix('>').is_some_and(|rest| rest.starts_with(&format!("</{qualified}>"))) {
            let insert = at + local.len() + 1;
            return Ok(format!("{}{value}{}", &xml[..insert], &xml[insert..]));
        }
    }
    Err(Invalid("the template has no empty value to fill"))
}

/// Signs a template: every `ds:Signature` with an empty `DigestValue` and `SignatureValue` is
/// filled in, in document order, with a SHA-256 digest over its parent (after the template's
/// transforms) and an RSA-SHA256 signature of its canonical `SignedInfo`.
pub fn sign_enveloped(template: &str, key: &RsaKeyPair) -> Result<String, Invalid> {
    let mut xml = template.to_owned();
    loop {
        // Each pass re-reads the document, so later references see earlier digests.
        let doc = parse(&xml)?;
        let Some(signature) = unsigned_signature(&doc) else { return Ok(xml) };
        let parent = doc.parent(signature).ok_or(Invalid("a signature outside an element"))?;
        let reference = only_child(&doc, only_child(&doc, signature, "SignedInfo")?, "Reference")?;
        let canonicalization = doc
            .children(reference)
            .into_iter()
            .filter(|c| is_dsig(&doc, *c, "Transforms"))
            .flat_map(|t| doc.children(t))
            .find_map(|t| Canonicalization::read(&doc, t))
            .unwrap_or_else(Canonicalization::node_set_default);
        let covered = canonicalization.apply(&doc, &enveloped_nodes(&doc, parent, signature))?;
        let digest_value = base64::engine::general_purpose::STANDARD.encode(digest::digest(&digest::SHA256, &covered));
        xml = fill_first_empty(&xml, "DigestValue", &digest_value)?;

        // The same signature, now with its digest: sign its canonical SignedInfo.
        let doc = parse(&xml)?;
        let signed_info = only_child(&doc, unsigned_signature(&doc).ok_or(Invalid("the signature moved"))?, "SignedInfo")?;
        let c14n = Canonicalization::read(&doc, only_child(&doc, signed_info, "CanonicalizationMethod")?)
            .ok_or(Invalid("an unknown canonicalization"))?;
        let signed = c14n.apply(&doc, &NodeSet::tree_without_comments(signed_info, &doc))?;
        let mut value = vec![0; key.public().modulus_len()];
        key.sign(&signature::RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), &signed, &mut value)
            .map_err(|_| Invalid("RSA signing failed"))?;
        xml = fill_first_empty(&xml, "SignatureValue", &base64::engine::general_purpose::STANDARD.encode(value))?;
    }
}
