//! What the server answered, and who is signed in.

use reqwest::{StatusCode, header::HeaderMap};
use serde_json::Value;
use uuid::Uuid;

/// An answer from the server.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

impl Reply {
    /// The problem `type` of an error body.
    pub fn problem_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {:#}",
            self.body
        );
        self
    }

    /// Asserts an error status and problem type, and that the body is problem+json.
    #[track_caller]
    pub fn expect_problem(self, status: u16, code: &str) -> Self {
        let reply = self.expect(status);
        assert_eq!(
            reply.problem_type(),
            format!("/problems/{code}"),
            "{:#}",
            reply.body
        );
        assert_eq!(reply.content_type(), "application/problem+json");
        assert_eq!(reply.body["status"], status);
        reply
    }

    /// The `id` field as a UUID.
    pub fn id(&self) -> Uuid {
        self.body["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("an id in the body")
    }
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user's id.
    pub user_id: Uuid,
    /// Login email.
    pub email: String,
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
}
