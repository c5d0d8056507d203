//! The helgrind execution environment: valgrind's data race detector
