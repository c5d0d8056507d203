//! What must be installed for a gperftools environment to run and report.

use std::path::Path;

use panther_plugin_api::model::Requirement;

/// The program google-pprof runs (with `nm`, from the same package) to name the
/// functions of a profiled program.
const OBJDUMP: &str = "/usr/bin/objdump";

/// The preloaded `library` (`what` it is, from libgoogle-perftools4), google-pprof and
/// the binutils it runs.
pub fn requirements(library: &Path, what: &str, pprof: &Path) -> Vec<Requirement> {
    vec![
        Requirement {
            path: library.to_path_buf(),
            what: format!("{what} (config key `library`)"),
            how_to_get: "apt-get install libgoogle-perftools4".to_owned(),
        },
        Requirement {
            path: pprof.to_path_buf(),
            what: "google-pprof (config key `pprof`)".to_owned(),
            how_to_get: "apt-get install google-perftools".to_owned(),
        },
        Requirement {
            path: OBJDUMP.into(),
            what: "objdump and nm, which google-pprof runs to name functions".to_owned(),
            how_to_get: "apt-get install binutils".to_owned(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn names_the_library_pprof_and_binutils() {
        let found = requirements(
            Path::new("/usr/lib/x86_64-linux-gnu/libprofiler.so.0"),
            "gperftools' CPU profiler",
            Path::new("/usr/bin/google-pprof"),
        );
        let paths: Vec<PathBuf> = found.iter().map(|r| r.path.clone()).collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("/usr/lib/x86_64-linux-gnu/libprofiler.so.0"),
                PathBuf::from("/usr/bin/google-pprof"),
                PathBuf::from("/usr/bin/objdump"),
            ]
        );
        assert_eq!(
            found[0].what,
            "gperftools' CPU profiler (config key `library`)"
        );
        assert_eq!(found[0].how_to_get, "apt-get install libgoogle-perftools4");
        assert_eq!(found[1].how_to_get, "apt-get install google-perftools");
    }
}
