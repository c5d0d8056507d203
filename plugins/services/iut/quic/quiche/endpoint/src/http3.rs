//! HTTP/3 (ALPN `h3`) with quiche's `h3` module: GET requests answered with the file.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use quiche::h3::{self, Header, NameValue};
use tracing::{debug, warn};
use url::{Position, Url};

use panther_interop_endpoint::paths;

use crate::body::Body;
use crate::download::Download;

/// Size of the reads of a body.
const READ_SIZE: usize = 64 * 1024;

/// The server side of one connection: responses being sent.
pub struct Server {
    h3: h3::Connection,
    /// The directory served.
    www: PathBuf,
    /// The responses not sent whole yet, by stream.
    responses: HashMap<u64, Response>,
}

/// A response not sent whole yet.
struct Response {
    /// The head, until it is sent.
    head: Option<Vec<Header>>,
    /// The file, if the request named one.
    body: Option<Body>,
}

impl Server {
    /// Starts HTTP/3 on `conn` (its handshake done or in early data), serving `www`.
    pub fn new(conn: &mut quiche::Connection, www: &Path) -> Result<Self> {
        let h3 =
            h3::Connection::with_transport(conn, &h3::Config::new()?).context("starting HTTP/3")?;
        Ok(Self {
            h3,
            www: www.to_path_buf(),
            responses: HashMap::new(),
        })
    }

    /// Answers the requests that arrived and sends what the streams admit of the
    /// responses; an error is the end of HTTP/3 on this connection.
    pub fn poll(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        let mut discard = vec![0; READ_SIZE];
        loop {
            match self.h3.poll(conn) {
                Ok((id, h3::Event::Headers { list, .. })) => self.answer(conn, id, &list),
                // GET has no body: whatever comes is read and dropped.
                Ok((id, h3::Event::Data)) => {
                    while self.h3.recv_body(conn, id, &mut discard).is_ok() {}
                }
                Ok((id, h3::Event::Reset(code))) => {
                    debug!("request stream {id} reset by the client (code {code})");
                    self.responses.remove(&id);
                }
                Ok((_, h3::Event::Finished | h3::Event::PriorityUpdate | h3::Event::GoAway)) => {}
                Err(h3::Error::Done) => break,
                Err(e) => return Err(e).context("HTTP/3"),
            }
        }
        for id in conn.writable() {
            self.resume(conn, id);
        }
        Ok(())
    }

    /// Answers a request with 200 and the file, or 404 without a body.
    fn answer(&mut self, conn: &mut quiche::Connection, id: u64, request: &[Header]) {
        let body = match open_requested(request, &self.www) {
            Ok(body) => Some(body),
            Err(e) => {
                warn!("h3 request failed: {e:#}");
                None
            }
        };
        let (status, length) = body.as_ref().map_or((404, 0), |body| (200, body.size()));
        let head = vec![
            Header::new(b":status", status.to_string().as_bytes()),
            Header::new(b"server", b"quiche-endpoint"),
            Header::new(b"content-length", length.to_string().as_bytes()),
        ];
        self.responses.insert(
            id,
            Response {
                head: Some(head),
                body,
            },
        );
        self.resume(conn, id);
    }

    /// Sends more of the response on stream `id`, if it has one.
    fn resume(&mut self, conn: &mut quiche::Connection, id: u64) {
        let Some(response) = self.responses.get_mut(&id) else {
            return;
        };
        match response.advance(&mut self.h3, conn, id) {
            Ok(false) => {}
            Ok(true) => {
                self.responses.remove(&id);
            }
            Err(e) => {
                warn!("sending the response on stream {id}: {e:#}");
                self.responses.remove(&id);
                let code = h3::WireErrorCode::InternalError as u64;
                conn.stream_shutdown(id, quiche::Shutdown::Write, code).ok();
            }
        }
    }
}

impl Response {
    /// Sends what stream `id` admits of the head and body; true once all is sent.
    fn advance(
        &mut self,
        h3: &mut h3::Connection,
        conn: &mut quiche::Connection,
        id: u64,
    ) -> Result<bool> {
        if let Some(head) = &self.head {
            match h3.send_response(conn, id, head, self.body.is_none()) {
                Ok(()) => self.head = None,
                Err(h3::Error::StreamBlocked) => return Ok(false),
                Err(e) => return Err(e).context("sending the response head"),
            }
        }
        let Some(body) = &mut self.body else {
            return Ok(true);
        };
        body.pump(|bytes, fin| match h3.send_body(conn, id, bytes, fin) {
            Ok(taken) => Ok(Some(taken)),
            Err(h3::Error::Done) => Ok(None),
            Err(e) => Err(e.into()),
        })
    }
}

/// The file of `www` a GET request names, opened.
fn open_requested(request: &[Header], www: &Path) -> Result<Body> {
    let field = |name: &[u8]| {
        request
            .iter()
            .find(|header| header.name() == name)
            .map(|header| String::from_utf8_lossy(header.value()).into_owned())
    };
    let method = field(b":method").unwrap_or_default();
    let path = field(b":path").unwrap_or_default();
    debug!("{method} {path}");
    if method != "GET" {
        bail!("method `{method}` is not served");
    }
    Body::open(&paths::served_file(www, &path)?)
}

