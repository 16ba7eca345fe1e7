//! Task endpoints: managers write the repair specification; assigned technicians move a
//! task's status; whoever sees the job sees its tasks.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{
    models::{CreateTask, NewTask, Task, TaskChanges, TaskStatus, UpdateTask},
    queries,
};
use crate::{
    auth::{AuthUser, Role, Scope},
    db::Db,
    error::{ApiError, ConflictKind, FieldError},
    jobs::{
        models::{NewEvent, PageQuery, TimelineKind},
        queries as jobs,
    },
    pagination::{Page, PageRequest},
    users::rules::check_name,
    validation::{max_chars, validated},
    yard::Yard,
};

/// A task as `user` may see it: technicians see no prices.
fn shown_to(user: &AuthUser, mut task: Task) -> Task {
    if user.role == Role::Technician {
        task.price = None;
    }
    task
}

fn check_item_number(value: &str, errors: &mut Vec<FieldError>) {
    let chars = value.chars().count();
    if !(1..=20).contains(&chars) || value.trim() != value || value.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "item_number",
            "must be 1-20 characters without leading or trailing spaces (e.g. 2.14)",
        ));
    }
}

fn check_sfi(value: &str, errors: &mut Vec<FieldError>) {
    if let Err(e) = crate::contracts::rules::check_sfi_code("sfi_code", value) {
        errors.push(e);
    }
}

/// 409 `contract-frozen` for a change of price or supply once the job is awarded (the
/// database refuses it too; this says it in words first).
fn contract_fixed(job: &crate::jobs::models::Job) -> Result<(), ApiError> {
    if job.awarded_at.is_some() {
        return Err(ApiError::conflict(
            ConflictKind::ContractFrozen,
            "The contract was fixed at the award: a spec item's price and supply change through a variation.",
        ));
    }
    Ok(())
}

/// The price of `request` for `job` as stored: the priced line as JSON.
async fn priced(
    conn: &mut diesel_async::AsyncPgConnection,
    job: &crate::jobs::models::Job,
    request: &crate::contracts::models::PriceRequest,
    yard: &Yard,
) -> Result<serde_json::Value, ApiError> {
    let line =
        crate::contracts::service::price(conn, "price", request, &job.currency, yard.today())
            .await?;
    Ok(serde_json::to_value(line).map_err(anyhow::Error::from)?)
}

fn check_hours(value: f64, errors: &mut Vec<FieldError>) {
    if !(value.is_finite() && value > 0.0 && value <= 100_000.0) {
        errors.push(FieldError::new(
            "estimated_hours",
            "must be a positive number of hours (at most 100000)",
        ));
    }
}

fn check_code(value: &str, errors: &mut Vec<FieldError>) {
    let ok = (1..=50).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    if !ok {
        errors.push(FieldError::new(
            "required_certification",
            "must be a certification type code",
        ));
    }
}

fn check_description(value: &str, errors: &mut Vec<FieldError>) {
    max_chars("description", value, 20_000, errors);
}

/// Every field error of a new task.
fn create_errors(b: &CreateTask) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Err(e) = check_name("title", &b.title) {
        errors.push(e);
    }
    check_hours(b.estimated_hours, &mut errors);
    if let Some(code) = &b.required_certification {
        check_code(code, &mut errors);
    }
    if let Some(d) = &b.description {
        check_description(d, &mut errors);
    }
    if let Some(n) = &b.item_number {
        check_item_number(n, &mut errors);
    }
    if let Some(c) = &b.sfi_code {
        check_sfi(c, &mut errors);
    }
    errors
}

