//! One thread that runs every analysis and frees every replaced one. Each thread that allocates
//! keeps its own heap, and pages of a freed tree stay with the heap that built it, so analyses that
//! rotate over the blocking pool's threads hold more memory at peak than analyses on one thread.
//! Measured with mimalloc, as `amlc` links it: twenty keystroke analyses of a 50k-line spec peak at
//! 90 MiB on one thread and 101 MiB rotating over four (`cargo run --release -p amlc-analysis --example
//! arenas -- ci-50k.yaml one|pool 20`, on a loaded machine). Under glibc's per-thread arenas, before
//! mimalloc, it was about 100 MiB against 345.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use amlc_analysis::Analysis;

/// An earlier text of the same document and its analysis.
pub type Previous = (Arc<String>, Arc<Analysis>);

enum Job {
    Analyze(Arc<String>, Option<Previous>, Sender<Analysis>),
    Free(Arc<Analysis>),
}

#[derive(Default)]
pub struct Analyzer {
    jobs: OnceLock<Mutex<Sender<Job>>>,
}

impl Analyzer {
    fn sender(&self) -> Sender<Job> {
        let jobs = self.jobs.get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let spawned = std::thread::Builder::new().name("amlc-analysis".into()).spawn(move || {
                for job in rx {
                    match job {
                        Job::Analyze(text, previous, reply) => {
                            // A panic here must not end the thread; the caller sees the closed
                            // reply and analyses on its own thread, where the panic is reported.
                            let analysis =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&text, previous)));
                            if let Ok(analysis) = analysis {
                                let _ = reply.send(analysis);
                            }
                        }
                        Job::Free(analysis) => drop(analysis),
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::warn!(%error, "no analysis thread; analysing on the calling threads");
            }
            Mutex::new(tx)
        });
        // The sender is only ever cloned, so a panic elsewhere leaves it usable.
        jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Analyses `text` on the analysis thread and waits for the result (callers are blocking-pool
    /// threads). Falls back to the calling thread if the analysis thread cannot answer.
    /// With the previous analysis of the document, only the edited block is parsed again.
    pub fn analyze(&self, text: &Arc<String>, previous: Option<Previous>) -> Analysis {
        let (reply, answer) = channel();
        if self.sender().send(Job::Analyze(text.clone(), previous, reply)).is_ok() {
            if let Ok(analysis) = answer.recv() {
                return analysis;
            }
        }
        amlc_analysis::analyze_without_values(text)
    }

    /// Frees a replaced analysis on the analysis thread, after the work already queued there.
    pub fn free(&self, analysis: Arc<Analysis>) {
        if let Err(job) = self.sender().send(Job::Free(analysis)) {
            drop(job);
        }
    }
}

fn run(text: &str, previous: Option<Previous>) -> Analysis {
    match previous {
        Some((previous_text, previous)) => {
            // The tree is taken over when no request still holds the old analysis; else it is copied.
            let previous = Arc::try_unwrap(previous).unwrap_or_else(|shared| (*shared).clone());
            amlc_analysis::analyze_edited(&previous_text, previous, text)
        }
        None => amlc_analysis::analyze_without_values(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyses_on_its_thread_and_frees_there() {
        let analyzer = Analyzer::default();
        let text = Arc::new("type: amlcompute\nname: c1\nmin_instances: 3\nmax_instances: 1\n".to_string());
        let analysis = analyzer.analyze(&text, None);
        assert_eq!(analysis.compute_type, Some(amlc_analysis::ComputeType::AmlCompute));
        assert_eq!(analysis.diagnostics, amlc_analysis::analyze(&text).diagnostics);
        assert!(analysis.value.is_none() && analysis.normalized.is_none());
        let shared = Arc::new(analysis);
        analyzer.free(shared.clone());
        // The second analysis is queued behind the free and still answers.
        assert_eq!(analyzer.analyze(&text, None).diagnostics, shared.diagnostics);
        // An edit re-analysed from the previous analysis says what a fresh analysis says.
        let edited = Arc::new(text.replace("max_instances: 1", "max_instances: 5"));
        let incremental = analyzer.analyze(&edited, Some((text.clone(), shared.clone())));
        assert_eq!(incremental.diagnostics, amlc_analysis::analyze(&edited).diagnostics);
        assert_ne!(incremental.diagnostics, shared.diagnostics);
    }
}
