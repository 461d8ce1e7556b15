//! `amlc compute enable-sso NAME [--disable]`: turns single sign-on of a compute instance on or off after
//! creation, through the instance's own `enableSso` action (the spec's `enable_sso` only applies at creation).
//! The workflow's `enableSso` row decides and words it, as for the editor's "Set Single Sign-On…".

use amlc_azure::workflow::Params;

use super::args::SsoArgs;
use super::ops::{name, perform};
use super::{Ctx, Outcome};

pub async fn enable_sso(ctx: &Ctx, args: &SsoArgs) -> Outcome {
    let name = name(&args.name)?;
    let params = Params { enable_sso: Some(!args.disable), ..Params::default() };
    perform(ctx, "enableSso", name, &params, false).await
}
