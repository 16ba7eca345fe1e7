//! The OpenAPI 3.1 document (generated from the handlers' annotations) and the `/docs`
//! page, served from vendored Swagger UI assets so it works without internet access.

use actix_web::{HttpResponse, http::header, web};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

use crate::{
    auth, docks, error, health, jobs, organizations, pagination, reports, tasks, technicians,
    users, vessels, work_logs,
};

/// Adds the bearer scheme every protected operation refers to.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The whole API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Slipway", description = "Work orders for a ship-repair yard: docks, \
        technicians, repair jobs, and the shipowners who follow them."),
    modifiers(&BearerScheme),
    paths(
        health::healthz, health::readyz,
        auth::routes::login, auth::routes::refresh, auth::routes::logout,
        auth::routes::me, auth::routes::change_password,
        users::handlers::create_user, users::handlers::list_users,
        users::handlers::get_user, users::handlers::update_user,
        organizations::handlers::create_organization,
        organizations::handlers::list_organizations,
        organizations::handlers::get_organization,
        organizations::handlers::update_organization,
        vessels::handlers::create_vessel, vessels::handlers::list_vessels,
        vessels::handlers::get_vessel, vessels::handlers::update_vessel,
        jobs::handlers::create_job, jobs::handlers::list_jobs, jobs::handlers::get_job,
        jobs::handlers::update_job, jobs::handlers::put_quote, jobs::handlers::transition,
        jobs::handlers::list_events, jobs::handlers::create_additional_work,
        jobs::handlers::list_additional_work, jobs::handlers::decide_additional_work,
        tasks::handlers::create_task, tasks::handlers::list_tasks, tasks::handlers::update_task,
        docks::handlers::create_dock, docks::handlers::list_docks, docks::handlers::get_dock,
        docks::handlers::update_dock, docks::handlers::availability,
        docks::handlers::create_booking, docks::handlers::list_bookings,
        docks::handlers::get_booking, docks::handlers::update_booking,
        docks::handlers::cancel_booking,
        technicians::handlers::create_technician, technicians::handlers::list_technicians,
        technicians::handlers::get_technician, technicians::handlers::update_technician,
        technicians::handlers::create_certification_type,
        technicians::handlers::list_certification_types,
        technicians::handlers::create_certification, technicians::handlers::list_certifications,
        work_logs::handlers::create_assignment, work_logs::handlers::job_assignments,
        work_logs::handlers::delete_assignment, work_logs::handlers::my_assignments,
        work_logs::handlers::create_work_log, work_logs::handlers::job_work_logs,
        work_logs::handlers::daily_report,
        reports::handlers::put_fx_rate, reports::handlers::list_fx_rates,
        reports::handlers::trade_volume, reports::handlers::dock_utilization,
        reports::handlers::certifications_expiring, reports::handlers::backlog,
    ),
    components(schemas(error::Problem, error::FieldError, pagination::Page<users::models::UserView>))
)]
pub struct ApiDoc;

/// The document as served, rendered once at start.
pub struct OpenApiJson(pub String);

impl OpenApiJson {
    /// Renders the document.
    pub fn render() -> anyhow::Result<Self> {
        Ok(Self(ApiDoc::openapi().to_pretty_json()?))
    }
}

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

fn asset(content_type: &'static str, body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

async fn docs_page() -> HttpResponse {
    asset(
        "text/html; charset=utf-8",
        include_bytes!("assets/docs.html"),
    )
}

async fn docs_bundle() -> HttpResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("assets/swagger-ui-bundle.js"),
    )
}

async fn docs_init() -> HttpResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("assets/init.js"),
    )
}

async fn docs_css() -> HttpResponse {
    asset(
        "text/css; charset=utf-8",
        include_bytes!("assets/swagger-ui.css"),
    )
}

/// Registers `/api/v1/openapi.json` (inside the API scope).
pub fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(crate::http::resource("/openapi.json").route(web::get().to(openapi_json)));
}

/// Registers `/docs` and its assets (at the root).
pub fn docs_routes(cfg: &mut web::ServiceConfig) {
    use crate::http::resource;
    cfg.service(resource("/docs").route(web::get().to(docs_page)))
        .service(resource("/docs/swagger-ui-bundle.js").route(web::get().to(docs_bundle)))
        .service(resource("/docs/swagger-ui.css").route(web::get().to(docs_css)))
        .service(resource("/docs/init.js").route(web::get().to(docs_init)));
}
