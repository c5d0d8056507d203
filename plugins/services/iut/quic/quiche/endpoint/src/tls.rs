//! The TLS half of quiche's configurations (BoringSSL): the server's identity, the
//! client's trust in CERTS/ca.pem and in the server's name, the offered ALPN and
//! cipher suites, early data and key logging.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use boring::ssl::{SslContextBuilder, SslMethod};

use panther_interop_endpoint::server_name::ServerName;
use panther_interop_endpoint::test_case::{ALPN_H3, ALPN_HQ};

/// The TLS 1.3 cipher suite TLS_CHACHA20_POLY1305_SHA256.
const CHACHA20_POLY1305_SHA256: u16 = 0x1303;

/// The server's configuration: the chain of `certs/cert.pem` with the key of
/// `certs/priv.key`, both ALPNs accepted, 0-RTT accepted, keys logged for the
/// connections given a key log.
pub fn server(certs: &Path) -> Result<quiche::Config> {
    let mut config = quiche::Config::new(quiche::PROTOCOL_VERSION)?;
    let cert = certs.join("cert.pem");
    config
        .load_cert_chain_from_pem_file(path_str(&cert)?)
        .with_context(|| format!("reading {}", cert.display()))?;
    let key = certs.join("priv.key");
    config
        .load_priv_key_from_pem_file(path_str(&key)?)
        .with_context(|| format!("reading {}", key.display()))?;
    config.set_application_protos(&[ALPN_HQ, ALPN_H3])?;
    config.enable_early_data();
    config.log_keys();
    Ok(config)
}

/// The client's configuration: server certificates verified against `ca_pem` and, for
/// an IP address, that address (quiche checks a DNS name itself), `alpn` offered,
/// early data enabled, keys logged, and, if `chacha20_only`,
/// TLS_CHACHA20_POLY1305_SHA256 as the only TLS 1.3 cipher suite offered.
pub fn client(
    ca_pem: &Path,
    server: &ServerName,
    alpn: &[u8],
    chacha20_only: bool,
) -> Result<quiche::Config> {
    let mut context = SslContextBuilder::new(SslMethod::tls())?;
    if let ServerName::Ip(ip) = server {
        context
            .cert_store_mut()
            .verify_param_mut()
            .set_ip(*ip)
            .context("setting the server's IP address to verify")?;
    }
    if chacha20_only {
        offer_only(&mut context, &[CHACHA20_POLY1305_SHA256])?;
    }
    let mut config =
        quiche::Config::with_boring_ssl_ctx_builder(quiche::PROTOCOL_VERSION, context)?;
    config
        .load_verify_locations_from_file(path_str(ca_pem)?)
        .with_context(|| format!("reading {}", ca_pem.display()))?;
    config.verify_peer(true);
    config.set_application_protos(&[alpn])?;
    config.enable_early_data();
    config.log_keys();
    Ok(config)
}

/// Restricts the TLS 1.3 cipher suites `context` offers to `suites` (IANA numbers),
/// which neither quiche nor the boring crate wraps.
fn offer_only(context: &mut SslContextBuilder, suites: &[u16]) -> Result<()> {
    // SAFETY: the context pointer is valid for the builder's lifetime, `suites`
    // holds `suites.len()` elements, and a null `flags` is allowed.
    let done = unsafe {
        boring_sys::SSL_CTX_set1_tls13_ciphers(
            context.as_ptr(),
            suites.as_ptr(),
            std::ptr::null(),
            suites.len(),
        )
    };
    if done != 1 {
        bail!("BoringSSL refused the TLS 1.3 cipher suites {suites:x?}");
    }
    Ok(())
}

/// A path as the `&str` quiche's file loaders take.
fn path_str(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow!("{} is not UTF-8", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boringssl_takes_chacha20_alone_and_refuses_a_non_tls13_suite() {
        let mut context = SslContextBuilder::new(SslMethod::tls()).unwrap();
        offer_only(&mut context, &[CHACHA20_POLY1305_SHA256]).unwrap();
        // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 is a TLS 1.2 suite.
        assert!(offer_only(&mut context, &[0xc02f]).is_err());
    }
}
