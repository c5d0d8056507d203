//! The cache of compiled tests: one directory per input, named by a hash of every
//! input (each file compiled from, the test's name, the toolchain and the compile
//! commands). An entry appears whole, by renaming the directory it was
//! compiled in, so a concurrent run never sees half a tester.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use panther_plugin_api::cache::default_cache_directory;
use sha2::{Digest, Sha256};

/// Where the compiled test's sources sit inside an entry: the tester looks for them
/// under `$IVY_MODEL_PATH/ivy/include/1.7/` to quote a broken rule's line.
pub const MODEL_SUBDIR: &str = "ivy/include/1.7";
/// The compiler's output, kept in each entry.
pub const COMPILE_LOG: &str = "compile.log";
/// What the entry's name was hashed from, kept in each entry.
const INPUTS_FILE: &str = "inputs.txt";
/// Bumped when the layout of an entry changes.
const LAYOUT: &str = "panther-ivy cache 2";

/// The cache directory when none is given: `ivy` in the host's default cache directory
/// (`$PANTHER_CACHE_DIR`, else `$XDG_CACHE_HOME/panther-host`, else
/// `~/.cache/panther-host`).
pub fn default_dir() -> Option<PathBuf> {
    default_cache_directory().map(|dir| dir.join("ivy"))
}

/// Everything a compiled test depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The test's name.
    pub test: String,
    /// The toolchain, as `toolchain::describe` tells it.
    pub toolchain: String,
    /// The compile commands, one line each, with the programs named without their
    /// directories (the toolchain tells their versions).
    pub commands: Vec<String>,
    /// Each file an entry holds before compiling: its path inside the entry and its
    /// contents, in path order.
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

impl Inputs {
    /// The inputs of `test`, with `files` put in path order.
    pub fn new(
        test: &str,
        toolchain: &str,
        commands: Vec<String>,
        mut files: Vec<(PathBuf, Vec<u8>)>,
    ) -> Self {
        files.sort();
        Self {
            test: test.to_owned(),
            toolchain: toolchain.to_owned(),
            commands,
            files,
        }
    }

    /// The lines the entry's name is a hash of, readable: every input but the files'
    /// contents, which are given by their own hashes. It hashes every file: compute it
    /// once, and give it to `Entry::of` and `Workspace::new`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{LAYOUT}\ntest {}\ntoolchain {}\n",
            self.test, self.toolchain
        );
        for command in &self.commands {
            text.push_str(&format!("compile {command}\n"));
        }
        for (path, contents) in &self.files {
            let hash = hex(&Sha256::digest(contents));
            text.push_str(&format!("file {} {hash}\n", path.display()));
        }
        text
    }
}

/// The name of the entry of the inputs `description` (`Inputs::describe`) tells: a
/// hash of every input.
fn entry_name(description: &str) -> String {
    hex(&Sha256::digest(description.as_bytes()))[..32].to_owned()
}

/// The files under `dir` (following links) that `keep` accepts, by their path inside
/// `dir`, with their contents.
pub fn read_tree(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    collect(dir, Path::new(""), keep, &mut files)?;
    Ok(files)
}

/// Adds the files under `dir` (reached as `relative`) that `keep` accepts.
fn collect(
    dir: &Path,
    relative: &Path,
    keep: &dyn Fn(&Path) -> bool,
    files: &mut Vec<(PathBuf, Vec<u8>)>,
) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let inside = relative.join(entry.file_name());
        if fs::metadata(&path)?.is_dir() {
            collect(&path, &inside, keep, files)?;
        } else if keep(&inside) {
            files.push((inside, fs::read(&path)?));
        }
    }
    Ok(())
}

/// Lower-case hexadecimal.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// One compiled test in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry's directory.
    pub dir: PathBuf,
    /// The test's name, which is also the tester binary's.
    pub test: String,
}

impl Entry {
    /// The entry of `inputs`, which `description` (`inputs.describe()`) tells, in the
    /// cache at `cache_dir`, compiled or not.
    pub fn of(cache_dir: &Path, inputs: &Inputs, description: &str) -> Self {
        Self {
            dir: cache_dir.join(entry_name(description)),
            test: inputs.test.clone(),
        }
    }

    /// The tester binary.
    pub fn binary(&self) -> PathBuf {
        self.dir.join(&self.test)
    }

    /// The sources it was compiled from.
    pub fn model_dir(&self) -> PathBuf {
        self.dir.join(MODEL_SUBDIR)
    }

