//! The `panther-host` command.

fn main() -> std::process::ExitCode {
    panther_host::cli::main()
}
