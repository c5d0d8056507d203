//! The paths and the port the interop programs hard-code, and the preparation that
//! points those paths at the test's own directories.

use std::path::Path;

use panther_plugin_api::model::CommandSpec;

/// The server's certificate directory (`/certs/cert.pem`, `/certs/priv.key`).
pub const CERTS: &str = "/certs";
/// The directory the server serves.
pub const WWW: &str = "/www";
/// The directory the client writes its downloads into.
pub const DOWNLOADS: &str = "/downloads";
/// The directory both programs write `log.txt` into; they exit 1 without it.
pub const LOGS: &str = "/logs";
/// The only port the server listens on (`":443"`).
pub const SERVER_PORT: u16 = 443;

/// `ln -sfT DIRECTORY FIXED`: makes the hard-coded path `fixed` a symbolic link to
/// `directory`, replacing an earlier link and refusing to replace a real directory.
pub fn link(fixed: &str, directory: &Path) -> CommandSpec {
    CommandSpec::new(
        "ln",
        [
            "-sfT".to_owned(),
            directory.display().to_string(),
            fixed.to_owned(),
        ],
    )
}
