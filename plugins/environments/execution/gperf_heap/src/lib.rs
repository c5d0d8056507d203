//! The gperf_heap execution environment: google-perftools' heap profiler
