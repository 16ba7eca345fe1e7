//! `/reports/*` and `/fx-rates`: what the yard's management reads (managers only).

use crate::http::Json;
use std::collections::BTreeMap;

use actix_web::{HttpResponse, http::StatusCode, web};
use bigdecimal::{BigDecimal, RoundingMode, ToPrimitive, Zero};
use chrono::{Datelike, Duration, NaiveDate, Utc};

use super::{
    models::{
        Backlog, CountryVolume, Expiring, ExpiringQuery, FxRate, FxRateListQuery, PutFxRate,
        TradeVolume, TradeVolumeQuery, Unconverted, Utilization, UtilizationQuery, YearVolume,
    },
    queries,
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, FieldError},
    jobs::rules::JobStatus,
    money::{check_currency, format_amount},
    pagination::{Page, PageRequest},
    yard::Yard,
};

/// Parses a rate: a positive decimal string with at most 10 integer and 10 fractional digits.
fn parse_rate(text: &str) -> Result<BigDecimal, FieldError> {
    let bad = || {
        FieldError::new(
            "usd_per_unit",
            "must be a positive decimal string such as \"1.0850\"",
        )
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let shape_ok = (1..=10).contains(&int.len())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 10
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(text.contains('.') && frac.is_empty());
    if !shape_ok {
        return Err(bad());
    }
    let rate: BigDecimal = text.parse().map_err(|_| bad())?;
    if rate.is_zero() { Err(bad()) } else { Ok(rate) }
}

/// Set the rate of a currency from a day on (manager). Creates it (201) or replaces the
/// rate of that currency and day (200).
#[utoipa::path(put, path = "/api/v1/fx-rates/{currency}", tag = "reports",
    params(("currency" = String, Path, description = "ISO 4217 code other than USD")),
    request_body = PutFxRate, security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced", body = FxRate),
        (status = 201, description = "Created", body = FxRate),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Unknown currency, USD, or a bad rate"),
    ))]
pub async fn put_fx_rate(
    user: AuthUser,
    db: web::Data<Db>,
    currency: web::Path<String>,
    body: Json<PutFxRate>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let currency = currency.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = check_currency("currency", &currency) {
        errors.push(e);
    } else if currency == "USD" {
        errors.push(FieldError::new(
            "currency",
            "USD is the reporting currency; its rate is always 1",
        ));
    }
    let rate = parse_rate(&body.usd_per_unit)
        .map_err(|e| errors.push(e))
        .ok();
    let Some(rate) = rate.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let mut conn = db.get().await?;
    let (row, created) = queries::put_rate(&mut conn, &currency, body.valid_from, &rate).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(FxRate::from(row)))
}

/// List exchange rates (manager).
#[utoipa::path(get, path = "/api/v1/fx-rates", tag = "reports", params(FxRateListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of rates", body = Page<FxRate>),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_fx_rates(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<FxRateListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list_rates(&mut conn, query.currency.as_deref(), &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, FxRate::from)))
}

/// Year-on-year growth in percent, one decimal; `None` without a previous revenue.
pub fn growth_percent(previous: Option<&BigDecimal>, current: &BigDecimal) -> Option<f64> {
    let previous = previous.filter(|p| !p.is_zero())?;
    let growth = (current - previous) * BigDecimal::from(100) / previous;
    growth.with_scale_round(1, RoundingMode::HalfUp).to_f64()
}

/// Trade volume in USD per year of close (manager): jobs, revenue, growth, countries.
#[utoipa::path(get, path = "/api/v1/reports/trade-volume", tag = "reports", params(TradeVolumeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = TradeVolume),
        (status = 400, description = "Malformed query"),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Bad year range"),
    ))]
pub async fn trade_volume(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    query: web::Query<TradeVolumeQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let to_year = query.to_year.unwrap_or_else(|| yard.today().year());
    let from_year = query.from_year.unwrap_or(to_year - 4);
    if !(1900..=2200).contains(&from_year) || !(1900..=2200).contains(&to_year) {
        return Err(ApiError::invalid(
            "from_year",
            "years must be between 1900 and 2200",
        ));
    }
    if from_year > to_year || to_year - from_year > 100 {
        return Err(ApiError::invalid(
            "to_year",
            "must be from from_year to 100 years after it",
        ));
    }
    let first_day = |year: i32| NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let (start, _) = yard.day_bounds(first_day(from_year));
    let (end, _) = yard.day_bounds(first_day(to_year + 1));
    let tz = yard.tz.name();
    let mut conn = db.get().await?;
    let rows = queries::revenue_by_year_and_country(&mut conn, start, end, tz).await?;
    let unconverted = queries::unconverted(&mut conn, start, end, tz).await?;

    let years = volumes(&rows, from_year, to_year);
    Ok(HttpResponse::Ok().json(TradeVolume {
        years,
        unconverted: unconverted
            .into_iter()
            .map(|u| Unconverted {
                job_id: u.id,
                number: u.number,
                amount: format_amount(&u.amount),
                currency: u.currency,
                closed_at: u.closed_at,
            })
            .collect(),
    }))
}

