//! Integration tests of the development host, driving the probe component over HTTP.
//!
//! Requires the probe (`cargo build --target wasm32-wasip2 --release -p devhost-probe`) and
//! PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres). Set TEST_LOG=1 for host logs.

mod helpers;
mod lifecycle;
mod outbound;
mod pool;
mod postgres;
mod routing;
mod variables;
