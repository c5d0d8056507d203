//! The programs that no package provides (the QUIC stacks, the Shadow simulator):
//! their pinned sources and versions, read from `stacks.toml` beside this crate, and
//! where `scripts/build-stacks` (this crate's `panther-build-stacks`) leaves each build
//! in the host's cache directory, so that a plugin finds its programs there.
//!
//! A build of a stack's version is found at `stacks/NAME/VERSION-FINGERPRINT/bin/` under
//! the cache directory, where the fingerprint names the exact sources (their ids and
//! sha256s, and where each is unpacked): a checkout whose pins moved looks for a new
//! build instead of running an old one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{ImplementationVersion, Requirement};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The text of `stacks.toml`, as this build of the plugins was made with.
pub const PINS_TEXT: &str = include_str!("../stacks.toml");

/// The folder of the cache directory that holds every stack build.
pub const CACHE_FOLDER: &str = "stacks";

/// The config key that chooses a stack's version.
pub const VERSION_KEY: &str = "version";

/// One pinned upstream snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The upstream git repository, for a snapshot of a commit.
    pub repository: Option<String>,
    /// The commit of `repository` the snapshot is of.
    pub commit: Option<String>,
    /// `NAME==VERSION`, for a source distribution on PyPI.
    pub pypi: Option<String>,
    /// The sha256 of the snapshot's file (`ID.tar.gz`, or the sdist).
    pub sha256: String,
}

/// Where a source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A `git archive` of `commit` in `repository`.
    Git {
        /// The repository's URL.
        repository: &'a str,
        /// The full commit id.
        commit: &'a str,
    },
    /// A source distribution on PyPI (`NAME==VERSION`).
    PyPi(&'a str),
}

impl Source {
    /// Where it comes from; an error when the entry names neither a commit of a
    /// repository nor a PyPI package, or both.
    pub fn origin(&self) -> Result<Origin<'_>, String> {
        match (&self.repository, &self.commit, &self.pypi) {
            (Some(repository), Some(commit), None) => Ok(Origin::Git { repository, commit }),
            (None, None, Some(pypi)) => Ok(Origin::PyPi(pypi)),
            _ => Err("give `repository` and `commit`, or `pypi`".to_owned()),
        }
    }
}

/// A stack: how it is built, and its versions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    /// The build recipe, relative to `stacks.toml`.
    pub recipe: String,
    /// Further files or folders the build is made from, relative to `stacks.toml`.
    #[serde(default)]
    pub inputs: Vec<String>,
    /// The programs a build leaves in its `bin/`.
    #[serde(default)]
    pub programs: Vec<String>,
    /// The other files a build leaves in its folder (headers, libraries), relative
    /// to it: what a library's users compile against.
    #[serde(default)]
    pub files: Vec<String>,
    /// The Debian packages it is built with.
    #[serde(default)]
    pub packages: Vec<String>,
    /// Commands whose output names the toolchain (part of a build's cache key).
    #[serde(default)]
    pub toolchain: Vec<String>,
    /// Whether the test command builds it.
    #[serde(default)]
    pub ci: bool,
    /// Its versions, by the name the `version` key takes.
    pub versions: BTreeMap<String, StackVersion>,
}

/// One version of a stack.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackVersion {
    /// Whether it is the version used when the config names none.
    #[serde(default)]
    pub default: bool,
    /// What it is: commits, the QUIC version it speaks.
    pub description: String,
    /// Its sources: where each is unpacked (relative to the build's source folder) to
    /// the id of the source.
    pub sources: BTreeMap<String, String>,
}

/// Everything `stacks.toml` says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pins {
    /// The pinned snapshots, by id.
    pub sources: BTreeMap<String, Source>,
    /// The stacks, by name.
    pub stacks: BTreeMap<String, Stack>,
}

impl Pins {
    /// Reads and checks pins from `text`: every source has one origin, every version
    /// names known sources, every stack has exactly one default version.
    pub fn parse(text: &str) -> Result<Self, String> {
        let pins: Pins = toml::from_str(text).map_err(|e| e.to_string())?;
        for (id, source) in &pins.sources {
            source
                .origin()
                .map_err(|problem| format!("sources.{id}: {problem}"))?;
        }
        for (name, stack) in &pins.stacks {
            if stack.programs.is_empty() && stack.files.is_empty() {
                return Err(format!(
                    "stacks.{name}: give the `programs` or the `files` a build leaves"
                ));
            }
            let defaults = stack.versions.values().filter(|v| v.default).count();
            if defaults != 1 {
                return Err(format!(
                    "stacks.{name}: {defaults} versions say `default = true`; exactly one must"
                ));
            }
            for (version, pinned) in &stack.versions {
                if let Some(id) = pinned
                    .sources
                    .values()
                    .find(|id| !pins.sources.contains_key(*id))
                {
                    return Err(format!(
                        "stacks.{name}.versions.{version}: no source '{id}' in [sources]"
                    ));
                }
            }
        }
        Ok(pins)
    }

