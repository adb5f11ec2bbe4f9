//! The wasmtime engine, the on-disk compile cache, the linker, and the epoch ticker.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};
use wasmtime_wasi_http::bindings::ProxyPre;

use crate::bindings::Host_;
use crate::state::HostState;

/// How often the epoch advances: a busy guest yields this often and notices its deadline.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Component instances that may run at once; requests beyond this wait for a slot.
pub(crate) const MAX_CONCURRENT_INSTANCES: u32 = 128;

/// Creates an engine with the pooling allocator, or on-demand allocation if the pooling
/// allocator cannot reserve its memory.
pub(crate) fn create_engine() -> anyhow::Result<Engine> {
    let mut pooling = PoolingAllocationConfig::default();
    pooling
        .total_component_instances(MAX_CONCURRENT_INSTANCES)
        .total_core_instances(MAX_CONCURRENT_INSTANCES * 8)
        .total_memories(MAX_CONCURRENT_INSTANCES * 2)
        .total_tables(MAX_CONCURRENT_INSTANCES * 8)
        .total_stacks(MAX_CONCURRENT_INSTANCES)
        // A freed linear memory goes back to the kernel (madvise) rather than being zeroed
        // in place (`linear_memory_keep_resident`): a Rust component's 1 MiB stack comes
        // first in its memory, so zeroing in place writes a megabyte per request to save
        // re-faulting the few dozen pages a request touches (bench/README.md).
        .max_memory_size(1 << 30);
    let pooled = base_config();
    let mut pooled = pooled;
    pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    match Engine::new(&pooled) {
        Ok(engine) => Ok(engine),
        Err(e) => {
            tracing::warn!("pooling allocator unavailable ({e:#}); using on-demand allocation");
            Engine::new(&base_config()).context("creating the wasmtime engine")
        }
    }
}

fn base_config() -> Config {
    let mut config = Config::new();
    config
        .async_support(true)
        .epoch_interruption(true)
        .wasm_component_model(true)
        .memory_reservation(1 << 30);
    config
}

/// Loads a component, from the compile cache when the same bytes were compiled before by a
/// compatible engine.
pub(crate) fn load_component(
    engine: &Engine,
    wasm_path: &Path,
    cache_dir: &Path,
) -> anyhow::Result<(Component, bool)> {
    let bytes =
        std::fs::read(wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    let mut digest = Sha256::new();
    digest.update(&bytes);
    digest.update(engine_hash.finish().to_le_bytes());
    digest.update(env!("CARGO_PKG_VERSION").as_bytes());
    let key = hex::encode(digest.finalize());
    let cached = cache_dir.join(format!("{key}.cwasm"));

    if cached.is_file() {
        // SAFETY: the file was written by `Engine::precompile_component` of a compatible
        // engine (the key includes the engine's compatibility hash) into the host's own cache
        // directory, and is only ever replaced atomically by a rename.
        match unsafe { Component::deserialize_file(engine, &cached) } {
            Ok(component) => return Ok((component, true)),
            Err(e) => tracing::warn!("ignoring unusable cache entry {}: {e:#}", cached.display()),
        }
    }

    let serialized = engine
        .precompile_component(&bytes)
        .with_context(|| format!("compiling {}", wasm_path.display()))?;
    if let Err(e) = write_atomically(cache_dir, &cached, &serialized) {
        tracing::warn!(
            "could not write the compile cache {}: {e:#}",
            cached.display()
        );
    }
    // SAFETY: `serialized` was produced just above by this engine.
    let component = unsafe { Component::deserialize(engine, &serialized) }
        .with_context(|| format!("loading compiled {}", wasm_path.display()))?;
    Ok((component, false))
}

fn write_atomically(dir: &Path, target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("entry"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)?;
    Ok(())
}

/// The default cache directory: `target/devhost-cache` of the Cargo workspace that holds the
/// manifest (`$CARGO_TARGET_DIR/devhost-cache` when that is set).
pub(crate) fn default_cache_dir(manifest_dir: &Path) -> PathBuf {
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("devhost-cache");
    }
    let start = manifest_dir
        .canonicalize()
        .unwrap_or_else(|_| manifest_dir.to_path_buf());
    let root = start
        .ancestors()
        .filter(|dir| dir.join("Cargo.lock").is_file())
        .last()
        .unwrap_or(&start);
    root.join("target").join("devhost-cache")
}

/// The linker every component is pre-instantiated against.
pub(crate) fn linker(engine: &Engine) -> anyhow::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::add_only_http_to_linker_async(&mut linker)?;
    Host_::add_to_linker::<_, HasSelf<HostState>>(&mut linker, |state| state)?;
    Ok(linker)
}

/// Pre-instantiates a compiled component as a `wasi:http/proxy`.
pub(crate) fn pre_instantiate(
    linker: &Linker<HostState>,
    component: &Component,
) -> anyhow::Result<ProxyPre<HostState>> {
    let pre = linker.instantiate_pre(component)?;
    ProxyPre::new(pre).context("the component does not export wasi:http/incoming-handler@0.2.x")
}

/// Advances the engine epoch every [`EPOCH_TICK`] until dropped.
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    pub(crate) fn start(engine: Engine) -> anyhow::Result<EpochTicker> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("devhost-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .context("starting the epoch ticker thread")?;
        Ok(EpochTicker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Measures compile time for the start-up log.
pub(crate) struct Stopwatch(Instant);

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    pub(crate) fn ms(&self) -> u128 {
        self.0.elapsed().as_millis()
    }
}
