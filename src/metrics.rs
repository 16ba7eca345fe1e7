//! `GET /metrics` in the Prometheus text format. This module holds only the instruments
//! (histograms, the exposition being written) and the gatherer: each part of the service
//! (the request log, the pool, the password checks, the group writers, the kept pages,
//! the outbox) reports its own lines through [`Report`], and `lib.rs` lists the parts.
//!
//! Served only to a request bearing `SLIPWAY_METRICS_TOKEN`, or, without one configured,
//! only to a caller on this machine (loopback): never to the public.

use std::{
    collections::{BTreeMap, HashSet},
    fmt::{Display, Write as _},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
};

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures_util::future::BoxFuture;

use crate::error::ApiError;

/// A part of the service that shows figures at `/metrics`.
pub trait Report: Send + Sync {
    /// Writes this part's lines (it may read the database; a failed read leaves its
    /// lines out).
    fn report<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()>;
}

/// The parts `/metrics` shows, in order.
#[derive(Clone, Default)]
pub struct Sources(pub Vec<Arc<dyn Report>>);

/// The text being written: each metric family's `HELP` and `TYPE` once, its samples after.
#[derive(Debug, Default)]
pub struct Exposition {
    text: String,
    families: HashSet<&'static str>,
}

impl Exposition {
    /// Starts the family `name` (`kind`: `counter`, `gauge`, `histogram`) unless a part
    /// reporting before started it: parts sharing a family write beside each other.
    pub fn family(&mut self, name: &'static str, kind: &str, help: &str) {
        if self.families.insert(name) {
            let _ = writeln!(self.text, "# HELP {name} {help}");
            let _ = writeln!(self.text, "# TYPE {name} {kind}");
        }
    }

    /// One sample: `name{labels} value`.
    pub fn sample(&mut self, name: &str, labels: &str, value: impl Display) {
        if labels.is_empty() {
            let _ = writeln!(self.text, "{name} {value}");
        } else {
            let _ = writeln!(self.text, "{name}{{{labels}}} {value}");
        }
    }

    /// The samples of a histogram.
    pub fn histogram(&mut self, name: &str, labels: &str, histogram: &Histogram) {
        histogram.write(&mut self.text, name, labels);
    }
}

/// Upper bounds of the latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Upper bounds of the batch-size buckets.
pub const BATCH_BUCKETS: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 32.0];

/// A histogram with fixed buckets.
#[derive(Debug)]
pub struct Histogram {
    bounds: &'static [f64],
    counts: Vec<AtomicU64>,
    count: AtomicU64,
    /// The sum, in millionths.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// A histogram over `bounds` (ascending).
    pub fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
        }
    }

    /// Records one value.
    pub fn observe(&self, value: f64) {
        if let Some(i) = self.bounds.iter().position(|b| value <= *b) {
            self.counts[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros.fetch_add((value * 1e6) as u64, Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, n) in self.bounds.iter().zip(&self.counts) {
            cumulative += n.load(Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
            );
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(
            out,
            "{name}_sum{braces} {}",
            self.sum_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// A route template, a method and a status class (`2xx`).
type RouteKey = (String, String, &'static str);

/// The request counters of one instance.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<RouteKey, std::sync::Arc<Histogram>>>,
}

impl Metrics {
    /// Records a request by route template (`/api/v1/jobs/{id}`), method and status.
    pub fn record(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        let histogram = {
            let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            requests
                .entry((route.to_owned(), method.to_owned(), class))
                .or_insert_with(|| std::sync::Arc::new(Histogram::new(&LATENCY_BUCKETS)))
                .clone()
        };
        histogram.observe(seconds);
    }
}

/// Who may read the metrics.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// `SLIPWAY_METRICS_TOKEN`: when set, the bearer token `/metrics` asks for.
    pub token: Option<String>,
}

fn quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

impl Report for Metrics {
    fn report<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()> {
        let name = "slipway_http_requests_seconds";
        out.family(
            name,
            "histogram",
            "Requests by route template, method and status class, with their latency.",
        );
        let requests: Vec<_> = self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, h)| (k.clone(), h.clone()))
            .collect();
        for ((route, method, class), histogram) in requests {
            let labels = format!(
                "route=\"{}\",method=\"{method}\",status=\"{class}\"",
                quote(&route)
            );
            out.histogram(name, &labels, &histogram);
        }
        Box::pin(std::future::ready(()))
    }
}

/// `GET /metrics`: every part's lines, to those allowed to read them.
pub async fn scrape(
    req: HttpRequest,
    access: web::Data<MetricsAccess>,
    sources: web::Data<Sources>,
) -> Result<HttpResponse, ApiError> {
    let allowed = match &access.token {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.strip_prefix("Bearer ").is_some_and(|t| t.trim() == token)),
        None => req.peer_addr().is_some_and(|p| p.ip().is_loopback()),
    };
    if !allowed {
        return Err(ApiError::NotFound);
    }
    let mut out = Exposition::default();
    for source in &sources.0 {
        source.report(&mut out).await;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out.text))
}