    /// The pins this build of the plugins was made with.
    pub fn embedded() -> Result<&'static Self, PluginError> {
        static PINS: OnceLock<Result<Pins, String>> = OnceLock::new();
        PINS.get_or_init(|| Self::parse(PINS_TEXT))
            .as_ref()
            .map_err(|problem| PluginError::new(format!("stacks.toml: {problem}")))
    }

    /// The stack called `name`.
    pub fn stack(&self, name: &str) -> Result<&Stack, PluginError> {
        self.stacks
            .get(name)
            .ok_or_else(|| PluginError::new(format!("stacks.toml has no stack '{name}'")))
    }

    /// The fingerprint of `version`'s sources: what they are and where each goes.
    pub fn fingerprint(&self, version: &StackVersion) -> String {
        let mut hash = Sha256::new();
        for (place, id) in &version.sources {
            let sha256 = self.sources.get(id).map_or("", |s| s.sha256.as_str());
            hash.update(format!("{place}={id}:{sha256}\n"));
        }
        let digest = hash.finalize();
        digest[..6]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl Pins {
    /// The build of `stack`'s `version` (its default one when `None`); an error naming
    /// the versions there are when it has no such version.
    pub fn build(&self, stack: &str, version: Option<&str>) -> Result<StackBuild, PluginError> {
        let pinned = self.stack(stack)?;
        let name = version.unwrap_or_else(|| pinned.default_version());
        let found = pinned.versions.get(name).ok_or_else(|| {
            let names: Vec<&str> = pinned.versions.keys().map(String::as_str).collect();
            PluginError::new(format!(
                "config key `{VERSION_KEY}`: {stack} has no version '{name}' (it has {})",
                names.join(", ")
            ))
        })?;
        Ok(StackBuild {
            stack: stack.to_owned(),
            version: name.to_owned(),
            fingerprint: self.fingerprint(found),
        })
    }
}

impl Stack {
    /// The name of its default version.
    pub fn default_version(&self) -> &str {
        self.versions
            .iter()
            .find(|(_, version)| version.default)
            .map_or("", |(name, _)| name.as_str())
    }

    /// What a build leaves, relative to its folder: each program in `bin/`, then
    /// the other files.
    pub fn outputs(&self) -> Vec<PathBuf> {
        let programs = self.programs.iter().map(|p| Path::new("bin").join(p));
        programs
            .chain(self.files.iter().map(PathBuf::from))
            .collect()
    }
}

/// One version of one stack, as a build of it is found and named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackBuild {
    /// The stack's name (`picoquic`).
    pub stack: String,
    /// The version's name (`rfc9000`).
    pub version: String,
    /// The fingerprint of its sources.
    pub fingerprint: String,
}

impl StackBuild {
    /// The build of `stack`'s `version` (its default one when `None`) by the embedded
    /// pins; an error naming the versions there are when it has no such version.
    pub fn of(stack: &str, version: Option<&str>) -> Result<Self, PluginError> {
        Pins::embedded()?.build(stack, version)
    }

    /// `NAME@VERSION`, as `scripts/build-stacks` takes it.
    pub fn label(&self) -> String {
        format!("{}@{}", self.stack, self.version)
    }

    /// Where the build is, relative to the cache directory.
    pub fn relative_dir(&self) -> PathBuf {
        Path::new(CACHE_FOLDER)
            .join(&self.stack)
            .join(format!("{}-{}", self.version, self.fingerprint))
    }

    /// `program` of the build, under `cache_dir`.
    pub fn program(&self, cache_dir: &Path, program: &str) -> PathBuf {
        cache_dir
            .join(self.relative_dir())
            .join("bin")
            .join(program)
    }

    /// `program` of the build under the host's cache directory, refused when the host
    /// has none.
    pub fn program_in(&self, cache_dir: &Path, program: &str) -> Result<PathBuf, PluginError> {
        Ok(self.dir_in(cache_dir)?.join("bin").join(program))
    }

