//! HTTP/0.9 over QUIC (ALPN `hq-interop`): `GET /path\r\n` on a bidirectional stream,
//! answered with the raw file bytes and a FIN.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use tracing::{debug, warn};
use url::Url;

use panther_interop_endpoint::http09::{MAX_REQUEST, parse_request, request_line};
use panther_interop_endpoint::paths;

use crate::body::Body;
use crate::download::Download;

/// Size of the client's reads from a stream.
const READ_SIZE: usize = 64 * 1024;

/// The server side of one connection: requests being read, responses being sent.
pub struct Server {
    /// The directory served.
    www: PathBuf,
    /// What arrived of the requests not complete yet, by stream.
    requests: HashMap<u64, Vec<u8>>,
    /// The responses not sent whole yet, by stream.
    responses: HashMap<u64, Body>,
}

impl Server {
    /// Serves the files of `www`.
    pub fn new(www: &Path) -> Self {
        Self {
            www: www.to_path_buf(),
            requests: HashMap::new(),
            responses: HashMap::new(),
        }
    }

    /// Reads the requests that arrived, answers the complete ones, and sends what the
    /// streams admit of the responses.
    pub fn poll(&mut self, conn: &mut quiche::Connection) {
        let mut buf = [0; MAX_REQUEST];
        for id in conn.readable() {
            if let Some(request) = self.read_request(conn, id, &mut buf) {
                self.answer(conn, id, &request);
            }
        }
        for id in conn.writable() {
            self.resume(conn, id);
        }
    }

    /// Reads what arrived on stream `id`; the request once it is complete.
    fn read_request(
        &mut self,
        conn: &mut quiche::Connection,
        id: u64,
        buf: &mut [u8],
    ) -> Option<Vec<u8>> {
        loop {
            match conn.stream_recv(id, buf) {
                Ok((len, fin)) => {
                    let request = self.requests.entry(id).or_default();
                    request.extend_from_slice(&buf[..len]);
                    if request.len() > MAX_REQUEST {
                        warn!("request on stream {id} is longer than {MAX_REQUEST} bytes");
                        self.requests.remove(&id);
                        refuse(conn, id);
                        return None;
                    }
                    if fin {
                        return self.requests.remove(&id);
                    }
                }
                Err(quiche::Error::Done) => return None,
                Err(e) => {
                    warn!("reading the request on stream {id}: {e}");
                    self.requests.remove(&id);
                    return None;
                }
            }
        }
    }

    /// Answers the request on stream `id` with its file, or refuses it.
    fn answer(&mut self, conn: &mut quiche::Connection, id: u64, request: &[u8]) {
        match open_requested(request, &self.www) {
            Ok(body) => {
                self.responses.insert(id, body);
                self.resume(conn, id);
            }
            Err(e) => {
                warn!("hq request failed: {e:#}");
                refuse(conn, id);
            }
        }
    }

    /// Sends more of the response on stream `id`, if it has one.
    fn resume(&mut self, conn: &mut quiche::Connection, id: u64) {
        let Some(body) = self.responses.get_mut(&id) else {
            return;
        };
        let sent = body.pump(|bytes, fin| match conn.stream_send(id, bytes, fin) {
            Ok(taken) => Ok(Some(taken)),
            Err(quiche::Error::Done) => Ok(None),
            Err(e) => Err(e.into()),
        });
        match sent {
            Ok(false) => {}
            Ok(true) => {
                self.responses.remove(&id);
            }
            Err(e) => {
                warn!("sending the response on stream {id}: {e:#}");
                self.responses.remove(&id);
                refuse(conn, id);
            }
        }
    }
}

/// Resets stream `id`: HTTP/0.9 has no status, a reset stream is the only way to say "no".
fn refuse(conn: &mut quiche::Connection, id: u64) {
    conn.stream_shutdown(id, quiche::Shutdown::Read, 0).ok();
    conn.stream_shutdown(id, quiche::Shutdown::Write, 0).ok();
}

/// The file of `www` a request names, opened.
fn open_requested(request: &[u8], www: &Path) -> Result<Body> {
    let path = parse_request(request)?;
    debug!("GET {path}");
    Body::open(&paths::served_file(www, path)?)
}

/// The client side of one connection: requests not sent yet, downloads under way.
pub struct Fetcher {
    /// The URLs not requested yet.
    queue: VecDeque<Url>,
    /// Where the downloads go.
    downloads: PathBuf,
    /// The downloads under way, by stream.
    active: HashMap<u64, Download>,
    /// The stream of the next request.
    next_stream: u64,
    /// Room for a read from a stream.
    buf: Vec<u8>,
}

impl Fetcher {
    /// Downloads `urls` into `downloads`.
    pub fn new(urls: &[Url], downloads: &Path) -> Self {
        Self {
            queue: urls.iter().cloned().collect(),
            downloads: downloads.to_path_buf(),
            active: HashMap::new(),
            // The client's first bidirectional stream.
            next_stream: 0,
            buf: vec![0; READ_SIZE],
        }
    }

    /// Sends the requests the server's stream limit admits, and writes what arrived of
    /// the responses.
    pub fn poll(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        self.request(conn)?;
        self.receive(conn)
    }

    /// True once every response has arrived whole.
    pub fn is_done(&self) -> bool {
        self.queue.is_empty() && self.active.is_empty()
    }

    /// Sends the requests the server's stream limit admits, one stream each.
    fn request(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        while conn.peer_streams_left_bidi() > 0 {
            let Some(url) = self.queue.pop_front() else {
                break;
            };
            let download = Download::create(&url, &self.downloads)?;
            let request = request_line(&url);
            let id = self.next_stream;
            let sent = conn
                .stream_send(id, request.as_bytes(), true)
                .with_context(|| format!("requesting {url}"))?;
            if sent < request.len() {
                bail!("the server's flow control does not admit the request for {url}");
            }
            self.next_stream += 4;
            self.active.insert(id, download);
        }
        Ok(())
    }

    /// Writes what arrived of the responses, ending the downloads whose stream ended.
    fn receive(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        for id in conn.readable() {
            let Some(download) = self.active.get_mut(&id) else {
                continue;
            };
            loop {
                match conn.stream_recv(id, &mut self.buf) {
                    Ok((len, fin)) => {
                        download.write(&self.buf[..len])?;
                        if fin {
                            if let Some(download) = self.active.remove(&id) {
                                download.finish();
                            }
                            break;
                        }
                    }
                    Err(quiche::Error::Done) => break,
                    Err(quiche::Error::StreamReset(code)) => {
                        bail!(
                            "the server reset the stream of {} (code {code})",
                            download.url()
                        )
                    }
                    Err(e) => {
                        return Err(e).with_context(|| format!("receiving {}", download.url()));
                    }
                }
            }
        }
        Ok(())
    }
}
