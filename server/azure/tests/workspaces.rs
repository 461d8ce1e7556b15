//! The workspace picker's ARM calls against the emulator over real HTTP on loopback: subscriptions, then the
//! workspaces of one, with paging followed to the end and each workspace usable as a `WorkspaceRef`.

use std::sync::Arc;
use std::time::Duration;

use amlc_azure::client::{ArmClient, ClientOptions};
use amlc_azure::credential::StaticToken;
use amlc_emulator::{EmulatorConfig, WorkspaceSeed};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const OTHER: &str = "22222222-2222-2222-2222-222222222222";

async fn emulator() -> amlc_emulator::RunningEmulator {
    let mut workspaces = vec![WorkspaceSeed::default()];
    for seed in [
        format!("{SUB}/rg-b/ws-two/westeurope"),
        format!("{SUB}/rg-a/ws-three"),
        format!("{OTHER}/rg/ws-other/westus2"),
    ] {
        workspaces.push(seed.parse().expect("seed"));
    }
    // Two per page, so the lists need nextLink.
    let config = EmulatorConfig { workspaces, page_size: 2, log_requests: false, ..EmulatorConfig::default() };
    amlc_emulator::start(config, "127.0.0.1:0".parse().expect("loopback")).await.expect("emulator starts")
}

fn client(base: &str) -> ArmClient {
    let mut options = ClientOptions::with_endpoint(base).expect("endpoint");
    options.request_timeout = Duration::from_secs(10);
    ArmClient::new(options, Arc::new(StaticToken::new("test-token"))).expect("client")
}

#[tokio::test]
async fn subscriptions_then_workspaces_of_each() {
    let emu = emulator().await;
    let client = client(&emu.base_url());
    let subs = client.list_subscriptions().await.expect("subscriptions");
    let ids: Vec<&str> = subs.iter().map(|s| s.subscription_id.as_str()).collect();
    assert_eq!(ids, [SUB, OTHER]);
    assert!(subs.iter().all(|s| s.state == "Enabled" && !s.display_name.is_empty()));

    let listed = client.list_workspaces(SUB).await.expect("workspaces");
    let got: Vec<(&str, &str, &str)> =
        listed.iter().map(|w| (w.resource_group.as_str(), w.workspace_name.as_str(), w.location.as_str())).collect();
    // Three workspaces over two pages, sorted by resource group then name.
    assert_eq!(got, [("rg", "ws", "eastus"), ("rg-a", "ws-three", "eastus"), ("rg-b", "ws-two", "westeurope")]);

    // Each entry addresses a real workspace.
    for w in &listed {
        let ws = client.get_workspace(&w.reference()).await.expect("the listed workspace exists");
        assert_eq!(ws.location, w.location);
    }
    let other = client.list_workspaces(OTHER).await.expect("workspaces of the other subscription");
    assert_eq!(other.iter().map(|w| w.workspace_name.as_str()).collect::<Vec<_>>(), ["ws-other"]);

    // A subscription the account cannot see: ARM's error in plain words.
    let err = client.list_workspaces("33333333-3333-3333-3333-333333333333").await.expect_err("unknown subscription");
    assert!(err.to_string().contains("33333333-3333-3333-3333-333333333333"), "{err}");
    emu.shutdown().await;
}
