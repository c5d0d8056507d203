//! TLS 1.3 configurations (rustls with the *ring* provider) for quinn's server and client.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CipherSuite, DigitallySignedStruct, KeyLogFile, RootCertStore, SignatureScheme};
use tracing::info;

use panther_interop_endpoint::test_case::{ALPN_H3, ALPN_HQ};

/// The server's TLS configuration: the chain of `certs/cert.pem` with the key of
/// `certs/priv.key`, both ALPNs offered, 0-RTT accepted, keys logged to SSLKEYLOGFILE.
pub fn server(certs: &Path) -> Result<QuicServerConfig> {
    let cert_path = certs.join("cert.pem");
    let chain = CertificateDer::pem_file_iter(&cert_path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("reading {}", cert_path.display()))?;
    let key_path = certs.join("priv.key");
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .with_context(|| format!("reading {}", key_path.display()))?;
    let mut config =
        rustls::ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .context("certificate and key do not make a TLS identity")?;
    config.alpn_protocols = vec![ALPN_HQ.to_vec(), ALPN_H3.to_vec()];
    config.max_early_data_size = u32::MAX;
    config.key_log = Arc::new(KeyLogFile::new());
    Ok(QuicServerConfig::try_from(config)?)
}

/// The client's TLS configuration: server certificates verified against `ca_pem`, `alpn`
/// offered, early data enabled, keys logged to SSLKEYLOGFILE, and, if `chacha20_only`,
/// TLS_CHACHA20_POLY1305_SHA256 as the only cipher suite offered.
pub fn client(ca_pem: &Path, alpn: &[u8], chacha20_only: bool) -> Result<QuicClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_pem)
        .with_context(|| format!("reading {}", ca_pem.display()))?
    {
        let cert = cert.with_context(|| format!("reading {}", ca_pem.display()))?;
        roots
            .add(cert)
            .with_context(|| format!("{} holds an unusable CA certificate", ca_pem.display()))?;
    }
    let provider = Arc::new(client_provider(chacha20_only));
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .context("building the certificate verifier")?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LoggingVerifier(webpki)))
        .with_no_client_auth();
    config.alpn_protocols = vec![alpn.to_vec()];
    config.enable_early_data = true;
    config.key_log = Arc::new(KeyLogFile::new());
    // QUIC's Initial packets are always protected with AES-128-GCM, whatever suites TLS offers.
    let initial = ring::cipher_suite::TLS13_AES_128_GCM_SHA256
        .tls13()
        .and_then(|suite| suite.quic_suite())
        .ok_or_else(|| anyhow!("the ring provider lacks TLS13_AES_128_GCM_SHA256"))?;
    Ok(QuicClientConfig::with_initial(Arc::new(config), initial)?)
}

/// The *ring* provider, with TLS_CHACHA20_POLY1305_SHA256 as its only cipher suite if
/// `chacha20_only`.
fn client_provider(chacha20_only: bool) -> CryptoProvider {
    let mut provider = ring::default_provider();
    if chacha20_only {
        provider
            .cipher_suites
            .retain(|suite| suite.suite() == CipherSuite::TLS13_CHACHA20_POLY1305_SHA256);
    }
    provider
}

/// The WebPKI verifier, logging each certificate it accepts (a resumed session shows none).
#[derive(Debug)]
struct LoggingVerifier(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for LoggingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.0.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        info!("server certificate verified for {}", server_name.to_str());
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chacha20_only_offers_one_suite() {
        let suites: Vec<_> = client_provider(true)
            .cipher_suites
            .iter()
            .map(|suite| suite.suite())
            .collect();
        assert_eq!(suites, [CipherSuite::TLS13_CHACHA20_POLY1305_SHA256]);
        assert!(client_provider(false).cipher_suites.len() > 1);
    }
}
