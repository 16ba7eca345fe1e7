//! `GET /metrics` in the Prometheus text format: requests per route template, method and
//! status class with their latencies; the database pool; the password checks; the sizes
//! of the batches the group writers make; the kept pages' hits and misses.
//!
//! Served only to a request bearing `SLIPWAY_METRICS_TOKEN`, or, without one configured,
//! only to a caller on this machine (loopback): never to the public.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
};

use actix_web::{HttpRequest, HttpResponse, http::header, web};

use crate::{
    AppState,
    auth::password::Passwords,
    db::Db,
    docks::queries::BookingBatch,
    error::ApiError,
    group_commit::GroupWriter,
    kept_pages::{KeptJobs, KeptPages, ListKey, ReportKey},
    work_logs::queries::WorkLogBatch,
};

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

/// `GET /metrics`.
#[expect(
    clippy::too_many_arguments,
    reason = "one extractor per part of the state it shows"
)]
async fn metrics(
    req: HttpRequest,
    access: web::Data<MetricsAccess>,
    metrics: web::Data<Metrics>,
    db: web::Data<Db>,
    passwords: web::Data<Passwords>,
    work_logs: web::Data<GroupWriter<WorkLogBatch>>,
    bookings: web::Data<GroupWriter<BookingBatch>>,
    pages: (
        web::Data<KeptPages<ListKey>>,
        web::Data<KeptPages<ReportKey>>,
        web::Data<KeptJobs>,
    ),
    outbox: web::Data<crate::notifications::dispatch::Counters>,
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
    let mut out = String::new();
    out.push_str("# HELP slipway_http_requests_seconds Requests by route template, method and status class, with their latency.\n");
    out.push_str("# TYPE slipway_http_requests_seconds histogram\n");
    let requests: Vec<_> = metrics
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
        histogram.write(&mut out, "slipway_http_requests_seconds", &labels);
    }
    let status = db.status();
    out.push_str("# HELP slipway_db_pool_connections The database pool: its limit, connections open, idle, and requests waiting for one.\n");
    out.push_str("# TYPE slipway_db_pool_connections gauge\n");
    for (state, n) in [
        ("max", status.max_size),
        ("open", status.size),
        ("idle", status.available),
        ("waiting", status.waiting),
    ] {
        let _ = writeln!(out, "slipway_db_pool_connections{{state=\"{state}\"}} {n}");
    }
    out.push_str("# HELP slipway_password_checks Password hashing: slots free now and checks waiting for one.\n");
    out.push_str("# TYPE slipway_password_checks gauge\n");
    let _ = writeln!(
        out,
        "slipway_password_checks{{state=\"free_slots\"}} {}",
        passwords.free_slots()
    );
    let _ = writeln!(
        out,
        "slipway_password_checks{{state=\"waiting\"}} {}",
        passwords.waiting()
    );
    out.push_str(
        "# HELP slipway_group_writer_batch_size Writes done together in one statement, by kind.\n",
    );
    out.push_str("# TYPE slipway_group_writer_batch_size histogram\n");
    work_logs.batch_sizes().write(
        &mut out,
        "slipway_group_writer_batch_size",
        "kind=\"work_logs\"",
    );
    bookings.batch_sizes().write(
        &mut out,
        "slipway_group_writer_batch_size",
        "kind=\"bookings\"",
    );
    out.push_str("# HELP slipway_kept_pages_reads_total Client reads answered from a kept page (hit) or not (miss), by kind.\n");
    out.push_str("# TYPE slipway_kept_pages_reads_total counter\n");
    for (kind, (hits, misses)) in [
        ("job_lists", pages.0.hits_and_misses()),
        ("daily_reports", pages.1.hits_and_misses()),
        ("jobs", pages.2.hits_and_misses()),
    ] {
        let _ = writeln!(
            out,
            "slipway_kept_pages_reads_total{{kind=\"{kind}\",result=\"hit\"}} {hits}"
        );
        let _ = writeln!(
            out,
            "slipway_kept_pages_reads_total{{kind=\"{kind}\",result=\"miss\"}} {misses}"
        );
    }
    out.push_str("# HELP slipway_outbox_sent_total Webhook attempts answered with a 2xx and mails handed to the SMTP server by this instance.\n");
    out.push_str("# TYPE slipway_outbox_sent_total counter\n");
    out.push_str("# HELP slipway_outbox_failed_total Webhook and mail attempts of this instance that failed (each is retried).\n");
    out.push_str("# TYPE slipway_outbox_failed_total counter\n");
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    for (channel, sent, failed) in [
        ("webhook", &outbox.webhooks_sent, &outbox.webhooks_failed),
        ("email", &outbox.mails_sent, &outbox.mails_failed),
    ] {
        let _ = writeln!(
            out,
            "slipway_outbox_sent_total{{channel=\"{channel}\"}} {}",
            AtomicU64::load(sent, Relaxed)
        );
        let _ = writeln!(
            out,
            "slipway_outbox_failed_total{{channel=\"{channel}\"}} {}",
            AtomicU64::load(failed, Relaxed)
        );
    }
    // What waits, across all instances (from the database; omitted when it is sick).
    if let Ok(mut conn) = db.get().await
        && let Ok(pending) = crate::notifications::queries::pending(&mut conn).await
    {
        out.push_str("# HELP slipway_outbox_pending Webhook deliveries and mails waiting to be sent, in all instances.\n");
        out.push_str("# TYPE slipway_outbox_pending gauge\n");
        let _ = writeln!(
            out,
            "slipway_outbox_pending{{channel=\"webhook\"}} {}",
            pending.0
        );
        let _ = writeln!(
            out,
            "slipway_outbox_pending{{channel=\"email\"}} {}",
            pending.1
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out))
}

/// Registers `/metrics` (at the root).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::http::resource("/metrics").route(web::get().to(metrics)));
}

impl AppState {
    /// Serves `/metrics` to requests bearing `token` (without one: only from this machine).
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_access = web::Data::new(MetricsAccess { token });
        self
    }
}
