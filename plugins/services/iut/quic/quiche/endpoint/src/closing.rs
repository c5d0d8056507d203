//! Why a connection ended, in words.

/// How `conn` ended: who closed it with which error, or its idle timeout.
pub fn reason(conn: &quiche::Connection) -> String {
    if let Some(error) = conn.local_error() {
        format!("closed by this endpoint with {}", describe(error))
    } else if let Some(error) = conn.peer_error() {
        format!("closed by the peer with {}", describe(error))
    } else if conn.is_timed_out() {
        "idle timeout: the peer went silent".to_owned()
    } else {
        "closed".to_owned()
    }
}

/// A CONNECTION_CLOSE's error: a TLS alert (crypto errors 0x100-0x1ff carry one), a
/// transport error or an application error, with its reason phrase.
fn describe(error: &quiche::ConnectionError) -> String {
    let code = error.error_code;
    let what = match (error.is_app, code) {
        (false, 0x100..=0x1ff) => {
            let alert = code - 0x100;
            format!("TLS alert {alert}{}", alert_name(alert))
        }
        (false, _) => format!("transport error {code:#x}"),
        (true, _) => format!("application error {code:#x}"),
    };
    if error.reason.is_empty() {
        what
    } else {
        format!("{what} `{}`", String::from_utf8_lossy(&error.reason))
    }
}

/// The name of the TLS alerts a failed handshake usually ends with.
fn alert_name(alert: u64) -> &'static str {
    match alert {
        40 => " (handshake failure)",
        42 => " (bad certificate)",
        46 => " (certificate unknown)",
        48 => " (unknown CA: the certificate was not verified)",
        80 => " (internal error)",
        120 => " (no application protocol)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypto_errors_read_as_tls_alerts() {
        let error = quiche::ConnectionError {
            is_app: false,
            error_code: 0x130,
            reason: Vec::new(),
        };
        assert_eq!(
            describe(&error),
            "TLS alert 48 (unknown CA: the certificate was not verified)"
        );
        let error = quiche::ConnectionError {
            is_app: true,
            error_code: 0x100,
            reason: b"bye".to_vec(),
        };
        assert_eq!(describe(&error), "application error 0x100 `bye`");
    }
}
