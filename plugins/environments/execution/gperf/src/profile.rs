//! What the profiler left where its profile should be.

use std::io::ErrorKind;
use std::path::Path;

/// The state of a profile file once the service ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileFile {
    /// No file: the profiler never wrote one.
    Missing,
    /// A file with nothing in it: the profiler opened it and never wrote it.
    Empty,
    /// A profile: its bytes.
    Written(Vec<u8>),
    /// The file cannot be read; the error says why.
    Unreadable(String),
}

impl ProfileFile {
    /// Reads `path`.
    pub fn read(path: &Path) -> Self {
        match std::fs::read(path) {
            Ok(bytes) if bytes.is_empty() => Self::Empty,
            Ok(bytes) => Self::Written(bytes),
            Err(error) if error.kind() == ErrorKind::NotFound => Self::Missing,
            Err(error) => Self::Unreadable(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_missing_empty_and_written_apart() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("cpu.prof");
        assert_eq!(ProfileFile::read(&path), ProfileFile::Missing);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(ProfileFile::read(&path), ProfileFile::Empty);
        std::fs::write(&path, b"profile").unwrap();
        assert_eq!(
            ProfileFile::read(&path),
            ProfileFile::Written(b"profile".to_vec())
        );
        let inside_a_file = path.join("x");
        assert!(matches!(
            ProfileFile::read(&inside_a_file),
            ProfileFile::Unreadable(_)
        ));
        assert!(matches!(
            ProfileFile::read(directory.path()),
            ProfileFile::Unreadable(_)
        ));
    }
}
