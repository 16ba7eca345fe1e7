//! Sending one delivery: a signed POST (Standard Webhooks), 10 seconds at most, no
//! redirects followed, and, unless private addresses are allowed, only to public
//! addresses, checked on the addresses the connection will use.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use chrono::Utc;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{queries::Outcome, rules};

/// The HTTP client of the dispatcher.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

/// Why a host name is not called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    /// It does not resolve.
    Unresolved,
    /// One of its addresses is loopback, private, link-local or metadata.
    Private,
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unreachable::Unresolved => "its host name does not resolve",
            Unreachable::Private => {
                "must not resolve to a loopback, private, link-local or metadata address"
            }
        })
    }
}

impl std::error::Error for Unreachable {}

/// The addresses `host` resolves to, if every one is public: the check of a webhook's
/// URL when it is stored, and of every connection a delivery makes.
pub async fn resolve_public(host: &str, port: u16) -> Result<Vec<SocketAddr>, Unreachable> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| Unreachable::Unresolved)?
        .collect();
    if addrs.is_empty() {
        return Err(Unreachable::Unresolved);
    }
    if addrs.iter().any(|a| !rules::is_public(a.ip())) {
        return Err(Unreachable::Private);
    }
    Ok(addrs)
}

/// Resolves host names for the client, refusing any that resolves to a non-public
/// address.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let addrs = resolve_public(name.as_str(), 0).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

impl Sender {
    /// A client; `allow_private` (`SLIPWAY_WEBHOOK_ALLOW_PRIVATE`) lifts the address rule.
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .timeout(rules::TIMEOUT)
            .connect_timeout(rules::TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("Slipway-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
            allow_private,
        })
    }

    /// POSTs `body` to `url`, signed with `secret` as message `id`.
    pub async fn send(&self, url: &str, secret: &str, id: &str, body: String) -> Outcome {
        let at = Utc::now();
        let started = Instant::now();
        let result = self.try_send(url, secret, id, body, at.timestamp()).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, error) = match result {
            Ok(status) if status.is_success() => (Some(i32::from(status.as_u16())), None),
            Ok(status) => (
                Some(i32::from(status.as_u16())),
                Some(format!("the receiver answered {status}")),
            ),
            Err(error) => (None, Some(error)),
        };
        Outcome {
            at,
            status_code,
            error,
            duration_ms,
        }
    }

    async fn try_send(
        &self,
        url: &str,
        secret: &str,
        id: &str,
        body: String,
        timestamp: i64,
    ) -> Result<reqwest::StatusCode, String> {
        // The URL was checked when it was stored; a literal address is checked again
        // here (the resolver sees only names).
        rules::check_url(url, self.allow_private).map_err(|e| format!("url {}", e.message))?;
        let signature = rules::signature(secret, id, timestamp, body.as_bytes());
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(describe)?;
        Ok(response.status())
    }
}

/// A failed request in a line for the log: what went wrong, without the noise.
fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if error.is_timeout() {
        "timed out after 10 s"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = error.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {cause}")
    }
}
