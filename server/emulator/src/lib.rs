//! A local emulator of the ARM compute API for Azure ML workspaces: real HTTP on loopback, the same
//! routes, bodies, status codes and long-running-operation headers as Azure, with state that moves over time.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emu = amlc_emulator::start(amlc_emulator::EmulatorConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", emu.base_url()); // point an ARM client here, with any bearer token
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Module map: `service` (entry handler, routing, ARM request checks), `computes` (compute routes and the
//! state machine), `locations` (sizes, usages, quotas, operation status), `workspaces`, `lro` (operation
//! headers), `render` (resource JSON), `store` (timed state and the state file), `catalog` (sizes and
//! prices), `quota`, `faults`, `seed`, `arm` (errors, auth, api-version), `config`.

mod arm;
mod catalog;
mod computes;
mod config;
mod emulator;
mod faults;
mod locations;
mod lro;
mod quota;
mod render;
mod seed;
mod service;
mod store;
mod workspaces;

use std::net::SocketAddr;
use std::sync::Arc;

pub use arm::STABLE_API_VERSIONS;
pub use computes::FAULT_TAG;
pub use config::{parse_host_port, EmulatorConfig, FaultConfig, WorkspaceSeed, WorkspaceSeedError};

/// An emulator serving on a loopback socket until [`RunningEmulator::shutdown`] (or drop).
pub struct RunningEmulator {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the value to use as the ARM endpoint.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Waits until the server stops by itself (it does not, unless shut down; for the binary).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (port 0 picks a free one), loads the state file if any, seeds demo computes if asked, and serves.
pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<RunningEmulator> {
    if config.workspaces.is_empty() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "the emulator needs at least one workspace"));
    }
    let mut state = match &config.state_file {
        Some(path) => store::State::load(path)?,
        None => store::State::default(),
    };
    if state.computes.is_empty() {
        if config.seed_computes {
            seed::add_demo_computes(&mut state, &config.workspaces, arm::now_ms());
        }
        seed::add_bulk_computes(&mut state, &config.workspaces, config.bulk_computes, arm::now_ms());
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let emu = Arc::new(emulator::Emulator::new(config, state, format!("http://{local}")));
    {
        let state = emu.lock();
        emu.persist(&state);
    }
    let app = axum::Router::new().fallback(service::handle).with_state(emu);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stop_rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("emulator server stopped: {e}");
        }
    });
    Ok(RunningEmulator { addr: local, stop: Some(stop_tx), task: Some(task) })
}