    /// Whether the entry holds a compiled tester.
    pub fn is_complete(&self) -> bool {
        self.binary().is_file()
    }
}

/// A directory being filled with one compilation, in the cache directory so that it
/// can be renamed into place; removed unless installed.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// A new workspace in `cache_dir` (made if missing) holding the files of
    /// `inputs`, as an entry holds them, and their `description`
    /// (`inputs.describe()`).
    pub fn new(cache_dir: &Path, inputs: &Inputs, description: &str) -> io::Result<Self> {
        fs::create_dir_all(cache_dir)?;
        let dir = tempfile::Builder::new()
            .prefix(".compiling-")
            .tempdir_in(cache_dir)?;
        fs::create_dir_all(dir.path().join(MODEL_SUBDIR))?;
        for (path, contents) in &inputs.files {
            let to = dir.path().join(path);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&to, contents)?;
        }
        fs::write(dir.path().join(INPUTS_FILE), description)?;
        Ok(Self { dir })
    }

    /// The workspace's directory, laid out as an entry.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where the compilers run: the copy of the specification.
    pub fn model_dir(&self) -> PathBuf {
        self.dir.path().join(MODEL_SUBDIR)
    }

    /// Renames the workspace to `entry`. When another run installed the same entry
    /// first, its entry is kept and this workspace removed.
    pub fn install(self, entry: &Entry) -> io::Result<()> {
        if entry.dir.exists() && !entry.is_complete() {
            fs::remove_dir_all(&entry.dir)?;
        }
        let path = self.dir.keep();
        match fs::rename(&path, &entry.dir) {
            Ok(()) => Ok(()),
            Err(_) if entry.is_complete() => fs::remove_dir_all(&path),
            Err(error) => {
                let _ = fs::remove_dir_all(&path);
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        dir
    }

    /// The inputs of `test` compiled from every file of `dir`, kept in the model folder.
    fn inputs(dir: &Path, test: &str, toolchain: &str, command: &str) -> Inputs {
        let files = read_tree(dir, &|_| true)
            .unwrap()
            .into_iter()
            .map(|(path, contents)| (Path::new(MODEL_SUBDIR).join(path), contents))
            .collect();
        Inputs::new(test, toolchain, vec![command.to_owned()], files)
    }

    fn key(dir: &Path, test: &str, toolchain: &str) -> String {
        entry_name(&inputs(dir, test, toolchain, "ivyc target=test t.ivy").describe())
    }

    #[test]
    fn the_key_changes_with_every_input_and_only_then() {
        let files = [("a.ivy", "one"), ("lib/b.ivy", "two")];
        let first = spec(&files);
        let second = spec(&files);
        let base = key(first.path(), "t", "ivy 1");
        assert_eq!(base.len(), 32);
        assert_eq!(
            key(second.path(), "t", "ivy 1"),
            base,
            "same inputs elsewhere"
        );
        assert_ne!(key(first.path(), "u", "ivy 1"), base, "another test");
        assert_ne!(key(first.path(), "t", "ivy 2"), base, "another toolchain");
        let other_command =
            entry_name(&inputs(first.path(), "t", "ivy 1", "ivyc target=repl t.ivy").describe());
        assert_ne!(other_command, base, "another compile command");
        fs::write(second.path().join("lib/b.ivy"), "two!").unwrap();
        assert_ne!(key(second.path(), "t", "ivy 1"), base, "a changed file");
        let renamed = spec(&[("a.ivy", "one"), ("lib/c.ivy", "two")]);
        assert_ne!(key(renamed.path(), "t", "ivy 1"), base, "a renamed file");
        let added = spec(&[("a.ivy", "one"), ("lib/b.ivy", "two"), ("c.h", "")]);
        assert_ne!(key(added.path(), "t", "ivy 1"), base, "an added file");
    }

    #[test]
    fn inputs_list_files_in_path_order_with_their_hashes() {
        let dir = spec(&[("z.ivy", "z"), ("a/b.ivy", "b"), ("m.ivy", "m")]);
        let inputs = inputs(dir.path(), "t", "tools", "ivyc target=test t.ivy");
        let paths: Vec<_> = inputs.files.iter().map(|(path, _)| path.clone()).collect();
        let model = Path::new(MODEL_SUBDIR);
        assert_eq!(
            paths,
            [
                model.join("a/b.ivy"),
                model.join("m.ivy"),
                model.join("z.ivy")
            ]
        );
        let described = inputs.describe();
        assert!(described.starts_with(
            "panther-ivy cache 2\ntest t\ntoolchain tools\ncompile ivyc target=test t.ivy\n"
        ));
        assert!(described.contains(&format!(
            "file ivy/include/1.7/m.ivy {}\n",
            hex(&Sha256::digest(b"m"))
        )));
    }

    #[test]
    fn reads_only_the_files_kept() {
        let dir = spec(&[("a.ivy", "a"), ("b/c.ivy", "c"), ("b/d.cpp", "d")]);
        let ivy = |path: &Path| path.extension().is_some_and(|e| e == "ivy");
        let mut paths: Vec<_> = read_tree(dir.path(), &ivy)
            .unwrap()
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        paths.sort();
        assert_eq!(paths, [PathBuf::from("a.ivy"), PathBuf::from("b/c.ivy")]);
        assert!(read_tree(Path::new("/nonexistent/spec"), &ivy).is_err());
    }

    #[test]
    fn a_workspace_holds_the_files_and_installs_whole() {
        let source = spec(&[("t.ivy", "test"), ("lib/m.ivy", "model")]);
        let cache = tempfile::tempdir().unwrap();
        let mut inputs = inputs(source.path(), "t", "tools", "ivyc t.ivy");
        inputs
            .files
            .push((PathBuf::from("beside/x.h"), b"header".to_vec()));
        let description = inputs.describe();
        let entry = Entry::of(cache.path(), &inputs, &description);
        assert!(!entry.is_complete());
        let workspace = Workspace::new(cache.path(), &inputs, &description).unwrap();
        assert_eq!(
            fs::read_to_string(workspace.model_dir().join("lib/m.ivy")).unwrap(),
            "model"
        );
        assert_eq!(
            fs::read_to_string(workspace.path().join("beside/x.h")).unwrap(),
            "header"
        );
        fs::write(workspace.path().join("t"), "binary").unwrap();
        workspace.install(&entry).unwrap();
        assert!(entry.is_complete());
        assert_eq!(fs::read_to_string(entry.binary()).unwrap(), "binary");
        assert_eq!(
            fs::read_to_string(entry.model_dir().join("t.ivy")).unwrap(),
            "test"
        );
        assert!(
            fs::read_to_string(entry.dir.join(INPUTS_FILE))
                .unwrap()
                .contains("test t\n")
        );
        let leftovers: Vec<_> = fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            [std::ffi::OsString::from(entry_name(&description))]
        );
    }

    #[test]
    fn a_second_install_of_the_same_entry_keeps_the_first() {
        let source = spec(&[("t.ivy", "test")]);
        let cache = tempfile::tempdir().unwrap();
        let inputs = inputs(source.path(), "t", "tools", "ivyc t.ivy");
        let description = inputs.describe();
        let entry = Entry::of(cache.path(), &inputs, &description);
        let first = Workspace::new(cache.path(), &inputs, &description).unwrap();
        let second = Workspace::new(cache.path(), &inputs, &description).unwrap();
        fs::write(first.path().join("t"), "first").unwrap();
        fs::write(second.path().join("t"), "second").unwrap();
        first.install(&entry).unwrap();
        second.install(&entry).unwrap();
        assert_eq!(fs::read_to_string(entry.binary()).unwrap(), "first");
        assert_eq!(fs::read_dir(cache.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_incomplete_entry_is_replaced() {
        let source = spec(&[("t.ivy", "test")]);
        let cache = tempfile::tempdir().unwrap();
        let inputs = inputs(source.path(), "t", "tools", "ivyc t.ivy");
        let description = inputs.describe();
        let entry = Entry::of(cache.path(), &inputs, &description);
        fs::create_dir_all(entry.dir.join("ivy")).unwrap();
        let workspace = Workspace::new(cache.path(), &inputs, &description).unwrap();
        fs::write(workspace.path().join("t"), "binary").unwrap();
        workspace.install(&entry).unwrap();
        assert!(entry.is_complete());
    }

    #[test]
    fn a_dropped_workspace_leaves_nothing() {
        let source = spec(&[("t.ivy", "test")]);
        let cache = tempfile::tempdir().unwrap();
        let inputs = inputs(source.path(), "t", "tools", "ivyc t.ivy");
        drop(Workspace::new(cache.path(), &inputs, &inputs.describe()).unwrap());
        assert_eq!(fs::read_dir(cache.path()).unwrap().count(), 0);
    }
}
