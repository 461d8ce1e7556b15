//! Two compute commands beside the actions: `amlc.compute.specOf` ("Open as Spec": the live compute as the CLI v2
//! spec that describes it, the text `amlc compute show NAME -o yaml` prints) and `amlc.compute.enableSso`
//! (single sign-on of an instance on or off, as `amlc compute enable-sso` does).

use serde_json::{json, Value};
use tower_lsp::jsonrpc::{self, Result};

use crate::azure::Session;
use crate::lsp_ext::{plain_error, ComputesChanged, ComputesChangedParams};
use crate::Backend;

pub const SPEC_OF: &str = "amlc.compute.specOf";
pub const ENABLE_SSO: &str = "amlc.compute.enableSso";

impl Backend {
    /// Runs `command` when it is one of this module's; `None` for any other command.
    pub(crate) async fn extra_command(
        &self,
        session: &Session,
        command: &str,
        argument: &Value,
    ) -> Result<Option<Value>> {
        if command != SPEC_OF && command != ENABLE_SSO {
            return Ok(None);
        }
        let name =
            argument.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()).ok_or_else(|| {
                jsonrpc::Error::invalid_params(format!("{command} needs an argument {{\"name\": …}}"))
            })?;
        let compute = session
            .client
            .get_compute(&session.workspace, name)
            .await
            .map_err(|e| plain_error(&e.to_string()))?
            .ok_or_else(|| {
                plain_error(&format!("no compute '{name}' in workspace {}", session.workspace.workspace_name))
            })?;
        if command == SPEC_OF {
            let spec = amlc_azure::spec_of::spec_of(&compute);
            return Ok(Some(json!({"name": name, "yaml": amlc_azure::spec_of::to_yaml(&spec)})));
        }
        if !compute.is_instance() {
            return Err(plain_error(&format!(
                "'{name}' is {}; single sign-on is a setting of compute instances only",
                amlc_spec::advice::with_article(compute.compute_type())
            )));
        }
        let enable = argument.get("enable").and_then(Value::as_bool).unwrap_or(true);
        session.client.enable_sso(&session.workspace, name, enable).await.map_err(|e| plain_error(&e.to_string()))?;
        self.client.send_notification::<ComputesChanged>(ComputesChangedParams { names: vec![name.to_string()] }).await;
        Ok(Some(json!({"name": name, "enableSSO": enable})))
    }
}
