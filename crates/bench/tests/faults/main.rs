//! Leak, overload and restart harness: the real `.wasm` components on the development host,
//! in process, against a throwaway PostgreSQL cluster per test (one test at a time).
//!
//! Build the components first (`scripts/build-wasm`). `FAULTS_LONG=1` runs the long
//! versions; `--nocapture` prints the numbers.

mod cluster;
mod helpers;
mod leak;
mod overload;
mod restart;
