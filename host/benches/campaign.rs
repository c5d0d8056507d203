//! The host's own cost of running tests: a campaign of 100 short ping_pong tests with
//! `--jobs 1` (overhead per test beyond the time its services run, and the host's
//! peak memory), and a service writing 1 GiB to stdout (the host's peak memory, and
//! the log complete on disk).
//!
//! Needs the release plugins: run `scripts/build-plugins` first.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TESTS: usize = 100;
const GIB: u64 = 1 << 30;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Peak resident memory of a process so far, in KiB, from /proc.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs the host on `experiment`, sampling its peak memory until it exits.
fn run_host(experiment: &Path, output: &Path) -> (Duration, u64, bool) {
    let plugins = repo_root().join("target/plugins");
    assert!(
        plugins.join("ping-pong").exists(),
        "run scripts/build-plugins first"
    );
    let started = Instant::now();
    let mut host = Command::new(env!("CARGO_BIN_EXE_panther-host"))
        .arg("--plugins")
        .arg(&plugins)
        .arg("-q")
        .arg("run")
        .arg(experiment)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .env("PANTHER_CACHE_DIR", output.join("cache"))
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_kib(host.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = host.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (started.elapsed(), peak, status.success())
}

fn campaign(scratch: &Path) {
    let mut text = String::from("[experiment]\nname = \"campaign\"\n");
    for n in 1..=TESTS {
        text.push_str(&format!(
            "\n[[tests]]\nname = \"short {n}\"\ntimeout = \"10s\"\n\
             [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
             config = {{ min_delay_ms = 1 }}\n\
             [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
             target = \"server\"\nconfig = {{ pings = 1, min_delay_ms = 1 }}\n"
        ));
    }
    let file = scratch.join("campaign.toml");
    std::fs::write(&file, text).unwrap();
    let output = scratch.join("campaign-results");
    let (wall, peak, passed) = run_host(&file, &output);
    assert!(
        passed,
        "the campaign did not pass: see {}",
        output.display()
    );
    let run = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("results.json").exists())
        .unwrap();
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("results.json")).unwrap()).unwrap();
    let tests = results["tests"].as_array().unwrap();
    let services_total: f64 = tests
        .iter()
        .map(|t| t["services_ms"].as_f64().unwrap())
        .sum();
    let inside: Vec<f64> = tests
        .iter()
        .map(|t| t["duration_ms"].as_f64().unwrap() - t["services_ms"].as_f64().unwrap())
        .collect();
    let wall_ms = wall.as_secs_f64() * 1000.0;
    println!(
        "campaign of {TESTS} tests, --jobs 1: wall {wall_ms:.0} ms, services ran {services_total:.0} ms"
    );
    println!(
        "  host overhead per test, whole process (wall - services) / {TESTS}: {:.2} ms",
        (wall_ms - services_total) / TESTS as f64
    );
    println!(
        "  host work inside a test (setup, readiness, stop, teardown): median {:.2} ms",
        median(inside)
    );
    println!(
        "  host peak memory (VmHWM): {:.1} MiB",
        peak as f64 / 1024.0
    );
}

fn big_output(scratch: &Path) {
    let writer = scratch.join("write-1gib");
    std::fs::write(
        &writer,
        format!("#!/bin/sh\nexec head -c {GIB} /dev/zero\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&writer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = scratch.join("big.toml");
    std::fs::write(
        &file,
        format!(
            "[experiment]\nname = \"big output\"\n\n[[tests]]\nname = \"1 GiB on stdout\"\ntimeout = \"120s\"\n\
             [tests.services.server]\nimplementation = \"ping_pong\"\nrole = \"server\"\n\
             [tests.services.client]\nimplementation = \"ping_pong\"\nrole = \"client\"\n\
             target = \"server\"\nconfig = {{ binary = \"{}\" }}\n",
            writer.display()
        ),
    )
    .unwrap();
    let output = scratch.join("big-results");
    let (wall, peak, _) = run_host(&file, &output);
    let log = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("results.json").exists())
        .unwrap()
        .join("tests/001-1-gib-on-stdout/iteration-1/client/stdout.log");
    let size = std::fs::metadata(&log).unwrap().len();
    println!(
        "a service writing 1 GiB to stdout: log on disk {size} bytes (complete: {}), host peak memory {:.1} MiB, wall {:.1} s",
        size == GIB,
        peak as f64 / 1024.0,
        wall.as_secs_f64()
    );
    let _ = std::fs::remove_file(log);
}

fn main() {
    let scratch = tempfile::tempdir().unwrap();
    campaign(scratch.path());
    big_output(scratch.path());
}
