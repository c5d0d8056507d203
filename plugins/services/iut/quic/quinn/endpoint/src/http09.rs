//! HTTP/0.9 over QUIC (ALPN `hq-interop`): `GET /path\r\n` on a bidirectional stream,
//! answered with the raw file bytes.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use quinn::{Connection, ConnectionError, RecvStream, SendStream, VarInt};
use tokio::fs::File;
use tokio::io::{AsyncWriteExt, BufReader};
use tracing::{debug, warn};
use url::Url;

use panther_interop_endpoint::http09::{MAX_REQUEST, parse_request, request_line};
use panther_interop_endpoint::paths;

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

/// Sends the request for `url` on a new stream of `conn`; the stream its answer comes
/// on. Sent before any download is awaited, the requests of a 0-RTT connection go out
/// as 0-RTT data however long the tasks that read the answers wait to run.
pub async fn request(conn: &Connection, url: &Url) -> Result<RecvStream> {
    let (mut send, recv) = conn.open_bi().await.context("opening a stream")?;
    send.write_all(request_line(url).as_bytes())
        .await
        .context("sending the request")?;
    send.finish().context("finishing the request")?;
    Ok(recv)
}

/// Receives the answer on `recv` into `dest`, calling `on_first_data` once when the
/// first response bytes arrive; returns the number of bytes received.
pub async fn receive(
    mut recv: RecvStream,
    dest: &Path,
    on_first_data: impl FnOnce(),
) -> Result<u64> {
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
