//! `/jobs` endpoints: the repair job from the owner's request to the closed invoice.

use crate::http::Json;
use actix_web::{
    HttpRequest, HttpResponse,
    web::{self, Bytes},
};
use chrono::{Datelike, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{
    models::{
        AdditionalWorkStatus, AdditionalWorkView, AllowedMoves, CreateAdditionalWork, CreateJob,
        DecideAdditionalWork, Decision, EventView, JobListQuery, JobView, NewEvent, PageQuery,
        PutQuote, TimelineKind, Transition, UpdateJob,
    },
    queries::{self, JobChanges, NewJob},
    rules::{self, Conditions, JobStatus, Refusal},
};
use crate::{
    auth::{AuthUser, Role, Scope},
    db::Db,
    error::{ApiError, ConflictKind, FieldError},
    http::{IfMatch, etag, json_body},
    kept_pages::{JobKey, KeptJobs, KeptPages, ListKey},
    money::{check_currency, parse_amount},
    pagination::{Page, PageRequest},
    users::rules::check_name,
    validation::{max_chars, validated},
    vessels,
    yard::Yard,
};

const MAX_DESCRIPTION: usize = 20_000;
const MAX_NOTE: usize = 2_000;

/// A note that says something, or nothing.
fn meaningful(note: Option<String>) -> Option<String> {
    note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
}

fn event(job_id: Uuid, user: &AuthUser, kind: TimelineKind) -> NewEvent {
    NewEvent {
        job_id,
        kind,
        from_status: None,
        to_status: None,
        actor_id: user.id,
        actor_role: user.role,
        note: None,
    }
}

fn job_response(status: actix_web::http::StatusCode, view: &JobView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(etag(view.version))
        .json(view)
}

fn job_not_active(status: JobStatus) -> ApiError {
    ApiError::conflict(
        ConflictKind::JobNotActive,
        format!("The job is {status}; this change is not possible now."),
    )
}

/// Request a repair: managers for any vessel, clients for their organisation's vessels.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = CreateJob,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, status `requested`", body = JobView, headers(("ETag" = String))),
        (status = 403, description = "Technicians cannot request jobs"),
        (status = 404, description = "No such vessel in your scope"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_job(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    body: Json<CreateJob>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = check_name("title", &b.title) {
        errors.push(e);
    }
    max_chars("description", &b.description, MAX_DESCRIPTION, &mut errors);
    let currency = b.currency.clone().unwrap_or_else(|| yard.currency.clone());
    if let Err(e) = check_currency("currency", &currency) {
        errors.push(e);
    }
    validated((), errors)?;
    let mut conn = db.get().await?;
    let job_id = conn
        .transaction(async |conn| {
            let vessel = vessels::queries::by_id(conn, b.vessel_id, user.scope()).await?;
            let number = queries::next_number(conn, Utc::now().year()).await?;
            let job = queries::insert(
                conn,
                NewJob {
                    number,
                    vessel_id: vessel.id,
                    organization_id: vessel.owner_organization_id,
                    title: b.title.trim().to_owned(),
                    description: b.description,
                    priority: b.priority,
                    requested_start: b.requested_start,
                    created_by: user.id,
                    currency,
                },
            )
            .await?;
            let mut created = event(job.id, &user, TimelineKind::Created);
            created.to_status = Some(JobStatus::Requested);
            queries::add_event(conn, created).await?;
            Ok::<_, ApiError>(job.id)
        })
        .await?;
    let view = queries::find_view(&conn, job_id, Scope::Yard, &yard).await?;
    Ok(job_response(actix_web::http::StatusCode::CREATED, &view))
}

/// List jobs, newest first: managers all, clients their organisation's, technicians
/// those they are assigned to.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of jobs", body = Page<JobView>),
        (status = 400, description = "Malformed query"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_jobs(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    pages: web::Data<KeptPages<ListKey>>,
    req: HttpRequest,
    query: web::Query<JobListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let scope = user.scope();
    let key = user.org.map(|org| ListKey::new(org, req.query_string()));
    let mut conn = db.get().await?;
    let body = pages
        .get_or_render(&mut conn, key, async |conn| {
            let rows = queries::list(conn, &query, scope, &page).await?;
            let page = Page::of(rows, &page, |row| queries::to_view(row, &yard));
            Ok::<_, ApiError>(Bytes::from(
                serde_json::to_vec(&page).map_err(anyhow::Error::from)?,
            ))
        })
        .await?;
    Ok(json_body(body))
}

/// One job, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job", body = JobView, headers(("ETag" = String))),
        (status = 400, description = "Malformed id"),
        (status = 404, description = "No such job in your scope"),
    ))]
