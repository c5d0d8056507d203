//! The server role: serves WWW over `hq-interop` or `h3` (whichever ALPN the client
//! picks), sending a Retry to every unvalidated client in the `retry` test case.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use quinn::crypto::rustls::HandshakeData;
use quinn::{Connecting, Endpoint, Incoming, ServerConfig, VarInt};
use tokio::signal::unix::{SignalKind, signal};
use tracing::{info, warn};

use panther_interop_endpoint::program::announce_listening;
use panther_interop_endpoint::settings::ServerSettings;
use panther_interop_endpoint::test_case::{ALPN_H3, TestCase};

use crate::{http3, http09, qlog, tls, transport};

/// How long a terminated server waits for its connections to close.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Binds `settings.listen`, prints `listening on ADDR:PORT` on stdout, and serves until
/// SIGTERM or SIGINT.
pub async fn run(
    test_case: TestCase,
    qlog_dir: Option<&Path>,
    settings: &ServerSettings,
) -> Result<()> {
    let crypto = Arc::new(tls::server(&settings.certs)?);
    let mut config = ServerConfig::with_crypto(crypto);
    config.transport_config(Arc::new(transport::config(None)));
    let endpoint = Endpoint::server(config.clone(), settings.listen)
        .with_context(|| format!("binding {}", settings.listen))?;
    let local = endpoint.local_addr().context("reading the bound address")?;
    announce_listening(local)?;
    let mut terminate = signal(SignalKind::terminate()).context("watching SIGTERM")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("watching SIGINT")?;
    let server = Server {
        config,
        www: Arc::from(settings.www.as_path()),
        retry: test_case == TestCase::Retry,
        qlog_dir,
    };
    tokio::select! {
        () = server.accept_all(&endpoint) => {}
        _ = terminate.recv() => info!("terminated"),
        _ = interrupt.recv() => info!("interrupted"),
    }
    endpoint.close(VarInt::from_u32(0), b"server shutting down");
    tokio::time::timeout(CLOSE_GRACE, endpoint.wait_idle())
        .await
        .ok();
    Ok(())
}

/// What the accept loop needs to set up each connection.
struct Server<'a> {
    config: ServerConfig,
    www: Arc<Path>,
    retry: bool,
    qlog_dir: Option<&'a Path>,
}

impl Server<'_> {
    async fn accept_all(&self, endpoint: &Endpoint) {
        while let Some(incoming) = endpoint.accept().await {
            self.accept(incoming);
        }
    }

    fn accept(&self, incoming: Incoming) {
        let remote = incoming.remote_address();
        if self.retry && !incoming.remote_address_validated() {
            info!("sending a Retry to {remote}");
            if let Err(e) = incoming.retry() {
                warn!("cannot send a Retry to {remote}: {e}");
            }
            return;
        }
        let name = format!("server-{}", incoming.orig_dst_cid());
        let mut config = self.config.clone();
        config.transport_config(Arc::new(transport::config(qlog::stream(
            self.qlog_dir,
            &name,
        ))));
        match incoming.accept_with(Arc::new(config)) {
            Ok(connecting) => {
                tokio::spawn(serve(connecting, self.www.clone()));
            }
            Err(e) => warn!("connection from {remote} failed: {e}"),
        }
    }
}

/// Completes the handshake, then serves the connection with the negotiated protocol.
async fn serve(connecting: Connecting, www: Arc<Path>) {
    let remote = connecting.remote_address();
    let conn = match connecting.await {
        Ok(conn) => conn,
        Err(e) => {
            warn!("handshake with {remote} failed: {e}");
            return;
        }
    };
    let alpn = conn
        .handshake_data()
        .and_then(|data| data.downcast::<HandshakeData>().ok())
        .and_then(|data| data.protocol)
        .unwrap_or_default();
    info!(
        "connection from {remote} established, ALPN {}",
        String::from_utf8_lossy(&alpn)
    );
    let served = if alpn == ALPN_H3 {
        http3::serve(conn, www).await
    } else {
        http09::serve(conn, www).await
    };
    match served {
        Ok(()) => info!("connection from {remote} closed"),
        Err(e) => warn!("connection from {remote} ended: {e:#}"),
    }
}
