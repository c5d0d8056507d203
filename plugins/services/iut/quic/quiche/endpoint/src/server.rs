//! The server role: serves WWW over `hq-interop` or `h3` (whichever ALPN the client
//! picks), sending a Retry to every client without a token in the `retry` test case.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use tokio::net::UdpSocket;
use tokio::signal::unix::{SignalKind, signal};
use tracing::{debug, info, warn};

use panther_interop_endpoint::program::announce_listening;
use panther_interop_endpoint::settings::{LogPaths, ServerSettings};
use panther_interop_endpoint::test_case::{ALPN_H3, TestCase};

use crate::udp::{self, Wake};
use crate::{cid, closing, http3, http09, logs, retry, tls, transport};

/// Binds `settings.listen`, prints `listening on ADDR:PORT` on stdout, and serves until
/// SIGTERM or SIGINT.
pub async fn run(test_case: TestCase, logs: &LogPaths, settings: &ServerSettings) -> Result<()> {
    let mut config = tls::server(&settings.certs)?;
    transport::apply(&mut config);
    let socket = UdpSocket::bind(settings.listen)
        .await
        .with_context(|| format!("binding {}", settings.listen))?;
    let local = socket.local_addr().context("reading the bound address")?;
    announce_listening(local)?;
    let mut terminate = signal(SignalKind::terminate()).context("watching SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("watching SIGINT")?;
    let mut server = Server {
        socket,
        local,
        config,
        www: &settings.www,
        logs,
        retry: (test_case == TestCase::Retry)
            .then(retry::Tokens::new)
            .transpose()?,
        ids: cid::Deriver::new()?,
        peers: HashMap::new(),
        buf: vec![0; transport::MAX_RECV_PAYLOAD],
        out: vec![0; transport::MAX_SEND_PAYLOAD],
    };
    loop {
        let deadline = server
            .peers
            .values()
            .filter_map(|peer| peer.conn.timeout_instant())
            .min();
        tokio::select! {
            woke = udp::wait(&server.socket, &mut server.buf, deadline) => {
                match woke? {
                    Wake::Timeout => server.on_timeout(),
                    Wake::Datagram(len, from) => server.on_datagrams(len, from).await?,
                }
            }
            _ = terminate.recv() => {
                info!("terminated");
                break;
            }
            _ = interrupt.recv() => {
                info!("interrupted");
                break;
            }
        }
        server.serve().await;
    }
    server.close_all().await;
    Ok(())
}

/// What the server reads of a packet's header.
struct Packet {
    /// Its type (Initial, Handshake, ...).
    ty: quiche::Type,
    /// The QUIC version of a long header.
    version: u32,
    /// Destination and source connection IDs (no source ID in a short header).
    dcid: quiche::ConnectionId<'static>,
    scid: quiche::ConnectionId<'static>,
    /// The address validation token of an Initial.
    token: Option<Vec<u8>>,
}

impl Packet {
    /// The header of the first packet of `datagram` (short headers carry IDs as long as
    /// this server's).
    fn parse(datagram: &mut [u8]) -> Result<Self, quiche::Error> {
        let header = quiche::Header::from_slice(datagram, quiche::MAX_CONN_ID_LEN)?;
        Ok(Self {
            ty: header.ty,
            version: header.version,
            dcid: header.dcid.into_owned(),
            scid: header.scid.into_owned(),
            token: header.token,
        })
    }
}

/// The application protocol of a connection, once its ALPN is known.
enum App {
    /// HTTP/0.9 (`hq-interop`).
    Hq(http09::Server),
    /// HTTP/3.
    H3(Box<http3::Server>),
}

/// A client's connection.
struct Peer {
    conn: quiche::Connection,
    /// The client's address.
    remote: SocketAddr,
    /// The application, once the connection can carry it.
    app: Option<App>,
}

/// The listening socket and every connection on it.
struct Server<'a> {
    /// The listening socket and its bound address.
    socket: UdpSocket,
    local: SocketAddr,
    /// The configuration every connection is made with.
    config: quiche::Config,
    /// The directory served.
    www: &'a Path,
    logs: &'a LogPaths,
    /// The Retry tokens, in the `retry` test case.
    retry: Option<retry::Tokens>,
    /// Makes the server's connection IDs.
    ids: cid::Deriver,
    /// Connections by their (server-chosen) connection ID.
    peers: HashMap<quiche::ConnectionId<'static>, Peer>,
    /// The datagram received last, and the one being sent.
    buf: Vec<u8>,
    out: Vec<u8>,
}