pub async fn get_job(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    views: web::Data<KeptJobs>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scope = user.scope();
    // A job read by a client is kept under its organisation's list version: it moves
    // with every change to anything the job's view shows.
    let key = user.org.map(|organization_id| JobKey {
        organization_id,
        job_id: *id,
    });
    let mut conn = db.get().await?;
    let (version, body) = views
        .get_or_render(&mut conn, key, async |conn| {
            let view = queries::find_view(conn, *id, scope, &yard).await?;
            let body = serde_json::to_vec(&view).map_err(anyhow::Error::from)?;
            Ok::<_, ApiError>((view.version, Bytes::from(body)))
        })
        .await?;
    Ok(kept_job_response(version, body))
}

/// 200 with a job's JSON already written, and its `ETag`.
fn kept_job_response(version: i32, body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(version))
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// Change title, description, priority or planned dates (manager; honours `If-Match`).
#[utoipa::path(patch, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = Uuid, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; stale -> 412")),
    request_body = UpdateJob, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed job", body = JobView, headers(("ETag" = String))),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "The job is closed or cancelled (`job-not-active`)"),
        (status = 412, description = "Stale If-Match"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_job(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<UpdateJob>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if let Some(Err(e)) = b.title.as_deref().map(|t| check_name("title", t)) {
        errors.push(e);
    }
    if let Some(d) = &b.description {
        max_chars("description", d, MAX_DESCRIPTION, &mut errors);
    }
    if let Some(currency) = &b.currency
        && let Err(e) = check_currency("currency", currency)
    {
        errors.push(e);
    }
    validated((), errors)?;
    let id = id.into_inner();
    let mut conn = db.get().await?;
    conn.transaction(async |conn| {
        let job = queries::lock(conn, id, Scope::Yard).await?;
        if_match.check(job.version)?;
        if job.status.is_final() {
            return Err(job_not_active(job.status));
        }
        let currency = b.currency.clone().filter(|c| *c != job.currency);
        if currency.is_some() {
            contract_currency_may_change(conn, &job).await?;
            // A quote rejected in the old currency goes with it.
            queries::clear_quote(conn, id).await?;
        }
        let start = b.planned_start.or(job.planned_start);
        let end = b.planned_end.or(job.planned_end);
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            return Err(ApiError::invalid(
                "planned_end",
                "must be after planned_start",
            ));
        }
        let dates_changed = b.planned_start.is_some() || b.planned_end.is_some();
        queries::update_fields(
            conn,
            id,
            JobChanges {
                title: b.title.map(|t| t.trim().to_owned()),
                description: b.description,
                priority: b.priority,
                planned_start: b.planned_start,
                planned_end: b.planned_end,
                currency: currency.clone(),
            },
        )
        .await?;
        let mut updated = event(id, &user, TimelineKind::Updated);
        updated.note = match (&currency, dates_changed) {
            (Some(c), _) => Some(format!("contract currency now {c}")),
            (None, true) => Some("planned dates changed".to_owned()),
            (None, false) => None,
        };
        queries::add_event(conn, updated).await?;
        Ok(())
    })
    .await?;
    let view = queries::find_view(&conn, id, Scope::Yard, &yard).await?;
    Ok(job_response(actix_web::http::StatusCode::OK, &view))
}

