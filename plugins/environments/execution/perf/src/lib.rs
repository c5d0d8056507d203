//! The perf execution environment: perf stat counters
