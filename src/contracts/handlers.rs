//! The contract's endpoints: terms, the contract, the cost position, a line priced for a
//! job without saving it, and the cost overview.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{
        Contract, ContractLine, ContractTerms, CostOverviewQuery, CostOverviewRow, CostPosition,
        PriceLineRequest, PricedLine, PutContractTerms,
    },
    queries::{self, TermsRow},
    rules, service,
};
use crate::{
    auth::{AuthUser, Role, Scope},
    db::Db,
    error::{ApiError, ConflictKind},
    http::Json,
    jobs::{queries as jobs, rules::JobStatus},
    money::{Money, format_amount},
    pagination::{Page, PageRequest},
    yard::Yard,
};

fn terms_view(row: &TermsRow, currency: &str, frozen: bool) -> ContractTerms {
    ContractTerms {
        redelivery_date: row.redelivery_date,
        guarantee_months: row.guarantee_months,
        payment_terms: row.payment_terms(),
        delay_damages_per_day: row
            .delay_damages_per_day
            .as_ref()
            .map(|a| Money::new(a, currency)),
        delay_damages_max: row
            .delay_damages_max
            .as_ref()
            .map(|a| Money::new(a, currency)),
        response_hours: row.response_hours,
        frozen,
        updated_at: row.updated_at,
    }
}

fn contract_frozen(detail: &str) -> ApiError {
    ApiError::conflict(ConflictKind::ContractFrozen, detail)
}

/// Put the contract's terms (manager, while the job is `requested` or `quoted`): the
/// redelivery date, guarantee, payment terms, damages for late redelivery and the
/// owner's time to decide a variation. The award fixes them.
#[utoipa::path(put, path = "/api/v1/jobs/{id}/contract-terms", tag = "contract", params(("id" = Uuid, Path)),
    request_body = PutContractTerms, security(("bearer" = [])),
    responses(
        (status = 200, description = "The terms as put", body = ContractTerms),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "The job was awarded (`contract-frozen`)"),
        (status = 422, description = "Invalid terms (payment terms not summing to 100, damages in another currency, ...)"),
    ))]
pub async fn put_terms(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<PutContractTerms>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let (row, currency) = diesel_async::AsyncConnection::transaction(&mut *conn, async |conn| {
        let job = jobs::lock(conn, id, Scope::Yard).await?;
        if !matches!(job.status, JobStatus::Requested | JobStatus::Quoted) {
            return Err(contract_frozen(&format!(
                "The job is {}: its terms were fixed at the award.",
                job.status
            )));
        }
        let terms = rules::check_terms(&body, &job.currency).map_err(ApiError::Validation)?;
        let row = queries::put_terms(conn, id, &terms).await?;
        jobs::touch(conn, id).await?;
        Ok::<_, ApiError>((row, job.currency))
    })
    .await?;
    Ok(HttpResponse::Ok().json(terms_view(&row, &currency, false)))
}

/// The contract's terms (anyone who sees the job but technicians); 404 before any were put.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/contract-terms", tag = "contract", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The terms", body = ContractTerms),
        (status = 403, description = "Technicians do not see the contract"),
        (status = 404, description = "No such job in your scope, or no terms yet"),
    ))]
pub async fn get_terms(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let mut conn = db.get().await?;
    let job = jobs::find(&mut conn, *id, user.scope()).await?;
    let row = queries::terms(&mut conn, job.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(terms_view(&row, &job.currency, job.awarded_at.is_some())))
}

/// What the award fixed: the approved quote, the day's rate, the terms and the priced
/// spec items (anyone who sees the job but technicians); 404 before the award.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/contract", tag = "contract", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract", body = Contract),
        (status = 403, description = "Technicians do not see the contract"),
        (status = 404, description = "No such job in your scope, or not awarded yet"),
    ))]
pub async fn get_contract(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let mut conn = db.get().await?;
    let job = jobs::find(&mut conn, *id, user.scope()).await?;
    let (Some(awarded_at), Some(price)) = (job.awarded_at, &job.quote_amount) else {
        return Err(ApiError::NotFound);
    };
    let terms = queries::terms(&mut conn, job.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let lines = queries::priced_items(&mut conn, job.id)
        .await?
        .into_iter()
        .filter_map(|item| {
            Some(ContractLine {
                price: serde_json::from_value::<PricedLine>(item.price).ok()?,
                task_id: item.task_id,
                item_number: item.item_number,
                sfi_code: item.sfi_code,
                title: item.title,
                supplied_by: item.supplied_by,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(Contract {
        awarded_at,
        price: Money::new(price, &job.currency),
        discount_percent: job.quote_discount_percent.as_ref().map(format_amount),
        fx_usd_per_unit: job
            .award_fx_usd_per_unit
            .as_ref()
            .map(|r| r.normalized().to_string()),
        terms: terms_view(&terms, &job.currency, true),
        currency: job.currency,
        lines,
    }))
}

/// The cost position: contract, approved, pending and rejected variations, forecast and
/// growth, by SFI group, in the contract's currency and the owner's (anyone who sees the
/// job but technicians).
#[utoipa::path(get, path = "/api/v1/jobs/{id}/cost", tag = "contract", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cost position", body = CostPosition),
        (status = 403, description = "Technicians do not see money"),
        (status = 404, description = "No such job in your scope"),
    ))]
pub async fn get_cost(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let mut conn = db.get().await?;
    let job = jobs::find(&mut conn, *id, user.scope()).await?;
    let cost = service::cost(&mut conn, &job, &yard).await?;
    Ok(HttpResponse::Ok().json(cost))
}

/// Price a line for the job as a spec item or variation would be priced now, without
/// saving it (manager): what the pricing dialog shows before saving.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/priced-lines", tag = "contract", params(("id" = Uuid, Path)),
    request_body = PriceLineRequest, security(("bearer" = [])),
    responses(
        (status = 200, description = "The line as it would be priced", body = PricedLine),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 422, description = "Invalid line, unknown tariff code or surcharge, or no rate"),
    ))]
pub async fn price_line(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<PriceLineRequest>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut conn = db.get().await?;
    let job = jobs::find(&mut conn, *id, Scope::Yard).await?;
    let line = service::price(&mut conn, "price", &body.price, &job.currency, yard.today()).await?;
    Ok(HttpResponse::Ok().json(line))
}

/// Every awarded job's money, newest first (managers: all; clients: their
/// organisation's; technicians 403).
#[utoipa::path(get, path = "/api/v1/reports/cost-overview", tag = "contract", params(CostOverviewQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of awarded jobs", body = Page<CostOverviewRow>),
        (status = 403, description = "Technicians do not see money"),
        (status = 422, description = "Bad status, limit or cursor"),
    ))]
pub async fn cost_overview(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    query: web::Query<CostOverviewQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::overview(&mut conn, user.scope(), query.status, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |r| {
        let forecast = &r.contract + &r.approved + &r.pending;
        let growth = rules::growth_percent(&r.contract, &(&r.approved + &r.pending));
        let days_late = crate::redelivery::rules::days_late(
            r.contract_redelivery,
            r.planned_end.map(|end| yard.day_of(end)),
            r.completed_at.map(|at| yard.day_of(at)),
        );
        CostOverviewRow {
            job_id: r.id,
            number: r.number,
            vessel_name: r.vessel_name,
            status: r.status,
            contract: format_amount(&r.contract),
            approved: format_amount(&r.approved),
            pending: format_amount(&r.pending),
            forecast: format_amount(&forecast),
            growth_percent: growth,
            days_late,
            currency: r.currency,
            created_at: r.created_at,
            id: r.id,
        }
    })))
}
