//! The numeric limits the service enforces on compute settings, in one place: the spec rules check a YAML file
//! against them, and the compute workflow (`amlc-azure`) checks an update from the command line or the editor
//! against the same values, so `amlc check`, `amlc compute update` and the editor's inputs never disagree.

/// Idle shutdown of a compute instance, in minutes: 15 minutes to 3 days.
pub const IDLE_SHUTDOWN_MINUTES: std::ops::RangeInclusive<i64> = 15..=4320;

/// The smallest node count of a cluster (`min_instances`, and `max_instances` too: the service's only rule for the
/// maximum is that it is not below the minimum, so a cluster may be held at zero nodes).
pub const MIN_NODES: i64 = 0;

/// `max_instances` when a spec leaves it out (what the SDK sends).
pub const DEFAULT_MAX_NODES: i64 = 4;

/// Whether a node range is one the service accepts; `Err` names what is wrong, in the words every front end shows.
pub fn check_node_range(min: i64, max: i64) -> Result<(), String> {
    if min < MIN_NODES {
        return Err(format!("the minimum node count is {min}; it cannot be negative"));
    }
    if max < MIN_NODES {
        return Err(format!("the maximum node count is {max}; it cannot be negative"));
    }
    if min > max {
        return Err(format!(
            "the minimum node count ({min}) is greater than the maximum ({max}); the service refuses this"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ranges() {
        assert_eq!(check_node_range(0, 0), Ok(()), "a cluster may be held at zero nodes");
        assert_eq!(check_node_range(1, 4), Ok(()));
        assert!(check_node_range(5, 3).is_err_and(|e| e.contains("(5) is greater than the maximum (3)")));
        assert!(check_node_range(-1, 3).is_err_and(|e| e.contains("negative")));
        assert!(check_node_range(0, -1).is_err_and(|e| e.contains("negative")));
    }
}
