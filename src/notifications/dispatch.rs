//! The dispatcher: a task in every `serve` instance that sends what the outbox holds.
//! Each round it writes the due `daily_report.ready` events, claims due mails and
//! webhook deliveries (`FOR UPDATE SKIP LOCKED`, under a lease), and sends them off the
//! round: a slow or dead receiver holds one sender of its own, never another receiver,
//! the mail, or an API request.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{NaiveTime, Utc};
use tokio::{sync::Notify, task::JoinSet};
use uuid::Uuid;

use super::{
    daily,
    mail::Mailer,
    models::Event,
    queries::{self, ClaimedMail},
    rules::next_report_moment,
};
use crate::{
    auth::Scope,
    db::Db,
    webhooks::{delivery::Sender, queries as webhooks, rules::retry_delay},
    yard::Yard,
};

/// How the dispatcher runs.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// How often it looks for due work.
    pub poll: Duration,
    /// When daily reports go out, yard time (`SLIPWAY_DAILY_REPORT_AT`).
    pub daily_at: NaiveTime,
    /// The first retry of a failed delivery or mail, doubling after.
    pub retry_base: Duration,
    /// Whether webhooks may call private addresses (`SLIPWAY_WEBHOOK_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Webhooks sent to at once.
    pub senders: usize,
    /// The mail transport; `None`: no mail.
    pub mailer: Option<Mailer>,
    /// How often it looks for jobs that have started to run late.
    pub watch_every: Duration,
    /// The yard (its calendar and name).
    pub yard: Yard,
}

impl DispatchConfig {
    /// Defaults: every second, reports at 07:00, first retry after 30 s, 16 senders, late
    /// jobs looked for every 5 s.
    pub fn new(yard: Yard) -> Self {
        Self {
            poll: Duration::from_secs(1),
            daily_at: NaiveTime::from_hms_opt(7, 0, 0).expect("07:00"),
            retry_base: Duration::from_secs(30),
            allow_private: false,
            senders: 16,
            mailer: None,
            watch_every: Duration::from_secs(5),
            yard,
        }
    }
}

/// What the dispatchers of this instance did, for `/metrics`.
#[derive(Debug, Default)]
pub struct Counters {
    /// Webhook attempts answered with a 2xx.
    pub webhooks_sent: AtomicU64,
    /// Webhook attempts that failed.
    pub webhooks_failed: AtomicU64,
    /// Mails handed to the SMTP server.
    pub mails_sent: AtomicU64,
    /// Mail attempts that failed.
    pub mails_failed: AtomicU64,
}

/// What `/metrics` shows of the outbox: this instance's sends, and what waits in all.
pub struct Outbox {
    /// This instance's dispatcher's counters.
    pub counters: Arc<Counters>,
    /// The database, for what waits.
    pub db: Db,
}

impl crate::metrics::Report for Outbox {
    fn report<'a>(
        &'a self,
        out: &'a mut crate::metrics::Exposition,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        Box::pin(async move {
            let (sent, failed) = ("slipway_outbox_sent_total", "slipway_outbox_failed_total");
            out.family(
                sent,
                "counter",
                "Webhook attempts answered with a 2xx and mails handed to the SMTP server by this instance.",
            );
            out.family(
                failed,
                "counter",
                "Webhook and mail attempts of this instance that failed (each is retried).",
            );
            let c = &self.counters;
            for (channel, ok, bad) in [
                ("webhook", &c.webhooks_sent, &c.webhooks_failed),
                ("email", &c.mails_sent, &c.mails_failed),
            ] {
                let labels = format!("channel=\"{channel}\"");
                out.sample(sent, &labels, ok.load(Ordering::Relaxed));
                out.sample(failed, &labels, bad.load(Ordering::Relaxed));
            }
            // Across all instances, from the database; left out when it is sick.
            if let Ok(mut conn) = self.db.get().await
                && let Ok((webhooks, mails)) = queries::pending(&mut conn).await
            {
                let name = "slipway_outbox_pending";
                out.family(
                    name,
                    "gauge",
                    "Webhook deliveries and mails waiting to be sent, in all instances.",
                );
                out.sample(name, "channel=\"webhook\"", webhooks);
                out.sample(name, "channel=\"email\"", mails);
            }
        })
    }
}

/// A running dispatcher; dropping this handle leaves it running with the runtime.
pub struct Dispatcher {
    stop: Arc<Notify>,
    done: tokio::task::JoinHandle<()>,
    db: Db,
    unsent: Unsent,
}

/// A delivery lease: no other instance takes a claimed delivery for this long. It covers
/// the sends of one claim (at most `PER_WEBHOOK` of 10 s each) with room to spare.
const LEASE_SECS: i32 = 90;
/// Deliveries of one webhook claimed at once, sent one after another.
const PER_WEBHOOK: i64 = 4;
/// Mails claimed at once: sent one after another, 10 s each at most, within the claim's
/// lease.
const MAILS: i64 = 10;
/// A mail claim's lease: no other instance takes the claimed mails for this long.
const MAIL_LEASE_SECS: i32 = 120;
/// Mail attempts before a mail is marked failed.
const MAIL_ATTEMPTS: i32 = 8;

