//! Finding a pinned source: a snapshot in one of the source folders, checked against
//! its sha256, else a clone of its repository at its commit (or a download of its
//! source distribution from PyPI) kept in the cache; and unpacking it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use panther_stacks::{Origin, Source};
use sha2::{Digest, Sha256};

use crate::process::run_quietly;

/// A source ready to unpack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// A `.tar.gz` whose top folder holds the source.
    Archive(PathBuf),
    /// A git clone, to be exported at `commit`.
    Checkout {
        /// The clone.
        directory: PathBuf,
        /// The commit to export.
        commit: String,
    },
}

/// Where sources are looked for and kept.
pub struct SourceFinder {
    /// Folders of snapshots (`ID.tar.gz`), in the order they are searched.
    pub folders: Vec<PathBuf>,
    /// Where clones and downloads are kept.
    pub store: PathBuf,
}

/// The sha256 of a file, in hex.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hash = Sha256::new();
    io::copy(&mut file, &mut hash).with_context(|| format!("reading {}", path.display()))?;
    Ok(hash
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// `path` when its sha256 is `expected`, else an error saying both.
fn checked(id: &str, path: PathBuf, expected: &str) -> Result<Snapshot> {
    let actual = sha256_of(&path)?;
    if actual != expected {
        bail!(
            "source {id}: {} has sha256 {actual}, but stacks.toml pins {expected}: the file \
             is not the pinned snapshot (replace it, or remove it to fetch it again)",
            path.display()
        );
    }
    Ok(Snapshot::Archive(path))
}

impl SourceFinder {
    /// The snapshot of source `id`: found in a folder, else cloned or downloaded into
    /// the store.
    pub fn find(&self, id: &str, source: &Source) -> Result<Snapshot> {
        let file = format!("{id}.tar.gz");
        let stored = self.store.join(&file);
        let candidates = self.folders.iter().map(|folder| folder.join(&file));
        if let Some(found) = candidates
            .chain([stored.clone()])
            .find(|path| path.is_file())
        {
            return checked(id, found, &source.sha256);
        }
        match source.origin().map_err(anyhow::Error::msg)? {
            Origin::Git { repository, commit } => self.clone_at(id, repository, commit),
            Origin::PyPi(requirement) => {
                self.download(id, requirement)?;
                checked(id, stored, &source.sha256)
            }
        }
    }

    /// What was searched, for a message.
    fn searched(&self, file: &str) -> String {
        let places: Vec<String> = self
            .folders
            .iter()
            .map(|folder| folder.join(file).display().to_string())
            .collect();
        places.join(", ")
    }

    /// A clone of `repository` at `commit` in the store.
    fn clone_at(&self, id: &str, repository: &str, commit: &str) -> Result<Snapshot> {
        let directory = self.store.join(id);
        let has_commit = |directory: &Path| {
            Command::new("git")
                .arg("-C")
                .arg(directory)
                .args(["cat-file", "-e", &format!("{commit}^{{commit}}")])
                .status()
                .is_ok_and(|status| status.success())
        };
        if !has_commit(&directory) {
            std::fs::create_dir_all(&self.store)?;
            let _ = std::fs::remove_dir_all(&directory);
            let mut clone = Command::new("git");
            clone
                .args(["clone", "--quiet", "--no-checkout", repository])
                .arg(&directory);
            if let Err(error) = run_quietly(&mut clone) {
                bail!(
                    "source {id}: no snapshot {id}.tar.gz (looked in {}), and cloning {repository} \
                     failed: {error:#}. Put the snapshot in one of those folders (PANTHER_SOURCES \
                     names one) or give this machine access to {repository}",
                    self.searched(&format!("{id}.tar.gz"))
                );
            }
            if !has_commit(&directory) {
                bail!("source {id}: {repository} has no commit {commit}");
            }
        }
        Ok(Snapshot::Checkout {
            directory,
            commit: commit.to_owned(),
        })
    }

    /// Downloads the source distribution `requirement` (`NAME==VERSION`) into the store.
    fn download(&self, id: &str, requirement: &str) -> Result<()> {
        std::fs::create_dir_all(&self.store)?;
        let mut pip = Command::new("python3");
        pip.args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
        ])
        .arg(&self.store)
        .arg(requirement);
        run_quietly(&mut pip).with_context(|| {
            format!(
                "source {id}: no snapshot {id}.tar.gz (looked in {}), and downloading \
                 {requirement} from PyPI failed",
                self.searched(&format!("{id}.tar.gz"))
            )
        })
    }
}

