//! The ledger's moves that take more than one read or write: the automatic entries of a
//! decided variation, the position of a job, and the watch for jobs running late.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use serde_json::json;

use super::{
    models::{ByParty, Redelivery, RedeliveryEntry},
    queries::{self, EntryRow, NewEntry},
    rules::{self, ByRole, Cause, EntryStatus, Party},
};
use crate::{
    contracts::queries as contracts,
    jobs::models::{AdditionalWork, AdditionalWorkStatus, Job},
    money::Money,
    yard::Yard,
};

/// The automatic entries of a variation just decided on an awarded job, in the
/// decision's transaction: an approval moves the redelivery by its time impact
/// (`variation`), and a blocking variation decided after its respond-by adds the whole
/// days late (`late_decision`), approved or rejected.
pub async fn after_decision(
    conn: &mut AsyncPgConnection,
    job: &Job,
    item: &AdditionalWork,
) -> QueryResult<()> {
    if job.awarded_at.is_none() {
        return Ok(());
    }
    let automatic = |days, cause| NewEntry {
        job_id: job.id,
        days,
        cause,
        additional_work_id: Some(item.id),
        note: None,
        by_role: ByRole::System,
        created_by: None,
    };
    if item.status == AdditionalWorkStatus::Approved && item.time_impact_days > 0 {
        queries::insert(conn, automatic(item.time_impact_days, Cause::Variation)).await?;
    }
    if item.blocking
        && let Some(decided_at) = item.decided_at
        && let Some(days) = rules::late_days(item.respond_by, decided_at)
    {
        queries::insert(conn, automatic(days, Cause::LateDecision)).await?;
    }
    Ok(())
}

/// An entry as the API shows it, with its party and its variation's number.
pub fn entry_view(e: EntryRow, number: Option<String>) -> RedeliveryEntry {
    RedeliveryEntry {
        id: e.id,
        at: e.at,
        days: e.days,
        cause: e.cause,
        party: e.cause.party(),
        additional_work_id: e.additional_work_id,
        additional_work_number: number,
        note: e.note,
        status: e.status,
        by_role: e.by_role,
        dispute_note: e.dispute_note,
        disputed_at: e.disputed_at,
        withdrawn_at: e.withdrawn_at,
    }
}

/// Where the contractual redelivery of `job` (awarded) stands.
pub async fn position(
    conn: &mut AsyncPgConnection,
    job: &Job,
    yard: &Yard,
) -> QueryResult<Redelivery> {
    let terms = contracts::terms(conn, job.id).await?;
    let rows = queries::entries(conn, job.id).await?;
    let mut by_party = ByParty::default();
    let entries = rows
        .into_iter()
        .map(|(e, number)| {
            let party = e.cause.party();
            if e.status != EntryStatus::Withdrawn {
                let days = i64::from(e.days);
                match party {
                    Party::Owner => by_party.owner += days,
                    Party::Class => by_party.class += days,
                    Party::Neutral => by_party.neutral += days,
                }
            }
            entry_view(e, number)
        })
        .collect();
    let forecast = job.planned_end.map(|end| yard.day_of(end));
    let completed_on = job.completed_at.map(|at| yard.day_of(at));
    let days_late = rules::days_late(job.contract_redelivery, forecast, completed_on);
    let damages_accrued = terms.as_ref().and_then(|t| {
        rules::damages(
            days_late,
            t.delay_damages_per_day.as_ref(),
            t.delay_damages_max.as_ref(),
        )
        .map(|amount| Money::new(&amount, &job.currency))
    });
    Ok(Redelivery {
        original: terms.and_then(|t| t.redelivery_date),
        current: job.contract_redelivery,
        forecast,
        completed_on,
        days_late,
        damages_accrued,
        by_party,
        entries,
    })
}

/// Finds the awarded jobs that have just started to run late and writes their
/// `job.redelivery_at_risk`, each once however many instances look at the same moment.
/// Answers how many were found.
pub async fn watch(conn: &mut AsyncPgConnection, yard: &Yard) -> QueryResult<usize> {
    let mut found = 0;
    for job in queries::watched(conn).await? {
        let forecast = job.planned_end.map(|end| yard.day_of(end));
        let completed_on = job.completed_at.map(|at| yard.day_of(at));
        let days_late = rules::days_late(job.contract_redelivery, forecast, completed_on);
        if days_late > 0 {
            let data = json!({"current": job.contract_redelivery, "forecast": forecast,
                              "completed_on": completed_on, "days_late": days_late});
            if queries::mark_at_risk(conn, job.id, data).await? {
                found += 1;
            }
        }
    }
    Ok(found)
}
