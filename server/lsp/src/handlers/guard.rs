//! Runs a request's work on the blocking pool, so that a panic in it becomes a logged JSON-RPC
//! error for that request only (the server keeps serving), and so that `$/cancelRequest` (which
//! tower-lsp implements by dropping the request's future) answers at once even while work runs.

use tower_lsp::jsonrpc;

pub async fn run_blocking<T, F>(request: &'static str, work: F) -> jsonrpc::Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result),
        Err(error) => {
            let what = if error.is_panic() { "panicked" } else { "was aborted" };
            tracing::error!(request, "request {what}; the server goes on");
            let mut rpc_error = jsonrpc::Error::internal_error();
            rpc_error.message = format!("amlc: {request} {what} (see the server log)").into();
            Err(rpc_error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_request_fails_alone() {
        let failed = run_blocking("hover", || -> u32 { panic!("engine bug") }).await;
        let error = failed.expect_err("a panic becomes an error");
        assert_eq!(error.code, jsonrpc::ErrorCode::InternalError);
        assert!(error.message.contains("hover panicked"), "{}", error.message);
        assert_eq!(run_blocking("hover", || 7).await.ok(), Some(7));
    }
}
