//! Stack frames of a valgrind report, and which one says where a defect is.

/// Where system libraries and valgrind's own preloaded code live.
const SYSTEM_OBJECTS: [&str; 5] = [
    "/lib/",
    "/lib64/",
    "/usr/lib/",
    "/usr/lib64/",
    "/usr/libexec/",
];

/// Where the sources of Rust's standard library, built into Rust programs, are said
/// to be.
const RUST_LIBRARY_SOURCES: &str = "/rustc/";

/// One frame of a stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// The function (`<fn>`).
    pub function: Option<String>,
    /// The executable or library (`<obj>`).
    pub object: Option<String>,
    /// The directory of the source file (`<dir>`).
    pub dir: Option<String>,
    /// The source file (`<file>`).
    pub file: Option<String>,
    /// The source line (`<line>`).
    pub line: Option<u32>,
}

impl Frame {
    /// Records one field of the frame's XML element; other fields are ignored.
    pub fn set(&mut self, field: &str, value: String) {
        match field {
            "fn" => self.function = Some(value),
            "obj" => self.object = Some(value),
            "dir" => self.dir = Some(value),
            "file" => self.file = Some(value),
            "line" => self.line = value.parse().ok(),
            _ => {}
        }
    }

    /// `FILE:LINE in FUNCTION`, when the frame has a source line.
    fn source_line(&self) -> Option<String> {
        let (file, line) = (self.file.as_ref()?, self.line?);
        Some(match &self.function {
            Some(function) => format!("{file}:{line} in {function}"),
            None => format!("{file}:{line}"),
        })
    }

    /// Whether the frame is in a system library, in valgrind's preloaded code or in
    /// Rust's standard library.
    fn is_system(&self) -> bool {
        let in_system_object = self
            .object
            .as_deref()
            .is_some_and(|object| SYSTEM_OBJECTS.iter().any(|dir| object.starts_with(dir)));
        let in_rust_library = self
            .dir
            .as_deref()
            .is_some_and(|dir| dir.starts_with(RUST_LIBRARY_SOURCES));
        in_system_object || in_rust_library
    }
}

/// Where a stack says the defect is: the first source line in the program (`leak.c:13
/// in make_leak`), else the first source line anywhere, else the first function named.
pub fn location(stack: &[Frame]) -> Option<String> {
    stack
        .iter()
        .filter(|frame| !frame.is_system())
        .find_map(Frame::source_line)
        .or_else(|| stack.iter().find_map(Frame::source_line))
        .or_else(|| {
            stack.iter().find_map(|frame| {
                let function = frame.function.as_ref()?;
                Some(match &frame.object {
                    Some(object) => format!("{function} in {object}"),
                    None => function.clone(),
                })
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(function: &str, object: &str, source: Option<(&str, u32)>) -> Frame {
        Frame {
            function: Some(function.to_owned()),
            object: Some(object.to_owned()),
            dir: None,
            file: source.map(|(file, _)| file.to_owned()),
            line: source.map(|(_, line)| line),
        }
    }

    #[test]
    fn prefers_a_source_line_of_the_program() {
        let stack = [
            frame(
                "malloc",
                "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so",
                None,
            ),
            frame(
                "start_thread",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                Some(("pthread_create.c", 442)),
            ),
            frame("make_leak", "/tmp/leak", Some(("leak.c", 13))),
        ];
        assert_eq!(location(&stack).as_deref(), Some("leak.c:13 in make_leak"));
    }

    #[test]
    fn passes_over_rust_s_standard_library() {
        let in_std = |function: &str, file: &str, line: u32| Frame {
            dir: Some("/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860".to_owned()),
            ..frame(function, "/opt/server", Some((file, line)))
        };
        let stack = [
            in_std(
                "core::sync::atomic::atomic_load",
                "library/core/src/sync/atomic.rs",
                3891,
            ),
            in_std(
                "std::sync::mpmc::Receiver<T>::recv",
                "library/std/src/sync/mpmc/mod.rs",
                1391,
            ),
            Frame {
                dir: Some("/work/server/src".to_owned()),
                ..frame("server::serve", "/opt/server", Some(("serve.rs", 42)))
            },
        ];
        assert_eq!(
            location(&stack).as_deref(),
            Some("serve.rs:42 in server::serve")
        );
    }

    #[test]
    fn falls_back_to_a_library_line_then_to_a_function() {
        let library = [
            frame(
                "malloc",
                "/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so",
                None,
            ),
            frame(
                "start_thread",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                Some(("pthread_create.c", 442)),
            ),
        ];
        assert_eq!(
            location(&library).as_deref(),
            Some("pthread_create.c:442 in start_thread")
        );
        let bare = [frame("serve", "/opt/server", None)];
        assert_eq!(location(&bare).as_deref(), Some("serve in /opt/server"));
        assert_eq!(location(&[]), None);
    }
}
