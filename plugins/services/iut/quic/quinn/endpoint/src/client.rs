//! The client role: downloads the requests over one connection, or over two for
//! `resumption` and `zerortt` (the second resuming the first one's TLS session).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, anyhow, bail};
use quinn::crypto::rustls::QuicClientConfig;
use quinn::{ClientConfig, Connection, Endpoint, VarInt, ZeroRttAccepted};
use tokio::task::JoinSet;
use tracing::info;
use url::Url;

use panther_interop_endpoint::paths;
use panther_interop_endpoint::server_name::{local_for, locate};
use panther_interop_endpoint::settings::ClientSettings;
use panther_interop_endpoint::test_case::TestCase;

use crate::{http3, http09, initial_cid, qlog, tls, transport};

/// Downloads every request of `settings` as `test_case` says, into `settings.downloads`.
pub async fn run(
    test_case: TestCase,
    qlog_dir: Option<&Path>,
    settings: &ClientSettings,
) -> Result<()> {
    let Some((first, rest)) = settings.requests.split_first() else {
        bail!("no request to download");
    };
    let (addr, server_name) = locate(first).await?;
    let crypto = tls::client(
        &settings.certs.join("ca.pem"),
        test_case.alpn(),
        test_case == TestCase::ChaCha20,
    )?;
    let endpoint = Endpoint::client(local_for(addr)).context("binding the client UDP socket")?;
    let client = Client {
        endpoint: &endpoint,
        crypto: Arc::new(crypto),
        addr,
        server_name: server_name.to_string(),
        qlog_dir,
        downloads: &settings.downloads,
        test_case,
        initial_cid_length: initial_cid::from_env()?,
    };
    let result = match test_case {
        TestCase::Resumption | TestCase::ZeroRtt => {
            let conn = client.connect(1).await?;
            client.download(conn, std::slice::from_ref(first)).await?;
            if test_case == TestCase::ZeroRtt {
                let (conn, accepted) = client.connect_0rtt(2)?;
                client.download(conn, rest).await?;
                check_0rtt(accepted).await
            } else {
                let conn = client.connect(2).await?;
                client.download(conn, rest).await
            }
        }
        _ => {
            let conn = client.connect(1).await?;
            client.download(conn, &settings.requests).await
        }
    };
    endpoint.wait_idle().await;
    result
}

/// Waits for the handshake of a 0-RTT connection and fails if the server refused 0-RTT.
async fn check_0rtt(accepted: ZeroRttAccepted) -> Result<()> {
    if !accepted.await {
        bail!("the server rejected the 0-RTT data");
    }
    info!("0-RTT accepted by the server");
    Ok(())
}

/// Everything needed to open connections to the server and download over them.
struct Client<'a> {
    endpoint: &'a Endpoint,
    crypto: Arc<QuicClientConfig>,
    addr: SocketAddr,
    server_name: String,
    qlog_dir: Option<&'a Path>,
    downloads: &'a Path,
    test_case: TestCase,
    initial_cid_length: Option<usize>,
}

impl Client<'_> {
    /// The quinn configuration of connection number `index` (its own qlog file, the
    /// shared TLS configuration and so the shared session cache).
    fn config(&self, index: u32) -> ClientConfig {
        let mut config = ClientConfig::new(self.crypto.clone());
        let qlog = qlog::stream(self.qlog_dir, &format!("client-{index}"));
        config.transport_config(Arc::new(transport::config(qlog)));
        if let Some(length) = self.initial_cid_length {
            initial_cid::apply(&mut config, length);
        }
        config
    }

    /// Opens connection number `index` and waits for its handshake.
    async fn connect(&self, index: u32) -> Result<Connection> {
        let conn = self
            .endpoint
            .connect_with(self.config(index), self.addr, &self.server_name)
            .with_context(|| format!("connecting to {}", self.addr))?
            .await
            .with_context(|| format!("handshake with {}", self.addr))?;
        info!("connection {index} to {} established", self.addr);
        Ok(conn)
    }

    /// Opens connection number `index` in 0-RTT: usable at once, before the handshake.
    fn connect_0rtt(&self, index: u32) -> Result<(Connection, ZeroRttAccepted)> {
        let connecting = self
            .endpoint
            .connect_with(self.config(index), self.addr, &self.server_name)
            .with_context(|| format!("connecting to {}", self.addr))?;
        let zero_rtt = connecting
            .into_0rtt()
            .map_err(|_| anyhow!("no TLS session ticket allows 0-RTT to {}", self.addr))?;
        info!("connection {index} to {} opened in 0-RTT", self.addr);
        Ok(zero_rtt)
    }

    /// Downloads `urls` concurrently over `conn`, then closes it.
    async fn download(&self, conn: Connection, urls: &[Url]) -> Result<()> {
        let result = if self.test_case == TestCase::Http3 {
            self.download_h3(&conn, urls).await
        } else {
            self.download_hq(&conn, urls).await
        };
        let code = if result.is_ok() { 0 } else { 1 };
        conn.close(VarInt::from_u32(code), b"");
        result
    }

    async fn download_hq(&self, conn: &Connection, urls: &[Url]) -> Result<()> {
        let key_update = key_update_hook(conn, self.test_case == TestCase::KeyUpdate);
        let mut downloads = JoinSet::new();
        for url in urls {
            let dest = paths::download_file(self.downloads, url)?;
            let answer = http09::request(conn, url)
                .await
                .with_context(|| format!("requesting {url}"))?;
            let (url, key_update) = (url.clone(), key_update.clone());
            downloads.spawn(async move {
                let fetched = http09::receive(answer, &dest, move || key_update()).await;
                (url, fetched)
            });
        }
        join_all(downloads).await
    }

    async fn download_h3(&self, conn: &Connection, urls: &[Url]) -> Result<()> {
        let (requester, driver) = http3::connect(conn.clone()).await?;
        let mut downloads = JoinSet::new();
        for url in urls {
            let dest = paths::download_file(self.downloads, url)?;
            let (requester, url) = (requester.clone(), url.clone());
            downloads.spawn(async move {
                let fetched = http3::fetch(requester, &url, &dest).await;
                (url, fetched)
            });
        }
        drop(requester);
        join_all(downloads).await?;
        driver.await.context("HTTP/3 driver task")?
    }
}

/// A hook that forces one key update the first time it is called, if `enabled`.
fn key_update_hook(conn: &Connection, enabled: bool) -> Arc<dyn Fn() + Send + Sync> {
    let conn = conn.clone();
    let pending = AtomicBool::new(enabled);
    Arc::new(move || {
        if pending.swap(false, Ordering::Relaxed) {
            conn.force_key_update();
            info!("key update initiated");
        }
    })
}

/// Waits for every download; the first failure, naming its URL, is the result.
async fn join_all(mut downloads: JoinSet<(Url, Result<u64>)>) -> Result<()> {
    while let Some(joined) = downloads.join_next().await {
        let (url, fetched) = joined.context("download task")?;
        let bytes = fetched.with_context(|| format!("downloading {url}"))?;
        info!("downloaded {url} ({bytes} bytes)");
    }
    Ok(())
}
