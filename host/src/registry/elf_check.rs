//! Checks a file is a shared library for this machine exporting a plugin root module,
//! by reading it, before any of its code can run.

use std::path::Path;

use abi_stable::library::ROOT_MODULE_LOADER_NAME;
use object::{Architecture, FileKind, Object, ObjectKind, ObjectSymbol};

use panther_plugin_api::model::BuildInfo;

use super::Refusal;

/// The architecture this host was built for, as the ELF header names it.
const HOST_ARCHITECTURE: Architecture = if cfg!(target_arch = "x86_64") {
    Architecture::X86_64
} else if cfg!(target_arch = "aarch64") {
    Architecture::Aarch64
} else if cfg!(target_arch = "x86") {
    Architecture::I386
} else {
    Architecture::Unknown
};

/// Reads `path` and refuses it unless it is an ELF shared library for this host's
/// architecture that exports the abi_stable root module.
pub fn check(path: &Path) -> Result<(), Refusal> {
    let data = std::fs::read(path).map_err(|e| Refusal::new(format!("cannot be read: {e}")))?;
    check_bytes(&data)
}

fn check_bytes(data: &[u8]) -> Result<(), Refusal> {
    if data.is_empty() {
        return Err(Refusal::new("empty file (0 bytes), not a shared library"));
    }
    match FileKind::parse(data) {
        Ok(FileKind::Elf32 | FileKind::Elf64) => {}
        _ => return Err(Refusal::new("not an ELF shared library")),
    }
    let file =
        object::File::parse(data).map_err(|e| Refusal::new(format!("a damaged ELF file: {e}")))?;
    if file.kind() != ObjectKind::Dynamic {
        return Err(Refusal::new(format!(
            "an ELF {:?} file, not a shared library",
            file.kind()
        )));
    }
    if file.architecture() != HOST_ARCHITECTURE || file.is_64() != cfg!(target_pointer_width = "64")
    {
        let bits = if file.is_64() { 64 } else { 32 };
        let host = BuildInfo::current().target;
        return Err(Refusal::new(format!(
            "built for another target ({:?}, {bits}-bit ELF), but this host is {host}: \
             rebuild the plugin for {host}",
            file.architecture(),
        )));
    }
    let exports_root_module = file
        .dynamic_symbols()
        .any(|symbol| symbol.is_definition() && symbol.name() == Ok(ROOT_MODULE_LOADER_NAME));
    if !exports_root_module {
        return Err(Refusal::new(
            "a shared library, but not a panther plugin: it exports no plugin root module \
             (plugins end with `panther_plugin_api::export_plugin!(...)`)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_text_files_are_refused_with_what_they_are() {
        assert!(
            check_bytes(b"")
                .unwrap_err()
                .to_string()
                .contains("empty file")
        );
        let text = check_bytes(b"#!/bin/sh\necho hi\n").unwrap_err();
        assert!(text.to_string().contains("not an ELF"), "{text}");
    }

    #[test]
    fn an_elf_header_cut_short_is_refused_not_a_panic() {
        let mut header = b"\x7fELF\x02\x01\x01".to_vec();
        header.resize(20, 0);
        assert!(check_bytes(&header).is_err());
    }
}
