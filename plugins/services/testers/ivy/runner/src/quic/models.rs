//! PANTHER's QUIC models laid out as a tester is compiled from them: every `.ivy` file
//! of the models and of PANTHER's Ivy include files in one folder (they include each
//! other by file name, as PANTHER's own build copies them), the models' `quic_utils`
//! (a C++ header the tester includes) and picotls, which must be as new as the one
//! the models are written for.
//!
//! Two defects of the models (panther-net 1.2.0) are repaired in the copy, each in
//! place, so that every line keeps its number (a broken rule is quoted by it):
//! - `quic_ack_frequency_extension.ivy` calls `milliseconds_to_microseconds` of
//!   `quic_time.ivy` without including it: every test that does not include
//!   `quic_time` itself (65 of them) fails with "unknown symbol". Its second line, a
//!   comment, becomes `include quic_time`.
//! - The TLS shim names a server on every session, its server sessions included, so
//!   that picotls, playing the server, acknowledges a server name in its
//!   EncryptedExtensions although the client sent none. RFC 8446 (section 4.2) has a
//!   client abort on an extension it did not ask for, and rustls does (quinn's client:
//!   "peer misbehaved: UnsolicitedEncryptedExtension"). The copy names the server on
//!   client sessions only.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cache::{MODEL_SUBDIR, read_tree};

/// The copy of the models' `quic_utils` inside an entry is under this folder, which
/// g++ is given as `PANTHER_IVY_BASE_DIR` (the models include a C++ header from it).
pub const BASE_SUBDIR: &str = "quic";
/// The copy of picotls inside an entry.
pub const PICOTLS_SUBDIR: &str = "picotls";
/// The models' folder of C++ and data files beside their Ivy files.
const UTILS: &str = "quic_utils";
/// What only the picotls headers the models are written for declare (the TLS shim
/// installs that callback).
const NEWER_PICOTLS: &str = "ptls_on_extension_t";
/// picotls's main header, which tells its age, inside picotls's folder.
const PICOTLS_H: &str = "include/picotls.h";
/// The repairs of the models: in the file named, each line equal to the first text
/// becomes the second.
const REPAIRS: [(&str, &str, &str); 2] = [
    (
        "quic_ack_frequency_extension.ivy",
        "# #### ack_frequency event",
        "include quic_time",
    ),
    (
        "tls_picotls.ivy",
        r#"        ptls_set_server_name(session, "servername", strlen("servername"));"#,
        r#"        if (!ptls_is_server(session)) ptls_set_server_name(session, "servername", strlen("servername"));"#,
    ),
];

/// The files of `test` from PANTHER's QUIC `models`, its Ivy `include_dir` and
/// `picotls_dir`, each with its path inside an entry.
pub fn layout(
    models: &Path,
    include_dir: &Path,
    picotls_dir: &Path,
    test: &str,
) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let is_ivy = |path: &Path| path.extension().is_some_and(|ext| ext == "ivy");
    let read = |dir: &Path, keep: &dyn Fn(&Path) -> bool| {
        read_tree(dir, keep).map_err(|error| format!("cannot read {}: {error}", dir.display()))
    };
    let mut flat = flatten(read(models, &is_ivy)?, read(include_dir, &is_ivy)?);
    for (file, line, repaired) in REPAIRS {
        if let Some(text) = flat.get_mut(&OsString::from(file)) {
            *text = replace_lines(text, line, repaired);
        }
    }
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
    if !contains(&picotls_h, NEWER_PICOTLS) {
        return Err(format!(
            "the picotls in {} is older than PANTHER's QUIC models need (its picotls.h has \
             no {NEWER_PICOTLS}): use the pinned build (`scripts/build-stacks picotls`)",
            picotls_dir.display()
        ));
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
    Ok(files)
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

/// `text` with every line equal to `line` replaced by `by`.
fn replace_lines(text: &[u8], line: &str, by: &str) -> Vec<u8> {
    text.split_inclusive(|byte| *byte == b'\n')
        .flat_map(|each| {
            let (body, end) = match each.strip_suffix(b"\n") {
                Some(body) => (body, &b"\n"[..]),
                None => (each, &b""[..]),
            };
            let kept = if body == line.as_bytes() {
                by.as_bytes()
            } else {
                body
            };
            kept.iter().chain(end).copied()
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
            ("tls_picotls.ivy", &format!("a\n{}\nb\n", REPAIRS[1].1)),
            (
                "quic_ack_frequency_extension.ivy",
                "#lang ivy1.7\n# #### ack_frequency event\n# TODO\n",
            ),
            ("quic_stack.ivy", "an include file of a model's name"),
        ]);
        let picotls = tree(&[
            ("include/picotls.h", picotls_h),
            ("include/picotls/openssl.h", "openssl"),
            ("lib/libpicotls-core.a", "archive"),
        ]);
        [models, include, picotls]
    }

    fn files(layout: &[(PathBuf, Vec<u8>)]) -> BTreeMap<String, String> {
        layout
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
        let files = files(&layout);
        let names: Vec<_> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "ivy/include/1.7/quic_ack_frequency_extension.ivy",
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
        assert_eq!(
            files["ivy/include/1.7/tls_picotls.ivy"],
            format!("a\n{}\nb\n", REPAIRS[1].2),
            "a server session names no server"
        );
        assert_eq!(
            files["ivy/include/1.7/quic_ack_frequency_extension.ivy"],
            "#lang ivy1.7\ninclude quic_time\n# TODO\n",
            "the extension includes what it uses, on the line of a comment"
        );
    }

    #[test]
    fn an_older_picotls_is_refused_with_the_pinned_build_named() {
        let [models, include, picotls] = sources("typedef struct st_ptls_t ptls_t;");
        let error = layout(models.path(), include.path(), picotls.path(), "t").unwrap_err();
        assert!(
            error.contains("older than PANTHER's QUIC models need"),
            "{error}"
        );
        assert!(error.contains("scripts/build-stacks picotls"), "{error}");
    }

    #[test]
    fn names_what_is_missing() {
        let [models, include, picotls] = sources("ptls_on_extension_t");
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
}