impl Server<'_> {
    /// Lets every connection handle its expired timers.
    fn on_timeout(&mut self) {
        for peer in self.peers.values_mut() {
            peer.conn.on_timeout();
        }
    }

    /// Handles the datagram in the buffer and every other one already waiting.
    async fn on_datagrams(&mut self, len: usize, from: SocketAddr) -> Result<()> {
        self.on_datagram(len, from).await;
        while let Some((len, from)) = udp::ready(&self.socket, &mut self.buf)? {
            self.on_datagram(len, from).await;
        }
        Ok(())
    }

    /// Hands the datagram in the buffer to its connection, making one for a new client.
    async fn on_datagram(&mut self, len: usize, from: SocketAddr) {
        let header = match Packet::parse(&mut self.buf[..len]) {
            Ok(header) => header,
            Err(e) => {
                debug!("dropped an unparsable datagram from {from}: {e}");
                return;
            }
        };
        let derived = self.ids.derive(&header.dcid);
        let id = if self.peers.contains_key(&header.dcid) {
            header.dcid
        } else if self.peers.contains_key(&derived) {
            derived
        } else {
            match self.accept(&header, derived, from).await {
                Ok(Some(id)) => id,
                Ok(None) => return,
                Err(e) => {
                    warn!("connection from {from} refused: {e:#}");
                    return;
                }
            }
        };
        let Some(peer) = self.peers.get_mut(&id) else {
            return;
        };
        let info = quiche::RecvInfo {
            from,
            to: self.local,
        };
        if let Err(e) = peer.conn.recv(&mut self.buf[..len], info) {
            debug!("dropped a datagram from {from}: {e}");
        }
    }

    /// Makes the connection of a new client's Initial, or answers it with a Version
    /// Negotiation or a Retry; the new connection's ID, if one was made.
    async fn accept(
        &mut self,
        header: &Packet,
        derived: quiche::ConnectionId<'static>,
        from: SocketAddr,
    ) -> Result<Option<quiche::ConnectionId<'static>>> {
        if header.ty != quiche::Type::Initial {
            debug!(
                "dropped a {:?} packet of no connection from {from}",
                header.ty
            );
            return Ok(None);
        }
        if !quiche::version_is_supported(header.version) {
            info!("version negotiation with {from}");
            let len = quiche::negotiate_version(&header.scid, &header.dcid, &mut self.out)?;
            self.socket.send_to(&self.out[..len], from).await?;
            return Ok(None);
        }
        let (id, odcid) = match &self.retry {
            None => (derived, None),
            Some(tokens) => {
                let token = header.token.as_deref().unwrap_or_default();
                if token.is_empty() {
                    info!("sending a Retry to {from}");
                    let token = tokens.mint(from, &header.dcid);
                    let len = quiche::retry(
                        &header.scid,
                        &header.dcid,
                        &derived,
                        &token,
                        header.version,
                        &mut self.out,
                    )?;
                    self.socket.send_to(&self.out[..len], from).await?;
                    return Ok(None);
                }
                let odcid = tokens
                    .validate(from, token)
                    .context("its address validation token is not one of this server's")?;
                // The client now sends to the ID the Retry gave it.
                if header.dcid != self.ids.derive(&odcid) {
                    anyhow::bail!("its Initial does not follow this server's Retry");
                }
                (header.dcid.clone(), Some(odcid))
            }
        };
        let mut conn = quiche::accept(&id, odcid.as_ref(), self.local, from, &mut self.config)?;
        let original = odcid.as_ref().unwrap_or(&header.dcid);
        logs::attach(self.logs, &mut conn, &format!("server-{}", hex(original)));
        self.peers.insert(
            id.clone(),
            Peer {
                conn,
                remote: from,
                app: None,
            },
        );
        Ok(Some(id))
    }

    /// Lets every connection's application work, sends what they have to send, and
    /// forgets the closed ones.
    async fn serve(&mut self) {
        for peer in self.peers.values_mut() {
            peer.serve(self.www);
            if let Err(e) = udp::flush(&self.socket, &mut peer.conn, &mut self.out).await {
                warn!("connection from {}: {e:#}", peer.remote);
            }
        }
        self.peers.retain(|_, peer| {
            if peer.conn.is_closed() {
                info!(
                    "connection from {} closed: {}",
                    peer.remote,
                    closing::reason(&peer.conn)
                );
            }
            !peer.conn.is_closed()
        });
    }

    /// Closes every connection, telling its client.
    async fn close_all(&mut self) {
        for peer in self.peers.values_mut() {
            let code = match peer.app {
                Some(App::H3(_)) => quiche::h3::WireErrorCode::NoError as u64,
                _ => 0,
            };
            peer.conn.close(true, code, b"server shutting down").ok();
            udp::flush(&self.socket, &mut peer.conn, &mut self.out)
                .await
                .ok();
        }
    }
}

impl Peer {
    /// Starts the application the client picked once the connection can carry it, then
    /// lets it work; an application failure closes the connection.
    fn serve(&mut self, www: &Path) {
        if self.app.is_none() && (self.conn.is_established() || self.conn.is_in_early_data()) {
            let alpn = self.conn.application_proto();
            info!(
                "connection from {} established, ALPN {}{}",
                self.remote,
                String::from_utf8_lossy(alpn),
                if self.conn.is_established() {
                    ""
                } else {
                    " (0-RTT)"
                }
            );
            self.app = Some(if alpn == ALPN_H3 {
                match http3::Server::new(&mut self.conn, www) {
                    Ok(server) => App::H3(Box::new(server)),
                    Err(e) => {
                        warn!("connection from {}: {e:#}", self.remote);
                        let code = quiche::h3::WireErrorCode::InternalError as u64;
                        self.conn.close(true, code, b"").ok();
                        return;
                    }
                }
            } else {
                App::Hq(http09::Server::new(www))
            });
        }
        match &mut self.app {
            Some(App::Hq(server)) => server.poll(&mut self.conn),
            Some(App::H3(server)) => {
                if let Err(e) = server.poll(&mut self.conn) {
                    warn!("connection from {}: {e:#}", self.remote);
                    let code = quiche::h3::WireErrorCode::InternalError as u64;
                    self.conn.close(true, code, b"").ok();
                }
            }
            None => {}
        }
    }
}

/// `bytes` in lowercase hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}
