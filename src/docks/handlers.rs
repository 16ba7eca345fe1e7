//! `/docks` and `/dock-bookings`: the yard's docks, who is in which dock when, and
//! where the next ship fits.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{
    models::{
        Availability, AvailabilityQuery, BookingListQuery, BookingStatus, CreateBooking,
        CreateDock, Dock, DockAvailability, DockBooking, UpdateBooking, UpdateDock,
    },
    queries::{self, BookingBatch, NewBooking},
    rules::{self, VesselSize},
};
use crate::{
    auth::{AuthUser, Role, Scope},
    db::Db,
    error::{ApiError, ConflictKind, FieldError},
    group_commit::GroupWriter,
    http::created,
    jobs::models::PageQuery,
    pagination::{Page, PageRequest},
    users::rules::check_name,
    validation::{positive_number, validated},
    vessels::{self, models::Vessel},
};

/// Register a dock (manager).
#[utoipa::path(post, path = "/api/v1/docks", tag = "docks", request_body = CreateDock, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Dock),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_dock(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateDock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut dock = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = check_name("name", &dock.name) {
        errors.push(e);
    }
    positive_number("max_length_m", dock.max_length_m, &mut errors);
    positive_number("max_beam_m", dock.max_beam_m, &mut errors);
    positive_number("max_draft_m", dock.max_draft_m, &mut errors);
    if let Some(capacity) = dock.lifting_capacity_t {
        positive_number("lifting_capacity_t", capacity, &mut errors);
    }
    validated((), errors)?;
    dock.name = dock.name.trim().to_owned();
    let mut conn = db.get().await?;
    Ok(created(&queries::insert_dock(&mut conn, &dock).await?))
}

/// List docks (any signed-in user: docks are not tenant data).
#[utoipa::path(get, path = "/api/v1/docks", tag = "docks", params(PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of docks", body = Page<Dock>),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_docks(
    _user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list_docks(&mut conn, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |d| d)))
}

/// One dock.
#[utoipa::path(get, path = "/api/v1/docks/{id}", tag = "docks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The dock", body = Dock),
        (status = 404, description = "No such dock"),
    ))]
pub async fn get_dock(
    _user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::dock(&conn, *id).await?))
}

/// Change a dock (manager). Existing bookings are not re-checked against new limits.
#[utoipa::path(patch, path = "/api/v1/docks/{id}", tag = "docks", params(("id" = Uuid, Path)),
    request_body = UpdateDock, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed dock", body = Dock),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such dock"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_dock(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateDock>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut changes = body.into_inner();
    let mut errors = Vec::new();
    if let Some(Err(e)) = changes.name.as_deref().map(|n| check_name("name", n)) {
        errors.push(e);
    }
    for (field, value) in [
        ("max_length_m", changes.max_length_m),
        ("max_beam_m", changes.max_beam_m),
        ("max_draft_m", changes.max_draft_m),
        ("lifting_capacity_t", changes.lifting_capacity_t.flatten()),
    ] {
        if let Some(v) = value {
            positive_number(field, v, &mut errors);
        }
    }
    validated((), errors)?;
    changes.name = changes.name.map(|n| n.trim().to_owned());
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::update_dock(&mut conn, *id, &changes).await?))
}

fn size(vessel: &Vessel) -> VesselSize {
    VesselSize {
        length_overall_m: vessel.length_overall_m,
        beam_m: vessel.beam_m,
        draft_m: vessel.draft_m,
        lightweight_t: vessel.lightweight_t,
    }
}

/// 422 naming every limit of `dock` that `vessel` fails.
fn check_fit(vessel: &Vessel, dock: &Dock) -> Result<(), ApiError> {
    let misfits = rules::misfits(size(vessel), dock.limits());
    if misfits.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(
            misfits
                .into_iter()
                .map(|m| FieldError::new(m.limit, m.message))
                .collect(),
        ))
    }
}

/// 422 if the field has an error.
fn refuse(error: Option<FieldError>) -> Result<(), ApiError> {
    validated((), error.into_iter().collect())
}

/// 409 if the dock or the vessel is taken at an overlapping time, naming the booking in
/// the way. Call with the slot locks held.
async fn check_free(
    conn: &AsyncPgConnection,
    dock: Uuid,
    vessel: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    // Both checks sent together (pipelined); the dock's conflict is reported first.
    let (dock_conflict, vessel_conflict) = futures_util::try_join!(
        queries::dock_conflict(conn, dock, starts, ends, except),
        queries::vessel_conflict(conn, vessel, starts, ends, except),
    )?;
    if let Some(other) = dock_conflict {
        return Err(ApiError::Conflict {
            kind: ConflictKind::DockConflict,
            detail: "The dock is booked at an overlapping time.".to_owned(),
            conflicting_id: Some(other),
            allowed_targets: None,
        });
    }
    if let Some(other) = vessel_conflict {
        return Err(ApiError::Conflict {
            kind: ConflictKind::VesselDoubleBooked,
            detail: "The vessel is booked into a dock at an overlapping time.".to_owned(),
            conflicting_id: Some(other),
            allowed_targets: None,
        });
    }
    Ok(())
}

