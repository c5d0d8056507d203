//! The request of HTTP/0.9 over QUIC (ALPN `hq-interop`): `GET /path\r\n` on a
//! bidirectional stream, whose response is the raw file bytes.

use anyhow::{Result, bail};
use url::Url;

/// Longest request the server reads.
pub const MAX_REQUEST: usize = 8 * 1024;

/// The request the client sends for `url`: `GET` and its path, then CRLF.
pub fn request_line(url: &Url) -> String {
    format!("GET {}\r\n", url.path())
}

/// The path of a `GET /path\r\n` request (the line end is optional).
pub fn parse_request(request: &[u8]) -> Result<&str> {
    let Ok(line) = std::str::from_utf8(request) else {
        bail!("request is not UTF-8");
    };
    let line = line.trim_end_matches(['\r', '\n']);
    match line.strip_prefix("GET ") {
        Some(path) if !path.contains(char::is_whitespace) => Ok(path),
        _ => bail!("malformed request `{}`", line.escape_debug()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_parsed() {
        assert_eq!(parse_request(b"GET /a.bin\r\n").unwrap(), "/a.bin");
        assert_eq!(parse_request(b"GET /a.bin").unwrap(), "/a.bin");
        assert!(parse_request(b"POST /a\r\n").is_err());
        assert!(parse_request(b"GET /a HTTP/1.1\r\n").is_err());
        assert!(parse_request(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn a_request_names_the_urls_path() {
        let url = Url::parse("https://127.0.0.1:4433/d/a.bin").unwrap();
        assert_eq!(request_line(&url), "GET /d/a.bin\r\n");
        assert_eq!(
            parse_request(request_line(&url).as_bytes()).unwrap(),
            "/d/a.bin"
        );
    }
}
