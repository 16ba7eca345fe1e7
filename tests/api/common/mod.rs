//! The black-box test harness: `TestApp::spawn()` starts the real server on port 0 against
//! a fresh database cloned from a migrated template, and tests talk HTTP to it.

#![allow(
    dead_code,
    reason = "each test module uses a different part of the harness"
)]

mod app;
mod fixtures;
mod replies;
pub mod sinks;

pub use app::{TestApp, free_port, memory_of, serve_process, wait_ready};
pub use fixtures::*;
pub use replies::{Reply, Session};

/// The secret the test server signs tokens with (tests craft their own tokens with it).
pub const JWT_SECRET: &[u8] = b"slipway-test-secret-of-forty-bytes-long!";
/// The password of every user the fixtures create.
pub const PASSWORD: &str = "correct-horse-battery";
