//! Azure Resource Manager client for Azure ML compute: one `async fn` per REST operation,
//! credentials, long-running operations, retries and plain-words errors.