/// Quote a price (manager): from `requested` or `quoted` to `quoted`, replacing any
/// earlier quote. Honours `If-Match`.
#[utoipa::path(put, path = "/api/v1/jobs/{id}/quote", tag = "jobs", params(("id" = Uuid, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; stale -> 412")),
    request_body = PutQuote, security(("bearer" = [])),
    responses(
        (status = 200, description = "The quoted job", body = JobView, headers(("ETag" = String))),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "Past quoting (`illegal-transition`)"),
        (status = 412, description = "Stale If-Match"),
        (status = 422, description = "Invalid amount, currency or date"),
    ))]
pub async fn put_quote(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<PutQuote>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let amount = b
        .amount
        .as_deref()
        .and_then(|a| parse_amount("amount", a).map_err(|e| errors.push(e)).ok());
    if let Err(e) = check_currency("currency", &b.currency) {
        errors.push(e);
    }
    let discount = b.discount_percent.as_deref().and_then(|d| {
        crate::contracts::rules::parse_percent("discount_percent", d)
            .map_err(|e| errors.push(e))
            .ok()
    });
    if let Some(valid_until) = b.valid_until
        && valid_until < Utc::now().date_naive()
    {
        errors.push(FieldError::new("valid_until", "must be today or later"));
    }
    if let Some(note) = &b.note {
        max_chars("note", note, MAX_NOTE, &mut errors);
    }
    validated((), errors)?;
    let id = id.into_inner();
    let note = meaningful(b.note);
    let mut conn = db.get().await?;
    conn.transaction(async |conn| {
        let job = queries::lock(conn, id, Scope::Yard).await?;
        if_match.check(job.version)?;
        if !rules::may_quote(job.status) {
            return Err(illegal(job.status, JobStatus::Quoted, user.role));
        }
        if b.currency != job.currency {
            return Err(ApiError::invalid(
                "currency",
                format!("must be the job's contract currency, {}", job.currency),
            ));
        }
        let items = crate::contracts::queries::priced_items(conn, id).await?;
        let amount = if items.is_empty() {
            if discount.is_some() {
                return Err(ApiError::invalid(
                    "discount_percent",
                    "applies to priced spec items; this job has none (quote a lump sum)",
                ));
            }
            amount.ok_or_else(|| {
                ApiError::invalid("amount", "is required for a job without priced spec items")
            })?
        } else {
            // The quote of priced items is theirs, less the discount: computed here.
            let computed = crate::contracts::rules::quote_for_items(
                items.iter().map(|i| &i.amount),
                discount.as_ref(),
            );
            if let Some(given) = &amount
                && *given != computed
            {
                return Err(ApiError::invalid(
                    "amount",
                    format!(
                        "must be the priced items' sum less the discount, {} (or leave it out)",
                        crate::money::format_amount(&computed)
                    ),
                ));
            }
            computed
        };
        let quote = queries::NewQuote {
            amount,
            currency: job.currency.clone(),
            valid_until: b.valid_until,
            note: note.clone(),
            discount_percent: discount.clone(),
        };
        queries::set_quote(conn, id, &quote).await?;
        let mut quoted = event(id, &user, TimelineKind::Quoted);
        quoted.from_status = Some(job.status);
        quoted.to_status = Some(JobStatus::Quoted);
        quoted.note = note;
        queries::add_event(conn, quoted)
            .await
            .map_err(ApiError::from)
    })
    .await?;
    let view = queries::find_view(&conn, id, Scope::Yard, &yard).await?;
    Ok(job_response(actix_web::http::StatusCode::OK, &view))
}

/// 409 `contract-frozen` unless the contract's currency of `job` may still change: before
/// the award, no spec item priced in it, and no quote out to the owner in it.
async fn contract_currency_may_change(
    conn: &mut diesel_async::AsyncPgConnection,
    job: &super::models::Job,
) -> Result<(), ApiError> {
    let frozen = |detail: String| ApiError::conflict(ConflictKind::ContractFrozen, detail);
    if !matches!(job.status, JobStatus::Requested | JobStatus::Quoted) {
        return Err(frozen(format!(
            "The job is {}: its contract's currency was fixed at the award.",
            job.status
        )));
    }
    if !crate::contracts::queries::priced_items(conn, job.id)
        .await?
        .is_empty()
    {
        return Err(frozen(format!(
            "Spec items are priced in {}: take their prices off first.",
            job.currency
        )));
    }
    if job.status == JobStatus::Quoted {
        return Err(frozen(format!(
            "A quote in {} is with the owner: move the job back to requested first.",
            job.currency
        )));
    }
    Ok(())
}

