//! HTTP/0.9 over QUIC (ALPN `hq-interop`): `GET /path\r\n` on a bidirectional stream,
//! answered with the raw file bytes.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use quinn::{Connection, ConnectionError, RecvStream, SendStream, VarInt};
use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufReader};
use tracing::{debug, warn};
use url::Url;

use crate::paths;

/// Longest request the server reads.
const MAX_REQUEST: usize = 8 * 1024;
/// Size of the reads from a served file.
const CHUNK: usize = 64 * 1024;

/// Serves the files of `www` on every bidirectional stream of `conn` until the connection
/// ends; an end by the peer's or our own application close is not an error.
pub async fn serve(conn: Connection, www: Arc<Path>) -> Result<()> {
    loop {
        let (send, recv) = match conn.accept_bi().await {
            Ok(streams) => streams,
            Err(ConnectionError::ApplicationClosed(_) | ConnectionError::LocallyClosed) => {
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        let www = www.clone();
        tokio::spawn(async move {
            if let Err(e) = answer(send, recv, &www).await {
                warn!("hq request failed: {e:#}");
            }
        });
    }
}

/// Answers the request read from `recv` with the file's bytes on `send`, or resets `send`.
async fn answer(mut send: SendStream, recv: RecvStream, www: &Path) -> Result<()> {
    let file = match open_requested(recv, www).await {
        Ok(file) => file,
        Err(e) => {
            // HTTP/0.9 has no status: a reset stream is the only way to say "no".
            send.reset(VarInt::from_u32(0)).ok();
            return Err(e);
        }
    };
    tokio::io::copy_buf(&mut BufReader::with_capacity(CHUNK, file), &mut send)
        .await
        .context("sending the file")?;
    send.finish().context("finishing the stream")?;
    Ok(())
}

async fn open_requested(mut recv: RecvStream, www: &Path) -> Result<File> {
    let request = recv
        .read_to_end(MAX_REQUEST)
        .await
        .context("reading the request")?;
    let path = parse_request(&request)?;
    debug!("GET {path}");
    let file = paths::served_file(www, path)?;
    File::open(&file)
        .await
        .with_context(|| format!("opening {}", file.display()))
}

/// The path of a `GET /path\r\n` request (the line end is optional).
fn parse_request(request: &[u8]) -> Result<&str> {
    let Ok(line) = std::str::from_utf8(request) else {
        bail!("request is not UTF-8");
    };
    let line = line.trim_end_matches(['\r', '\n']);
    match line.strip_prefix("GET ") {
        Some(path) if !path.contains(char::is_whitespace) => Ok(path),
        _ => bail!("malformed request `{}`", line.escape_debug()),
    }
}

/// Downloads `url` on a new stream of `conn` into `dest`, calling `on_first_data` once
/// when the first response bytes arrive; returns the number of bytes received.
pub async fn fetch(
    conn: &Connection,
    url: &Url,
    dest: &Path,
    on_first_data: impl FnOnce(),
) -> Result<u64> {
    let (mut send, mut recv) = conn.open_bi().await.context("opening a stream")?;
    send.write_all(format!("GET {}\r\n", url.path()).as_bytes())
        .await
        .context("sending the request")?;
    send.finish().context("finishing the request")?;
    let mut file = File::create(dest)
        .await
        .with_context(|| format!("creating {}", dest.display()))?;
    let mut on_first_data = Some(on_first_data);
    let mut received = 0;
    while let Some(chunk) = recv
        .read_chunk(usize::MAX, true)
        .await
        .context("receiving the response")?
    {
        if let Some(hook) = on_first_data.take() {
            hook();
        }
        file.write_all(&chunk.bytes)
            .await
            .with_context(|| format!("writing {}", dest.display()))?;
        received += chunk.bytes.len() as u64;
    }
    file.flush()
        .await
        .with_context(|| format!("writing {}", dest.display()))?;
    Ok(received)
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
}
