//! PANTHER's QUIC models laid out as a tester is compiled from them: every `.ivy` file
//! of the models and of PANTHER's Ivy include files in one folder (they include each
//! other by file name, as PANTHER's own build copies them), the models' `quic_utils`
//! (a C++ header the tester includes), picotls, and the bridge to an older picotls when
//! the one given is older than the models'.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cache::{MODEL_SUBDIR, read_tree};

/// The copy of the models' `quic_utils` inside an entry is under this folder, which
/// g++ is given as `PANTHER_IVY_BASE_DIR` (the models include a C++ header from it).
pub const BASE_SUBDIR: &str = "quic";
/// The copy of picotls inside an entry.
pub const PICOTLS_SUBDIR: &str = "picotls";
/// The bridge to an older picotls, at the top of an entry when needed.
pub const COMPAT_HEADER: &str = "picotls_compat.h";
/// Its text.
const COMPAT_SOURCE: &str = include_str!("../../../quic/picotls_compat.h");
/// The models' folder of C++ and data files beside their Ivy files.
const UTILS: &str = "quic_utils";
/// The TLS shim, which installs a callback an older picotls has no field for.
const TLS_SHIM: &str = "tls_picotls.ivy";
/// What the lines installing that callback hold.
const ON_EXTENSION: &str = "ctx->on_extension";
/// What only the picotls headers the models are written for declare.
const NEWER_PICOTLS: &str = "ptls_on_extension_t";
/// picotls's main header, which tells its age, inside picotls's folder.
const PICOTLS_H: &str = "include/picotls.h";

/// The files a QUIC tester is compiled from.
#[derive(Debug)]
pub struct Layout {
    /// Each file with its path inside an entry.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Whether picotls is older than the models': the bridge is among the files and
    /// the TLS shim's callback lines are blanked out.
    pub older_picotls: bool,
}