/// Unpacks `snapshot` into `destination`, without its top folder.
pub fn unpack(snapshot: &Snapshot, destination: &Path) -> Result<()> {
    std::fs::create_dir_all(destination)
        .with_context(|| format!("making {}", destination.display()))?;
    let mut tar = Command::new("tar");
    tar.arg("-x")
        .arg("--strip-components=1")
        .arg("-C")
        .arg(destination);
    match snapshot {
        Snapshot::Archive(path) => {
            tar.arg("-z").arg("-f").arg(path);
            run_quietly(&mut tar)
        }
        Snapshot::Checkout { directory, commit } => {
            let archive = directory.with_extension("export.tar");
            let mut export = Command::new("git");
            export
                .arg("-C")
                .arg(directory)
                .args(["archive", "--prefix=source/", "--output"])
                .arg(&archive)
                .arg(commit);
            run_quietly(&mut export)?;
            tar.arg("-f").arg(&archive);
            let unpacked = run_quietly(&mut tar);
            let _ = std::fs::remove_file(&archive);
            unpacked
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.tar.gz` of a folder `top` holding `file` with `contents`.
    fn snapshot(dir: &Path, name: &str, contents: &str) -> PathBuf {
        let top = dir.join("top");
        std::fs::create_dir_all(&top).unwrap();
        std::fs::write(top.join("file"), contents).unwrap();
        let archive = dir.join(format!("{name}.tar.gz"));
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(dir)
            .arg("top")
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::remove_dir_all(&top).unwrap();
        archive
    }

    fn pinned(sha256: String) -> Source {
        Source {
            repository: Some("https://invalid.example/none.git".to_owned()),
            commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
            pypi: None,
            sha256,
        }
    }

    #[test]
    fn a_snapshot_in_a_folder_is_checked_and_unpacked_without_its_top_folder() {
        let dir = tempfile::tempdir().unwrap();
        let archive = snapshot(dir.path(), "x-1", "hello");
        let finder = SourceFinder {
            folders: vec![dir.path().join("absent"), dir.path().to_path_buf()],
            store: dir.path().join("store"),
        };
        let found = finder
            .find("x-1", &pinned(sha256_of(&archive).unwrap()))
            .unwrap();
        assert_eq!(found, Snapshot::Archive(archive));
        let target = dir.path().join("src/deep/x");
        unpack(&found, &target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("file")).unwrap(),
            "hello"
        );
    }

    #[test]
    fn a_snapshot_with_another_sha256_is_refused_with_both_sums() {
        let dir = tempfile::tempdir().unwrap();
        snapshot(dir.path(), "x-1", "tampered");
        let finder = SourceFinder {
            folders: vec![dir.path().to_path_buf()],
            store: dir.path().join("store"),
        };
        let error = finder.find("x-1", &pinned("00".repeat(32))).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("stacks.toml pins 0000"), "{message}");
        assert!(message.contains("has sha256 "), "{message}");
    }

    #[test]
    fn no_snapshot_and_no_repository_says_where_it_looked_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let finder = SourceFinder {
            folders: vec![dir.path().join("sources")],
            store: dir.path().join("store"),
        };
        let error = finder.find("x-1", &pinned("00".repeat(32))).unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("no snapshot x-1.tar.gz (looked in "),
            "{message}"
        );
        assert!(message.contains("sources/x-1.tar.gz"), "{message}");
        assert!(message.contains("PANTHER_SOURCES"), "{message}");
    }
}
