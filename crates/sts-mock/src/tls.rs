//! HTTPS for the mock: rustls with the `ring` provider, over a certificate generated at start
//! (self-signed, for `localhost` and `127.0.0.1`) or the caller's own PEM files.
//!
//! Clients that insist on HTTPS, and tests of certificate handling, trust the generated
//! certificate as their CA: [`crate::MockSts::ca_pem`], `GET /__sts/ca.pem`, or the file
//! `sts-harness serve --tls` prints.
//!
//! ```no_run
//! # async fn demo() {
//! let sts = sts_mock::MockSts::builder().tls().start().await;
//! assert!(sts.uri().starts_with("https://"));
//! std::fs::write("/tmp/mock-ca.pem", sts.ca_pem().unwrap()).unwrap();
//! # }
//! ```

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Makes rustls over ring the process's default crypto provider, unless one was chosen already.
pub(crate) fn install_default_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread installing one is fine: a provider is then in place.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// A TLS handshake that has not finished by then is abandoned (a client that connects and sends
/// nothing must not hold a task forever).
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The certificate and key the mock serves.
#[derive(Clone)]
pub struct TlsIdentity {
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for TlsIdentity {
    // The private key stays out of logs and panic messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").field("cert_pem", &self.cert_pem).finish_non_exhaustive()
    }
}

impl TlsIdentity {
    /// A fresh self-signed certificate for `localhost` and `127.0.0.1` (ECDSA P-256): clients
    /// trust it as their CA.
    pub fn self_signed() -> Result<TlsIdentity, String> {
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
        let generated = rcgen::generate_simple_self_signed(names).map_err(|e| format!("generating a certificate: {e}"))?;
        Ok(TlsIdentity { cert_pem: generated.cert.pem(), key_pem: generated.signing_key.serialize_pem() })
    }

    /// The caller's certificate chain and private key, both PEM; checked now, so a bad file is an
    /// error at start, not at the first handshake.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<TlsIdentity, String> {
        let identity = TlsIdentity { cert_pem: cert_pem.to_owned(), key_pem: key_pem.to_owned() };
        identity.acceptor()?;
        Ok(identity)
    }

    /// The certificate (chain), PEM: what clients trust.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A rustls acceptor over this identity.
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, String> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(self.cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("the certificate is not PEM: {e}"))?;
        if chain.is_empty() {
            return Err("no certificate in the PEM given".into());
        }
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes()).map_err(|e| format!("the private key is not PEM: {e}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("the certificate and key do not make a TLS identity: {e}"))?;
        // The mock speaks HTTP/1.1 only.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_identity_is_a_certificate_and_a_key_that_belong_together() {
        let identity = TlsIdentity::self_signed().unwrap();
        assert!(identity.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(identity.acceptor().is_ok());
        assert!(!format!("{identity:?}").contains("PRIVATE KEY"), "the key stays out of Debug");
    }

    #[test]
    fn bad_pem_is_refused_with_the_reason() {
        let identity = TlsIdentity::self_signed().unwrap();
        let other = TlsIdentity::self_signed().unwrap();
        assert!(TlsIdentity::from_pem("garbage", &identity.key_pem).unwrap_err().contains("no certificate"));
        assert!(TlsIdentity::from_pem(identity.cert_pem(), "garbage").unwrap_err().contains("private key"));
        // A key that is not the certificate's.
        assert!(TlsIdentity::from_pem(identity.cert_pem(), &other.key_pem).unwrap_err().contains("do not make a TLS identity"));
    }
}