impl Dispatcher {
    /// Starts the dispatcher on the runtime it is called from.
    pub fn start(db: Db, config: DispatchConfig, counters: Arc<Counters>) -> anyhow::Result<Self> {
        let sender = Sender::new(config.allow_private)?;
        let stop = Arc::new(Notify::new());
        let unsent = Unsent::default();
        let done = tokio::spawn(run(
            db.clone(),
            config,
            sender,
            counters,
            stop.clone(),
            unsent.clone(),
        ));
        Ok(Self {
            stop,
            done,
            db,
            unsent,
        })
    }

    /// Stops claiming, lets what was claimed finish for `grace`, and gives back (due at
    /// once, for any instance) the deliveries it claimed and did not send in time.
    pub async fn stop(mut self, grace: Duration) {
        self.stop.notify_one();
        if tokio::time::timeout(grace, &mut self.done).await.is_err() {
            self.done.abort();
            let _ = (&mut self.done).await;
        }
        let left: Vec<Uuid> = self
            .unsent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .flatten()
            .copied()
            .collect();
        if left.is_empty() {
            return;
        }
        match self.db.get().await {
            Ok(mut conn) => match webhooks::release(&mut conn, &left).await {
                Ok(n) => tracing::info!(released = n, "webhook deliveries given back at shutdown"),
                Err(e) => tracing::warn!(error = %e, "giving back webhook deliveries failed"),
            },
            Err(e) => tracing::warn!(error = %e, "giving back webhook deliveries failed"),
        }
    }
}

/// Deliveries claimed and not yet recorded, by webhook.
type Unsent = Arc<Mutex<HashMap<Uuid, Vec<Uuid>>>>;

async fn run(
    db: Db,
    config: DispatchConfig,
    sender: Sender,
    counters: Arc<Counters>,
    stop: Arc<Notify>,
    unsent: Unsent,
) {
    let config = Arc::new(config);
    let mut senders = JoinSet::new();
    let mut mails: JoinSet<()> = JoinSet::new();
    // The morning reports are written at start (one missed while no instance ran) and
    // then at each report moment: the round after it passes, so within a poll of it.
    let mut next_daily = Utc::now();
    let mut next_watch = Utc::now();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(config.poll) => {}
            () = stop.notified() => break,
        }
        while senders.try_join_next().is_some() {}
        while mails.try_join_next().is_some() {}
        if Utc::now() >= next_daily {
            let written = match db.get().await {
                Ok(mut conn) => daily::emit_due(&mut conn, &config.yard, config.daily_at)
                    .await
                    .map_err(anyhow::Error::from),
                Err(e) => Err(anyhow::Error::from(e)),
            };
            if let Err(e) = &written {
                tracing::warn!(error = %e, "writing the due daily reports failed");
            }
            next_daily = match written {
                Ok(_) => {
                    let local = Utc::now().with_timezone(&config.yard.tz).naive_local();
                    config
                        .yard
                        .instant(next_report_moment(local, config.daily_at))
                }
                // Tried again shortly: the database may be back in a moment.
                Err(_) => Utc::now() + chrono::Duration::seconds(5),
            };
        }
        if Utc::now() >= next_watch {
            // Jobs that have just started to run late against their contractual
            // redelivery (each heard of once, whichever instance finds it).
            next_watch = Utc::now()
                + chrono::Duration::from_std(config.watch_every).unwrap_or(chrono::Duration::MAX);
            let found = match db.get().await {
                Ok(mut conn) => crate::redelivery::service::watch(&mut conn, &config.yard)
                    .await
                    .map_err(anyhow::Error::from),
                Err(e) => Err(anyhow::Error::from(e)),
            };
            if let Err(e) = found {
                tracing::warn!(error = %e, "looking for jobs running late failed");
            }
        }
        if mails.is_empty() {
            mails.spawn(send_mails(db.clone(), config.clone(), counters.clone()));
        }
        let free = config.senders.saturating_sub(senders.len());
        if free > 0 {
            claim_and_send(
                &db,
                &config,
                &sender,
                &counters,
                &unsent,
                &mut senders,
                free,
            )
            .await;
        }
    }
    // Shutting down: what was claimed may finish (within the grace `stop` allows).
    while senders.join_next().await.is_some() {}
    while mails.join_next().await.is_some() {}
}