    /// The build's folder under the host's cache directory, refused when the host has
    /// none.
    pub fn dir_in(&self, cache_dir: &Path) -> Result<PathBuf, PluginError> {
        if cache_dir.as_os_str().is_empty() {
            return Err(PluginError::new(format!(
                "{} is looked for in the host's cache directory, and the host has none: \
                 set PANTHER_CACHE_DIR or HOME, or give --cache-dir",
                self.label()
            )));
        }
        Ok(cache_dir.join(self.relative_dir()))
    }

    /// What running `program` of this build needs: the program itself, with the
    /// command that builds it.
    pub fn requirement(&self, path: PathBuf, program: &str) -> Requirement {
        Requirement {
            path,
            what: format!(
                "{program} of {} {} (config key `{VERSION_KEY}`)",
                self.stack, self.version
            ),
            how_to_get: format!(
                "run `scripts/build-stacks {}` in the panther-host repository",
                self.label()
            ),
        }
    }
}

/// The name of `stack`'s default version in the embedded pins (empty when it has
/// none, which the pins' own checks rule out).
pub fn default_version(stack: &str) -> String {
    Pins::embedded()
        .ok()
        .and_then(|pins| pins.stacks.get(stack))
        .map(|pinned| pinned.default_version().to_owned())
        .unwrap_or_default()
}

/// `program` of `stack`'s `version` and what running it needs: the pinned build's,
/// in the host's cache directory `cache_dir`, with the command that builds it; or
/// `own`, the program the config key `key` names instead.
pub fn stack_program(
    stack: &str,
    version: &str,
    program: &str,
    own: Option<&Path>,
    key: &str,
    cache_dir: &Path,
) -> Result<(PathBuf, Requirement), PluginError> {
    let build = StackBuild::of(stack, Some(version))?;
    match own {
        Some(path) => Ok((
            path.to_path_buf(),
            Requirement {
                path: path.to_path_buf(),
                what: format!("{program} of {stack} (config key `{key}`)"),
                how_to_get: format!(
                    "build it there, or drop `{key}` to run the pinned build \
                     (`scripts/build-stacks {}`)",
                    build.label()
                ),
            },
        )),
        None => {
            let path = build.program_in(cache_dir, program)?;
            let requirement = build.requirement(path.clone(), program);
            Ok((path, requirement))
        }
    }
}

