//! Reading what a child process writes to a pipe, without the child blocking on a full
//! pipe while the host waits for it to end.

use std::io::Read;
use std::thread::JoinHandle;

/// Reads `stream` to its end on a thread of its own; joining gives every byte read.
pub(crate) fn read_in_background(
    stream: Option<impl Read + Send + 'static>,
) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// The last line of `bytes` that is not blank, trimmed; `None` when there is none.
pub(crate) fn last_line(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_skips_blank_lines_and_trims() {
        assert_eq!(
            last_line(b"first\n  second  \n\n \n").as_deref(),
            Some("second")
        );
        assert_eq!(last_line(b"\n  \n"), None);
        assert_eq!(last_line(b""), None);
    }

    #[test]
    fn a_stream_is_read_to_its_end_in_the_background() {
        let bytes = read_in_background(Some(&b"all of it"[..])).join().unwrap();
        assert_eq!(bytes, b"all of it");
        let nothing = read_in_background(None::<&[u8]>).join().unwrap();
        assert!(nothing.is_empty());
    }
}
