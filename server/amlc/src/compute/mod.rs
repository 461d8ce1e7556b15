//! `amlc compute …`: resolves where to act (flags, env, workspace config, or the local emulator), builds the ARM
//! client, runs one subcommand and turns failures into plain words with a next step.

pub mod args;
mod create;
mod ops;
mod output;
mod ssh;
mod ssh_program;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use amlc_azure::client::{is_loopback, ClientOptions, WaitOptions};
use amlc_azure::credential::{ChainedSource, CredentialKind, StaticToken, TokenSource};
use amlc_azure::{ArmClient, AzureError, WorkspaceRef};
use args::{ComputeArgs, ComputeCommand, OutputFormat, TargetArgs};

/// Where `amlc emulator` listens by default; probed when nothing else is configured.
pub const DEFAULT_EMULATOR_URL: &str = "http://127.0.0.1:8765";

/// The workspace `amlc emulator` serves with no flags.
fn emulator_workspace() -> WorkspaceRef {
    WorkspaceRef::new("00000000-0000-0000-0000-000000000000", "rg", "ws")
}

/// A failure of a subcommand: the message, an optional next step, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), hint: None, code: 1 }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { message: message.into(), hint: None, code: 2 }
    }
}

impl From<AzureError> for Failure {
    fn from(error: AzureError) -> Self {
        let hint = error.hint();
        let code = match error {
            AzureError::Config(_) => 2,
            _ => 1,
        };
        Failure { message: error.to_string(), hint, code }
    }
}

pub type Outcome = Result<(), Failure>;

/// Everything a subcommand needs.
pub struct Ctx {
    pub client: ArmClient,
    pub ws: WorkspaceRef,
    pub output: OutputFormat,
    pub wait: WaitOptions,
}

pub fn run(args: ComputeArgs) -> ExitCode {
    // AMLC_LOG=debug (or trace, or a filter) shows each ARM request on stderr; tokens and bodies are never logged.
    if let Ok(filter) = std::env::var("AMLC_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        let ctx = resolve(&args.target).await?;
        dispatch(&ctx, args.command).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "error: {}", failure.message);
            if let Some(hint) = failure.hint {
                let _ = writeln!(err, "  hint: {hint}");
            }
            ExitCode::from(failure.code)
        }
    }
}

async fn dispatch(ctx: &Ctx, command: ComputeCommand) -> Outcome {
    match command {
        ComputeCommand::Create(a) => create::create(ctx, &a, create::Mode::Create).await,
        ComputeCommand::Attach(a) => create::create(ctx, &a, create::Mode::Attach).await,
        ComputeCommand::Update(a) => create::update(ctx, &a).await,
        ComputeCommand::Delete(a) => ops::remove(ctx, &a, amlc_azure::UnderlyingResourceAction::Delete).await,
        ComputeCommand::Detach(a) => ops::remove(ctx, &a, amlc_azure::UnderlyingResourceAction::Detach).await,
        ComputeCommand::Start(a) => ops::action(ctx, &a, ops::Action::Start).await,
        ComputeCommand::Stop(a) => ops::action(ctx, &a, ops::Action::Stop).await,
        ComputeCommand::Restart(a) => ops::action(ctx, &a, ops::Action::Restart).await,
        ComputeCommand::Show(a) => ops::show(ctx, &a).await,
        ComputeCommand::List(a) => ops::list(ctx, &a).await,
        ComputeCommand::ListNodes(a) => ops::list_nodes(ctx, &a).await,
        ComputeCommand::ListSizes(a) => ops::list_sizes(ctx, &a).await,
        ComputeCommand::ListUsage(a) => ops::list_usage(ctx, &a).await,
        ComputeCommand::Ssh(a) => ssh::ssh(ctx, &a).await,
    }
}

/// The workspace from flags, else from the config file search.
fn workspace_from(target: &TargetArgs) -> Result<Option<(WorkspaceRef, String)>, Failure> {
    let discovered = match (&target.subscription, &target.resource_group, &target.workspace) {
        (Some(s), Some(g), Some(w)) => return Ok(Some((WorkspaceRef::new(s, g, w), "command line".into()))),
        _ => {
            let start = match &target.config {
                Some(path) => path.clone(),
                None => std::env::current_dir().map_err(|e| Failure::new(format!("no current directory: {e}")))?,
            };
            amlc_azure::discover(&start)?
        }
    };
    // Flags given alongside a config file override its parts, as `az ml` does.
    Ok(discovered.map(|d| {
        let mut ws = d.workspace;
        if let Some(s) = &target.subscription {
            ws.subscription_id = s.clone();
        }
        if let Some(g) = &target.resource_group {
            ws.resource_group = g.clone();
        }
        if let Some(w) = &target.workspace {
            ws.workspace_name = w.clone();
        }
        (ws, d.path.display().to_string())
    }))
}

