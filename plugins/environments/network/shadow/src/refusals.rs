//! What a simulated host cannot run, refused with what to do instead: a companion
//! beside its service, or a statically linked program.

use std::io::Read;
use std::path::Path;

use object::Endianness;
use object::elf::{FileHeader64, PT_INTERP};
use object::read::elf::{FileHeader, ProgramHeader};
use panther_plugin_api::PluginError;
use panther_plugin_api::model::PlannedService;

/// How much of a program is read to find its program headers, which follow the ELF
/// header.
const HEADERS_READ: u64 = 64 * 1024;

/// Refuses `service` when its plan asks for companions: a simulated host runs its
/// service's command and, before it, its preparation commands, one after the other;
/// nothing runs beside it.
pub fn refuse_companions(service: &PlannedService) -> Result<(), PluginError> {
    if let Some(companion) = service.companions.first() {
        return Err(PluginError::new(format!(
            "service `{}` asks for the companion `{}` (`{}`), which the shadow environment \
             cannot run: a simulated host runs nothing beside its service; Shadow captures \
             each host itself (config key `capture`, on by default)",
            service.name, companion.name, companion.command.program
        )));
    }
    Ok(())
}

/// Refuses `service` when its program is a statically linked executable: Shadow runs a
/// program by preloading its shim through the dynamic loader, which such a program
/// does not have (its shell then reads the binary as a script).
pub fn refuse_static(service: &PlannedService) -> Result<(), PluginError> {
    let program = Path::new(&service.command.program);
    if is_static_executable(program) {
        return Err(PluginError::new(format!(
            "service `{}` runs `{}`, a statically linked program, which the shadow \
             environment cannot run: Shadow needs dynamically linked programs (build it \
             with the dynamic loader; for Go, with cgo or `-linkmode external`)",
            service.name,
            program.display()
        )));
    }
    Ok(())
}

/// Whether `program` is a 64-bit ELF executable without an interpreter (no dynamic
/// loader); a file that cannot be read, or is not such an ELF file, is not.
fn is_static_executable(program: &Path) -> bool {
    let mut start = Vec::new();
    let read = std::fs::File::open(program)
        .and_then(|file| file.take(HEADERS_READ).read_to_end(&mut start));
    if read.is_err() {
        return false;
    }
    let Ok(header) = FileHeader64::<Endianness>::parse(start.as_slice()) else {
        return false;
    };
    let Ok(endian) = header.endian() else {
        return false;
    };
    match header.program_headers(endian, start.as_slice()) {
        Ok(segments) => {
            !segments.is_empty() && !segments.iter().any(|s| s.p_type(endian) == PT_INTERP)
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dynamically_linked_program_a_script_and_a_missing_file_are_not_static() {
        assert!(!is_static_executable(Path::new("/bin/sh")));
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("script");
        std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
        assert!(!is_static_executable(&script));
        assert!(!is_static_executable(&dir.path().join("absent")));
    }

    #[test]
    fn a_statically_linked_program_is_static() {
        // ldconfig, of Debian's essential libc-bin, is linked statically.
        let ldconfig = Path::new("/usr/sbin/ldconfig");
        assert!(is_static_executable(ldconfig));
    }
}
