//! `amlc emulator`: serves the local ARM emulator of the Azure ML compute API on loopback until interrupted.
//! Prints one line with the URL on stdout (tests and the VS Code extension parse it) and logs requests to stderr.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use amlc_emulator::{EmulatorConfig, FaultConfig, WorkspaceSeed};

#[derive(clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on (port 0 picks a free port). Keep it on loopback: the emulator accepts any token.
    /// The default is where `amlc compute` looks for an emulator when no workspace is configured.
    #[arg(long, default_value = "127.0.0.1:8765")]
    listen: SocketAddr,
    /// A workspace to serve, as SUBSCRIPTION/RESOURCE_GROUP/WORKSPACE[/LOCATION]; repeatable.
    /// Default: 00000000-0000-0000-0000-000000000000/rg/ws/eastus.
    #[arg(long = "workspace", value_name = "SUB/RG/WS[/LOCATION]")]
    workspaces: Vec<WorkspaceSeed>,
    /// How long each long-running operation takes, in seconds (fractions allowed).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    op_seconds: f64,
    /// Answer every Nth request with 429 Too Many Requests and a Retry-After header.
    #[arg(long, value_name = "N")]
    fault_429_every: Option<u64>,
    /// Fraction of requests (0.0-1.0) answered with 500 or 503.
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    fault_5xx_rate: f64,
    /// Seconds sent in Retry-After on injected 429 and 503 responses.
    #[arg(long, default_value_t = 1, value_name = "SECONDS")]
    fault_retry_after: u64,
    /// Delay every response by this many milliseconds.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    delay_ms: u64,
    /// Serve every Nth request, then drop its connection without a response.
    #[arg(long, value_name = "N")]
    drop_every: Option<u64>,
    /// Keep the computes in this JSON file, so they survive a restart. It holds secrets (attach passwords and
    /// keys, as sent): it is created readable by you only; keep it out of shared folders.
    #[arg(long, value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Start with demo computes (running and stopped instances, a cluster, an attached Kubernetes and VM).
    #[arg(long)]
    seed: bool,
    /// Also start with N attached Kubernetes computes (bulk-00001…), e.g. to benchmark listing.
    #[arg(long, default_value_t = 0, value_name = "N")]
    seed_bulk: usize,
    /// Items per page of list responses before a nextLink.
    #[arg(long, default_value_t = 50, value_name = "N")]
    page_size: usize,
    /// The SSH host:port every instance and cluster node reports (e.g. a test's local sshd).
    #[arg(long, value_name = "HOST:PORT", value_parser = amlc_emulator::parse_host_port)]
    ssh_endpoint: Option<(String, u16)>,
    /// The SSH user instances and seeded cluster nodes report (default azureuser), e.g. the test's own user.
    #[arg(long, value_name = "USER")]
    ssh_user: Option<String>,
    /// Do not log requests to stderr.
    #[arg(long)]
    quiet: bool,
}

fn config(args: &EmulatorArgs) -> Result<EmulatorConfig, String> {
    if !args.op_seconds.is_finite() || args.op_seconds < 0.0 || args.op_seconds > 86400.0 {
        return Err(format!("--op-seconds must be between 0 and 86400, got {}", args.op_seconds));
    }
    if !(0.0..=1.0).contains(&args.fault_5xx_rate) {
        return Err(format!("--fault-5xx-rate must be between 0 and 1, got {}", args.fault_5xx_rate));
    }
    if args.page_size == 0 {
        return Err("--page-size must be at least 1".to_string());
    }
    let mut config = EmulatorConfig::default();
    if !args.workspaces.is_empty() {
        config.workspaces = args.workspaces.clone();
    }
    config.op_duration = Duration::from_secs_f64(args.op_seconds);
    config.faults = FaultConfig {
        throttle_every: args.fault_429_every.filter(|n| *n > 0),
        server_error_rate: args.fault_5xx_rate,
        retry_after_secs: args.fault_retry_after,
        delay: Duration::from_millis(args.delay_ms),
        drop_every: args.drop_every.filter(|n| *n > 0),
    };
    config.state_file = args.state_file.clone();
    config.seed_computes = args.seed;
    config.bulk_computes = args.seed_bulk;
    config.page_size = args.page_size;
    config.ssh_endpoint = args.ssh_endpoint.clone();
    config.ssh_user = args.ssh_user.clone().filter(|u| !u.is_empty());
    config.log_requests = !args.quiet;
    Ok(config)
}

pub fn run(args: EmulatorArgs) -> ExitCode {
    let mut stderr = std::io::stderr();
    let config = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(stderr, "amlc emulator: {e}");
            return ExitCode::from(2);
        }
    };
    if !args.listen.ip().is_loopback() {
        let _ = writeln!(
            stderr,
            "amlc emulator: warning: listening on {} (not loopback); the emulator accepts any bearer token",
            args.listen
        );
    }
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).with_ansi(ansi).try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(stderr, "amlc emulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let workspaces = config.workspaces.clone();
        let emulator = match amlc_emulator::start(config, args.listen).await {
            Ok(e) => e,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "amlc emulator: cannot listen on {}: {e}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "amlc emulator listening on {}", emulator.base_url());
        let _ = stdout.flush();
        for ws in &workspaces {
            let _ = writeln!(std::io::stderr(), "amlc emulator: serving workspace {} ({})", ws.arm_id(), ws.location);
        }
        let base = emulator.base_url();
        tokio::select! {
            _ = emulator.wait() => ExitCode::SUCCESS,
            _ = tokio::signal::ctrl_c() => {
                let _ = writeln!(std::io::stderr(), "amlc emulator: stopping ({base})");
                ExitCode::SUCCESS
            }
        }
    })
}
