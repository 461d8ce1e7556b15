//! `amlc lsp`: runs the language server on stdio. Logs go through `tracing` to stderr, or to
//! `--log-file` for support; stdout carries only the protocol.

use std::path::PathBuf;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

#[derive(clap::Args)]
pub struct LspArgs {
    /// Talk LSP over stdin and stdout (the default and only transport; accepted for editors that pass it).
    #[arg(long)]
    stdio: bool,
    /// Append logs to this file (created readable by you only) instead of stderr. The level comes from AMLC_LOG
    /// (default `info`); passwords, tokens and keys are masked at every level.
    #[arg(long, value_name = "PATH")]
    log_file: Option<PathBuf>,
}

pub fn run(args: LspArgs) -> ExitCode {
    let _ = args.stdio;
    let filter = EnvFilter::try_from_env("AMLC_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    if let Err(error) = crate::logging::init(filter, args.log_file.as_deref()) {
        eprintln!("amlc lsp: logging not set up: {error}");
        if args.log_file.is_some() {
            return ExitCode::from(2);
        }
    }
    // A panic anywhere is logged where the other logs go; the request that hit it fails alone.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%location, "panic: {message}");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("amlc lsp: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "amlc lsp starting on stdio");
    let ending = runtime.block_on(amlc_lsp::serve(tokio::io::stdin(), tokio::io::stdout()));
    tracing::info!(?ending, "amlc lsp exiting");
    // Tokio reads stdin on a blocking thread that cannot be interrupted; waiting for it on drop
    // would hang the exit until the editor closed the pipe.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    // The protocol's rule: `exit` without `shutdown` first ends with 1.
    if ending.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
