//! The gperf_cpu execution environment: google-perftools' CPU profiler
