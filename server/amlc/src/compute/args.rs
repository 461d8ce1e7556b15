//! The arguments of `amlc compute …`: the workspace/endpoint options shared by every subcommand, and one struct per
//! subcommand.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Args)]
pub struct ComputeArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(subcommand)]
    pub command: ComputeCommand,
}

/// Where to act, and how to print.
#[derive(Args, Clone, Debug)]
pub struct TargetArgs {
    /// Workspace name (default: from .azureml/config.json, searched upwards from the current directory).
    #[arg(short = 'w', long = "workspace-name", global = true, env = "AMLC_WORKSPACE")]
    pub workspace: Option<String>,
    /// Resource group of the workspace.
    #[arg(short = 'g', long = "resource-group", global = true, env = "AMLC_RESOURCE_GROUP")]
    pub resource_group: Option<String>,
    /// Subscription id of the workspace.
    #[arg(short = 's', long = "subscription", global = true, env = "AMLC_SUBSCRIPTION")]
    pub subscription: Option<String>,
    /// Workspace config file or directory to search from (the SDK's `from_config(path=…)`).
    #[arg(long = "config", global = true)]
    pub config: Option<PathBuf>,
    /// ARM endpoint, e.g. http://127.0.0.1:PORT for the local emulator (default: https://management.azure.com).
    #[arg(long = "endpoint", global = true, env = "AMLC_ARM_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Credential order, e.g. `developer-tools,managed-identity` (default: environment, workload-identity,
    /// developer-tools, managed-identity).
    #[arg(long = "credentials", global = true, env = "AMLC_CREDENTIALS")]
    pub credentials: Option<String>,
    /// api-version for compute calls (default 2023-08-01-preview, what `az ml` sends).
    #[arg(long = "api-version", global = true, env = "AMLC_COMPUTE_API_VERSION")]
    pub api_version: Option<String>,
    /// Output format.
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Give up after this many seconds: bounds the whole command, requests and waiting included.
    #[arg(long = "timeout", global = true, default_value_t = 1800)]
    pub timeout: u64,
    /// Seconds between polls when the service does not say (Retry-After).
    #[arg(long = "poll-interval", global = true, default_value_t = 5.0, hide = true)]
    pub poll_interval: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    /// YAML; for `show`, the compute as a CLI v2 spec.
    Yaml,
}

/// A compute name, positional or `-n/--name` as in `az ml compute`.
#[derive(Args, Clone, Debug)]
pub struct NameArg {
    /// Compute name.
    #[arg(value_name = "NAME")]
    pub positional: Option<String>,
    #[arg(short = 'n', long = "name", hide = true)]
    pub flag: Option<String>,
}

impl NameArg {
    pub fn get(&self) -> Option<&str> {
        self.flag.as_deref().or(self.positional.as_deref())
    }
}

#[derive(Args, Clone, Debug)]
pub struct SpecArgs {
    /// The compute spec (YAML).
    #[arg(short = 'f', long = "file")]
    pub file: PathBuf,
    /// Override the spec's name.
    #[arg(short = 'n', long = "name")]
    pub name: Option<String>,
    /// Return once Azure accepted the request, without waiting for the compute to be ready.
    #[arg(long = "no-wait")]
    pub no_wait: bool,
    /// Run the pre-flight checks and print the exact request body, without sending it.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Show passwords and keys in the --dry-run body instead of masking them.
    #[arg(long = "show-secrets")]
    pub show_secrets: bool,
}

#[derive(Args, Clone, Debug)]
pub struct ActionArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Return once Azure accepted the request.
    #[arg(long = "no-wait")]
    pub no_wait: bool,
}

#[derive(Args, Clone, Debug)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
    /// Return once Azure accepted the request, without waiting for the compute to be gone.
    #[arg(long = "no-wait")]
    pub no_wait: bool,
}

#[derive(Args, Clone, Debug)]
pub struct UpdateArgs {
    /// Spec with the new settings (only a cluster's min/max instances and idle time, and an instance's idle
    /// shutdown and custom applications, can change after creation).
    #[arg(short = 'f', long = "file")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub name: NameArg,
    /// A cluster's new minimum node count.
    #[arg(long = "min-instances")]
    pub min_instances: Option<i64>,
    /// A cluster's new maximum node count.
    #[arg(long = "max-instances")]
    pub max_instances: Option<i64>,
    /// Seconds a cluster node may idle before it is released.
    #[arg(long = "idle-time-before-scale-down")]
    pub idle_time_before_scale_down: Option<i64>,
    /// Minutes a compute instance may idle before it shuts down.
    #[arg(long = "idle-shutdown-minutes")]
    pub idle_shutdown_minutes: Option<i64>,
    /// Return once Azure accepted the request, without waiting for the update to finish.
    #[arg(long = "no-wait")]
    pub no_wait: bool,
    /// Show what would change, without sending anything.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

#[derive(Args, Clone, Debug)]
pub struct ListArgs {
    /// Only this type (amlcompute, computeinstance, kubernetes, virtualmachine, synapsespark or a REST name).
    #[arg(short = 't', long = "type")]
    pub kind: Option<String>,
    /// Only the instances created by or assigned to the signed-in user.
    #[arg(long = "mine")]
    pub mine: bool,
}

#[derive(Args, Clone, Debug)]
pub struct SizesArgs {
    /// Region (default: the workspace's).
    #[arg(short = 'l', long = "location")]
    pub location: Option<String>,
    /// Only sizes usable for this type.
    #[arg(short = 't', long = "type")]
    pub kind: Option<String>,
}

#[derive(Args, Clone, Debug)]
pub struct UsageArgs {
    /// Region (default: the workspace's).
    #[arg(short = 'l', long = "location")]
    pub location: Option<String>,
}

#[derive(Args, Clone, Debug)]
pub struct SshArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Print the ssh command instead of running it.
    #[arg(long = "print")]
    pub print: bool,
    /// Add (or replace) a `Host amlc-NAME` entry in ~/.ssh/config instead of connecting.
    #[arg(long = "write-config")]
    pub write_config: bool,
    /// The ssh config file for --write-config.
    #[arg(long = "ssh-config", default_value = "~/.ssh/config")]
    pub ssh_config: String,
    /// Identity (private key) file passed to ssh -i.
    #[arg(short = 'i', long = "identity-file")]
    pub identity: Option<PathBuf>,
    /// Extra `-o` option for ssh, e.g. StrictHostKeyChecking=no (repeatable).
    #[arg(long = "ssh-option")]
    pub ssh_options: Vec<String>,
    /// Cluster node to connect to (default: the first node with a public address).
    #[arg(long = "node")]
    pub node: Option<String>,
    /// Connect to the private IP address (from inside the virtual network).
    #[arg(long = "private")]
    pub private: bool,
    /// Login user (default: what the service reports).
    #[arg(long = "user")]
    pub user: Option<String>,
    /// Command to run remotely (after `--`).
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Args, Clone, Debug)]
pub struct SsoArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Turn single sign-on off instead of on.
    #[arg(long = "disable")]
    pub disable: bool,
}

