//! The gdb execution environment: a crash leaves its backtrace
