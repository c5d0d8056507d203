//! `picoquicdemo`'s command lines. Every flag is one the program parses: the letters
//! of picoquic's option table (`option_table` in `picoquic/config.c`, made into the
//! getopt string by `picoquic_config_option_letters`), and `-u`, which
//! `picoquicfirst/picoquicdemo.c` adds in front of them; which of them a version has
//! is its [`Generation`]'s. Without a server name after the flags it is a server; with
//! `server_name port scenario` a client.

use std::path::Path;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServiceRequest, TlsFiles};
use panther_quic_interop::{
    TestCase, downloads_directory, qlog_directory, request_urls, served_directory, test_case,
};

use super::versions::Generation;

/// `-C`: the one cipher suite the client offers; `config.c` maps 20 to
/// TLS_CHACHA20_POLY1305_SHA256 and `picoquic_set_cipher_suite` keeps only it.
const CHACHA20_ONLY: &str = "20";
/// `-u`: packets the client receives before it starts a key update, as the
/// picoquic interop endpoint (private-octopus/picoquic-interop-runner) uses.
const KEY_UPDATE_AFTER_PACKETS: &str = "32";
/// `-n`, the SNI: the client keeps session tickets only for a connection with an
/// SNI (`picoquic_client_save_ticket_call_back` in `tls_api.c`), h3 sends it as the
/// authority, and the host's certificates cover `localhost`.
const SERVER_NAME: &str = "localhost";

/// A path as an argument.
fn text(path: &Path) -> String {
    path.display().to_string()
}

/// The TLS files the host writes for this service.
fn tls(request: &ServiceRequest) -> Result<&TlsFiles, PluginError> {
    request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for picoquicdemo"))
}

/// What both roles take, as far as the version has them: `-8` so that SSLKEYLOGFILE,
/// which the contract sets, is honoured (the key log goes there, picoquicdemo has no
/// key log flag), `-0` for no UDP GSO (tshark cannot decrypt GSO batches), `-q` for
/// one qlog per connection.
fn common(request: &ServiceRequest, generation: &Generation) -> Vec<String> {
    let mut args = Vec::new();
    if generation.keylog_flag {
        args.push("-8".to_owned());
    }
    if generation.no_gso_flag {
        args.push("-0".to_owned());
    }
    if generation.qlog_flag {
        args.extend(["-q".to_owned(), text(&qlog_directory(request))]);
    }
    args
}

/// The server: certificate, key, the files it serves, its port, and `-r` (a Retry
/// for every connection) in the retry case. picoquicdemo binds the port on every
/// IPv4 and IPv6 address (`picoquic_packet_loop` with no address family), so the
/// request's host cannot be passed; its ALPN selector answers both hq-interop and h3
/// (a draft version, its draft's `hq-NN`).
pub fn server(
    request: &ServiceRequest,
    program: &Path,
    generation: &Generation,
) -> Result<CommandSpec, PluginError> {
    let tls = tls(request)?;
    let mut args = common(request, generation);
    args.extend([
        "-c".to_owned(),
        text(&tls.certificate),
        "-k".to_owned(),
        text(&tls.key),
        "-w".to_owned(),
        text(&served_directory(&request.output_dir)),
        "-p".to_owned(),
        request.address.port.to_string(),
    ]);
    if test_case(request).0 == Some(TestCase::Retry) {
        args.push("-r".to_owned());
    }
    Ok(CommandSpec::new(text(program), args))
}

/// The client's connections: resumption and 0-RTT first fetch one file on a
/// connection of their own, which stores the session ticket the last one uses.
pub struct ClientCommands {
    /// The connection that gets the ticket, when the case needs one.
    pub first: Option<CommandSpec>,
    /// The connection that decides the test.
    pub last: CommandSpec,
}

/// The scenario argument: each URL's path on a stream of its own, none waiting for
/// another (`-` as previous stream, `demo_client_parse_stream_desc` in
/// `democlient.c`). With `-o`, the file lands in the download directory under the
/// path without its leading `/`.
fn scenario(urls: &[String]) -> String {
    urls.iter()
        .map(|url| format!("-:{}", url_path(url)))
        .collect::<Vec<_>>()
        .join(";")
}

/// The path of `https://host:port/path`.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |start| &rest[start..])
}