/// The files of `test` from PANTHER's QUIC `models`, its Ivy `include_dir` and
/// `picotls_dir`.
pub fn layout(
    models: &Path,
    include_dir: &Path,
    picotls_dir: &Path,
    test: &str,
) -> Result<Layout, String> {
    let is_ivy = |path: &Path| path.extension().is_some_and(|ext| ext == "ivy");
    let read = |dir: &Path, keep: &dyn Fn(&Path) -> bool| {
        read_tree(dir, keep).map_err(|error| format!("cannot read {}: {error}", dir.display()))
    };
    let mut flat = flatten(read(models, &is_ivy)?, read(include_dir, &is_ivy)?);
    let file = OsString::from(format!("{test}.ivy"));
    if !flat.contains_key(&file) {
        return Err(format!(
            "PANTHER's QUIC models {} have no {}",
            models.display(),
            file.to_string_lossy()
        ));
    }
    let header = picotls_dir.join(PICOTLS_H);
    let picotls_h = std::fs::read(&header)
        .map_err(|error| format!("cannot read picotls's {}: {error}", header.display()))?;
    let older_picotls = !contains(&picotls_h, NEWER_PICOTLS);
    if older_picotls {
        if let Some(shim) = flat.get_mut(&OsString::from(TLS_SHIM)) {
            *shim = blank_lines_containing(shim, ON_EXTENSION);
        }
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = flat
        .into_iter()
        .map(|(name, contents)| (Path::new(MODEL_SUBDIR).join(name), contents))
        .collect();
    let under = |prefix: PathBuf, tree: Vec<(PathBuf, Vec<u8>)>| {
        tree.into_iter()
            .map(move |(path, contents)| (prefix.join(path), contents))
    };
    let base = Path::new(BASE_SUBDIR).join(UTILS);
    files.extend(under(base, read(&models.join(UTILS), &|_| true)?));
    for part in ["include", "lib"] {
        let not_read_yet = |path: &Path| Path::new(part).join(path) != Path::new(PICOTLS_H);
        let tree = read(&picotls_dir.join(part), &not_read_yet)?;
        files.extend(under(Path::new(PICOTLS_SUBDIR).join(part), tree));
    }
    files.push((Path::new(PICOTLS_SUBDIR).join(PICOTLS_H), picotls_h));
    if older_picotls {
        files.push((
            PathBuf::from(COMPAT_HEADER),
            COMPAT_SOURCE.as_bytes().to_vec(),
        ));
    }
    Ok(Layout {
        files,
        older_picotls,
    })
}

/// The files of `models` and `includes` by file name alone. Of two files of the same
/// name, a model's wins over an include file, and the one nearer the top of its folder
/// (then the first in path order) over the others.
fn flatten(
    models: Vec<(PathBuf, Vec<u8>)>,
    includes: Vec<(PathBuf, Vec<u8>)>,
) -> BTreeMap<OsString, Vec<u8>> {
    let mut flat = BTreeMap::new();
    for mut tree in [models, includes] {
        tree.sort_by(|(a, _), (b, _)| {
            (a.components().count(), a).cmp(&(b.components().count(), b))
        });
        for (path, contents) in tree {
            if let Some(name) = path.file_name() {
                flat.entry(name.to_owned()).or_insert(contents);
            }
        }
    }
    flat
}

/// `text` with every line holding `needle` left empty: the other lines keep their
/// numbers, so a broken rule's place is the same as in the models.
fn blank_lines_containing(text: &[u8], needle: &str) -> Vec<u8> {
    text.split_inclusive(|byte| *byte == b'\n')
        .flat_map(|line| {
            let kept: &[u8] = if !contains(line, needle) {
                line
            } else if line.ends_with(b"\n") {
                b"\n"
            } else {
                b""
            };
            kept.iter().copied()
        })
        .collect()
}

/// Whether `text` holds `needle`.
fn contains(text: &[u8], needle: &str) -> bool {
    text.windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// A folder holding `files`.
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, contents) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, contents).unwrap();
        }
        dir
    }

    /// The models, include files and picotls of a small QUIC test `t`, with picotls
    /// headers holding `picotls_h`.
    fn sources(picotls_h: &str) -> [tempfile::TempDir; 3] {
        let models = tree(&[
            ("quic_tests/server_tests/t.ivy", "include quic_stack"),
            ("quic_stack/quic_stack.ivy", "stack"),
            ("quic_stack/todo/quic_stack.ivy", "unfinished"),
            ("quic_utils/quic_ser_deser.h", "header"),
            ("quic_utils/http_request_file.txt", "GET /index.html\n"),
            (
                "quic_tests/server_tests/t.cpp",
                "a build left in the models",
            ),
        ]);
        let include = tree(&[
            ("tls_picotls.ivy", "a\n    ctx->on_extension = f;\nb\n"),
            ("quic_stack.ivy", "an include file of a model's name"),
        ]);
        let picotls = tree(&[
            ("include/picotls.h", picotls_h),
            ("include/picotls/openssl.h", "openssl"),
            ("lib/libpicotls-core.a", "archive"),
        ]);
        [models, include, picotls]
    }

    fn files(layout: &Layout) -> BTreeMap<String, String> {
        layout
            .files
            .iter()
            .map(|(path, contents)| {
                (
                    path.display().to_string(),
                    String::from_utf8_lossy(contents).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn lays_out_the_models_flat_beside_the_utils_and_picotls() {
        let [models, include, picotls] = sources("typedef struct ptls_on_extension_t x;");
        let layout = layout(models.path(), include.path(), picotls.path(), "t").unwrap();
        assert!(!layout.older_picotls);
        let files = files(&layout);
        let names: Vec<_> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "ivy/include/1.7/quic_stack.ivy",
                "ivy/include/1.7/t.ivy",
                "ivy/include/1.7/tls_picotls.ivy",
                "picotls/include/picotls.h",
                "picotls/include/picotls/openssl.h",
                "picotls/lib/libpicotls-core.a",
                "quic/quic_utils/http_request_file.txt",
                "quic/quic_utils/quic_ser_deser.h",
            ]
        );
        assert_eq!(
            files["ivy/include/1.7/quic_stack.ivy"], "stack",
            "the model nearest the top wins"
        );
        assert!(
            files["ivy/include/1.7/tls_picotls.ivy"].contains("ctx->on_extension"),
            "the models' own picotls needs no change"
        );
    }

    #[test]
    fn an_older_picotls_gets_the_bridge_and_the_shim_loses_its_callback() {
        let [models, include, picotls] = sources("typedef struct st_ptls_t ptls_t;");
        let layout = layout(models.path(), include.path(), picotls.path(), "t").unwrap();
        assert!(layout.older_picotls);
        let files = files(&layout);
        assert_eq!(files["ivy/include/1.7/tls_picotls.ivy"], "a\n\nb\n");
        assert_eq!(files[COMPAT_HEADER], COMPAT_SOURCE);
        assert!(COMPAT_SOURCE.contains("ptls_aead_new_direct"));
    }

    #[test]
    fn names_what_is_missing() {
        let [models, include, picotls] = sources("");
        let error = layout(models.path(), include.path(), picotls.path(), "u").unwrap_err();
        assert_eq!(
            error,
            format!(
                "PANTHER's QUIC models {} have no u.ivy",
                models.path().display()
            )
        );
        let error = layout(
            models.path(),
            include.path(),
            Path::new("/nonexistent"),
            "t",
        )
        .unwrap_err();
        assert!(
            error.starts_with("cannot read picotls's /nonexistent/include/picotls.h: "),
            "{error}"
        );
        let error = layout(
            Path::new("/nonexistent"),
            include.path(),
            picotls.path(),
            "t",
        )
        .unwrap_err();
        assert!(error.starts_with("cannot read /nonexistent: "), "{error}");
    }

    #[test]
    fn blanking_keeps_every_other_line_where_it_was() {
        let text = b"one\nctx->on_extension = x;\nthree\n  ctx->on_extension->cb = f;";
        assert_eq!(
            blank_lines_containing(text, ON_EXTENSION),
            b"one\n\nthree\n".to_vec()
        );
        assert_eq!(blank_lines_containing(b"", ON_EXTENSION), b"".to_vec());
    }
}
