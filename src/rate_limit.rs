//! Requests per minute, per signed-in user (per client address for anonymous requests),
//! counted in each instance's memory (`SLIPWAY_RATE_LIMIT_PER_MIN`): past it, 429 with
//! `Retry-After`. Every API answer says where the caller stands, in the headers of the
//! IETF httpapi draft: `RateLimit-Policy: "default";q=600;w=60` and
//! `RateLimit: "default";r=<left>;t=<seconds until the window renews>`.

use std::{
    collections::HashMap,
    hash::{Hash, Hasher},
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use uuid::Uuid;

use crate::{auth::tokens::TokenKeys, error::ApiError, http::TrustedProxies};

const WINDOW: Duration = Duration::from_secs(60);
const SHARDS: usize = 16;
/// Callers remembered per shard before the stale ones are forgotten.
const MAX_PER_SHARD: usize = 20_000;

/// Who a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    User(Uuid),
    Address(IpAddr),
}

/// The counters of one instance.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u64,
    shards: Vec<Mutex<HashMap<Caller, (Instant, u64)>>>,
}

/// Where a caller stands after a request.
struct Standing {
    allowed: bool,
    remaining: u64,
    reset_secs: u64,
}

impl RateLimiter {
    /// `per_minute` requests per caller and minute.
    pub fn new(per_minute: u64) -> Self {
        Self {
            per_minute: per_minute.max(1),
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    fn take(&self, caller: Caller) -> Standing {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        caller.hash(&mut hasher);
        let shard = &self.shards[(hasher.finish() as usize) % SHARDS];
        let mut windows = shard.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MAX_PER_SHARD {
            windows.retain(|_, (since, _)| since.elapsed() < WINDOW);
        }
        let window = windows.entry(caller).or_insert((Instant::now(), 0));
        if window.0.elapsed() >= WINDOW {
            *window = (Instant::now(), 0);
        }
        let allowed = window.1 < self.per_minute;
        if allowed {
            window.1 += 1;
        }
        Standing {
            allowed,
            remaining: self.per_minute - window.1,
            reset_secs: WINDOW.saturating_sub(window.0.elapsed()).as_secs().max(1),
        }
    }

    fn policy(&self) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "\"default\";q={};w={}",
            self.per_minute,
            WINDOW.as_secs()
        ))
        .expect("ASCII")
    }
}

static POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

fn caller(req: &ServiceRequest) -> Option<Caller> {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    if let (Some(token), Some(keys)) = (bearer, req.app_data::<web::Data<TokenKeys>>())
        && let Some(claims) = keys.verify_access(token.trim())
    {
        return Some(Caller::User(claims.sub));
    }
    let address = match req.app_data::<web::Data<TrustedProxies>>() {
        Some(proxies) => proxies.client_address(req.request()),
        None => req.peer_addr().map(|p| p.ip()),
    };
    address.map(Caller::Address)
}

/// Counts the API's requests per caller, refuses past the limit (429), and tells every
/// caller where it stands.
pub async fn limit_rate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let limiter = req.app_data::<web::Data<RateLimiter>>().cloned();
    let (Some(limiter), true) = (limiter, req.path().starts_with("/api/")) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let Some(who) = caller(&req) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let standing = limiter.take(who);
    let current = HeaderValue::from_str(&format!(
        "\"default\";r={};t={}",
        standing.remaining, standing.reset_secs
    ))
    .expect("ASCII");
    if !standing.allowed {
        let mut response = actix_web::ResponseError::error_response(&ApiError::RateLimited {
            retry_after_secs: standing.reset_secs,
        });
        response
            .headers_mut()
            .insert(POLICY.clone(), limiter.policy());
        response.headers_mut().insert(RATELIMIT.clone(), current);
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    response
        .headers_mut()
        .insert(POLICY.clone(), limiter.policy());
    response.headers_mut().insert(RATELIMIT.clone(), current);
    Ok(response.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_gets_its_share_a_minute_and_others_theirs() {
        let limiter = RateLimiter::new(3);
        let busy = Caller::User(Uuid::new_v4());
        let other = Caller::Address("198.51.100.1".parse().unwrap());
        let left: Vec<u64> = (0..3).map(|_| limiter.take(busy).remaining).collect();
        assert_eq!(left, [2, 1, 0]);
        let refused = limiter.take(busy);
        assert!(!refused.allowed);
        assert!((1..=60).contains(&refused.reset_secs));
        assert!(limiter.take(other).allowed);
    }
}