/// The client: downloads into the download directory, the server's certificate
/// checked against the run's CA for [`SERVER_NAME`], the version's QUIC version, ALPN
/// h3 for the http3 case and the version's HTTP/0.9 ALPN otherwise, and the case's
/// own flags; the server's host, port and the scenario come last. It runs in its
/// output directory, where versions without `-T` keep their session tickets.
pub fn client(
    request: &ServiceRequest,
    program: &Path,
    generation: &Generation,
) -> Result<ClientCommands, PluginError> {
    let (server, urls) = request_urls(request)?;
    let tls = tls(request)?;
    let case = test_case(request).0;
    let alpn = if case == Some(TestCase::Http3) {
        "h3"
    } else {
        generation.hq_alpn
    };
    let mut flags = common(request, generation);
    flags.extend([
        "-o".to_owned(),
        text(&downloads_directory(&request.output_dir)),
        "-n".to_owned(),
        SERVER_NAME.to_owned(),
        "-t".to_owned(),
        text(&tls.ca),
        "-a".to_owned(),
        alpn.to_owned(),
        "-v".to_owned(),
        generation.quic_version.to_owned(),
    ]);
    match case {
        Some(TestCase::Chacha20) => flags.extend(["-C".to_owned(), CHACHA20_ONLY.to_owned()]),
        Some(TestCase::Keyupdate) => {
            flags.extend(["-u".to_owned(), KEY_UPDATE_AFTER_PACKETS.to_owned()]);
        }
        _ => {}
    }
    let resumes = matches!(case, Some(TestCase::Resumption | TestCase::Zerortt));
    if resumes && generation.ticket_flag {
        flags.extend([
            "-T".to_owned(),
            text(&request.output_dir.join("tickets.bin")),
        ]);
    }
    let command = |urls: &[String]| {
        let mut args = flags.clone();
        args.extend([server.host.clone(), server.port.to_string(), scenario(urls)]);
        CommandSpec {
            cwd: Some(request.output_dir.clone()),
            ..CommandSpec::new(text(program), args)
        }
    };
    Ok(match (resumes, urls.split_first()) {
        (true, Some((first, rest))) if !rest.is_empty() => ClientCommands {
            first: Some(command(std::slice::from_ref(first))),
            last: command(rest),
        },
        _ => ClientCommands {
            first: None,
            last: command(&urls),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::model::Role;
    use panther_quic_interop::golden::request;

    use crate::picoquicdemo::versions::generation;

    const PROGRAM: &str = "/opt/picoquicdemo";

    /// The argument after `flag`.
    fn value_of<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
        let at = args.iter().position(|arg| arg == flag)?;
        args.get(at + 1).map(String::as_str)
    }

    fn v1() -> Generation {
        generation("rfc9000").unwrap()
    }

    #[test]
    fn resumption_fetches_the_first_file_alone_then_the_rest_with_the_same_tickets() {
        let commands = client(
            &request(Role::Client, "resumption"),
            Path::new(PROGRAM),
            &v1(),
        )
        .unwrap();
        let first = commands.first.unwrap();
        assert_eq!(first.args.last().unwrap(), "-:/resumption-1.bin");
        assert_eq!(commands.last.args.last().unwrap(), "-:/resumption-2.bin");
        let tickets = value_of(&first.args, "-T").unwrap();
        assert!(tickets.ends_with("/tickets.bin"), "{tickets}");
        assert_eq!(value_of(&commands.last.args, "-T"), Some(tickets));
        assert_eq!(first.cwd, commands.last.cwd);
    }

    #[test]
    fn other_cases_fetch_every_file_on_one_connection_without_tickets() {
        let zerortt = client(&request(Role::Client, "zerortt"), Path::new(PROGRAM), &v1());
        assert_eq!(
            zerortt.unwrap().last.args.last().unwrap(),
            "-:/zerortt-2.bin;-:/zerortt-3.bin;-:/zerortt-4.bin"
        );
        let commands = client(
            &request(Role::Client, "multiplexing"),
            Path::new(PROGRAM),
            &v1(),
        )
        .unwrap();
        assert!(commands.first.is_none());
        assert_eq!(
            commands.last.args.last().unwrap().matches("-:/").count(),
            50
        );
        assert_eq!(value_of(&commands.last.args, "-T"), None);
    }

    #[test]
    fn each_version_gets_only_the_flags_it_has() {
        let server_args = |version: &str| {
            server(
                &request(Role::Server, "handshake"),
                Path::new(PROGRAM),
                &generation(version).unwrap(),
            )
            .unwrap()
            .args
        };
        assert_eq!(server_args("latest")[..2], ["-8", "-0"]);
        assert_eq!(server_args("rfc9000")[..2], ["-0", "-q"]);
        assert_eq!(server_args("draft29")[0], "-q");
        let draft27 = server_args("draft27-vuln1");
        assert!(
            !draft27
                .iter()
                .any(|arg| ["-8", "-0", "-q"].contains(&arg.as_str()))
        );
        let resuming = client(
            &request(Role::Client, "resumption"),
            Path::new(PROGRAM),
            &generation("draft27-vuln2").unwrap(),
        )
        .unwrap();
        assert_eq!(value_of(&resuming.last.args, "-T"), None);
        assert_eq!(value_of(&resuming.last.args, "-v"), Some("ff00001b"));
        assert_eq!(value_of(&resuming.last.args, "-a"), Some("hq-27"));
    }

    #[test]
    fn a_request_without_tls_files_is_refused() {
        let mut bare = request(Role::Server, "handshake");
        bare.tls = None;
        let error = server(&bare, Path::new(PROGRAM), &v1()).unwrap_err();
        assert!(
            error.message().contains("no TLS files"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_url_path_keeps_its_leading_slash() {
        assert_eq!(url_path("https://127.0.0.1:4443/a-1.bin"), "/a-1.bin");
        assert_eq!(url_path("https://[::1]:4443/x/y"), "/x/y");
        assert_eq!(url_path("https://host"), "/");
    }
}
