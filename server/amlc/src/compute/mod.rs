//! `amlc compute …`: where to act (flags and env, else the workspace config, else a local emulator already listening),
//! resolved by the compute workflow's session (`amlc_azure::workflow`); one subcommand run within `--timeout`; and a
//! failure printed in plain words with a next step, as `error[code]` when the workflow refused.

pub mod args;
mod create;
mod mine;
mod open;
mod ops;
mod output;
mod show;
mod ssh;
mod ssh_program;
mod sso;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use amlc_azure::client::WaitOptions;
use amlc_azure::credential::CredentialKind;
use amlc_azure::workflow::{Code, Credentials, Refusal, SessionRequest};
use amlc_azure::{ArmClient, AzureError, WorkspaceRef};
use args::{ComputeArgs, ComputeCommand, OutputFormat, TargetArgs};

/// Where `amlc emulator` listens by default; probed when nothing else is configured.
pub const DEFAULT_EMULATOR_URL: &str = "http://127.0.0.1:8765";

/// A failure of a subcommand: the message, an optional next step, the exit code, and the workflow's refusal code
/// when the compute workflow refused (printed as `error[code]`, the code every front end reports).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
    pub refusal: Option<Code>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure { message: message.into(), hint: None, code: 1, refusal: None }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Failure { message: message.into(), hint: None, code: 2, refusal: None }
    }
    /// Stop without a word and with success, as when stdout was closed by the reader.
    pub fn quiet() -> Self {
        Failure { message: String::new(), hint: None, code: 0, refusal: None }
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        // Wrong arguments and configuration are usage errors, as clap's own are.
        let code = match refusal.code {
            Code::InvalidArgument | Code::Config | Code::NoWorkspace | Code::Spec => 2,
            _ => 1,
        };
        Failure { message: refusal.message, hint: refusal.hint, code, refusal: Some(refusal.code) }
    }
}

