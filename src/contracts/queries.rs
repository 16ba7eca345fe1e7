//! Database access for the contract: rates, terms, priced spec items, the variations of
//! the cost position, and the cost overview.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    prelude::*,
    sql_types::{Date, Nullable, Numeric, Text},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::{
    models::{PaymentTerm, SuppliedBy},
    rules::ValidTerms,
};
use crate::{
    auth::Scope,
    jobs::{models::AdditionalWorkStatus, rules::JobStatus},
    pagination::PageRequest,
    schema::{additional_work, contract_terms, jobs, organizations, tasks, vessels},
};

#[derive(QueryableByName)]
struct Rate {
    #[diesel(sql_type = Nullable<Numeric>)]
    rate: Option<BigDecimal>,
}

/// USD per unit of `currency` on `day` (the latest rate on or before it; USD is 1), if
/// one is known.
pub async fn usd_per_unit(
    conn: &mut AsyncPgConnection,
    currency: &str,
    day: NaiveDate,
) -> QueryResult<Option<BigDecimal>> {
    diesel::sql_query("SELECT usd_per_unit($1, $2) AS rate")
        .bind::<Text, _>(currency)
        .bind::<Date, _>(day)
        .get_result::<Rate>(conn)
        .await
        .map(|r| r.rate)
}

