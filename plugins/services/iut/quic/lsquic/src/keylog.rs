//! lsquic's key log: `-G DIR` writes one `<connection id>.keys` file per connection
//! (prog.c, `keylog_open_file`), and neither the programs nor BoringSSL read
//! SSLKEYLOGFILE; an analysis joins the files into the contract's key log once the
//! program has stopped, before the capture is decoded with it.

use std::path::PathBuf;

use panther_plugin_api::model::{Analysis, CommandSpec, ServiceRequest};
use panther_quic_interop::keylog_path;

/// The directory given to `-G`.
pub fn directory(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("keys")
}

/// `-G DIR`.
pub fn flags(request: &ServiceRequest) -> [String; 2] {
    ["-G".to_owned(), directory(request).display().to_string()]
}

/// Concatenates every connection's key file into the contract's key log.
pub fn gather(request: &ServiceRequest) -> Analysis {
    let command = CommandSpec::new(
        "/usr/bin/find",
        [
            directory(request).display().to_string(),
            "-name".to_owned(),
            "*.keys".to_owned(),
            "-exec".to_owned(),
            "cat".to_owned(),
            "{}".to_owned(),
            "+".to_owned(),
        ],
    );
    Analysis {
        command,
        output: keylog_path(request),
    }
}
