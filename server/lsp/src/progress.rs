//! Cancellation of long compute operations from the editor. Each operation a command starts is registered under
//! its `$/progress` token (announced `cancellable: true`); `window/workDoneProgress/cancel` for that token stops the
//! server's wait. ARM has no cancel for compute operations, so what stops is following it: the server then reads
//! the compute once and says what state Azure reports, rather than pretending the action was undone.
//!
//! tower-lsp 0.20 has no `LanguageServer` method for this notification; its handler (`cancel_progress` in
//! handlers/compute.rs, next to the operations it stops) is registered with `custom_method` in service.rs.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;
use tower_lsp::lsp_types::NumberOrString;

use crate::sync::lock;

/// Running operations by progress token.
#[derive(Default)]
pub struct Operations {
    running: Mutex<HashMap<String, CancellationToken>>,
}

fn key(token: &NumberOrString) -> String {
    match token {
        NumberOrString::Number(n) => format!("n:{n}"),
        NumberOrString::String(s) => format!("s:{s}"),
    }
}

impl Operations {
    /// Registers an operation; the returned token is cancelled when the client asks. Call [`Operations::finish`]
    /// when the operation ends.
    pub fn start(&self, token: &NumberOrString) -> CancellationToken {
        let cancel = CancellationToken::new();
        lock(&self.running).insert(key(token), cancel.clone());
        cancel
    }

    pub fn finish(&self, token: &NumberOrString) {
        lock(&self.running).remove(&key(token));
    }

    /// Cancels the operation of `token`; false when none runs under it (already ended, or unknown).
    pub fn cancel(&self, token: &NumberOrString) -> bool {
        match lock(&self.running).remove(&key(token)) {
            Some(cancel) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }

    pub fn running(&self) -> usize {
        lock(&self.running).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_registered_operation_only_while_it_runs() {
        let operations = Operations::default();
        let token = NumberOrString::String("amlc/op/1".into());
        let other = NumberOrString::Number(1);
        let cancel = operations.start(&token);
        assert!(!operations.cancel(&other), "a different token cancels nothing");
        assert!(!cancel.is_cancelled());
        assert!(operations.cancel(&token));
        assert!(cancel.is_cancelled());
        assert!(!operations.cancel(&token), "a second cancel finds nothing");
        let second = operations.start(&other);
        assert_eq!(operations.running(), 1);
        operations.finish(&other);
        assert!(!second.is_cancelled());
        assert_eq!(operations.running(), 0);
    }
}
