//! XML reports valgrind 3.19 wrote (`--xml=yes`, protocol 4), some trimmed, for the
//! tests of the valgrind environments and of the reader they share.

/// Memcheck's report on `tests/fixtures/defects/leak.c`, whole: one definitely lost
/// block of 64 bytes, allocated in `make_leak` (`leak.c:13`).
pub const MEMCHECK_LEAK: &str = include_str!("../valgrind-reports/memcheck-leak.xml");

/// A leak record of memcheck (`leak.c`, process 4669), cut inside the second record
/// where a killed valgrind stopped writing.
pub const MEMCHECK_CUT_LEAK: &str = include_str!("../valgrind-reports/memcheck-cut-leak.xml");

/// Memcheck's report on `sleeper.c` stopped by SIGTERM, trimmed: valgrind still
/// writes the leak check (32 bytes, `sleeper.c:14` in `make_leak`) after the signal,
/// which ended the program in `main` (`sleeper.c:22`).
pub const MEMCHECK_STOPPED: &str = include_str!("../valgrind-reports/memcheck-stopped.xml");

/// What a SIGKILLed memcheck leaves (process 5427, `./sleeper`): the report cut after
/// the program started.
pub const MEMCHECK_KILLED: &str = include_str!("../valgrind-reports/memcheck-killed.xml");

/// Memcheck's report on `segfault.c` (process 9784), trimmed: an invalid write of 4
/// bytes in `crash_here` (`segfault.c:9`), counted 3 times, then the SIGSEGV it
/// raised. Its frames' directory is `/work/defects`.
pub const MEMCHECK_INVALID_WRITE: &str =
    include_str!("../valgrind-reports/memcheck-invalid-write.xml");

/// Helgrind's report on `race.c` (process 5030), with the thread announcements and
/// library frames trimmed: two races, each counted once, in `increment`
/// (`race.c:17`).
pub const HELGRIND_RACE: &str = include_str!("../valgrind-reports/helgrind-race.xml");

/// Helgrind's report on `./order`, a program taking two locks in both orders, trimmed
/// to the error's first two stacks: one lock order violation, counted 4 times, in
/// `main` (`order.c:5`).
pub const HELGRIND_LOCK_ORDER: &str = include_str!("../valgrind-reports/helgrind-lock-order.xml");