async fn booking_view(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> Result<DockBooking, ApiError> {
    let (row, dock, vessel) = queries::booking(conn, id, scope).await?;
    Ok(DockBooking::new(row, dock, vessel))
}

/// Book a dock for a vessel (manager). Checks the fit, the period, the job, and that
/// neither dock nor vessel is taken; the exclusion constraints back every check.
#[utoipa::path(post, path = "/api/v1/dock-bookings", tag = "dock bookings", request_body = CreateBooking,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Booked", body = DockBooking),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such vessel or dock in your scope"),
        (status = 409, description = "`dock-conflict` or `vessel-double-booked`, with `conflicting_id`"),
        (status = 422, description = "Ends before it starts, the vessel does not fit, or the job is of another vessel"),
    ))]
pub async fn create_booking(
    user: AuthUser,
    db: web::Data<Db>,
    writer: web::Data<GroupWriter<BookingBatch>>,
    body: Json<CreateBooking>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let b = body.into_inner();
    let conn = db.get().await?;
    // The vessel and the dock are read together (pipelined) and judged in this order:
    // a client learns nothing about other organisations' vessels (404) and may not book
    // for its own (403).
    let (vessel, dock) = futures_util::join!(
        vessels::queries::by_id(&conn, b.vessel_id, user.scope()),
        queries::dock(&conn, b.dock_id),
    );
    let vessel = vessel?;
    user.require(Role::Manager)?;
    refuse(rules::period_error(b.starts_at, b.ends_at))?;
    refuse(rules::notes_error(b.notes.as_deref()))?;
    let dock = dock?;
    check_fit(&vessel, &dock)?;
    if let Some(job_id) = b.job_id {
        check_job_of(&conn, job_id, vessel.id).await?;
    }
    drop(conn);
    let new = NewBooking {
        dock_id: dock.id,
        vessel_id: vessel.id,
        job_id: b.job_id,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        notes: b.notes,
        created_by: user.id,
    };
    match writer.write(new).await {
        Ok(row) => Ok(created(&DockBooking::new(row, dock.name, vessel.name))),
        Err(
            e @ ApiError::Conflict {
                kind: ConflictKind::DockConflict | ConflictKind::VesselDoubleBooked,
                ..
            },
        ) => {
            // Name the booking in the way (the dock's first); should it have been
            // cancelled meanwhile, the constraint's own 409 stands.
            let conn = db.get().await?;
            check_free(&conn, dock.id, vessel.id, b.starts_at, b.ends_at, None).await?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// 422 unless `job_id` is a job of `vessel_id`.
async fn check_job_of(
    mut conn: &AsyncPgConnection,
    job_id: Uuid,
    vessel_id: Uuid,
) -> Result<(), ApiError> {
    use crate::schema::jobs;
    use diesel::QueryDsl;
    use diesel_async::RunQueryDsl;
    let vessel_of_job = jobs::table
        .find(job_id)
        .select(jobs::vessel_id)
        .first::<Uuid>(&mut conn)
        .await;
    match vessel_of_job {
        Ok(vessel) if vessel == vessel_id => Ok(()),
        Ok(_) => Err(ApiError::invalid("job_id", "is a job of another vessel")),
        Err(diesel::result::Error::NotFound) => Err(ApiError::invalid("job_id", "no such job")),
        Err(e) => Err(e.into()),
    }
}

/// Bookings overlapping `[from, to)`, in start order: managers all, clients those of their
/// vessels, technicians those of their jobs.
#[utoipa::path(get, path = "/api/v1/dock-bookings", tag = "dock bookings", params(BookingListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of bookings", body = Page<DockBooking>),
        (status = 400, description = "Malformed query"),
        (status = 422, description = "Bad limit, cursor or range"),
    ))]
pub async fn list_bookings(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<BookingListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to <= from
    {
        return Err(ApiError::invalid("to", "must be after from"));
    }
    let mut conn = db.get().await?;
    let rows = queries::list_bookings(&mut conn, &query, user.scope(), &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |(b, d, v)| DockBooking::new(b, d, v))))
}

/// One booking in the caller's scope.
#[utoipa::path(get, path = "/api/v1/dock-bookings/{id}", tag = "dock bookings", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The booking", body = DockBooking),
        (status = 404, description = "No such booking in your scope"),
    ))]
pub async fn get_booking(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(booking_view(&mut conn, *id, user.scope()).await?))
}