/// The versions `stack` offers, each with the programs it needs, relative to the
/// cache directory, for a plugin's description.
pub fn offered_versions(stack: &str) -> Vec<ImplementationVersion> {
    let Ok(pins) = Pins::embedded() else {
        return Vec::new();
    };
    let Ok(pinned) = pins.stack(stack) else {
        return Vec::new();
    };
    pinned
        .versions
        .iter()
        .map(|(name, version)| {
            let build = StackBuild {
                stack: stack.to_owned(),
                version: name.clone(),
                fingerprint: pins.fingerprint(version),
            };
            ImplementationVersion {
                name: name.clone(),
                description: version.description.clone(),
                default: version.default,
                requires: pinned
                    .programs
                    .iter()
                    .map(|program| {
                        build.requirement(build.relative_dir().join("bin").join(program), program)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The JSON Schema of the `version` key of `stack`'s config: one of its versions, its
/// default one by default.
pub fn version_schema(stack: &str) -> serde_json::Value {
    let pinned = Pins::embedded()
        .ok()
        .and_then(|pins| pins.stack(stack).ok());
    let names: Vec<&str> = pinned
        .map(|s| s.versions.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let default = pinned.map(Stack::default_version).unwrap_or_default();
    serde_json::json!({
        "type": "string",
        "enum": names,
        "default": default,
        "description": format!(
            "which pinned version of {stack} to run (stacks.toml); `scripts/build-stacks \
             {stack}@VERSION` builds it"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_pins_parse_and_every_stack_has_its_default() {
        let pins = Pins::embedded().unwrap();
        assert_eq!(pins.stack("picoquic").unwrap().default_version(), "rfc9000");
        for (name, stack) in &pins.stacks {
            assert!(
                stack.versions.contains_key(stack.default_version()),
                "{name}"
            );
            assert!(!stack.outputs().is_empty(), "{name}");
        }
        let picotls = pins.stack("picotls").unwrap();
        assert!(picotls.programs.is_empty());
        assert!(
            picotls
                .outputs()
                .contains(&PathBuf::from("lib/libpicotls-core.a"))
        );
    }

    #[test]
    fn a_stack_that_leaves_nothing_is_refused() {
        let nothing = r#"
            [sources]
            [stacks.s]
            recipe = "r.sh"
            [stacks.s.versions.v]
            default = true
            description = "d"
            sources = {}
        "#;
        assert_eq!(
            Pins::parse(nothing).unwrap_err(),
            "stacks.s: give the `programs` or the `files` a build leaves"
        );
        let library = nothing.replace(
            "recipe = \"r.sh\"",
            "recipe = \"r.sh\"\nfiles = [\"lib/l.a\"]",
        );
        let pins = Pins::parse(&library).unwrap();
        assert_eq!(pins.stacks["s"].outputs(), [PathBuf::from("lib/l.a")]);
    }

    #[test]
    fn a_version_without_a_known_source_or_two_defaults_is_refused() {
        let unknown = r#"
            [sources]
            [stacks.s]
            recipe = "r.sh"
            programs = ["p"]
            [stacks.s.versions.v]
            default = true
            description = "d"
            sources = { s = "nowhere-1" }
        "#;
        assert_eq!(
            Pins::parse(unknown).unwrap_err(),
            "stacks.s.versions.v: no source 'nowhere-1' in [sources]"
        );
        let two = r#"
            [sources]
            [stacks.s]
            recipe = "r.sh"
            programs = ["p"]
            [stacks.s.versions.a]
            default = true
            description = "d"
            sources = {}
            [stacks.s.versions.b]
            default = true
            description = "d"
            sources = {}
        "#;
        assert!(Pins::parse(two).unwrap_err().contains("2 versions"));
    }

    #[test]
    fn a_source_names_one_origin() {
        let both = Source {
            repository: Some("https://example.org/x".to_owned()),
            commit: Some("abc".to_owned()),
            pypi: Some("x==1".to_owned()),
            sha256: String::new(),
        };
        assert!(both.origin().is_err());
    }

    #[test]
    fn a_build_is_found_under_its_version_and_sources_fingerprint() {
        let build = StackBuild::of("picoquic", None).unwrap();
        assert_eq!(build.version, "rfc9000");
        assert_eq!(build.fingerprint.len(), 12);
        let program = build.program(Path::new("/cache"), "picoquicdemo");
        assert_eq!(
            program,
            Path::new(&format!(
                "/cache/stacks/picoquic/rfc9000-{}/bin/picoquicdemo",
                build.fingerprint
            ))
        );
        let other = StackBuild::of("picoquic", Some("draft29")).unwrap();
        assert_ne!(other.fingerprint, build.fingerprint);
        let requirement = build.requirement(program, "picoquicdemo");
        assert!(
            requirement
                .how_to_get
                .contains("scripts/build-stacks picoquic@rfc9000"),
            "{}",
            requirement.how_to_get
        );
    }

    #[test]
    fn an_unknown_version_is_refused_with_the_versions_there_are() {
        let error = StackBuild::of("picoquic", Some("draft30")).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `version`: picoquic has no version 'draft30' (it has "),
            "{}",
            error.message()
        );
        assert!(error.message().contains("rfc9000"), "{}", error.message());
    }

    #[test]
    fn a_program_of_one_s_own_replaces_the_pinned_build() {
        let cache = Path::new("/cache");
        let (pinned, needs) =
            stack_program("quant", "rfc9000", "server", None, "server", cache).unwrap();
        let shown = pinned.display().to_string();
        assert!(shown.starts_with("/cache/stacks/quant/rfc9000-"), "{shown}");
        assert_eq!(needs.path, pinned);
        let own = Path::new("/opt/quant/server");
        let (path, needs) =
            stack_program("quant", "rfc9000", "server", Some(own), "server", cache).unwrap();
        assert_eq!(path, own);
        assert_eq!(needs.what, "server of quant (config key `server`)");
        assert!(
            needs
                .how_to_get
                .contains("scripts/build-stacks quant@rfc9000")
        );
        assert_eq!(default_version("quant"), "rfc9000");
    }

    #[test]
    fn no_cache_directory_is_refused_with_what_to_set() {
        let build = StackBuild::of("quant", None).unwrap();
        let error = build.program_in(Path::new(""), "server").unwrap_err();
        assert!(error.message().contains("PANTHER_CACHE_DIR"));
    }

    #[test]
    fn the_offered_versions_need_their_programs_relative_to_the_cache() {
        let versions = offered_versions("lsquic");
        assert_eq!(versions.len(), 1);
        assert!(versions[0].default);
        assert_eq!(versions[0].requires.len(), 2);
        assert!(versions[0].requires[0].path.is_relative());
        assert!(versions[0].requires[0].path.starts_with("stacks/lsquic"));
        let schema = version_schema("picoquic");
        assert_eq!(schema["default"], "rfc9000");
        assert_eq!(schema["enum"].as_array().unwrap().len(), 5);
    }
}