/// The client side of one connection: HTTP/3 once started, and the downloads.
pub struct Fetcher {
    /// HTTP/3, once started.
    h3: Option<h3::Connection>,
    downloads: Downloads,
}

/// Requests not sent yet, and downloads under way.
struct Downloads {
    /// The URLs not requested yet.
    queue: VecDeque<Url>,
    /// Where the downloads go.
    dir: PathBuf,
    /// The downloads under way, by request stream.
    active: HashMap<u64, Download>,
    /// Room for a read of a body.
    buf: Vec<u8>,
}

impl Fetcher {
    /// Downloads `urls` into `dir`.
    pub fn new(urls: &[Url], dir: &Path) -> Self {
        Self {
            h3: None,
            downloads: Downloads {
                queue: urls.iter().cloned().collect(),
                dir: dir.to_path_buf(),
                active: HashMap::new(),
                buf: vec![0; READ_SIZE],
            },
        }
    }

    /// Starts HTTP/3 on the first call, sends the requests the server's stream limit
    /// admits, and writes what arrived of the responses.
    pub fn poll(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        let h3 = match &mut self.h3 {
            Some(h3) => h3,
            None => self.h3.insert(
                h3::Connection::with_transport(conn, &h3::Config::new()?)
                    .context("starting HTTP/3")?,
            ),
        };
        self.downloads.request(h3, conn)?;
        loop {
            match h3.poll(conn) {
                Ok((id, event)) => self.downloads.on_event(h3, conn, id, event)?,
                Err(h3::Error::Done) => return Ok(()),
                Err(e) => return Err(e).context("HTTP/3"),
            }
        }
    }

    /// True once every response has arrived whole.
    pub fn is_done(&self) -> bool {
        self.downloads.queue.is_empty() && self.downloads.active.is_empty()
    }
}

impl Downloads {
    /// Sends the requests the server's stream limit admits.
    fn request(&mut self, h3: &mut h3::Connection, conn: &mut quiche::Connection) -> Result<()> {
        while conn.peer_streams_left_bidi() > 0 {
            let Some(url) = self.queue.front() else {
                break;
            };
            let id = match h3.send_request(conn, &request(url), true) {
                Ok(id) => id,
                Err(h3::Error::StreamBlocked) => break,
                Err(e) => return Err(e).with_context(|| format!("requesting {url}")),
            };
            self.active.insert(id, Download::create(url, &self.dir)?);
            self.queue.pop_front();
        }
        Ok(())
    }

    /// Handles what happened on request stream `id`.
    fn on_event(
        &mut self,
        h3: &mut h3::Connection,
        conn: &mut quiche::Connection,
        id: u64,
        event: h3::Event,
    ) -> Result<()> {
        let Some(download) = self.active.get_mut(&id) else {
            return Ok(());
        };
        match event {
            h3::Event::Headers { list, .. } => {
                let status = list
                    .iter()
                    .find(|header| header.name() == b":status")
                    .map(|header| String::from_utf8_lossy(header.value()).into_owned())
                    .unwrap_or_default();
                if status != "200" {
                    bail!("server answered `{status}` for {}", download.url());
                }
            }
            h3::Event::Data => loop {
                match h3.recv_body(conn, id, &mut self.buf) {
                    Ok(len) => download.write(&self.buf[..len])?,
                    Err(h3::Error::Done) => break,
                    Err(e) => {
                        return Err(e).with_context(|| format!("receiving {}", download.url()));
                    }
                }
            },
            h3::Event::Finished => {
                if let Some(download) = self.active.remove(&id) {
                    download.finish();
                }
            }
            h3::Event::Reset(code) => {
                bail!(
                    "the server reset the stream of {} (code {code})",
                    download.url()
                );
            }
            h3::Event::PriorityUpdate | h3::Event::GoAway => {}
        }
        Ok(())
    }
}

/// The header fields of a GET of `url`.
fn request(url: &Url) -> Vec<Header> {
    vec![
        Header::new(b":method", b"GET"),
        Header::new(b":scheme", url.scheme().as_bytes()),
        Header::new(
            b":authority",
            url[Position::BeforeHost..Position::AfterPort].as_bytes(),
        ),
        Header::new(
            b":path",
            url[Position::BeforePath..Position::AfterQuery].as_bytes(),
        ),
        Header::new(b"user-agent", b"quiche-endpoint"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_carries_authority_and_path_with_query() {
        let url = Url::parse("https://127.0.0.1:4433/d/a.bin?x=1").unwrap();
        let fields: Vec<(Vec<u8>, Vec<u8>)> = request(&url)
            .iter()
            .map(|h| (h.name().to_vec(), h.value().to_vec()))
            .collect();
        assert!(fields.contains(&(b":authority".to_vec(), b"127.0.0.1:4433".to_vec())));
        assert!(fields.contains(&(b":path".to_vec(), b"/d/a.bin?x=1".to_vec())));
    }
}
