//! Fault injection: which request gets throttled, fails with a server error or loses its connection.
//! Decisions are a pure function of the request's sequence number, so a failing test replays identically.

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::Response;

use crate::arm::ArmError;
use crate::config::FaultConfig;

/// SplitMix64: a well-mixed 64-bit value from a counter.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The error to answer request number `n` (1-based) with instead of serving it, if any.
pub fn before_serving(faults: &FaultConfig, n: u64) -> Option<ArmError> {
    let retry = faults.retry_after_secs.to_string();
    if faults.throttle_every.is_some_and(|every| every > 0 && n % every == 0) {
        return Some(
            ArmError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!("The request is being throttled (emulated fault). Retry after {retry} seconds."),
            )
            .with_header("Retry-After", retry),
        );
    }
    if faults.server_error_rate > 0.0 {
        let draw = (mix(n) >> 11) as f64 / (1u64 << 53) as f64;
        if draw < faults.server_error_rate {
            return Some(if mix(n ^ 0x5555) % 2 == 0 {
                ArmError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    "Encountered an internal server error (emulated fault).",
                )
            } else {
                ArmError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service is temporarily unavailable (emulated fault).",
                )
                .with_header("Retry-After", retry)
            });
        }
    }
    None
}

/// Whether request number `n` loses its connection after being served.
pub fn drops(faults: &FaultConfig, n: u64) -> bool {
    faults.drop_every.is_some_and(|every| every > 0 && n % every == 0)
}

/// A response whose body fails before any byte is written: the server closes the connection without
/// sending a status line, which the client sees as a dropped connection.
pub fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "emulated drop"))
    });
    Response::new(Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_periodic() {
        let f = FaultConfig { throttle_every: Some(3), ..FaultConfig::default() };
        let hit: Vec<u64> = (1..=9).filter(|n| before_serving(&f, *n).is_some()).collect();
        assert_eq!(hit, [3, 6, 9]);
        let err = before_serving(&f, 3);
        assert_eq!(err.as_ref().map(|e| e.status), Some(StatusCode::TOO_MANY_REQUESTS));
        assert!(err.is_some_and(|e| e.headers.iter().any(|(k, v)| *k == "Retry-After" && v == "1")));
    }

    #[test]
    fn server_error_rate_is_roughly_honoured_and_deterministic() {
        let f = FaultConfig { server_error_rate: 0.25, ..FaultConfig::default() };
        let hits = (1..=4000).filter(|n| before_serving(&f, *n).is_some()).count();
        assert!((800..1200).contains(&hits), "{hits}");
        let again = (1..=4000).filter(|n| before_serving(&f, *n).is_some()).count();
        assert_eq!(hits, again);
        let kinds: std::collections::HashSet<u16> =
            (1..=4000).filter_map(|n| before_serving(&f, n)).map(|e| e.status.as_u16()).collect();
        assert_eq!(kinds, [500, 503].into_iter().collect());
        let none = FaultConfig::default();
        assert!((1..=1000).all(|n| before_serving(&none, n).is_none() && !drops(&none, n)));
    }
}
