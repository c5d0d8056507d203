//! A served file, sent in chunks as the stream's flow control admits them.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

/// Size of the reads from a served file.
const CHUNK: usize = 64 * 1024;

/// A file being sent on a stream: the chunk in flight and what is left to read.
pub struct Body {
    /// The file, read a chunk at a time.
    file: File,
    /// Bytes of the file not read yet.
    left: u64,
    chunk: Vec<u8>,
    /// Bytes of `chunk` already sent.
    sent: usize,
}

impl Body {
    /// Opens `path` to be sent.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let left = file
            .metadata()
            .with_context(|| format!("reading the size of {}", path.display()))?
            .len();
        Ok(Self {
            file,
            left,
            chunk: Vec::with_capacity(CHUNK),
            sent: 0,
        })
    }

    /// The file's size, until the first [`Body::pump`].
    pub fn size(&self) -> u64 {
        self.left
    }

    /// Hands the file to `send(bytes, fin)`, which returns how many bytes it took or
    /// `None` when the stream takes nothing now; true once all was taken, fin included.
    pub fn pump(
        &mut self,
        mut send: impl FnMut(&[u8], bool) -> Result<Option<usize>>,
    ) -> Result<bool> {
        loop {
            if self.sent == self.chunk.len() && self.left > 0 {
                self.refill()?;
            }
            let fin = self.left == 0;
            let pending = &self.chunk[self.sent..];
            let Some(taken) = send(pending, fin)? else {
                return Ok(false);
            };
            self.sent += taken;
            if self.sent < self.chunk.len() {
                return Ok(false);
            }
            if fin {
                return Ok(true);
            }
        }
    }

    /// Reads the next chunk of the file.
    fn refill(&mut self) -> Result<()> {
        let len = self.left.min(CHUNK as u64) as usize;
        self.chunk.resize(len, 0);
        self.file
            .read_exact(&mut self.chunk)
            .context("reading the served file")?;
        self.left -= len as u64;
        self.sent = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream taking at most `window` bytes per call, and nothing every other call.
    fn pump_all(body: &mut Body, window: usize) -> (Vec<u8>, usize) {
        let (mut got, mut calls, mut fin_seen) = (Vec::new(), 0, false);
        let mut blocked = false;
        while !fin_seen {
            calls += 1;
            let done = body
                .pump(|bytes, fin| {
                    blocked = !blocked;
                    if blocked {
                        return Ok(None);
                    }
                    let taken = bytes.len().min(window);
                    got.extend_from_slice(&bytes[..taken]);
                    fin_seen = fin && taken == bytes.len();
                    Ok(Some(taken))
                })
                .unwrap();
            assert_eq!(done, fin_seen);
        }
        (got, calls)
    }

    #[test]
    fn a_file_goes_out_whole_through_a_narrow_stream() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut body = Body::open(&path).unwrap();
        assert_eq!(body.size(), 200_000);
        let (got, calls) = pump_all(&mut body, 10_000);
        assert!(got == data);
        assert!(calls > 20);
    }

    #[test]
    fn an_empty_file_is_just_a_fin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        let (got, _) = pump_all(&mut Body::open(&path).unwrap(), 10);
        assert!(got.is_empty());
    }
}
