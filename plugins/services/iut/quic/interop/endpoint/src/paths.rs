//! Mapping between request paths or URLs and files on disk.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use url::Url;

/// The file under `root` that the absolute request path `path` names (`/a/b` ->
/// `root/a/b`); a query string is ignored, and `..` or any other way out of `root` is
/// refused.
pub fn served_file(root: &Path, path: &str) -> Result<PathBuf> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let Some(relative) = path.strip_prefix('/') else {
        bail!("request path `{path}` is not absolute");
    };
    let mut file = root.to_path_buf();
    for component in Path::new(relative).components() {
        match component {
            Component::Normal(part) => file.push(part),
            _ => bail!("request path `{path}` leaves the served directory"),
        }
    }
    if file == root {
        bail!("request path `{path}` names no file");
    }
    Ok(file)
}

/// Where the download of `url` goes: `dir` joined with the last segment of the URL's path.
pub fn download_file(dir: &Path, url: &Url) -> Result<PathBuf> {
    let name = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|name| !name.is_empty() && *name != "." && *name != "..")
        .with_context(|| format!("URL `{url}` names no file"))?;
    Ok(dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_under_the_root() {
        let root = Path::new("/srv");
        assert_eq!(
            served_file(root, "/a.bin").unwrap(),
            Path::new("/srv/a.bin")
        );
        assert_eq!(
            served_file(root, "/d/b?x=1").unwrap(),
            Path::new("/srv/d/b")
        );
    }

    #[test]
    fn escapes_from_the_root_are_refused() {
        let root = Path::new("/srv");
        for bad in ["a.bin", "/../etc/passwd", "/", "/a/../../b"] {
            assert!(served_file(root, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn downloads_are_named_after_the_last_segment() {
        let url = Url::parse("https://127.0.0.1:4433/d/file.bin").unwrap();
        assert_eq!(
            download_file(Path::new("/dl"), &url).unwrap(),
            Path::new("/dl/file.bin")
        );
        let dir_url = Url::parse("https://127.0.0.1:4433/d/").unwrap();
        assert!(download_file(Path::new("/dl"), &dir_url).is_err());
    }
}
