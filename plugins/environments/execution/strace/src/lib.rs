//! The strace execution environment: traces a service's system calls
