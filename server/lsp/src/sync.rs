//! A lock that outlives a panic. Every lock of the server guards data that is replaced whole, so a panic
//! elsewhere leaves it consistent; a leaf module, so the modules that lock need not depend on the server state.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, taking it over from a thread that panicked while holding it.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