/// A row of `contract_terms`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contract_terms, check_for_backend(diesel::pg::Pg))]
pub struct TermsRow {
    /// The job.
    pub job_id: Uuid,
    /// The redelivery date.
    pub redelivery_date: Option<NaiveDate>,
    /// Months of guarantee.
    pub guarantee_months: i32,
    /// The instalments, as JSON.
    pub payment_terms: serde_json::Value,
    /// Damages per day late.
    pub delay_damages_per_day: Option<BigDecimal>,
    /// Their cap.
    pub delay_damages_max: Option<BigDecimal>,
    /// The owner's time to decide a variation.
    pub response_hours: i32,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl TermsRow {
    /// The instalments.
    pub fn payment_terms(&self) -> Vec<PaymentTerm> {
        serde_json::from_value(self.payment_terms.clone()).unwrap_or_default()
    }
}

/// The job's terms, if put.
pub async fn terms(conn: &mut AsyncPgConnection, job_id: Uuid) -> QueryResult<Option<TermsRow>> {
    contract_terms::table
        .find(job_id)
        .select(TermsRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Puts the job's terms (replacing any), answering them as stored.
pub async fn put_terms(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    t: &ValidTerms,
) -> QueryResult<TermsRow> {
    let payment = serde_json::to_value(&t.payment_terms).unwrap_or_default();
    let (per_day, max) = t.damages.clone().unzip();
    let values = (
        contract_terms::job_id.eq(job_id),
        contract_terms::redelivery_date.eq(Some(t.redelivery_date)),
        contract_terms::guarantee_months.eq(t.guarantee_months),
        contract_terms::payment_terms.eq(&payment),
        contract_terms::delay_damages_per_day.eq(&per_day),
        contract_terms::delay_damages_max.eq(&max),
        contract_terms::response_hours.eq(t.response_hours),
        contract_terms::updated_at.eq(Utc::now()),
    );
    diesel::insert_into(contract_terms::table)
        .values(values)
        .on_conflict(contract_terms::job_id)
        .do_update()
        .set((
            contract_terms::redelivery_date.eq(Some(t.redelivery_date)),
            contract_terms::guarantee_months.eq(t.guarantee_months),
            contract_terms::payment_terms.eq(&payment),
            contract_terms::delay_damages_per_day.eq(&per_day),
            contract_terms::delay_damages_max.eq(&max),
            contract_terms::response_hours.eq(t.response_hours),
            contract_terms::updated_at.eq(Utc::now()),
        ))
        .returning(TermsRow::as_returning())
        .get_result(conn)
        .await
}

/// The job's terms, put with the defaults first if there were none (at the award:
/// `redelivery` from the planned end).
pub async fn terms_or_defaults(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    redelivery: Option<NaiveDate>,
) -> QueryResult<TermsRow> {
    diesel::insert_into(contract_terms::table)
        .values((
            contract_terms::job_id.eq(job_id),
            contract_terms::redelivery_date.eq(redelivery),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    contract_terms::table
        .find(job_id)
        .select(TermsRow::as_select())
        .first(conn)
        .await
}

/// A priced spec item of a job.
#[derive(Debug, Clone, Queryable)]
pub struct PricedItem {
    /// The task.
    pub task_id: Uuid,
    /// Its item number.
    pub item_number: Option<String>,
    /// Its SFI code.
    pub sfi_code: Option<String>,
    /// Its title.
    pub title: String,
    /// Who supplies its material.
    pub supplied_by: SuppliedBy,
    /// Its priced line.
    pub price: serde_json::Value,
    /// Its amount.
    pub amount: BigDecimal,
}

/// The job's priced spec items, by item number (then in the order added).
pub async fn priced_items(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
) -> QueryResult<Vec<PricedItem>> {
    type Row = (
        Uuid,
        Option<String>,
        Option<String>,
        String,
        SuppliedBy,
        Option<serde_json::Value>,
        Option<BigDecimal>,
    );
    let rows: Vec<Row> = tasks::table
        .filter(tasks::job_id.eq(job_id))
        .filter(tasks::price.is_not_null())
        .order((
            tasks::item_number.asc().nulls_last(),
            tasks::created_at,
            tasks::id,
        ))
        .select((
            tasks::id,
            tasks::item_number,
            tasks::sfi_code,
            tasks::title,
            tasks::supplied_by,
            tasks::price,
            tasks::price_amount,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(task_id, item_number, sfi_code, title, supplied_by, price, amount)| {
                Some(PricedItem {
                    task_id,
                    item_number,
                    sfi_code,
                    title,
                    supplied_by,
                    price: price?,
                    amount: amount?,
                })
            },
        )
        .collect())
}

/// A variation as the cost position needs it.
#[derive(Debug, Clone, Queryable)]
pub struct VariationRow {
    /// Its id.
    pub id: Uuid,
    /// Its number.
    pub number: Option<String>,
    /// Where it stands.
    pub status: AdditionalWorkStatus,
    /// Its amount.
    pub amount: BigDecimal,
    /// Its spec item's SFI code.
    pub sfi_code: Option<String>,
    /// The rate its approval fixed.
    pub fx_usd_per_unit: Option<BigDecimal>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
}

/// Every variation of a job, with its spec item's SFI code.
pub async fn variations(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
) -> QueryResult<Vec<VariationRow>> {
    additional_work::table
        .left_join(tasks::table.on(tasks::id.nullable().eq(additional_work::task_id)))
        .filter(additional_work::job_id.eq(job_id))
        .order((additional_work::seq, additional_work::id))
        .select((
            additional_work::id,
            additional_work::number,
            additional_work::status,
            additional_work::amount,
            tasks::sfi_code.nullable(),
            additional_work::fx_usd_per_unit,
            additional_work::decided_at,
        ))
        .load(conn)
        .await
}

/// The currency the job's owner organisation budgets in.
pub async fn owner_currency(
    conn: &mut AsyncPgConnection,
    organization_id: Uuid,
) -> QueryResult<String> {
    organizations::table
        .find(organization_id)
        .select(organizations::currency)
        .first(conn)
        .await
}

/// A row of the cost overview as loaded.
#[derive(Debug, Clone)]
pub struct OverviewRow {
    /// The job.
    pub id: Uuid,
    /// Its number.
    pub number: String,
    /// Its vessel.
    pub vessel_name: String,
    /// Its status.
    pub status: JobStatus,
    /// Its currency.
    pub currency: String,
    /// The approved quote.
    pub contract: BigDecimal,
    /// Approved variations.
    pub approved: BigDecimal,
    /// Pending variations.
    pub pending: BigDecimal,
    /// The yard's planned end.
    pub planned_end: Option<DateTime<Utc>>,
    /// The contractual redelivery.
    pub contract_redelivery: Option<NaiveDate>,
    /// When completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// For paging.
    pub created_at: DateTime<Utc>,
}

crate::pagination::keyed!(OverviewRow, created_at);

#[derive(QueryableByName)]
struct DayRate {
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Nullable<Numeric>)]
    rate: Option<BigDecimal>,
}

/// USD per unit of each (currency, day), in one read: the latest rate on or before the
/// day, `None` where none is known.
pub async fn usd_per_unit_on(
    conn: &mut AsyncPgConnection,
    wanted: &[(String, NaiveDate)],
) -> QueryResult<Vec<((String, NaiveDate), Option<BigDecimal>)>> {
    use diesel::sql_types::Array;
    let rows: Vec<DayRate> = diesel::sql_query(
        "SELECT w.c AS currency, w.d AS day, usd_per_unit(w.c, w.d) AS rate \
         FROM unnest($1::text[], $2::date[]) AS w(c, d)",
    )
    .bind::<Array<Text>, _>(wanted.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>())
    .bind::<Array<Date>, _>(wanted.iter().map(|(_, d)| *d).collect::<Vec<_>>())
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ((r.currency, r.day), r.rate))
        .collect())
}

/// A page of awarded jobs in `scope`, newest first, with their money.
pub async fn overview(
    conn: &mut AsyncPgConnection,
    scope: Scope,
    status: Option<JobStatus>,
    page: &PageRequest,
) -> QueryResult<Vec<OverviewRow>> {
    let query = jobs::table
        .inner_join(vessels::table)
        .filter(jobs::awarded_at.is_not_null())
        .select((
            jobs::id,
            jobs::number,
            vessels::name,
            jobs::status,
            jobs::currency,
            jobs::quote_amount,
            jobs::additional_work_approved,
            jobs::planned_end,
            jobs::contract_redelivery,
            jobs::completed_at,
            jobs::created_at,
        ))
        .into_boxed();
    let query = match scope {
        Scope::Organization(org) => query.filter(jobs::organization_id.eq(org)),
        _ => query,
    };
    let query = match status {
        Some(status) => query.filter(jobs::status.eq(status)),
        None => query,
    };
    type Row = (
        Uuid,
        String,
        String,
        JobStatus,
        String,
        Option<BigDecimal>,
        BigDecimal,
        Option<DateTime<Utc>>,
        Option<NaiveDate>,
        Option<DateTime<Utc>>,
        DateTime<Utc>,
    );
    let rows: Vec<Row> =
        crate::pagination::paged!(newest first: query, page, jobs::created_at, jobs::id)
            .load(conn)
            .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    // The pending sums of the page's jobs, in one read.
    let pending: Vec<(Uuid, Option<BigDecimal>)> = additional_work::table
        .filter(additional_work::job_id.eq_any(&ids))
        .filter(additional_work::status.eq(AdditionalWorkStatus::Pending))
        .group_by(additional_work::job_id)
        .select((
            additional_work::job_id,
            diesel::dsl::sum(additional_work::amount),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                number,
                vessel_name,
                status,
                currency,
                quote,
                approved,
                planned_end,
                contract_redelivery,
                completed_at,
                created_at,
            )| {
                let pending = pending
                    .iter()
                    .find(|(job, _)| *job == id)
                    .and_then(|(_, sum)| sum.clone())
                    .unwrap_or_default();
                OverviewRow {
                    id,
                    number,
                    vessel_name,
                    status,
                    currency,
                    contract: quote.unwrap_or_default(),
                    approved,
                    pending,
                    planned_end,
                    contract_redelivery,
                    completed_at,
                    created_at,
                }
            },
        )
        .collect())
}
