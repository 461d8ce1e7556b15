//! `amlc compute`: create, attach, start, stop, inspect and connect to Azure ML compute, with the conventions of
//! `az ml compute`. The pieces live in `compute/`; this file owns the arguments and the dispatch.

use std::process::ExitCode;

pub use crate::compute::args::ComputeArgs;

pub fn run(args: ComputeArgs) -> ExitCode {
    crate::compute::run(args)
}