/// Move a booking in time or to another dock (manager), with every check again.
#[utoipa::path(patch, path = "/api/v1/dock-bookings/{id}", tag = "dock bookings", params(("id" = Uuid, Path)),
    request_body = UpdateBooking, security(("bearer" = [])),
    responses(
        (status = 200, description = "The moved booking", body = DockBooking),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such booking in your scope, or no such dock"),
        (status = 409, description = "`dock-conflict` or `vessel-double-booked`, with `conflicting_id`"),
        (status = 422, description = "Ends before it starts, does not fit, or is cancelled"),
    ))]
pub async fn update_booking(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateBooking>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let b = body.into_inner();
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let (current, _, _) = queries::booking(&mut conn, id, user.scope()).await?;
    user.require(Role::Manager)?;
    refuse(rules::notes_error(
        b.notes.as_ref().and_then(|n| n.as_deref()),
    ))?;
    if current.status == BookingStatus::Cancelled {
        return Err(ApiError::invalid(
            "status",
            "a cancelled booking cannot be moved; book again",
        ));
    }
    let starts = b.starts_at.unwrap_or(current.starts_at);
    let ends = b.ends_at.unwrap_or(current.ends_at);
    refuse(rules::period_error(starts, ends))?;
    let dock = queries::dock(&conn, b.dock_id.unwrap_or(current.dock_id)).await?;
    let vessel = vessels::queries::by_id(&conn, current.vessel_id, Scope::Yard).await?;
    check_fit(&vessel, &dock)?;
    conn.transaction(async |conn| {
        queries::lock_slots(conn, &[dock.id, vessel.id]).await?;
        check_free(conn, dock.id, vessel.id, starts, ends, Some(id)).await?;
        queries::move_booking(conn, id, dock.id, starts, ends, b.notes).await?;
        if let Some(job_id) = current.job_id {
            queries::follow_bookings(conn, job_id, user.actor()).await?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(booking_view(&mut conn, id, Scope::Yard).await?))
}

/// Cancel a booking (manager): its slot is free again. Cancelling twice is harmless.
#[utoipa::path(post, path = "/api/v1/dock-bookings/{id}/cancel", tag = "dock bookings", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cancelled booking", body = DockBooking),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such booking in your scope"),
    ))]
pub async fn cancel_booking(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let (current, _, _) = queries::booking(&mut conn, id, user.scope()).await?;
    user.require(Role::Manager)?;
    conn.transaction(async |conn| {
        queries::cancel_booking(conn, id).await?;
        if let Some(job_id) = current.job_id {
            queries::follow_bookings(conn, job_id, user.actor()).await?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(booking_view(&mut conn, id, Scope::Yard).await?))
}

/// Longest search range for availability.
const MAX_RANGE_DAYS: i64 = 3 * 366;

/// Where a vessel fits and when (manager): for each dock it fits, the free windows of at
/// least `duration_hours` inside `[from, to)`. A vessel that fits no dock gets no items.
#[utoipa::path(get, path = "/api/v1/docks/availability", tag = "docks", params(AvailabilityQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Free windows per fitting dock", body = Availability),
        (status = 400, description = "Malformed or missing query values"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such vessel"),
        (status = 422, description = "Bad duration or range"),
    ))]
pub async fn availability(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<AvailabilityQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let q = query.into_inner();
    let mut errors = Vec::new();
    if !(q.duration_hours.is_finite()
        && q.duration_hours > 0.0
        && q.duration_hours <= (MAX_RANGE_DAYS * 24) as f64)
    {
        errors.push(FieldError::new(
            "duration_hours",
            "must be a positive number of hours",
        ));
    }
    if q.to <= q.from {
        errors.push(FieldError::new("to", "must be after from"));
    } else if q.to - q.from > Duration::days(MAX_RANGE_DAYS) {
        errors.push(FieldError::new(
            "to",
            format!("must be at most {MAX_RANGE_DAYS} days after from"),
        ));
    }
    validated((), errors)?;
    let mut conn = db.get().await?;
    let vessel = vessels::queries::by_id(&conn, q.vessel_id, Scope::Yard).await?;
    let fitting: Vec<Dock> = queries::all_docks(&mut conn)
        .await?
        .into_iter()
        .filter(|d| rules::fits(size(&vessel), d.limits()))
        .collect();
    let ids: Vec<Uuid> = fitting.iter().map(|d| d.id).collect();
    let windows = if ids.is_empty() {
        Vec::new()
    } else {
        queries::free_windows(&mut conn, &ids, q.from, q.to, q.duration_hours).await?
    };
    let items = fitting
        .into_iter()
        .map(|dock| DockAvailability {
            windows: windows
                .iter()
                .filter(|(d, _)| *d == dock.id)
                .map(|(_, w)| w.clone())
                .collect(),
            dock_id: dock.id,
            dock_name: dock.name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Availability { items }))
}
