//! The one compute command that is not an action of the workflow's table: `amlc.compute.specOf` ("Open as Spec":
//! the live compute as the CLI v2 spec that describes it, the text `amlc compute show NAME -o yaml` prints).

use serde_json::{json, Value};
use tower_lsp::jsonrpc::{self, Result};

use super::errors::plain_error;
use crate::backend::Backend;
use crate::compute_session::Session;

pub const SPEC_OF: &str = "amlc.compute.specOf";

impl Backend {
    /// Runs `command` when it is this module's; `None` for any other command.
    pub(crate) async fn extra_command(
        &self,
        session: &Session,
        command: &str,
        argument: &Value,
    ) -> Result<Option<Value>> {
        if command != SPEC_OF {
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
        let spec = amlc_azure::spec_of::spec_of(&compute);
        Ok(Some(json!({"name": name, "yaml": amlc_azure::spec_of::to_yaml(&spec)})))
    }
}
