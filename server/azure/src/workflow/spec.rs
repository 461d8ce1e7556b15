//! From a spec's analysis to the value a request body is built from, with the same refusals for every front end:
//! a spec for the other command (create vs attach), a spec with errors, a text that is not a loadable spec.

use serde_json::Value;

use super::{Code, Refusal};
use amlc_analysis::advice::with_article;

/// The value to build the body from: the one after the CLI's own load step (`normalized`). `attach` says which
/// command is asking (`None`: either, as an update does).
pub fn load(analysis: &amlc_analysis::Analysis, attach: Option<bool>) -> Result<Value, Refusal> {
    if let (Some(attach), Some(kind)) = (attach, analysis.compute_type) {
        wrong_command(attach, kind.is_attached(), kind.as_str())?;
    }
    let mut errors = analysis.diagnostics.iter().filter(|d| d.severity == amlc_analysis::Severity::Error);
    if let Some(first) = errors.next() {
        let count = 1 + errors.count();
        return Err(Refusal::new(
            Code::Spec,
            format!("{count} error(s) in the spec (first: {}); nothing was sent", first.message),
        )
        .hint("`amlc check` lists them all, as does the editor's Problems view"));
    }
    analysis
        .normalized
        .clone()
        .or_else(|| analysis.value.clone())
        .ok_or_else(|| Refusal::new(Code::Spec, "not a compute spec that can be loaded"))
}

/// Create and attach are different commands, as in `az ml compute`: say which one a spec needs.
pub fn wrong_command(attach: bool, attached_type: bool, compute_type: &str) -> Result<(), Refusal> {
    match (attach, attached_type) {
        (false, true) => {
            Err(Refusal::new(Code::Spec, format!("{} compute is attached, not created", with_article(compute_type)))
                .hint("attach it instead: `amlc compute attach`, or Attach in the editor"))
        }
        (true, false) => {
            Err(Refusal::new(Code::Spec, format!("{} compute is created, not attached", with_article(compute_type)))
                .hint("create it instead: `amlc compute create`, or Create in the editor"))
        }
        _ => Ok(()),
    }
}
