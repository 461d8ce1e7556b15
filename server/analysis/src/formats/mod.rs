//! Readers for the small text formats that compute specs and ARM responses carry: durations, cron
//! expressions, schedule start times, OpenSSH public keys, ARM resource ids and template placeholders.
//! Each format has exactly one reader here, so the rules, the editor features, the CLI, the pre-flight
//! and the emulator can never disagree about what a value means.

pub mod arm_id;
pub mod cron;
pub mod duration;
pub(crate) mod placeholder;
pub mod schedule_time;
pub mod ssh_key;
