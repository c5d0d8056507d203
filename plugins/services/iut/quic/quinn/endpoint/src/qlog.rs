//! Best-effort qlog output: one streamed (`.sqlog`) file per connection in QLOGDIR.

use std::fs::{self, File};
use std::path::Path;

use quinn::{QlogConfig, QlogStream};
use tracing::warn;

/// A qlog stream writing to `dir/name.sqlog`, or `None` if there is no `dir` or the file
/// cannot be created (a warning is logged then: qlog never stops the endpoint).
pub fn stream(dir: Option<&Path>, name: &str) -> Option<QlogStream> {
    let dir = dir?;
    let path = dir.join(format!("{name}.sqlog"));
    let file = fs::create_dir_all(dir).and_then(|()| File::create(&path));
    match file {
        Ok(file) => {
            let mut config = QlogConfig::default();
            config.writer(Box::new(file)).title(Some(name.to_owned()));
            config.into_stream()
        }
        Err(e) => {
            warn!("no qlog: cannot create {}: {e}", path.display());
            None
        }
    }
}
