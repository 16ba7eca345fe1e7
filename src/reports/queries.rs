//! The reports' SQL. Everything is aggregated in PostgreSQL; only result rows come back.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Integer, Numeric, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{DockUtilization, ExpiringCertification, FxRateRow, OverdueJob};
use crate::{jobs::rules::JobStatus, pagination::PageRequest, schema::fx_rates};

/// Creates or replaces the rate of `currency` from `valid_from`.
pub async fn put_rate(
    conn: &mut AsyncPgConnection,
    currency: &str,
    valid_from: NaiveDate,
    usd_per_unit: &BigDecimal,
) -> QueryResult<(FxRateRow, bool)> {
    let row: FxRateRow = diesel::insert_into(fx_rates::table)
        .values((
            fx_rates::currency.eq(currency),
            fx_rates::valid_from.eq(valid_from),
            fx_rates::usd_per_unit.eq(usd_per_unit),
        ))
        .on_conflict((fx_rates::currency, fx_rates::valid_from))
        .do_update()
        .set((
            fx_rates::usd_per_unit.eq(usd_per_unit),
            fx_rates::updated_at.eq(Utc::now()),
        ))
        .returning(FxRateRow::as_returning())
        .get_result(conn)
        .await?;
    let created = row.created_at == row.updated_at;
    Ok((row, created))
}

