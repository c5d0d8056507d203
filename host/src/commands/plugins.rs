//! `plugins list`, `plugins inspect` and `plugins check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use comfy_table::{Table, presets};
use panther_plugin_api::model::{ComponentKind, ImplementationVersion, Manifest, Requirement};
use serde_json::json;

use crate::cli::GlobalOptions;
use crate::error::InputError;
use crate::registry::{
    Cache, Examination, PLUGIN_PATH_VARIABLE, Prober, Registry, default_cache_directory,
    plugin_directories,
};

/// What the plugin commands need: where plugins and the cache are, and how to probe.
pub struct Context {
    plugin_directories: Vec<PathBuf>,
    environment_directories: Option<std::ffi::OsString>,
    cache_directory: Option<PathBuf>,
    prober: Prober,
}

impl Context {
    /// The context the global options describe.
    pub fn new(global: &GlobalOptions) -> anyhow::Result<Self> {
        Ok(Self {
            plugin_directories: global.plugin_directories.clone(),
            environment_directories: std::env::var_os(PLUGIN_PATH_VARIABLE),
            cache_directory: global.cache_dir.clone().or_else(default_cache_directory),
            prober: Prober::current_exe()?,
        })
    }

    /// The cache directory (`--cache-dir`, else the default), if there is one.
    pub fn cache_directory(&self) -> Option<&Path> {
        self.cache_directory.as_deref()
    }

    /// Where the host keeps what outlives a run (the probe cache, pending teardowns).
    pub fn state_directory(&self) -> PathBuf {
        self.cache_directory
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("panther-host"))
    }

    /// Scans the plugin directories; an error when none is given or one is unusable.
    pub fn registry(&self) -> Result<Registry, InputError> {
        let directories = plugin_directories(
            &self.plugin_directories,
            self.environment_directories.as_deref(),
        )?;
        let mut cache = match &self.cache_directory {
            Some(directory) => Cache::open(directory),
            None => Cache::in_memory(),
        };
        Registry::scan(&directories, &mut cache, &self.prober)
    }
}

fn roles_and_protocols(manifest: &Manifest) -> String {
    let roles: Vec<&str> = manifest.roles.iter().map(|r| r.as_str()).collect();
    match (manifest.protocols.is_empty(), roles.is_empty()) {
        (true, true) => "-".to_owned(),
        (false, true) => manifest.protocols.join(", "),
        (true, false) => roles.join(", "),
        (false, false) => format!("{}: {}", manifest.protocols.join(", "), roles.join(", ")),
    }
}

