//! Shared helpers for the daz benchmarks: timing, percentiles and the
//! printed report. The benchmarks themselves are in `benches/`.
