//! HTTP/3 (ALPN `h3`) with the `h3` crate over quinn: GET requests answered with the file.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use bytes::{Buf, Bytes, BytesMut};
use h3::client::SendRequest;
use h3::server::RequestResolver;
use http::{Method, Request, Response, StatusCode};
use tokio::fs::File;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use url::Url;

use panther_interop_endpoint::paths;

/// Size of the reads from a served file.
const CHUNK: usize = 64 * 1024;

/// The client's handle for sending requests on an HTTP/3 connection; clone it per request.
pub type Requester = SendRequest<h3_quinn::OpenStreams, Bytes>;

/// Serves the files of `www` on the HTTP/3 connection over `conn` until it ends; an end
/// with H3_NO_ERROR is not an error.
pub async fn serve(conn: quinn::Connection, www: Arc<Path>) -> Result<()> {
    let mut h3 = h3::server::Connection::<_, Bytes>::new(h3_quinn::Connection::new(conn))
        .await
        .context("starting HTTP/3")?;
    loop {
        match h3.accept().await {
            Ok(Some(resolver)) => {
                let www = www.clone();
                tokio::spawn(async move {
                    if let Err(e) = answer(resolver, &www).await {
                        warn!("h3 request failed: {e:#}");
                    }
                });
            }
            Ok(None) => return Ok(()),
            Err(e) if e.is_h3_no_error() => return Ok(()),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Answers one request with 200 and the file, or with 404 if there is no such file.
async fn answer(resolver: RequestResolver<h3_quinn::Connection, Bytes>, www: &Path) -> Result<()> {
    let (request, mut stream) = resolver
        .resolve_request()
        .await
        .context("reading the request")?;
    debug!("{} {}", request.method(), request.uri());
    let mut file = match open_requested(&request, www).await {
        Ok(file) => file,
        Err(e) => {
            stream
                .send_response(Response::builder().status(StatusCode::NOT_FOUND).body(())?)
                .await?;
            stream.finish().await?;
            return Err(e);
        }
    };
    stream
        .send_response(Response::builder().status(StatusCode::OK).body(())?)
        .await
        .context("sending the response head")?;
    let mut chunk = BytesMut::with_capacity(CHUNK);
    while file
        .read_buf(&mut chunk)
        .await
        .context("reading the file")?
        > 0
    {
        stream
            .send_data(chunk.split().freeze())
            .await
            .context("sending the file")?;
        chunk.reserve(CHUNK);
    }
    stream.finish().await.context("finishing the response")?;
    Ok(())
}

async fn open_requested(request: &Request<()>, www: &Path) -> Result<File> {
    if request.method() != Method::GET {
        bail!("method {} is not served", request.method());
    }
    let path = paths::served_file(www, request.uri().path())?;
    File::open(&path)
        .await
        .with_context(|| format!("opening {}", path.display()))
}

/// Starts HTTP/3 on the client connection `conn`: the request handle, and the task driving
/// the connection, which ends with the connection (after every [`Requester`] is dropped).
pub async fn connect(conn: quinn::Connection) -> Result<(Requester, JoinHandle<Result<()>>)> {
    let (mut driver, requester) = h3::client::new(h3_quinn::Connection::new(conn))
        .await
        .context("starting HTTP/3")?;
    let driver = tokio::spawn(async move {
        let end = std::future::poll_fn(|cx| driver.poll_close(cx)).await;
        if end.is_h3_no_error() {
            Ok(())
        } else {
            Err(anyhow::Error::new(end).context("HTTP/3 connection"))
        }
    });
    Ok((requester, driver))
}

/// Downloads `url` with a GET on `requester` into `dest`; returns the number of bytes received.
pub async fn fetch(mut requester: Requester, url: &Url, dest: &Path) -> Result<u64> {
    let request = Request::get(url.as_str()).body(())?;
    let mut stream = requester
        .send_request(request)
        .await
        .context("sending the request")?;
    stream.finish().await.context("finishing the request")?;
    let response = stream
        .recv_response()
        .await
        .context("receiving the response head")?;
    if response.status() != StatusCode::OK {
        bail!("server answered {}", response.status());
    }
    let mut file = File::create(dest)
        .await
        .with_context(|| format!("creating {}", dest.display()))?;
    let mut received = 0;
    while let Some(mut data) = stream
        .recv_data()
        .await
        .context("receiving the response body")?
    {
        received += data.remaining() as u64;
        file.write_all_buf(&mut data)
            .await
            .with_context(|| format!("writing {}", dest.display()))?;
    }
    file.flush()
        .await
        .with_context(|| format!("writing {}", dest.display()))?;
    Ok(received)
}
