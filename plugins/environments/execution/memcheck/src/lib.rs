//! The memcheck execution environment: valgrind's memory error and leak detector