async fn claim_and_send(
    db: &Db,
    config: &Arc<DispatchConfig>,
    sender: &Sender,
    counters: &Arc<Counters>,
    unsent: &Unsent,
    senders: &mut JoinSet<()>,
    free: usize,
) {
    let busy: Vec<Uuid> = unsent
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .keys()
        .copied()
        .collect();
    let claimed = match db.get().await {
        Ok(mut conn) => {
            let limit = i64::try_from(free).unwrap_or(1) * PER_WEBHOOK;
            webhooks::claim_due(&mut conn, &busy, limit, PER_WEBHOOK, LEASE_SECS).await
        }
        Err(e) => {
            tracing::warn!(error = %e, "dispatcher: no database connection");
            return;
        }
    };
    let claimed = match claimed {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "claiming webhook deliveries failed");
            return;
        }
    };
    let mut by_webhook: HashMap<Uuid, Vec<webhooks::Claimed>> = HashMap::new();
    for row in claimed {
        by_webhook.entry(row.webhook_id).or_default().push(row);
    }
    for (webhook_id, rows) in by_webhook {
        unsent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(webhook_id, rows.iter().map(|r| r.id).collect());
        let (db, config, sender, counters, unsent) = (
            db.clone(),
            config.clone(),
            sender.clone(),
            counters.clone(),
            unsent.clone(),
        );
        senders.spawn(async move {
            for row in rows {
                let outcome = sender
                    .send(
                        &row.url,
                        &row.secret,
                        &row.event_id.to_string(),
                        row.payload.clone(),
                    )
                    .await;
                let counter = if outcome.error.is_none() {
                    &counters.webhooks_sent
                } else {
                    &counters.webhooks_failed
                };
                counter.fetch_add(1, Ordering::Relaxed);
                let jitter = 0.8 + rand::random::<f64>() * 0.4;
                let retry_at =
                    Utc::now() + retry_delay(row.attempts + 1, config.retry_base, jitter);
                match db.get().await {
                    Ok(mut conn) => match webhooks::record(&mut conn, &row, &outcome, retry_at)
                        .await
                    {
                        Ok(Some(off)) => tracing::warn!(webhook = %row.webhook_id, url = %off.url,
                            "webhook disabled after three days of failures"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "recording a webhook attempt failed"),
                    },
                    Err(e) => tracing::warn!(error = %e, "recording a webhook attempt failed"),
                }
                if let Some(list) = unsent
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_mut(&webhook_id)
                {
                    list.retain(|id| *id != row.id);
                }
            }
            unsent
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&webhook_id);
        });
    }
}

/// Sends the due mails, one after another; without a mail transport, marks them `off`.
/// No connection is held while a mail is being sent.
async fn send_mails(db: Db, config: Arc<DispatchConfig>, counters: Arc<Counters>) {
    let Ok(mut conn) = db.get().await else {
        return;
    };
    let Some(mailer) = &config.mailer else {
        if let Err(e) = queries::set_mails_aside(&mut conn).await {
            tracing::warn!(error = %e, "setting aside mails failed");
        }
        return;
    };
    let claimed = match queries::claim_mails(&mut conn, MAILS, MAIL_LEASE_SECS).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "claiming mails failed");
            return;
        }
    };
    drop(conn);
    for mail in claimed {
        let (status, error) = if !mail.active {
            ("off", None)
        } else {
            match send_one(&db, mailer, &config.yard, &mail).await {
                Ok(()) => {
                    counters.mails_sent.fetch_add(1, Ordering::Relaxed);
                    ("sent", None)
                }
                Err(e) => {
                    counters.mails_failed.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, "a mail could not be sent");
                    let last = mail.attempts + 1 >= MAIL_ATTEMPTS;
                    (if last { "failed" } else { "pending" }, Some(e))
                }
            }
        };
        let jitter = 0.8 + rand::random::<f64>() * 0.4;
        let retry_at = Utc::now() + retry_delay(mail.attempts + 1, config.retry_base, jitter);
        let Ok(mut conn) = db.get().await else {
            continue;
        };
        let recorded = queries::record_mail(&mut conn, mail.id, status, error, retry_at).await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "recording a mail failed");
        }
    }
}

async fn send_one(db: &Db, mailer: &Mailer, yard: &Yard, mail: &ClaimedMail) -> Result<(), String> {
    let event: Event = serde_json::from_str(&mail.payload).map_err(|e| e.to_string())?;
    let report = match (super::models::report_day(&event), &event.job) {
        (Some(date), Some(job)) => Some(
            crate::work_logs::queries::daily_report(
                &mut *db.get().await.map_err(|e| e.to_string())?,
                job.id,
                Scope::Yard,
                date,
                yard.day_bounds(date),
            )
            .await
            .map_err(|e| e.to_string())?,
        ),
        _ => None,
    };
    let to = lettre::message::Mailbox::new(
        Some(mail.full_name.clone()),
        mail.email.parse().map_err(|e| format!("address: {e}"))?,
    );
    mailer.send(to, &event, report.as_ref(), yard).await
}