fn illegal(from: JobStatus, to: JobStatus, role: Role) -> ApiError {
    let allowed = rules::allowed_targets(from, role);
    let hint = if to == JobStatus::Quoted && role == Role::Manager && rules::may_quote(from) {
        " A quote is put with PUT /api/v1/jobs/{id}/quote."
    } else {
        ""
    };
    ApiError::Conflict {
        kind: ConflictKind::IllegalTransition,
        detail: format!("A job that is {from} cannot be moved to {to} by a {role}.{hint}"),
        conflicting_id: None,
        allowed_targets: Some(allowed.iter().map(|s| s.as_str().to_owned()).collect()),
    }
}

/// Move a job through its status machine (manager or the job's client; technicians
/// 403). Honours `If-Match`. Refused moves answer 409 with the allowed targets.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/transitions", tag = "jobs", params(("id" = Uuid, Path),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; stale -> 412")),
    request_body = Transition, security(("bearer" = [])),
    responses(
        (status = 200, description = "The moved job", body = JobView, headers(("ETag" = String))),
        (status = 400, description = "Malformed (unknown status)"),
        (status = 403, description = "Technicians never move jobs"),
        (status = 404, description = "No such job in your scope"),
        (status = 409, description = "Not allowed (`illegal-transition`, with `allowed_targets`)"),
        (status = 412, description = "Stale If-Match"),
        (status = 422, description = "Allowed, but `note` or planned dates are missing"),
    ))]
pub async fn transition(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<Transition>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let Transition { to, note } = body.into_inner();
    if let Some(note) = &note {
        let mut errors = Vec::new();
        max_chars("note", note, MAX_NOTE, &mut errors);
        validated((), errors)?;
    }
    let note = meaningful(note);
    let id = id.into_inner();
    let mut conn = db.get().await?;
    conn.transaction(async |conn| {
        let job = queries::lock(conn, id, user.scope()).await?;
        if_match.check(job.version)?;
        let conditions = Conditions {
            has_note: note.is_some(),
            has_planned_dates: job.planned_start.is_some() && job.planned_end.is_some(),
        };
        match rules::check_transition(job.status, to, user.role, conditions) {
            Ok(()) => {}
            Err(Refusal::Illegal(_)) => return Err(illegal(job.status, to, user.role)),
            Err(Refusal::Missing(fields)) => {
                return Err(ApiError::Validation(
                    fields
                        .into_iter()
                        .map(|f| FieldError::new(f, format!("is required to move the job to {to}")))
                        .collect(),
                ));
            }
        }
        let invoice = if to == JobStatus::Closed {
            Some(invoice_total(&job)?)
        } else {
            None
        };
        if job.status == JobStatus::Quoted && to == JobStatus::Approved {
            // The award: the contract is fixed with the status, in one statement.
            let award = crate::contracts::service::award(conn, &job, &yard).await?;
            queries::award(conn, id, award).await?;
        } else {
            queries::set_status(conn, id, to, invoice).await?;
        }
        let mut moved = event(id, &user, TimelineKind::StatusChanged);
        moved.from_status = Some(job.status);
        moved.to_status = Some(to);
        moved.note = note;
        queries::add_event(conn, moved).await?;
        Ok(())
    })
    .await?;
    let view = queries::find_view(&conn, id, user.scope(), &yard).await?;
    Ok(job_response(actix_web::http::StatusCode::OK, &view))
}

/// The moves the caller may make now: what the job page offers as buttons, so a client of
/// the API never keeps a copy of the status machine.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/transitions", tag = "jobs", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The job's status and the moves open to the caller", body = AllowedMoves),
        (status = 403, description = "Technicians never move jobs"),
        (status = 404, description = "No such job in your scope"),
    ))]
