//! The client role: downloads the requests over one connection, or over two for
//! `resumption` and `zerortt` (the second resuming the first one's TLS session, and
//! sending its requests as 0-RTT data in `zerortt`).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use tokio::net::UdpSocket;
use tracing::{debug, info};
use url::Url;

use panther_interop_endpoint::server_name::{ServerName, local_for, locate};
use panther_interop_endpoint::settings::{ClientSettings, LogPaths};
use panther_interop_endpoint::test_case::TestCase;

use crate::udp::{self, Wake};
use crate::{cid, closing, http3, http09, logs, tls, transport};

/// How long a finished first connection waits for the server's session ticket.
const TICKET_WAIT: Duration = Duration::from_secs(2);
/// BoringSSL's `ssl_early_data_accepted`, the early data reason of accepted 0-RTT.
const EARLY_DATA_ACCEPTED: u32 = 2;

/// Downloads every request of `settings` as `test_case` says, into `settings.downloads`.
pub async fn run(test_case: TestCase, logs: &LogPaths, settings: &ClientSettings) -> Result<()> {
    let Some((first, rest)) = settings.requests.split_first() else {
        bail!("no request to download");
    };
    let (addr, server) = locate(first).await?;
    let mut config = tls::client(
        &settings.certs.join("ca.pem"),
        &server,
        test_case.alpn(),
        test_case == TestCase::ChaCha20,
    )?;
    transport::apply(&mut config);
    let socket = UdpSocket::bind(local_for(addr))
        .await
        .context("binding the client UDP socket")?;
    let mut client = Client {
        local: socket.local_addr().context("reading the bound address")?,
        socket,
        config,
        addr,
        server,
        logs,
        downloads: &settings.downloads,
        test_case,
        buf: vec![0; transport::MAX_RECV_PAYLOAD],
        out: vec![0; transport::MAX_SEND_PAYLOAD],
    };
    match test_case {
        TestCase::Resumption | TestCase::ZeroRtt => {
            let first = Round {
                index: 1,
                urls: std::slice::from_ref(first),
                session: None,
            };
            let session = client
                .download(&first)
                .await?
                .ok_or_else(|| anyhow!("the server sent no TLS session ticket to resume"))?;
            let second = Round {
                index: 2,
                urls: rest,
                session: Some(&session),
            };
            client.download(&second).await.map(drop)
        }
        _ => {
            let only = Round {
                index: 1,
                urls: &settings.requests,
                session: None,
            };
            client.download(&only).await.map(drop)
        }
    }
}

/// One connection's work: its number, its downloads, the TLS session it resumes.
struct Round<'a> {
    /// 1 for the first connection, 2 for the one resuming it.
    index: u32,
    urls: &'a [Url],
    /// The saved TLS session to resume, from the first connection.
    session: Option<&'a [u8]>,
}

/// The application protocol a connection downloads with.
enum Fetcher {
    /// HTTP/0.9 (`hq-interop`).
    Hq(http09::Fetcher),
    /// HTTP/3.
    H3(Box<http3::Fetcher>),
}

impl Fetcher {
    /// Sends what requests it can and takes in what arrived of the responses.
    fn poll(&mut self, conn: &mut quiche::Connection) -> Result<()> {
        match self {
            Self::Hq(fetcher) => fetcher.poll(conn),
            Self::H3(fetcher) => fetcher.poll(conn),
        }
    }

    /// True once every response has arrived whole.
    fn is_done(&self) -> bool {
        match self {
            Self::Hq(fetcher) => fetcher.is_done(),
            Self::H3(fetcher) => fetcher.is_done(),
        }
    }

    /// The application error code of a close: no error, or an internal error.
    fn close_code(&self, failed: bool) -> u64 {
        match (self, failed) {
            (Self::Hq(_), false) => 0,
            (Self::Hq(_), true) => 1,
            (Self::H3(_), false) => quiche::h3::WireErrorCode::NoError as u64,
            (Self::H3(_), true) => quiche::h3::WireErrorCode::InternalError as u64,
        }
    }
}

/// Everything needed to open connections to the server and download over them.
struct Client<'a> {
    /// The one socket every connection uses, and its bound address.
    socket: UdpSocket,
    local: SocketAddr,
    /// The configuration shared by the connections.
    config: quiche::Config,
    /// The server's address and name.
    addr: SocketAddr,
    server: ServerName,
    logs: &'a LogPaths,
    /// Where the downloads go.
    downloads: &'a Path,
    test_case: TestCase,
    /// The datagram received last, and the one being sent.
    buf: Vec<u8>,
    out: Vec<u8>,
}