impl From<AzureError> for Failure {
    fn from(error: AzureError) -> Self {
        Failure::from(Refusal::from(error))
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
    // A connection that fails is tried again; say so at once, and where, instead of a silent wait.
    amlc_azure::client::on_retry_notice(|words| eprintln!("note: {}", amlc_azure::shell::visible(words)));
    // AMLC_LOG=debug (or trace, or a filter) shows each ARM request on stderr; tokens and bodies are never logged.
    if let Ok(filter) = std::env::var("AMLC_LOG") {
        let _ = crate::logging::init(tracing_subscriber::EnvFilter::new(filter), None);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    // `--timeout` bounds the whole command, whatever a server does (answers slowly, or never).
    let limit = Duration::from_secs(args.target.timeout);
    let result = runtime.block_on(async move {
        let work = async move {
            let ctx = resolve(&args.target).await?;
            dispatch(&ctx, args.command).await
        };
        match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => Err(Failure::from(
                Refusal::new(Code::Timeout, format!("timed out: no end within {}s (--timeout)", limit.as_secs()))
                    .hint("anything already sent may still finish in Azure; `amlc compute list` shows where each compute stands"),
            )),
        }
    });
    // The runtime may hold a request that never got an answer; do not wait for it on the way out.
    runtime.shutdown_background();
    match result {
        Ok(()) | Err(Failure { code: 0, .. }) => ExitCode::SUCCESS,
        Err(failure) => {
            let mut err = std::io::stderr().lock();
            // Messages quote names and ARM text: shown with control characters escaped.
            let message = amlc_azure::shell::visible(&failure.message);
            match failure.refusal {
                Some(code) => {
                    let _ = writeln!(err, "error[{}]: {message}", code.as_str());
                }
                None => {
                    let _ = writeln!(err, "error: {message}");
                }
            }
            if let Some(hint) = failure.hint {
                let _ = writeln!(err, "  hint: {}", amlc_azure::shell::visible(&hint));
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
        ComputeCommand::Delete(a) => ops::remove(ctx, &a, "delete").await,
        ComputeCommand::Detach(a) => ops::remove(ctx, &a, "detach").await,
        ComputeCommand::Start(a) => ops::action(ctx, &a, "start").await,
        ComputeCommand::Stop(a) => ops::action(ctx, &a, "stop").await,
        ComputeCommand::Restart(a) => ops::action(ctx, &a, "restart").await,
        ComputeCommand::Show(a) => show::show(ctx, &a).await,
        ComputeCommand::List(a) => ops::list(ctx, &a).await,
        ComputeCommand::ListNodes(a) => ops::list_nodes(ctx, &a).await,
        ComputeCommand::ListSizes(a) => ops::list_sizes(ctx, &a).await,
        ComputeCommand::ListUsage(a) => ops::list_usage(ctx, &a).await,
        ComputeCommand::Ssh(a) => ssh::ssh(ctx, &a).await,
        ComputeCommand::EnableSso(a) => sso::enable_sso(ctx, &a).await,
        ComputeCommand::Open(a) => open::open(ctx, &a).await,
    }
}

/// The workspace, each part from the first place that gives it: flags (and their environment variables), then
/// `.azureml/config.json` found by walking up, then the az CLI's defaults (`az configure --defaults group=…
/// workspace=…` and the signed-in account's default subscription). `None` when nothing chose a workspace at all;
/// a choice with parts missing is an error that names exactly what is missing, so no flag is silently ignored.
fn workspace_from(target: &TargetArgs) -> Result<Option<(WorkspaceRef, String)>, Failure> {
    let mut sub = target.subscription.clone().map(|v| (v, "--subscription"));
    let mut group = target.resource_group.clone().map(|v| (v, "-g"));
    let mut ws = target.workspace.clone().map(|v| (v, "-w"));
    let mut source = "command line".to_string();
    if sub.is_none() || group.is_none() || ws.is_none() {
        let start = match &target.config {
            Some(path) => path.clone(),
            None => std::env::current_dir().map_err(|e| Failure::new(format!("no current directory: {e}")))?,
        };
        if let Some(d) = amlc_azure::discover(&start)? {
            source = d.path.display().to_string();
            sub = sub.or(Some((d.workspace.subscription_id, "config.json")));
            group = group.or(Some((d.workspace.resource_group, "config.json")));
            ws = ws.or(Some((d.workspace.workspace_name, "config.json")));
        }
    }
    let az = amlc_azure::az_defaults::config_dir().map(|d| amlc_azure::az_defaults::read(&d)).unwrap_or_default();
    let chosen = group.is_some() || ws.is_some() || sub.is_some() || az.group.is_some() || az.workspace.is_some();
    if !chosen {
        return Ok(None);
    }
    if (group.is_none() && az.group.is_some()) || (ws.is_none() && az.workspace.is_some()) {
        source = "az defaults".into();
    }
    group = group.or(az.group.map(|v| (v, "az defaults")));
    ws = ws.or(az.workspace.map(|v| (v, "az defaults")));
    sub = sub.or(az.subscription.map(|v| (v, "the az account")));
    match (sub, group, ws) {
        (Some(s), Some(g), Some(w)) => Ok(Some((WorkspaceRef::new(s.0, g.0, w.0), source))),
        (s, g, w) => {
            let have: Vec<String> = [("subscription", &s), ("resource group", &g), ("workspace", &w)]
                .iter()
                .filter_map(|(what, v)| v.as_ref().map(|(value, from)| format!("{what} '{value}' (from {from})")))
                .collect();
            let missing: Vec<&str> = [
                (s.is_none(), "the subscription (--subscription, or sign in with `az login`)"),
                (g.is_none(), "the resource group (-g, or `az configure --defaults group=GROUP`)"),
                (w.is_none(), "the workspace name (-w, or `az configure --defaults workspace=WORKSPACE`)"),
            ]
            .into_iter()
            .filter_map(|(gone, what)| gone.then_some(what))
            .collect();
            Err(Failure::usage(format!(
                "the workspace is only partly chosen: {} given, but {} missing",
                have.join(", "),
                missing.join(" and ")
            ))
            .hint("give the missing parts, or put the studio's config.json in .azureml/"))
        }
    }
}

/// Decides endpoint, workspace and credential through `amlc_azure::workflow::session`, with the command line's
/// own convenience: with nothing configured, an emulator already listening at its default address is used, and a
/// notice says so on stderr. Nothing ever falls back to Azure silently, and nothing falls back to the emulator when
/// a workspace is configured: a typo must not make someone think they changed real compute.
async fn resolve(target: &TargetArgs) -> Result<Ctx, Failure> {
    let workspace = workspace_from(target)?;
    let mut endpoint = target.endpoint.clone();
    if endpoint.is_none() && workspace.is_none() {
        if emulator_listening().await {
            eprintln!("note: no Azure workspace configured; using the local emulator at {DEFAULT_EMULATOR_URL}");
            endpoint = Some(DEFAULT_EMULATOR_URL.to_string());
        } else {
            return Err(Failure::usage("no Azure ML workspace configured").hint(
                "pass -w/-g/--subscription, put a config.json from the studio in .azureml/, or try the local \
                 emulator: `amlc emulator --listen 127.0.0.1:8765 &` (found automatically there) or pass `--endpoint` with the emulator's URL",
            ));
        }
    }
    let credentials = match &target.credentials {
        Some(text) => Credentials::Order(CredentialKind::parse_order(text)?),
        None => Credentials::Auto,
    };
    let request = SessionRequest {
        endpoint,
        workspace: workspace.map(|(ws, _)| (ws, "command line")),
        credentials,
        compute_api_version: target.api_version.clone(),
        // One request never outlives the whole command.
        request_timeout: Some(Duration::from_secs(target.timeout.clamp(1, 60))),
        ..SessionRequest::default()
    };
    let session = amlc_azure::workflow::session::resolve(&request).map_err(|refusal| {
        let mut failure = Failure::from(refusal);
        if failure.refusal == Some(Code::NoWorkspace) {
            failure.hint = Some("pass -w, -g and --subscription, or put the studio's config.json in .azureml/".into());
        }
        failure
    })?;
    let wait = WaitOptions {
        timeout: Duration::from_secs(target.timeout),
        poll_interval: Duration::from_secs_f64(target.poll_interval.clamp(0.01, 60.0)),
        ..WaitOptions::default()
    };
    Ok(Ctx { client: session.client, ws: session.workspace, output: target.output, wait })
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
    // The label names the compute and the status is ARM's text: shown with control characters escaped.
    bar.set_message(format!("{}: waiting", amlc_azure::shell::visible(label)));
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut wait = ctx.wait.clone();
    let b = bar.clone();
    wait.progress = Some(Arc::new(move |p: &amlc_azure::Progress| {
        b.set_message(format!("{}: {}", amlc_azure::shell::visible(&p.label), amlc_azure::shell::visible(&p.status)));
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
