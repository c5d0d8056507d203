//! How fast the registry is: `plugins list` as a whole process over 20 plugins with a
//! warm and a cold cache, an in-process scan, and one plugin call round trip.
//!
//! The 20 plugins are the template built under 20 names, plus every plugin library the
//! workspace's release build produced. Prints medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use panther_host::registry::{Cache, Component, LoadedPlugin, Prober, Registry};
use panther_plugin_api::model::{Role, ServiceAddress, ServiceRequest};

const COPIES: usize = 20;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn run(command: &mut Command) {
    let status = command.status().expect("command starts");
    assert!(status.success(), "{command:?} failed");
}

/// Builds the template under `COPIES` plugin names, in one workspace, in release.
fn build_template_copies(root: &Path) -> Vec<PathBuf> {
    let sources = root.join("target/bench-plugins");
    let template = std::fs::read_to_string(root.join("plugins/template/src/lib.rs")).unwrap();
    let manifest = std::fs::read_to_string(root.join("plugins/template/Cargo.toml")).unwrap();
    let mut members = Vec::new();
    for n in 1..=COPIES {
        let crate_name = format!("bench-plugin-{n:02}");
        let dir = sources.join(&crate_name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let code = template.replace("\"template-quic\"", &format!("\"bench-quic-{n:02}\""));
        let cargo = manifest
            .replace(
                "name = \"panther-plugin-template\"",
                &format!("name = \"{crate_name}\""),
            )
            .replace(
                "path = \"../../plugin-api\"",
                "path = \"../../../plugin-api\"",
            )
            .replace("[workspace]\n", "")
            .replace("[profile.release]\npanic = \"unwind\"\n", "");
        write_if_changed(&dir.join("src/lib.rs"), &code);
        write_if_changed(&dir.join("Cargo.toml"), &cargo);
        members.push(format!("\"{crate_name}\""));
    }
    write_if_changed(
        &sources.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.release]\npanic = \"unwind\"\n",
            members.join(", ")
        ),
    );
    let target = root.join("target/out-of-tree");
    run(Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(sources.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target));
    (1..=COPIES)
        .map(|n| target.join(format!("release/libbench_plugin_{n:02}.so")))
        .collect()
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).unwrap();
    }
}

fn time_list(host: &Path, plugins: &Path, cache: &Path) -> Duration {
    let started = Instant::now();
    let output = Command::new(host)
        .arg("--plugins")
        .arg(plugins)
        .args(["plugins", "list"])
        .env("PANTHER_CACHE_DIR", cache)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(output.status.success());
    elapsed
}

fn main() {
    let root = repo_root();
    let host = PathBuf::from(env!("CARGO_BIN_EXE_panther-host"));
    let scratch = tempfile::tempdir().unwrap();
    let plugins = scratch.path().join("plugins");
    let cache = scratch.path().join("cache");
    std::fs::create_dir(&plugins).unwrap();

    let mut files = build_template_copies(&root);
    if let Ok(entries) = std::fs::read_dir(root.join("target/release")) {
        files.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "so")),
        );
    }
    for file in &files {
        std::fs::copy(file, plugins.join(file.file_name().unwrap())).unwrap();
    }
    println!("plugin libraries in the directory: {}", files.len());

    let cold: Vec<Duration> = (0..15)
        .map(|_| {
            let _ = std::fs::remove_dir_all(&cache);
            time_list(&host, &plugins, &cache)
        })
        .collect();
    time_list(&host, &plugins, &cache);
    let warm: Vec<Duration> = (0..51)
        .map(|_| time_list(&host, &plugins, &cache))
        .collect();

    let prober = Prober::new(host.clone());
    let directories = vec![plugins.clone()];
    let scan: Vec<Duration> = (0..51)
        .map(|_| {
            let started = Instant::now();
            let mut cache = Cache::open(&cache);
            let registry = Registry::scan(&directories, &mut cache, &prober).unwrap();
            assert_eq!(registry.plugins.len(), files.len());
            started.elapsed()
        })
        .collect();

    let started = Instant::now();
    let (plugin, manifest) = LoadedPlugin::load(&files[0]).unwrap();
    let first_load = started.elapsed();
    let Component::ServiceManager(manager) = plugin.instantiate(&manifest).unwrap() else {
        panic!("the template is a service manager");
    };
    let request = ServiceRequest {
        test: "bench".into(),
        service: "server".into(),
        role: Role::Server,
        protocol: "quic".into(),
        protocol_version: None,
        test_case: Some("handshake".into()),
        network: "localhost".to_owned(),
        config: serde_json::json!({}),
        address: ServiceAddress {
            host: "127.0.0.1".into(),
            port: 4443,
        },
        target: None,
        peers: Default::default(),
        output_dir: scratch.path().join("out"),
        artifacts_dir: scratch.path().join("out/artifacts"),
        plugin_dir: plugins.clone(),
        cache_dir: PathBuf::new(),
        tls: None,
        link_capture: None,
    };
    let calls_per_sample = 1000;
    let round_trip: Vec<Duration> = (0..31)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..calls_per_sample {
                std::hint::black_box(manager.plan(&request).unwrap());
            }
            started.elapsed() / calls_per_sample
        })
        .collect();

    let cold = median(cold);
    let warm = median(warm);
    println!("plugins list, whole process, cold cache (every file probed): median {cold:?}");
    println!("plugins list, whole process, warm cache:                     median {warm:?}");
    println!(
        "in-process scan, warm cache:                                  median {:?}",
        median(scan)
    );
    println!("first in-process load of one plugin (dlopen + checks):       {first_load:?}");
    println!(
        "plan() round trip (JSON in, JSON out):                        median {:?}",
        median(round_trip)
    );
    println!(
        "cold / warm ratio: {:.1}",
        cold.as_secs_f64() / warm.as_secs_f64()
    );
}