/// Each year of `from..=to`: its jobs and revenue, its growth on the year before, and
/// its countries.
fn volumes(rows: &[queries::CountryYear], from: i32, to: i32) -> Vec<YearVolume> {
    let mut years = Vec::new();
    let mut previous: Option<BigDecimal> = None;
    for year in from..=to {
        let of_year: Vec<_> = rows.iter().filter(|r| r.year == year).collect();
        let revenue: BigDecimal = of_year.iter().map(|r| r.revenue.clone()).sum();
        years.push(YearVolume {
            year,
            jobs_closed: of_year.iter().map(|r| r.jobs).sum(),
            revenue_usd: format_amount(&revenue),
            yoy_growth_percent: growth_percent(previous.as_ref(), &revenue),
            client_countries: of_year.len() as i64,
            by_country: of_year
                .iter()
                .map(|r| CountryVolume {
                    country: r.country.clone(),
                    jobs_closed: r.jobs,
                    revenue_usd: format_amount(&r.revenue),
                })
                .collect(),
        });
        previous = Some(revenue);
    }
    years
}

/// Booked hours over window hours per dock (manager).
#[utoipa::path(get, path = "/api/v1/reports/dock-utilization", tag = "reports", params(UtilizationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = Utilization),
        (status = 400, description = "Malformed or missing window"),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Window ends before it starts or is over 10 years"),
    ))]
pub async fn dock_utilization(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<UtilizationQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    if query.to <= query.from {
        return Err(ApiError::invalid("to", "must be after from"));
    }
    if query.to - query.from > Duration::days(3660) {
        return Err(ApiError::invalid(
            "to",
            "the window may be at most 10 years",
        ));
    }
    let mut conn = db.get().await?;
    let items = queries::dock_hours(&mut conn, query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(Utilization { items }))
}

/// Technicians' certificates expired or expiring within `within_days` (manager).
#[utoipa::path(get, path = "/api/v1/reports/certifications-expiring", tag = "reports", params(ExpiringQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = Expiring),
        (status = 400, description = "Malformed query"),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "within_days out of range"),
    ))]
pub async fn certifications_expiring(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    query: web::Query<ExpiringQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let days = query.within_days.unwrap_or(60);
    if !(0..=3650).contains(&days) {
        return Err(ApiError::invalid(
            "within_days",
            "must be between 0 and 3650",
        ));
    }
    let today = yard.today();
    let mut conn = db.get().await?;
    let items = queries::expiring(&mut conn, today, today + Duration::days(days)).await?;
    Ok(HttpResponse::Ok().json(Expiring { items }))
}

/// Jobs per status and the overdue ones (manager).
#[utoipa::path(get, path = "/api/v1/reports/backlog", tag = "reports", security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = Backlog),
        (status = 403, description = "Not a manager"),
    ))]
pub async fn backlog(user: AuthUser, db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut conn = db.get().await?;
    let mut by_status: BTreeMap<String, i64> = JobStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), 0))
        .collect();
    for (status, n) in queries::status_counts(&mut conn).await? {
        by_status.insert(status, n);
    }
    let overdue = queries::overdue(&mut conn, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(Backlog { by_status, overdue }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> BigDecimal {
        s.parse().unwrap()
    }

    #[test]
    fn growth_is_rounded_to_one_decimal_and_null_without_a_base() {
        assert_eq!(
            growth_percent(Some(&d("69600000.00")), &d("123000000.00")),
            Some(76.7)
        );
        assert_eq!(growth_percent(Some(&d("100")), &d("50")), Some(-50.0));
        assert_eq!(growth_percent(Some(&d("0")), &d("50")), None);
        assert_eq!(growth_percent(None, &d("50")), None);
    }

    #[test]
    fn rates_are_positive_decimals() {
        assert_eq!(parse_rate("1.0850").unwrap(), d("1.085"));
        assert!(parse_rate("0.1384000001").is_ok());
        for bad in ["0", "0.0", "-1", "1e3", "1.", ".5", "1.12345678901", ""] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }
}