#[derive(Args, Clone, Debug)]
pub struct OpenArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// The application: jupyterlab (default), jupyter, rstudio, vscode, or a custom application's name.
    #[arg(long = "app", value_name = "APP")]
    pub app: Option<String>,
    /// Also open the URL in the system browser.
    #[arg(long = "browser")]
    pub browser: bool,
}

#[derive(Subcommand)]
pub enum ComputeCommand {
    /// Create a compute instance or cluster from a spec.
    #[command(
        after_help = "Examples:\n  amlc compute create -f instance.yml\n  amlc compute create -f cluster.yml --dry-run\n  amlc compute create -f instance.yml -n my-second-instance"
    )]
    Create(SpecArgs),
    /// Change what can change on an existing compute.
    #[command(
        after_help = "Examples:\n  amlc compute update cpu-cluster --min-instances 0 --max-instances 8\n  amlc compute update -f cluster.yml --dry-run"
    )]
    Update(UpdateArgs),
    /// Attach an existing Kubernetes cluster, VM or Synapse pool from a spec.
    #[command(after_help = "Examples:\n  amlc compute attach -f aks.yml\n  amlc compute attach -f vm.yml --dry-run")]
    Attach(SpecArgs),
    /// Detach an attached compute (the underlying resource is kept).
    #[command(after_help = "Examples:\n  amlc compute detach my-aks --yes")]
    Detach(RemoveArgs),
    /// Delete a compute created by Azure ML (never an attached resource).
    #[command(
        after_help = "Examples:\n  amlc compute delete my-instance\n  amlc compute delete cpu-cluster --yes --no-wait"
    )]
    Delete(RemoveArgs),
    /// Start a stopped compute instance.
    #[command(after_help = "Examples:\n  amlc compute start my-instance")]
    Start(ActionArgs),
    /// Stop a running compute instance.
    #[command(after_help = "Examples:\n  amlc compute stop my-instance\n  amlc compute stop my-instance --no-wait")]
    Stop(ActionArgs),
    /// Restart a compute instance.
    #[command(after_help = "Examples:\n  amlc compute restart my-instance")]
    Restart(ActionArgs),
    /// Show one compute.
    #[command(
        after_help = "Examples:\n  amlc compute show my-instance\n  amlc compute show my-instance -o yaml > my-instance.yml"
    )]
    Show(NameArg),
    /// List the computes of the workspace.
    #[command(
        after_help = "Examples:\n  amlc compute list\n  amlc compute list --type computeinstance --mine\n  amlc compute list -o json"
    )]
    List(ListArgs),
    /// List the nodes of a cluster.
    #[command(after_help = "Examples:\n  amlc compute list-nodes cpu-cluster")]
    ListNodes(NameArg),
    /// List the VM sizes offered in a region.
    #[command(
        after_help = "Examples:\n  amlc compute list-sizes\n  amlc compute list-sizes -l westeurope --type amlcompute"
    )]
    ListSizes(SizesArgs),
    /// Show vCPU quota usage in a region.
    #[command(after_help = "Examples:\n  amlc compute list-usage\n  amlc compute list-usage -l eastus")]
    ListUsage(UsageArgs),
    /// Open an SSH session to a compute instance or cluster node.
    #[command(
        after_help = "Examples:\n  amlc compute ssh my-instance\n  amlc compute ssh my-instance --print\n  amlc compute ssh cpu-cluster --node tvmps_1234_d -- nvidia-smi"
    )]
    Ssh(SshArgs),
    /// Turn single sign-on of a compute instance on (or off with --disable).
    #[command(
        name = "enable-sso",
        after_help = "Examples:\n  amlc compute enable-sso my-instance\n  amlc compute enable-sso my-instance --disable"
    )]
    EnableSso(SsoArgs),
    /// Print (or open with --browser) the URL of a compute instance's application.
    #[command(
        after_help = "Examples:\n  amlc compute open my-instance\n  amlc compute open my-instance --app rstudio --browser"
    )]
    Open(OpenArgs),
}
