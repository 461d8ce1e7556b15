//! Developer tool: measures whether keystroke analyses spread over several threads raise the peak
//! memory (VmHWM) against one thread, with mimalloc as `amlc` links it (why the language server
//! runs every analysis on one thread). Usage: `arenas FILE one|pool ROUNDS`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("file");
    let rounds: usize = args[3].parse().expect("rounds");
    let mid = text.len() / 2;
    let at = mid + text[mid..].find(": ").expect("a key") + 2;
    let texts: Vec<String> =
        (0..rounds).map(|i| format!("{}{}{}", &text[..at], "x".repeat(i + 1), &text[at..])).collect();
    // Like tokio's blocking pool: long-lived workers, each analysis on the next one.
    type Job = Box<dyn FnOnce() + Send>;
    let workers: Vec<std::sync::mpsc::Sender<Job>> = (0..4)
        .map(|_| {
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            std::thread::spawn(move || rx.into_iter().for_each(|job| job()));
            tx
        })
        .collect();
    let mut current = (text.clone(), amlc_analysis::analyze_without_values(&text));
    for (i, next) in texts.into_iter().enumerate() {
        let previous = current;
        current = if args[2] == "pool" {
            let (tx, rx) = std::sync::mpsc::channel();
            workers[i % 4]
                .send(Box::new(move || {
                    let analysis = amlc_analysis::analyze_edited(&previous.0, previous.1, &next);
                    let _ = tx.send((next, analysis));
                }))
                .expect("worker");
            rx.recv().expect("analysis")
        } else {
            let analysis = amlc_analysis::analyze_edited(&previous.0, previous.1, &next);
            (next, analysis)
        };
        if i % 5 == 4 {
            eprintln!("round {} {}", i + 1, hwm());
        }
    }
    eprintln!("{} {}", args[2], hwm());
}