impl Client<'_> {
    /// Runs `round` over a new connection until it is closed; the TLS session to resume
    /// later, if the test case resumes one and the server sent it.
    async fn download(&mut self, round: &Round<'_>) -> Result<Option<Vec<u8>>> {
        let mut conn = self.connect(round)?;
        let mut fetcher = if self.test_case == TestCase::Http3 {
            Fetcher::H3(Box::new(http3::Fetcher::new(round.urls, self.downloads)))
        } else {
            Fetcher::Hq(http09::Fetcher::new(round.urls, self.downloads))
        };
        let wants_ticket = round.session.is_none()
            && matches!(self.test_case, TestCase::Resumption | TestCase::ZeroRtt);
        let mut progress = Progress::default();
        let mut failure = None;
        loop {
            udp::flush(&self.socket, &mut conn, &mut self.out).await?;
            if !progress.closing {
                if let Err(e) = self.advance(&mut conn, &mut fetcher, round, &mut progress) {
                    failure = Some(e);
                    progress.closing = true;
                    conn.close(true, fetcher.close_code(true), b"").ok();
                } else if fetcher.is_done() && ticket_settled(&conn, wants_ticket, &progress) {
                    progress.closing = true;
                    conn.close(true, fetcher.close_code(false), b"").ok();
                }
                udp::flush(&self.socket, &mut conn, &mut self.out).await?;
            }
            if conn.is_closed() {
                break;
            }
            let deadline = match (
                conn.timeout_instant(),
                progress.ticket_deadline(wants_ticket),
            ) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match udp::wait(&self.socket, &mut self.buf, deadline).await? {
                Wake::Timeout => conn.on_timeout(),
                Wake::Datagram(len, from) => {
                    self.receive(&mut conn, len, from);
                    while let Some((len, from)) = udp::ready(&self.socket, &mut self.buf)? {
                        self.receive(&mut conn, len, from);
                    }
                }
            }
        }
        if let Some(e) = failure {
            return Err(e);
        }
        if progress.established.is_none() {
            bail!(
                "handshake with {} failed: {}",
                self.addr,
                closing::reason(&conn)
            );
        }
        if !fetcher.is_done() {
            bail!(
                "connection {} to {} ended before the downloads completed: {}",
                round.index,
                self.addr,
                closing::reason(&conn)
            );
        }
        Ok(conn.session().map(<[u8]>::to_vec))
    }

    /// A new connection for `round`, with its logs, offering `round.session` if any.
    fn connect(&mut self, round: &Round<'_>) -> Result<quiche::Connection> {
        let sni = match &self.server {
            ServerName::Dns(name) => Some(name.as_str()),
            // SNI never carries an IP address; the certificate check still does.
            ServerName::Ip(_) => None,
        };
        let scid = cid::random()?;
        let mut conn = quiche::connect(sni, &scid, self.local, self.addr, &mut self.config)
            .with_context(|| format!("connecting to {}", self.addr))?;
        logs::attach(self.logs, &mut conn, &format!("client-{}", round.index));
        if let Some(session) = round.session {
            conn.set_session(session)
                .context("offering the saved TLS session")?;
        }
        Ok(conn)
    }

    /// Logs and checks the handshake's milestones, then lets the fetcher work once the
    /// connection can carry requests.
    fn advance(
        &self,
        conn: &mut quiche::Connection,
        fetcher: &mut Fetcher,
        round: &Round<'_>,
        progress: &mut Progress,
    ) -> Result<()> {
        if conn.is_in_early_data() && !conn.is_established() && !progress.early_data {
            progress.early_data = true;
            info!(
                "connection {} to {} opened in 0-RTT",
                round.index, self.addr
            );
        }
        if conn.is_established() && progress.established.is_none() {
            progress.established = Some(Instant::now());
            self.check_handshake(conn, round, progress)?;
        }
        if conn.is_established() || conn.is_in_early_data() {
            fetcher.poll(conn)?;
        }
        Ok(())
    }

    /// Logs the established connection, and fails it if it did not resume the session
    /// or have its 0-RTT data accepted when the test case needs that.
    fn check_handshake(
        &self,
        conn: &quiche::Connection,
        round: &Round<'_>,
        progress: &Progress,
    ) -> Result<()> {
        info!("connection {} to {} established", round.index, self.addr);
        if !conn.is_resumed() {
            // verify_peer is on: an established full handshake verified the certificate.
            info!("server certificate verified for {}", self.server);
        }
        if round.session.is_some() && !conn.is_resumed() {
            bail!("the server did not resume the TLS session");
        }
        if self.test_case == TestCase::ZeroRtt && round.session.is_some() {
            if !progress.early_data {
                bail!("the saved TLS session does not allow 0-RTT");
            }
            if conn.early_data_reason() != EARLY_DATA_ACCEPTED {
                bail!("the server rejected the 0-RTT data");
            }
            info!("0-RTT accepted by the server");
        }
        Ok(())
    }

    /// Hands the datagram in the receive buffer to `conn`.
    fn receive(&mut self, conn: &mut quiche::Connection, len: usize, from: SocketAddr) {
        let info = quiche::RecvInfo {
            from,
            to: self.local,
        };
        if let Err(e) = conn.recv(&mut self.buf[..len], info) {
            debug!("dropped a datagram from {from}: {e}");
        }
    }
}

/// What a connection went through so far.
#[derive(Default)]
struct Progress {
    /// When the handshake completed.
    established: Option<Instant>,
    /// Whether requests could go out as 0-RTT data.
    early_data: bool,
    /// Whether the connection is being closed.
    closing: bool,
}

impl Progress {
    /// Until when a connection that wants a session ticket waits for it.
    fn ticket_deadline(&self, wants_ticket: bool) -> Option<Instant> {
        self.established
            .filter(|_| wants_ticket)
            .map(|at| at + TICKET_WAIT)
    }
}

/// Whether a connection whose downloads are done may close: it wants no session
/// ticket, has one, or waited long enough for it.
fn ticket_settled(conn: &quiche::Connection, wants_ticket: bool, progress: &Progress) -> bool {
    !wants_ticket
        || conn.session().is_some()
        || progress
            .ticket_deadline(wants_ticket)
            .is_some_and(|deadline| Instant::now() >= deadline)
}
