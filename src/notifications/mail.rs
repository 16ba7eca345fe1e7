//! Mail: one plain-text and HTML message per notification, with a link to the job in
//! the web app, sent over SMTP with `lettre`. A `daily_report.ready` mail carries the
//! report itself.

use std::{fmt::Write as _, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart,
        header::{HeaderName, HeaderValue},
    },
};

use super::models::{Event, EventKind};
use crate::{work_logs::models::DailyReport, yard::Yard};

/// How the service sends mail: from `SLIPWAY_SMTP_URL`, `SLIPWAY_SMTP_FROM` and
/// `SLIPWAY_PUBLIC_URL`.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// A mailer for `smtp://user:pass@host:587` (STARTTLS when the server offers it;
    /// `?tls=required` insists) or `smtps://...` (TLS from the start).
    pub fn new(url: &str, from: &str, public_url: &str) -> anyhow::Result<Self> {
        let mut parsed = url::Url::parse(url)?;
        if parsed.scheme() == "smtp" && !parsed.query_pairs().any(|(k, _)| k == "tls") {
            parsed.query_pairs_mut().append_pair("tls", "opportunistic");
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(parsed.as_str())?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        Ok(Self {
            transport,
            from: from.parse()?,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends the mail of `event` to `to`; the error is a line for the outbox's log.
    pub async fn send(
        &self,
        to: Mailbox,
        event: &Event,
        report: Option<&DailyReport>,
        yard: &Yard,
    ) -> Result<(), String> {
        let mail = compose(event, report, yard, &self.public_url);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .message_id(Some(format!("<{}@{}>", event.id, self.from.email.domain())))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Slipway-Event"),
                event.kind.as_str().to_owned(),
            ))
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| format!("composing: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| format!("{e}"))
    }
}

/// A composed mail.
#[derive(Debug)]
pub struct Mail {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

/// The mail of an event: what happened, in a sentence or a report, and the link.
pub fn compose(event: &Event, report: Option<&DailyReport>, yard: &Yard, public_url: &str) -> Mail {
    let Some(job) = &event.job else {
        let subject = match event.kind {
            EventKind::WebhookDisabled => "A webhook was disabled".to_owned(),
            _ => "Webhook test".to_owned(),
        };
        return Mail {
            text: format!("{subject}.\n"),
            html: format!("<p>{}.</p>", escape(&subject)),
            subject,
        };
    };
    let s = |key: &str| {
        event
            .data
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let on = format!("{} · {}", job.number, job.vessel_name);
    let when = |key: &str| {
        s(key)
            .parse::<chrono::DateTime<chrono::Utc>>()
            .map(|t| {
                t.with_timezone(&yard.tz)
                    .format("%-d %b %Y %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| "not set".to_owned())
    };
    let (subject, lines): (String, Vec<String>) = match event.kind {
        EventKind::JobRequested => (
            format!("New repair request {on}"),
            vec![format!(
                "{} requested a repair: {}.",
                job.vessel_name,
                s("title")
            )],
        ),
        EventKind::JobQuoted => (
            format!("Quote for {on}: waiting for your decision"),
            vec![format!(
                "The yard quoted {} {} for {}{}.",
                s("amount"),
                s("currency"),
                job.number,
                match s("valid_until").as_str() {
                    "" => String::new(),
                    d => format!(", valid until {d}"),
                }
            )],
        ),
        EventKind::JobStatusChanged => (
            format!("{on}: {} → {}", label(&s("from")), label(&s("to"))),
            [
                Some(format!(
                    "{} moved from {} to {}.",
                    job.number,
                    label(&s("from")),
                    label(&s("to"))
                )),
                Some(s("note"))
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("Note: {n}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        EventKind::JobScheduleChanged => (
            format!("{on}: new planned dates"),
            vec![
                format!(
                    "Planned: {} to {} ({} time).",
                    when("planned_start"),
                    when("planned_end"),
                    yard.tz.name()
                ),
                format!(
                    "Before: {} to {}.",
                    when("previous_planned_start"),
                    when("previous_planned_end")
                ),
            ],
        ),
        EventKind::JobRedeliveryChanged => {
            let days = event.data.get("days").and_then(|v| v.as_i64()).unwrap_or(0);
            let withdrawn = event.data.get("withdrawn").and_then(|v| v.as_bool()) == Some(true);
            (
                format!("{on}: contractual redelivery now {}", s("to")),
                vec![
                    format!(
                        "The contractual redelivery of {} moved from {} to {} ({:+} days).",
                        job.number,
                        s("from"),
                        s("to"),
                        days
                    ),
                    if withdrawn {
                        format!("An entry ({}) was withdrawn.", label(&s("cause")))
                    } else {
                        format!("Cause: {}.", label(&s("cause")))
                    },
                ],
            )
        }
        EventKind::JobRedeliveryAtRisk => {
            let days = event
                .data
                .get("days_late")
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            (
                format!("{on}: running {days} days late"),
                vec![format!(
                    "{} runs {} days behind its contractual redelivery of {} (the yard's forecast: {}).",
                    job.number,
                    days,
                    s("current"),
                    match s("completed_on").as_str() {
                        "" => s("forecast"),
                        completed => format!("completed on {completed}"),
                    }
                )],
            )
        }
        EventKind::AdditionalWorkProposed => (
            format!("{on}: additional work needs your approval"),
            vec![format!(
                "{} ({} {}) waits for your decision.",
                s("description"),
                s("amount"),
                s("currency")
            )],
        ),
        EventKind::AdditionalWorkDecided => (
            format!("{on}: additional work {}", s("decision")),
            [
                Some(format!(
                    "{} ({} {}) was {}.",
                    s("description"),
                    s("amount"),
                    s("currency"),
                    s("decision")
                )),
                Some(s("note"))
                    .filter(|n| !n.is_empty())
                    .map(|n| format!("Reason: {n}")),
            ]
            .into_iter()
            .flatten()
            .collect(),
        ),
        EventKind::DailyReportReady => (
            format!("{on}: daily report for {}", s("date")),
            report.map_or_else(Vec::new, report_lines),
        ),
        EventKind::WebhookTest | EventKind::WebhookDisabled => {
            (event.kind.as_str().to_owned(), Vec::new())
        }
    };
    let link = format!("{public_url}/app/jobs/{}", job.id);
    let mut text = String::new();
    for line in &lines {
        let _ = writeln!(text, "{line}");
    }
    let _ = write!(text, "\nOpen the job: {link}\n\n— {}\n", yard.name);
    let mut html = String::from("<!doctype html><html><body>");
    for line in &lines {
        let _ = write!(html, "<p>{}</p>", escape(line));
    }
    let _ = write!(
        html,
        "<p><a href=\"{}\">Open {} in Slipway</a></p><p>— {}</p></body></html>",
        escape(&link),
        escape(&job.number),
        escape(&yard.name)
    );
    Mail {
        subject,
        text,
        html,
    }
}

/// The lines of a daily report in a mail.
fn report_lines(report: &DailyReport) -> Vec<String> {
    let mut lines = vec![format!(
        "{} hours logged on {}; the job is {}% done.",
        report.hours_total, report.date, report.progress_percent
    )];
    for task in &report.tasks {
        lines.push(format!(
            "• {}: {} h, {}% done",
            task.title, task.hours, task.progress_percent
        ));
    }
    for change in &report.status_changes {
        lines.push(format!(
            "Status: {} → {}",
            change.from_status.map_or("-", |s| s.as_str()),
            change.to_status.map_or("-", |s| s.as_str())
        ));
    }
    for item in &report.pending_additional_work {
        lines.push(format!(
            "Waiting for your decision: {} ({} {})",
            item.description, item.amount, item.currency
        ));
    }
    lines
}

/// A status as people read it.
fn label(status: &str) -> String {
    status.replace('_', " ")
}

/// Text made safe for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::models::EventJob;

    fn event(kind: EventKind, data: serde_json::Value) -> Event {
        Event {
            id: uuid::Uuid::nil(),
            kind,
            occurred_at: chrono::Utc::now(),
            job: Some(EventJob {
                id: uuid::Uuid::nil(),
                number: "J-2026-0007".to_owned(),
                vessel_name: "Aegean <Glory>".to_owned(),
                status: crate::jobs::rules::JobStatus::Quoted,
            }),
            data,
        }
    }

    #[test]
    fn a_quote_mail_names_the_amount_and_links_to_the_job() {
        let yard = Yard::in_zone(chrono_tz::Asia::Shanghai);
        let mail = compose(
            &event(
                EventKind::JobQuoted,
                serde_json::json!({"amount": "1200.00", "currency": "EUR"}),
            ),
            None,
            &yard,
            "https://yard.example",
        );
        assert_eq!(
            mail.subject,
            "Quote for J-2026-0007 · Aegean <Glory>: waiting for your decision"
        );
        assert!(mail.text.contains("1200.00 EUR"), "{}", mail.text);
        assert!(
            mail.text
                .contains("https://yard.example/app/jobs/00000000-0000-0000-0000-000000000000")
        );
        assert!(mail.html.contains("Aegean &lt;Glory&gt;") || !mail.html.contains("<Glory>"));
    }

    #[test]
    fn planned_dates_are_told_in_yard_time() {
        let yard = Yard::in_zone(chrono_tz::Asia::Shanghai);
        let mail = compose(
            &event(
                EventKind::JobScheduleChanged,
                serde_json::json!({"planned_start": "2026-12-01T00:00:00.000000Z",
                                   "planned_end": "2026-12-05T10:30:00.000000Z"}),
            ),
            None,
            &yard,
            "https://yard.example",
        );
        assert!(
            mail.text.contains("1 Dec 2026 08:00 to 5 Dec 2026 18:30"),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("Before: not set to not set."),
            "{}",
            mail.text
        );
    }
}
