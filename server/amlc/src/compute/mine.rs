//! `amlc compute list --mine`: the instances created by or assigned to the signed-in user, as the studio's
//! filter shows them. The user is the access token's object id (`oid`); an instance names its creator in
//! `createdBy.userId` and the user it is assigned to in `personalComputeInstanceSettings.assignedUser`.

use amlc_azure::ComputeResource;

use super::{Ctx, Failure};

/// Whether `compute` was created by, or is assigned to, the user with object id `me` (the one rule, in amlc-azure).
pub fn is_mine(compute: &ComputeResource, me: &str) -> bool {
    compute.is_owned_by(me)
}

/// Keeps the computes that are the signed-in user's; an error when the token does not say who that is.
pub async fn retain_mine(ctx: &Ctx, computes: &mut Vec<ComputeResource>) -> Result<(), Failure> {
    let Some(me) = ctx.client.token_claim("oid").await else {
        return Err(Failure::new(format!(
            "cannot tell who is signed in: the access token from {} carries no user object id",
            ctx.client.credential_name()
        ))
        .hint("--mine needs a user sign-in (`az login`); a service principal or managed identity owns no instances"));
    };
    computes.retain(|c| is_mine(c, &me));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creator_or_assigned_user() {
        let compute = |props: serde_json::Value| -> ComputeResource {
            serde_json::from_value(serde_json::json!({"name": "ci", "properties": {"computeType": "ComputeInstance", "properties": props}}))
                .unwrap_or_default()
        };
        let me = "6f1b5c2e-3d4a-4b8e-9f0a-1c2d3e4f5a6b";
        assert!(is_mine(&compute(serde_json::json!({"createdBy": {"userId": me.to_uppercase()}})), me));
        assert!(is_mine(
            &compute(serde_json::json!({"personalComputeInstanceSettings": {"assignedUser": {"objectId": me}}})),
            me
        ));
        assert!(!is_mine(&compute(serde_json::json!({"createdBy": {"userId": "someone-else"}})), me));
        assert!(!is_mine(&compute(serde_json::json!({})), me));
    }
}