/// Add a task to a job's repair specification (manager).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/tasks", tag = "tasks", params(("id" = Uuid, Path)),
    request_body = CreateTask, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, status `open`", body = Task),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "The job is closed or cancelled (`job-not-active`), the item number is taken (`duplicate-code`), or a price after the award (`contract-frozen`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_task(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<CreateTask>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    validated((), create_errors(&b))?;
    let job_id = id.into_inner();
    let mut conn = db.get().await?;
    let task = conn
        .transaction(async |conn| {
            let job = jobs::lock(conn, job_id, Scope::Yard).await?;
            if job.status.is_final() {
                return Err(ApiError::conflict(
                    ConflictKind::JobNotActive,
                    format!("The job is {}; its specification is fixed.", job.status),
                ));
            }
            let price = match &b.price {
                Some(request) => {
                    contract_fixed(&job)?;
                    Some(priced(conn, &job, request, &yard).await?)
                }
                None => None,
            };
            let task = queries::insert(
                conn,
                NewTask {
                    job_id,
                    title: b.title.trim().to_owned(),
                    description: b.description,
                    estimated_hours: b.estimated_hours,
                    required_certification: b.required_certification,
                    item_number: b.item_number,
                    sfi_code: b.sfi_code,
                    supplied_by: b
                        .supplied_by
                        .unwrap_or(crate::contracts::models::SuppliedBy::Yard),
                    price,
                },
            )
            .await?;
            if task.price.is_some() {
                crate::contracts::service::follow_priced_items(conn, &job).await?;
            }
            jobs::add_event(
                conn,
                NewEvent {
                    job_id,
                    kind: TimelineKind::TaskAdded,
                    from_status: None,
                    to_status: None,
                    actor_id: user.id,
                    actor_role: user.role,
                    note: Some(task.title.clone()),
                },
            )
            .await?;
            jobs::touch(conn, job_id).await?;
            Ok(task)
        })
        .await?;
    Ok(HttpResponse::Created().json(shown_to(&user, task)))
}

/// A job's tasks, in the order they were added.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/tasks", tag = "tasks", params(("id" = Uuid, Path), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of tasks", body = Page<Task>),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_tasks(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    jobs::visible(&conn, *id, user.scope()).await?;
    let rows = queries::list(&mut conn, *id, user.scope(), &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |t| shown_to(&user, t))))
}

/// Every field error of a task's changes.
fn update_errors(b: &UpdateTask) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(Err(e)) = b.title.as_deref().map(|t| check_name("title", t)) {
        errors.push(e);
    }
    if let Some(h) = b.estimated_hours {
        check_hours(h, &mut errors);
    }
    if let Some(Some(code)) = &b.required_certification {
        check_code(code, &mut errors);
    }
    if let Some(Some(d)) = &b.description {
        check_description(d, &mut errors);
    }
    if let Some(Some(n)) = &b.item_number {
        check_item_number(n, &mut errors);
    }
    if let Some(Some(c)) = &b.sfi_code {
        check_sfi(c, &mut errors);
    }
    if let Some(p) = b.progress_percent
        && !(0..=100).contains(&p)
    {
        errors.push(FieldError::new(
            "progress_percent",
            "must be between 0 and 100",
        ));
    }
    errors
}

/// Change a task: managers any field, an assigned technician its status only.
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path)),
    request_body = UpdateTask, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed task", body = Task),
        (status = 403, description = "Clients do not change tasks; technicians only their status"),
        (status = 404, description = "No such task in your scope"),
        (status = 409, description = "The job is closed or cancelled (`job-not-active`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_task(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<UpdateTask>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Technician])?;
    let b = body.into_inner();
    validated((), update_errors(&b))?;
    // A technician may only move the status of a task of their job.
    let status_only = b.title.is_none()
        && b.description.is_none()
        && b.estimated_hours.is_none()
        && b.required_certification.is_none()
        && b.progress_percent.is_none()
        && b.item_number.is_none()
        && b.sfi_code.is_none()
        && b.supplied_by.is_none()
        && b.price.is_none();
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let task = conn
        .transaction(async |conn| {
            let (_, job) = queries::lock_with_job(conn, id, user.scope()).await?;
            if user.role == Role::Technician && !status_only {
                return Err(ApiError::Forbidden);
            }
            if job.status.is_final() {
                return Err(ApiError::conflict(
                    ConflictKind::JobNotActive,
                    format!("The job is {}; its tasks are fixed.", job.status),
                ));
            }
            let current = &job;
            let price = match &b.price {
                Some(Some(request)) => {
                    contract_fixed(current)?;
                    Some(Some(priced(conn, current, request, &yard).await?))
                }
                Some(None) => {
                    contract_fixed(current)?;
                    Some(None)
                }
                None => None,
            };
            if b.supplied_by.is_some() {
                contract_fixed(current)?;
            }
            let progress = if b.status == Some(TaskStatus::Done) {
                Some(100)
            } else {
                b.progress_percent
            };
            let task = queries::update(
                conn,
                id,
                TaskChanges {
                    title: b.title.map(|t| t.trim().to_owned()),
                    description: b.description,
                    estimated_hours: b.estimated_hours,
                    required_certification: b.required_certification,
                    status: b.status,
                    progress_percent: progress,
                    updated_at: Some(chrono::Utc::now()),
                    item_number: b.item_number,
                    sfi_code: b.sfi_code,
                    supplied_by: b.supplied_by,
                    price: price.clone(),
                },
            )
            .await?;
            if price.is_some() {
                crate::contracts::service::follow_priced_items(conn, &job).await?;
            }
            jobs::touch(conn, job.id).await?;
            Ok::<Task, ApiError>(task)
        })
        .await?;
    Ok(HttpResponse::Ok().json(shown_to(&user, task)))
}
