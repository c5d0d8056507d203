//! The run's certificate authority, made with rcgen when a service first asks for TLS
//! files, and the certificates it signs for each service's address.

use std::net::IpAddr;
use std::sync::OnceLock;

use panther_plugin_api::model::TlsFiles;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};

/// A certificate authority that lives as long as the run.
pub struct Authority {
    certificate_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    fn new() -> Result<Self, rcgen::Error> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "panther-host run CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate()?;
        let certificate = params.self_signed(&key)?;
        Ok(Self {
            certificate_pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The authority of this run, made on first use.
    pub fn of_run() -> Result<&'static Self, String> {
        static AUTHORITY: OnceLock<Result<Authority, String>> = OnceLock::new();
        AUTHORITY
            .get_or_init(|| {
                Self::new().map_err(|e| format!("cannot make the run's certificate authority: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Writes the CA, and a certificate and key for `host` (an IP address or a name,
    /// with `localhost` added), into the service's TLS files.
    pub fn write(&self, host: &str, files: &TlsFiles) -> Result<(), String> {
        let mut names = vec![SanType::DnsName(
            "localhost".try_into().map_err(|e| format!("{e}"))?,
        )];
        match host.trim_matches(['[', ']']).parse::<IpAddr>() {
            Ok(ip) => names.push(SanType::IpAddress(ip)),
            Err(_) if host != "localhost" => names.push(SanType::DnsName(
                host.to_owned()
                    .try_into()
                    .map_err(|e| format!("`{host}` is not a host name: {e}"))?,
            )),
            Err(_) => {}
        }
        let mut params = CertificateParams::default();
        params.subject_alt_names = names;
        params.distinguished_name.push(DnType::CommonName, host);
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let certificate = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| format!("cannot sign a certificate for {host}: {e}"))?;
        let write = |path: &std::path::Path, text: &str| {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        std::fs::create_dir_all(&files.directory)
            .map_err(|e| format!("cannot create {}: {e}", files.directory.display()))?;
        write(&files.ca, &self.certificate_pem)?;
        write(&files.certificate, &certificate.pem())?;
        write(&files.key, &key.serialize_pem())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_gets_a_certificate_for_its_address_signed_by_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let files = TlsFiles {
            directory: dir.path().join("certs"),
            ca: dir.path().join("certs/ca.pem"),
            certificate: dir.path().join("certs/cert.pem"),
            key: dir.path().join("certs/priv.key"),
        };
        Authority::of_run()
            .unwrap()
            .write("127.0.0.1", &files)
            .unwrap();
        let certificate = std::fs::read_to_string(&files.certificate).unwrap();
        assert!(certificate.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(
            std::fs::read_to_string(&files.key)
                .unwrap()
                .contains("PRIVATE KEY")
        );
        assert_eq!(
            std::fs::read_to_string(&files.ca).unwrap(),
            Authority::of_run().unwrap().certificate_pem
        );
    }
}