/// Decides endpoint, workspace and credential.
///
/// 1. `--endpoint`/`AMLC_ARM_ENDPOINT` wins. A loopback endpoint is the emulator: a fixed token is used (it accepts
///    any bearer) and, with no workspace configured, the emulator's default workspace.
/// 2. Otherwise a configured workspace (flags or `.azureml/config.json`) means Azure, with the credential chain.
/// 3. With nothing configured, an emulator already listening at its default address is used, and a notice says so
///    on stderr. Nothing ever falls back to Azure silently, and nothing falls back to the emulator when a workspace
///    is configured: a typo must not make someone think they changed real compute.
async fn resolve(target: &TargetArgs) -> Result<Ctx, Failure> {
    let workspace = workspace_from(target)?;
    let (endpoint, emulator_notice) = match (&target.endpoint, &workspace) {
        (Some(e), _) => (e.clone(), false),
        (None, Some(_)) => (amlc_azure::client::DEFAULT_ENDPOINT.to_string(), false),
        (None, None) => {
            if emulator_listening().await {
                (DEFAULT_EMULATOR_URL.to_string(), true)
            } else {
                return Err(Failure::usage("no Azure ML workspace configured").hint(
                    "pass -w/-g/--subscription, put a config.json from the studio in .azureml/, or try the local \
                     emulator: `amlc emulator --listen 127.0.0.1:8765 &` (found automatically there) or pass `--endpoint http://127.0.0.1:PORT`",
                ));
            }
        }
    };
    let mut options = ClientOptions::with_endpoint(&endpoint)?;
    if let Some(version) = &target.api_version {
        options.compute_api_version = version.clone();
    }
    let emulator = options.endpoint.scheme() == "http" && is_loopback(&options.endpoint);
    let tokens: Arc<dyn TokenSource> = if emulator {
        Arc::new(StaticToken::new("amlc-emulator"))
    } else {
        let order = match &target.credentials {
            Some(text) => CredentialKind::parse_order(text)?,
            None => CredentialKind::DEFAULT_ORDER.to_vec(),
        };
        Arc::new(ChainedSource::from_order(&order, None))
    };
    let ws = match workspace {
        Some((ws, _)) => ws,
        None if emulator => emulator_workspace(),
        None => {
            return Err(Failure::usage("no Azure ML workspace configured")
                .hint("pass -w, -g and --subscription, or put the studio's config.json in .azureml/"))
        }
    };
    if emulator_notice {
        eprintln!("note: no Azure workspace configured; using the local emulator at {endpoint}");
    }
    let client = ArmClient::new(options, tokens)?;
    let wait = WaitOptions {
        timeout: Duration::from_secs(target.timeout),
        poll_interval: Duration::from_secs_f64(target.poll_interval.clamp(0.01, 60.0)),
        ..WaitOptions::default()
    };
    Ok(Ctx { client, ws, output: target.output, wait })
}

async fn emulator_listening() -> bool {
    let addr = DEFAULT_EMULATOR_URL.trim_start_matches("http://");
    matches!(tokio::time::timeout(Duration::from_millis(300), tokio::net::TcpStream::connect(addr)).await, Ok(Ok(_)))
}

/// A spinner on stderr showing the operation's state; hidden when stderr is not a terminal.
pub fn spinner(ctx: &Ctx, label: &str) -> (indicatif::ProgressBar, WaitOptions) {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message(format!("{label}: waiting"));
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut wait = ctx.wait.clone();
    let b = bar.clone();
    wait.progress = Some(Arc::new(move |p: &amlc_azure::Progress| {
        b.set_message(format!("{}: {}", p.label, p.status));
    }));
    // Ctrl-C stops waiting (the operation itself continues in Azure) instead of killing the process mid-print.
    let cancel = wait.cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    (bar, wait)
}
