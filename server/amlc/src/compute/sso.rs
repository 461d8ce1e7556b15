//! `amlc compute enable-sso NAME [--disable]`: turns single sign-on of a compute instance on or off after
//! creation, through the instance's own `enableSso` action (the spec's `enable_sso` only applies at creation).

use super::args::SsoArgs;
use super::ops::{fetch, name};
use super::output::line;
use super::{Ctx, Failure, Outcome};

pub async fn enable_sso(ctx: &Ctx, args: &SsoArgs) -> Outcome {
    let name = name(&args.name)?;
    let compute = fetch(ctx, name).await?;
    if !compute.is_instance() {
        return Err(Failure::new(format!(
            "'{name}' is {}; single sign-on is a setting of compute instances only",
            super::output::with_article(compute.compute_type())
        )));
    }
    let enable = !args.disable;
    ctx.client.enable_sso(&ctx.ws, name, enable).await?;
    let state = if enable { "enabled" } else { "disabled" };
    match ctx.output {
        super::args::OutputFormat::Json => super::output::json(&serde_json::json!({"name": name, "enableSSO": enable})),
        super::args::OutputFormat::Yaml => super::output::yaml(&serde_json::json!({"name": name, "enableSSO": enable})),
        super::args::OutputFormat::Table => line(&format!("single sign-on of '{name}' is {state}")),
    }
}