pub async fn allowed_moves(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let conn = db.get().await?;
    let mut conn = conn;
    let job = queries::find(&mut conn, *id, user.scope()).await?;
    Ok(HttpResponse::Ok().json(AllowedMoves {
        status: job.status,
        moves: rules::moves(job.status, user.role),
        may_quote: user.is_manager() && rules::may_quote(job.status),
    }))
}

/// Quote plus approved additional work, in the quote's currency, of a locked job (its
/// approved sum is current: the database recounts it under the same row lock).
fn invoice_total(job: &super::models::Job) -> Result<(bigdecimal::BigDecimal, String), ApiError> {
    let (Some(quote), Some(currency)) = (&job.quote_amount, &job.quote_currency) else {
        return Err(anyhow::anyhow!("job {} reached close without a quote", job.id).into());
    };
    Ok((quote + &job.additional_work_approved, currency.clone()))
}

/// The job's timeline, oldest first; clients do not see the names of yard staff.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/events", tag = "jobs", params(("id" = Uuid, Path), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of events", body = Page<EventView>),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_events(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    queries::visible(&conn, *id, user.scope()).await?;
    let rows = queries::events(&mut conn, *id, &page, user.role != Role::Client).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |e| e)))
}

/// Price extra work found during the repair (manager). The job must be active and the
/// currency the quote's.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/additional-work", tag = "additional work",
    params(("id" = Uuid, Path)), request_body = CreateAdditionalWork, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, status `pending`", body = AdditionalWorkView),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "The job is not active (`job-not-active`)"),
        (status = 422, description = "Invalid values, or a currency other than the quote's"),
    ))]
pub async fn create_additional_work(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<CreateAdditionalWork>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let description = b.description.trim().to_owned();
    if description.is_empty() {
        errors.push(FieldError::new("description", "must not be empty"));
    }
    max_chars("description", &description, 5000, &mut errors);
    let time_impact_days = b.time_impact_days.unwrap_or(0);
    if !(0..=365).contains(&time_impact_days) {
        errors.push(FieldError::new("time_impact_days", "must be from 0 to 365"));
    }
    // A lump sum as `amount` + `currency` (as before), or a priced line.
    let lump_sum = match (&b.price, &b.amount, &b.currency) {
        (Some(_), None, None) => None,
        (None, Some(amount), Some(currency)) => {
            if let Err(e) = check_currency("currency", currency) {
                errors.push(e);
            }
            parse_amount("amount", amount)
                .map_err(|e| errors.push(e))
                .ok()
        }
        (Some(_), _, _) => {
            errors.push(FieldError::new(
                "price",
                "is given instead of amount and currency, not with them",
            ));
            None
        }
        (None, _, _) => {
            errors.push(FieldError::new(
                "amount",
                "is required (with currency), unless a price is given",
            ));
            None
        }
    };
    validated((), errors)?;
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let item = conn
        .transaction(async |conn| {
            let job = queries::lock(conn, id, Scope::Yard).await?;
            if !job.status.is_active() {
                return Err(job_not_active(job.status));
            }
            let (amount, price) = match (&lump_sum, &b.price) {
                (Some(amount), _) => {
                    let currency = b.currency.as_deref().unwrap_or_default();
                    if currency != job.currency {
                        return Err(ApiError::invalid(
                            "currency",
                            format!("must be the job's contract currency, {}", job.currency),
                        ));
                    }
                    (amount.clone(), None)
                }
                (None, Some(request)) => {
                    let line = crate::contracts::service::price(
                        conn,
                        "price",
                        request,
                        &job.currency,
                        yard.today(),
                    )
                    .await?;
                    let amount = crate::contracts::rules::line_amount(&line);
                    if amount <= bigdecimal::BigDecimal::default() {
                        return Err(ApiError::invalid("price", "must come to more than 0"));
                    }
                    (
                        amount,
                        Some(serde_json::to_value(&line).map_err(anyhow::Error::from)?),
                    )
                }
                (None, None) => unreachable!("checked above"),
            };
            let terms = crate::contracts::queries::terms(conn, id).await?;
            let item = queries::insert_additional_work(
                conn,
                queries::NewVariation {
                    job_id: id,
                    description: description.clone(),
                    amount: amount.clone(),
                    currency: job.currency.clone(),
                    price,
                    origin: b.origin.unwrap_or(super::models::Origin::Finding),
                    task_id: b.task_id,
                    time_impact_days,
                    blocking: b.blocking.unwrap_or(false),
                    response_hours: terms.map_or(48, |t| t.response_hours),
                },
            )
            .await?;
            let mut added = event(id, &user, TimelineKind::AdditionalWorkAdded);
            added.note = Some(format!(
                "{} {} {}: {}",
                item.number.as_deref().unwrap_or_default(),
                crate::money::format_amount(&amount),
                job.currency,
                description
            ));
            queries::add_event(conn, added).await?;
            queries::touch(conn, id).await?;
            Ok(item)
        })
        .await?;
    Ok(HttpResponse::Created().json(AdditionalWorkView::from(item)))
}

