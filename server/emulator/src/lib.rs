//! A local emulator of the ARM compute API for Azure ML workspaces: real HTTP on loopback, the same
//! routes, bodies, status codes and long-running-operation headers as Azure, with state that moves over time.