/// A page of rates in creation order.
pub async fn list_rates(
    conn: &mut AsyncPgConnection,
    currency: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<FxRateRow>> {
    let mut query = fx_rates::table.select(FxRateRow::as_select()).into_boxed();
    if let Some(c) = currency {
        query = query.filter(fx_rates::currency.eq(c.to_ascii_uppercase()));
    }
    crate::pagination::paged!(query, page, fx_rates::created_at, fx_rates::id)
        .load(conn)
        .await
}

/// The closed jobs of the range with their year, country and rate (null: none).
const CLOSED_JOBS: &str = "\
    WITH closed AS ( \
        SELECT j.id, j.number, j.invoiced_amount AS amount, j.invoiced_currency AS currency, j.closed_at, \
               o.country, (j.closed_at AT TIME ZONE $3) AS local_closed \
        FROM jobs j JOIN organizations o ON o.id = j.organization_id \
        WHERE j.status = 'closed' AND j.closed_at >= $1 AND j.closed_at < $2 \
    ), converted AS ( \
        SELECT c.*, extract(year FROM c.local_closed)::int AS year, \
               CASE WHEN c.currency = 'USD' THEN 1::numeric ELSE r.usd_per_unit END AS rate \
        FROM closed c LEFT JOIN LATERAL ( \
            SELECT f.usd_per_unit FROM fx_rates f \
            WHERE f.currency = c.currency AND f.valid_from <= c.local_closed::date \
            ORDER BY f.valid_from DESC LIMIT 1 \
        ) r ON TRUE \
    ) ";

/// Revenue of one country in one year.
#[derive(QueryableByName, Debug)]
pub struct CountryYear {
    /// Year.
    #[diesel(sql_type = Integer)]
    pub year: i32,
    /// Country.
    #[diesel(sql_type = Text)]
    pub country: String,
    /// Jobs.
    #[diesel(sql_type = BigInt)]
    pub jobs: i64,
    /// USD, rounded to cents.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
}

/// Converted revenue per year and country for jobs closed in `[start, end)`.
pub async fn revenue_by_year_and_country(
    conn: &mut AsyncPgConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: &str,
) -> QueryResult<Vec<CountryYear>> {
    diesel::sql_query(format!(
        "{CLOSED_JOBS} SELECT year, country, count(*) AS jobs, round(sum(amount * rate), 2) AS revenue \
         FROM converted WHERE rate IS NOT NULL GROUP BY year, country ORDER BY year, revenue DESC, country"
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Text, _>(tz)
    .load(conn)
    .await
}

/// A closed job without a rate.
#[derive(QueryableByName, Debug)]
pub struct UnconvertedRow {
    /// Job.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// Number.
    #[diesel(sql_type = Text)]
    pub number: String,
    /// Amount.
    #[diesel(sql_type = Numeric)]
    pub amount: BigDecimal,
    /// Currency.
    #[diesel(sql_type = Text)]
    pub currency: String,
    /// Closed.
    #[diesel(sql_type = Timestamptz)]
    pub closed_at: DateTime<Utc>,
}

/// Closed jobs in `[start, end)` with no rate on their close date.
pub async fn unconverted(
    conn: &mut AsyncPgConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: &str,
) -> QueryResult<Vec<UnconvertedRow>> {
    diesel::sql_query(format!(
        "{CLOSED_JOBS} SELECT id, number, amount, currency, closed_at FROM converted \
         WHERE rate IS NULL ORDER BY closed_at, number"
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Text, _>(tz)
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct DockHours {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Double)]
    booked: f64,
}

/// Booked hours of every dock inside `[from, to)`, cancelled bookings excluded.
pub async fn dock_hours(
    conn: &mut AsyncPgConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<DockUtilization>> {
    let rows: Vec<DockHours> = diesel::sql_query(
        // FILTER: LEAST/GREATEST skip NULLs, so a dock without bookings would otherwise
        // count the whole window.
        "SELECT d.id, d.name, coalesce(sum(extract(epoch FROM least(b.ends_at, $2) - greatest(b.starts_at, $1))) \
                FILTER (WHERE b.id IS NOT NULL) / 3600, 0)::float8 AS booked \
         FROM docks d LEFT JOIN dock_bookings b ON b.dock_id = d.id AND b.status <> 'cancelled' \
              AND b.starts_at < $2 AND b.ends_at > $1 \
         GROUP BY d.id, d.name ORDER BY d.name, d.id",
    )
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .load(conn)
    .await?;
    let window = (to - from).num_milliseconds() as f64 / 3_600_000.0;
    Ok(rows
        .into_iter()
        .map(|r| DockUtilization {
            dock_id: r.id,
            dock_name: r.name,
            booked_hours: (r.booked * 100.0).round() / 100.0,
            window_hours: (window * 100.0).round() / 100.0,
            utilization_percent: if window > 0.0 {
                (r.booked / window * 1000.0).round() / 10.0
            } else {
                0.0
            },
        })
        .collect())
}

#[derive(QueryableByName)]
struct ExpiringRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    technician_id: Uuid,
    #[diesel(sql_type = Text)]
    full_name: String,
    #[diesel(sql_type = Text)]
    certification_type: String,
    #[diesel(sql_type = Text)]
    certificate_number: String,
    #[diesel(sql_type = Date)]
    expires_on: NaiveDate,
}

/// Certificates expiring on or before `until` (expired ones included), soonest first.
pub async fn expiring(
    conn: &mut AsyncPgConnection,
    today: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<ExpiringCertification>> {
    let rows: Vec<ExpiringRow> = diesel::sql_query(
        "SELECT t.id AS technician_id, u.full_name, c.certification_type, c.certificate_number, c.expires_on \
         FROM technician_certifications c JOIN technicians t ON t.id = c.technician_id \
         JOIN users u ON u.id = t.user_id \
         WHERE c.expires_on <= $1 ORDER BY c.expires_on, u.full_name, c.id",
    )
    .bind::<Date, _>(until)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ExpiringCertification {
            technician_id: r.technician_id,
            full_name: r.full_name,
            certification_type: r.certification_type,
            certificate_number: r.certificate_number,
            expired: r.expires_on < today,
            expires_on: r.expires_on,
        })
        .collect())
}

#[derive(QueryableByName)]
struct StatusCount {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Job counts per status.
pub async fn status_counts(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<StatusCount> =
        diesel::sql_query("SELECT status, count(*) AS n FROM jobs GROUP BY status")
            .load(conn)
            .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

#[derive(QueryableByName)]
struct OverdueRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    vessel_name: String,
    #[diesel(sql_type = Timestamptz)]
    planned_end: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    status: JobStatus,
}

/// Unfinished jobs whose planned end has passed, most overdue first.
pub async fn overdue(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<OverdueJob>> {
    let rows: Vec<OverdueRow> = diesel::sql_query(
        "SELECT j.id, j.number, v.name AS vessel_name, j.planned_end, j.status \
         FROM jobs j JOIN vessels v ON v.id = j.vessel_id \
         WHERE j.planned_end < $1 AND j.status NOT IN ('completed', 'closed', 'cancelled') \
         ORDER BY j.planned_end, j.number",
    )
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OverdueJob {
            job_id: r.id,
            number: r.number,
            vessel_name: r.vessel_name,
            planned_end: r.planned_end,
            status: r.status,
        })
        .collect())
}