/// A job's additional work, oldest first.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/additional-work", tag = "additional work",
    params(("id" = Uuid, Path), PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of additional work", body = Page<AdditionalWorkView>),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_additional_work(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    queries::visible(&conn, *id, user.scope()).await?;
    let rows = queries::list_additional_work(&mut conn, *id, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, AdditionalWorkView::from)))
}

/// Approve or reject an item of additional work (the job's client, or a manager). An
/// item is decided once: a second decision is 409.
#[utoipa::path(post, path = "/api/v1/additional-work/{id}/decision", tag = "additional work",
    params(("id" = Uuid, Path)), request_body = DecideAdditionalWork, security(("bearer" = [])),
    responses(
        (status = 200, description = "The decided item", body = AdditionalWorkView),
        (status = 403, description = "Technicians do not decide"),
        (status = 404, description = "No such item in your scope"),
        (status = 409, description = "Already decided (`illegal-transition`), or the job is closed or cancelled (`job-not-active`)"),
        (status = 422, description = "Note too long"),
    ))]
pub async fn decide_additional_work(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<DecideAdditionalWork>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let DecideAdditionalWork { decision, note } = body.into_inner();
    if let Some(note) = &note {
        let mut errors = Vec::new();
        max_chars("note", note, MAX_NOTE, &mut errors);
        validated((), errors)?;
    }
    let note = meaningful(note);
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let item = conn
        .transaction(async |conn| {
            let (item, job) = queries::lock_additional_work(conn, id, user.scope()).await?;
            if job.status.is_final() {
                return Err(job_not_active(job.status));
            }
            let status = match decision {
                Decision::Approved => AdditionalWorkStatus::Approved,
                Decision::Rejected => AdditionalWorkStatus::Rejected,
            };
            // An approval fixes the rate of its day (none where no rate is known).
            let rate = match status {
                AdditionalWorkStatus::Approved => {
                    crate::contracts::queries::usd_per_unit(conn, &item.currency, yard.today())
                        .await?
                }
                _ => None,
            };
            let Some(decided) =
                queries::decide(conn, id, status, user.id, note.clone(), rate).await?
            else {
                return Err(ApiError::Conflict {
                    kind: ConflictKind::IllegalTransition,
                    detail: format!("This item was already {}.", item.status),
                    conflicting_id: Some(item.id),
                    allowed_targets: Some(Vec::new()),
                });
            };
            let mut decided_event = event(job.id, &user, TimelineKind::AdditionalWorkDecided);
            decided_event.note = Some(match &note {
                Some(n) => format!("{status}: {} ({n})", item.description),
                None => format!("{status}: {}", item.description),
            });
            queries::add_event(conn, decided_event).await?;
            crate::redelivery::service::after_decision(conn, &job, &decided).await?;
            queries::touch(conn, job.id).await?;
            Ok(decided)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AdditionalWorkView::from(item)))
}
