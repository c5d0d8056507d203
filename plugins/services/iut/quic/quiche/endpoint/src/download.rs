//! A file the client downloads: the response bytes written as they arrive.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tracing::info;
use url::Url;

use panther_interop_endpoint::paths;

/// One URL being downloaded into its file.
pub struct Download {
    url: Url,
    /// The file written, and how many bytes it holds.
    dest: PathBuf,
    file: File,
    received: u64,
}

impl Download {
    /// Creates the file of `url` in `dir` (named after the URL's last segment).
    pub fn create(url: &Url, dir: &Path) -> Result<Self> {
        let dest = paths::download_file(dir, url)?;
        let file = File::create(&dest).with_context(|| format!("creating {}", dest.display()))?;
        Ok(Self {
            url: url.clone(),
            dest,
            file,
            received: 0,
        })
    }

    /// The URL downloaded.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Appends response bytes to the file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .with_context(|| format!("writing {}", self.dest.display()))?;
        self.received += bytes.len() as u64;
        Ok(())
    }

    /// Ends the download: the whole response was received.
    pub fn finish(self) {
        info!("downloaded {} ({} bytes)", self.url, self.received);
    }
}
