//! Fetching the live VM-size catalog for the editor features that show sizes: a request reads what `sizes.rs`
//! caches and, when the cache says so, starts a fetch in the background with the backend's Azure session. Here and
//! not in `sizes.rs`, so the cache does not depend on the backend.

use std::sync::Arc;
use std::time::Instant;

use amlc_analysis::ide::SizeCatalog;

use crate::backend::Backend;
use crate::sizes::catalog;
use crate::sync::lock;

impl Backend {
    /// The live catalog of the workspace region when one is cached; otherwise `None` at once, and a background
    /// fetch is started (connecting first, to learn the region) so that a later request has it.
    pub(crate) fn live_catalog(&self) -> Option<Arc<SizeCatalog>> {
        let now = Instant::now();
        let session = self.state.azure_session.try_lock().ok().and_then(|s| s.clone());
        let region = session.as_ref().and_then(|s| lock(&s.region).clone());
        match (session, region) {
            (Some(session), Some(region)) => {
                let (catalog, refresh) = self.state.sizes.get(&region, now);
                if refresh {
                    let backend = self.background();
                    tokio::spawn(async move { backend.fetch_sizes(&session, &region).await });
                }
                catalog
            }
            _ => {
                if self.state.sizes.may_connect(now) {
                    let backend = self.background();
                    tokio::spawn(async move { backend.connect_for_sizes().await });
                }
                None
            }
        }
    }

    /// A handle on the same client and state, for a task that outlives the request.
    fn background(&self) -> Backend {
        Backend { client: self.client.clone(), state: self.state.clone() }
    }

    async fn connect_for_sizes(&self) {
        let session = match self.session().await {
            Ok(session) => session,
            Err(failure) => {
                tracing::debug!(code = failure.code, "no workspace for live VM sizes; using the built-in table");
                return;
            }
        };
        let region = match session.client.get_workspace(&session.workspace).await {
            Ok(workspace) if !workspace.location.is_empty() => workspace.location,
            Ok(_) => return,
            Err(error) => {
                tracing::info!(%error, "cannot read the workspace region; VM sizes come from the built-in table");
                return;
            }
        };
        *lock(&session.region) = Some(region.clone());
        if self.state.sizes.get(&region, Instant::now()).1 {
            self.fetch_sizes(&session, &region).await;
        }
    }

    async fn fetch_sizes(&self, session: &crate::compute_session::Session, region: &str) {
        let result = session.client.list_vm_sizes(&session.workspace.subscription_id, region).await;
        let catalog = match result {
            Ok(sizes) => {
                tracing::info!(region, count = sizes.len(), "live VM sizes fetched");
                Some(catalog(region, &sizes))
            }
            Err(error) => {
                tracing::info!(region, %error, "cannot list VM sizes; keeping what was cached");
                None
            }
        };
        let fetched = catalog.is_some();
        self.state.sizes.store(region, catalog, Instant::now());
        // Lenses carry prices now: ask the editor to fetch them again.
        if fetched && self.state.sizes.lens_refresh.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = self.client.code_lens_refresh().await;
        }
    }
}