/// Prints every plugin found and every refused file with its reason.
pub fn list(context: &Context, as_json: bool) -> anyhow::Result<ExitCode> {
    let registry = context.registry()?;
    if as_json {
        let plugins: Vec<_> = registry
            .plugins
            .iter()
            .map(|p| {
                json!({
                    "name": p.manifest.name,
                    "kind": p.manifest.kind,
                    "version": p.manifest.version,
                    "api_version": p.manifest.build.api_version,
                    "protocols": p.manifest.protocols,
                    "roles": p.manifest.roles,
                    "description": p.manifest.description,
                    "file": p.path,
                })
            })
            .collect();
        let refused: Vec<_> = registry
            .refused
            .iter()
            .map(|r| json!({ "file": r.path, "reason": r.reason }))
            .collect();
        let document = json!({ "plugins": plugins, "refused": refused });
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    table.set_header([
        "NAME",
        "KIND",
        "VERSION",
        "API",
        "PROTOCOLS / ROLES",
        "FILE",
    ]);
    for plugin in &registry.plugins {
        let m = &plugin.manifest;
        table.add_row([
            m.name.clone(),
            m.kind.to_string(),
            m.version.clone(),
            m.build.api_version.clone(),
            roles_and_protocols(m),
            plugin.path.display().to_string(),
        ]);
    }
    if registry.plugins.is_empty() {
        println!("no plugins found");
    } else {
        println!("{table}");
    }
    if !registry.refused.is_empty() {
        println!("\nrefused files ({}):", registry.refused.len());
        for refused in &registry.refused {
            println!("  {}: refused: {}", refused.path.display(), refused.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Looks a plugin up by name in the registry, or probes a file given by path.
fn examine_one(context: &Context, plugin: &str) -> anyhow::Result<(PathBuf, Manifest)> {
    let as_path = Path::new(plugin);
    if plugin.contains('/') || as_path.is_file() {
        let path = as_path
            .canonicalize()
            .map_err(|e| InputError::new(format!("{plugin}: {e}")))?;
        let report = context.prober.probe_all(std::slice::from_ref(&path), false);
        return match report.into_iter().next().map(|r| r.examination) {
            Some(Examination::Accepted(manifest)) => Ok((path, *manifest)),
            Some(Examination::Refused(reason)) => {
                Err(InputError::new(format!("{}: refused: {reason}", path.display())).into())
            }
            None => Err(InputError::new(format!("{plugin}: not probed")).into()),
        };
    }
    let registry = context.registry()?;
    let entry = registry.find(plugin)?;
    Ok((entry.path.clone(), entry.manifest.clone()))
}

/// Whether a version's requirements are met: the requirements missing, a relative
/// path being taken from the cache directory.
fn missing_requirements<'a>(
    context: &Context,
    version: &'a ImplementationVersion,
) -> Vec<&'a Requirement> {
    version
        .requires
        .iter()
        .filter(|requirement| {
            let path = match context.cache_directory() {
                Some(cache) if requirement.path.is_relative() => cache.join(&requirement.path),
                _ => requirement.path.clone(),
            };
            !path.exists()
        })
        .collect()
}

/// The versions a service manager offers, one line each: its name, whether it is the
/// default, whether it is built (or how to build it), and what it is.
fn version_lines(context: &Context, manifest: &Manifest) -> Vec<String> {
    manifest
        .versions
        .iter()
        .map(|version| {
            let default = if version.default { " (default)" } else { "" };
            let state = match missing_requirements(context, version).first() {
                None => "built".to_owned(),
                Some(missing) => format!("not built: {}", missing.how_to_get),
            };
            format!(
                "  {}{default}: {state}\n      {}",
                version.name, version.description
            )
        })
        .collect()
}

/// Prints everything a plugin says about itself.
pub fn inspect(context: &Context, plugin: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let (path, manifest) = examine_one(context, plugin)?;
    if as_json {
        let built: serde_json::Map<String, serde_json::Value> = manifest
            .versions
            .iter()
            .map(|version| {
                let built = missing_requirements(context, version).is_empty();
                (version.name.clone(), json!(built))
            })
            .collect();
        let document = json!({ "file": path, "manifest": manifest, "built": built });
        println!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(ExitCode::SUCCESS);
    }
    let roles: Vec<&str> = manifest.roles.iter().map(|r| r.as_str()).collect();
    let or_dash = |text: String| {
        if text.is_empty() {
            "-".to_owned()
        } else {
            text
        }
    };
    println!("name:         {}", manifest.name);
    println!("kind:         {}", manifest.kind);
    println!("version:      {}", manifest.version);
    println!("description:  {}", manifest.description);
    println!("protocols:    {}", or_dash(manifest.protocols.join(", ")));
    println!("roles:        {}", or_dash(roles.join(", ")));
    if manifest.kind == ComponentKind::ExecutionEnvironment {
        println!("layer:        {}", manifest.layer.as_str());
        println!("claims:       {}", or_dash(manifest.claims.join(", ")));
    }
    if !manifest.versions.is_empty() {
        println!("versions (config key `version`):");
        for line in version_lines(context, &manifest) {
            println!("{line}");
        }
    }
    println!("file:         {}", path.display());
    println!("plugin-api:   {}", manifest.build.api_version);
    println!("rustc:        {}", manifest.build.rustc_version);
    println!("target:       {}", manifest.build.target);
    println!(
        "config schema:\n{}",
        serde_json::to_string_pretty(&manifest.config_schema)?
    );
    Ok(ExitCode::SUCCESS)
}

/// Probes each file in a child process, calls each of its methods once, and reports.
/// Exit code 1 when any file is refused or any call fails.
pub fn check(context: &Context, files: &[PathBuf], as_json: bool) -> anyhow::Result<ExitCode> {
    let mut paths = Vec::with_capacity(files.len());
    for file in files {
        if !file.is_file() {
            return Err(InputError::new(format!("{}: no such file", file.display())).into());
        }
        paths.push(file.canonicalize()?);
    }
    let reports = context.prober.probe_all(&paths, true);
    let all_good = reports.iter().all(|report| {
        matches!(report.examination, Examination::Accepted(_))
            && report.calls.iter().all(|call| call.answer.is_ok())
    });
    if as_json {
        let document: Vec<_> = paths
            .iter()
            .zip(&reports)
            .map(|(path, report)| json!({ "file": path, "report": report }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        for (path, report) in paths.iter().zip(&reports) {
            match &report.examination {
                Examination::Accepted(m) => println!(
                    "{}: ok: {} ({} {}, plugin-api {})",
                    path.display(),
                    m.name,
                    m.kind,
                    m.version,
                    m.build.api_version
                ),
                Examination::Refused(reason) => {
                    println!("{}: refused: {reason}", path.display());
                }
            }
            for call in &report.calls {
                match &call.answer {
                    Ok(answer) => println!("  {}: ok: {answer}", call.call),
                    Err(error) => println!("  {}: error: {error}", call.call),
                }
            }
        }
    }
    Ok(if all_good {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
