//! Two-way parallelism for large specs. The editor re-analyses a 50k-line spec on every
//! keystroke; independent steps of that analysis (the two halves of the JSON value, schema
//! validation and the rules) run on two threads. Small specs stay on one thread, where starting
//! a thread would cost more than it saves.

use std::sync::Mutex;

/// Specs at least this large (in bytes) are analysed with two threads.
pub(crate) const PARALLEL_BYTES: u32 = 128 * 1024;

/// Runs `a` on a new scoped thread while `b` runs on this one. If no thread can be started, `a`
/// runs here after `b`. A panic in `a` is resumed here, as if it had run here.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let slot = Mutex::new(Some(a));
    let take = || slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    std::thread::scope(|scope| {
        let spawned =
            std::thread::Builder::new().name("amlc-analysis-2".into()).spawn_scoped(scope, || take().map(|f| f()));
        let b = b();
        let a = match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => None,
        };
        let a = match a {
            Some(a) => a,
            None => take().map(|f| f()).expect("`a` runs on one of the two threads"),
        };
        (a, b)
    })
}

/// Whether a node spans enough text to be worth two threads.
pub(crate) fn is_large(range: crate::TextRange) -> bool {
    range.end - range.start >= PARALLEL_BYTES
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_halves_run_and_keep_their_order() {
        let (a, b) = super::join(|| (0..1000u64).sum::<u64>(), || "here");
        assert_eq!((a, b), (499_500, "here"));
    }

    #[test]
    fn a_panic_on_the_second_thread_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| super::join(|| panic!("boom"), || 1));
        assert!(caught.is_err());
    }
}
