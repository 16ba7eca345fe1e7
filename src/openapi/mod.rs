//! The OpenAPI 3.1 document (generated from the handlers' annotations) and the `/docs`
//! page, served from vendored Swagger UI assets so it works without internet access.

use actix_web::{HttpResponse, http::header, web};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        ContentBuilder, PathItem, Ref, RefOr, Response, ResponseBuilder,
        link::LinkBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::{
    attachments, auth, calendar, contracts, docks, error, health, jobs, notifications,
    organizations, pagination, redelivery, reports, tariff, tasks, technicians, users, vessels,
    webhooks, work_logs, yard,
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
                    .description(Some(
                        "An access token from `POST /auth/login` or `/auth/session`: a JWT \
                         signed with HS256 only (no other algorithm, never `none`), with \
                         `exp`, `iss`, `aud` and `sub` required, `nbf` checked, `crit` refused, \
                         15 minutes' life, revocable at once: as RFC8725 (JWT best current \
                         practices) asks.",
                    ))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// Every operation, with its HTTP method.
fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("PUT", item.put.as_mut()),
        ("POST", item.post.as_mut()),
        ("DELETE", item.delete.as_mut()),
        ("PATCH", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.map(|op| (method, op)))
    .collect()
}

/// The answers every operation can give whatever its purpose: 400 for a malformed path,
/// query or body; 401 without a valid token where one is needed; 413 for a body over
/// 64 KiB; 429; 503. Declared once here rather than on every handler, whose annotations
/// list only the answers particular to them, and for errors only their status and
/// meaning: every error's body, a problem, is declared here too.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            for (_, op) in operations(item) {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_body = op.request_body.is_some();
                let has_input = has_body || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let responses = &mut op.responses.responses;
                // Every error is a problem: the handlers' annotations give the status and
                // what it means, the body is declared here.
                for (status, response) in responses.iter_mut() {
                    if status.as_str() >= "400"
                        && let RefOr::T(response) = response
                        && response.content.is_empty()
                    {
                        response.content.insert(
                            "application/problem+json".into(),
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("Problem")))
                                .build(),
                        );
                    }
                }
                if has_input {
                    responses
                        .entry("400".into())
                        .or_insert_with(|| problem("Malformed path, query or body"));
                    responses.entry("422".into()).or_insert_with(|| {
                        problem("Invalid values (a date outside the years 1900-2200, a query value over 1000 characters, ...)")
                    });
                }
                if secured {
                    responses
                        .entry("401".into())
                        .or_insert_with(|| problem("Missing, expired or invalid token"));
                }
                if has_body {
                    responses
                        .entry("413".into())
                        .or_insert_with(|| problem("Body over 64 KiB"));
                }
                if api {
                    responses.entry("429".into()).or_insert_with(|| {
                        problem(
                            "Too many requests this minute (SLIPWAY_RATE_LIMIT_PER_MIN, per user or, \
                             anonymous, per address); see Retry-After. Every answer carries \
                             `RateLimit-Policy: \"default\";q=<limit>;w=60` and \
                             `RateLimit: \"default\";r=<left>;t=<seconds>`",
                        )
                    });
                }
                responses.entry("503".into()).or_insert_with(|| {
                    problem(
                        "The database is unavailable or does not answer in time; see Retry-After",
                    )
                });
            }
        }
    }
}

/// OpenAPI links from each create operation to the operations that take the created id,
/// so a client (or a stateful fuzzer) can follow what it just made.
struct CreateLinks;

/// (create operation, linked operation, its path parameter)
const LINKS: &[(&str, &str, &str)] = &[
    ("create_user", "get_user", "id"),
    ("create_user", "update_user", "id"),
    ("create_organization", "get_organization", "id"),
    ("create_organization", "update_organization", "id"),
    ("create_vessel", "get_vessel", "id"),
    ("create_vessel", "update_vessel", "id"),
    ("create_job", "get_job", "id"),
    ("create_job", "update_job", "id"),
    ("create_job", "list_events", "id"),
    ("create_job", "list_tasks", "id"),
    ("create_job", "create_task", "id"),
    ("create_job", "list_additional_work", "id"),
    ("create_job", "daily_report", "id"),
    ("create_job", "job_work_logs", "id"),
    ("create_job", "job_assignments", "id"),
    ("create_task", "update_task", "id"),
    ("create_task", "create_assignment", "id"),
    ("create_additional_work", "decide_additional_work", "id"),
    ("create_dock", "get_dock", "id"),
    ("create_dock", "update_dock", "id"),
    ("create_booking", "get_booking", "id"),
    ("create_booking", "update_booking", "id"),
    ("create_booking", "cancel_booking", "id"),
    ("create_technician", "get_technician", "id"),
    ("create_technician", "update_technician", "id"),
    ("create_technician", "list_certifications", "id"),
    ("create_technician", "create_certification", "id"),
    ("create_assignment", "create_work_log", "id"),
    ("create_assignment", "delete_assignment", "id"),
    ("create_job", "upload_attachment", "id"),
    ("create_job", "put_terms", "id"),
    ("create_job", "get_terms", "id"),
    ("create_job", "get_contract", "id"),
    ("create_job", "get_cost", "id"),
    ("create_job", "price_line", "id"),
    ("create_item", "get_item", "id"),
    ("create_item", "update_item", "id"),
    ("create_job", "list_attachments", "id"),
    ("upload_attachment", "get_attachment", "id"),
    ("upload_attachment", "attachment_content", "id"),
    ("upload_attachment", "attachment_thumbnail", "id"),
    ("upload_attachment", "delete_attachment", "id"),
];

impl Modify for CreateLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for (_, op) in operations(item) {
                let Some(id) = op.operation_id.clone() else {
                    continue;
                };
                for (_, target, parameter) in LINKS.iter().filter(|(from, ..)| *from == id) {
                    if let Some(RefOr::T(created)) = op.responses.responses.get_mut("201") {
                        let link = LinkBuilder::new()
                            .operation_id(*target)
                            .parameter(*parameter, "$response.body#/id")
                            .build();
                        created.links.insert((*target).to_owned(), RefOr::T(link));
                    }
                }
            }
        }
    }
}

/// The whole API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Slipway", description = "Work orders for a ship-repair yard: docks, \
        technicians, repair jobs, and the shipowners who follow them."),
    modifiers(&BearerScheme, &CommonResponses, &CreateLinks),
    paths(
        health::healthz, health::readyz,
        auth::handlers::login, auth::handlers::refresh, auth::handlers::logout,
        auth::session::create_session, auth::session::refresh_session,
        auth::session::end_session,
        auth::handlers::me, auth::handlers::change_password, yard::get_yard,
        auth::handlers::revoke_my_sessions, auth::handlers::revoke_sessions,
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
        jobs::handlers::allowed_moves,
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
        attachments::handlers::upload, attachments::handlers::list, attachments::handlers::get,
        attachments::handlers::content, attachments::handlers::thumbnail,
        attachments::handlers::delete,
        notifications::handlers::list_notifications,
        notifications::handlers::read_notification,
        notifications::handlers::read_all_notifications,
        notifications::handlers::get_settings, notifications::handlers::put_settings,
        webhooks::handlers::create_webhook, webhooks::handlers::list_webhooks,
        webhooks::handlers::get_webhook, webhooks::handlers::update_webhook,
        webhooks::handlers::delete_webhook, webhooks::handlers::test_webhook,
        webhooks::handlers::list_deliveries,
        tariff::handlers::create_item, tariff::handlers::list_items, tariff::handlers::get_item,
        tariff::handlers::update_item, tariff::handlers::create_modifier,
        tariff::handlers::list_modifiers,
        contracts::handlers::put_terms, contracts::handlers::get_terms,
        contracts::handlers::get_contract, contracts::handlers::get_cost,
        contracts::handlers::price_line, contracts::handlers::cost_overview,
        redelivery::handlers::get_redelivery, redelivery::handlers::create_entry,
        redelivery::handlers::dispute_entry, redelivery::handlers::withdraw_entry,
        calendar::handlers::get_feed, calendar::handlers::rotate_feed,
    ),
    components(schemas(error::Problem, error::FieldError, pagination::Page<users::models::UserView>))
)]
pub struct ApiDoc;

/// The document as served, rendered once at start.
pub struct OpenApiJson(pub String);

impl OpenApiJson {
    /// Renders the document.
    pub fn render() -> anyhow::Result<Self> {
        let mut doc = serde_json::to_value(ApiDoc::openapi())?;
        fix_link_keys(&mut doc);
        add_webhooks(&mut doc);
        limits::document(&mut doc);
        Ok(Self(serde_json::to_string_pretty(&doc)?))
    }
}

/// The `webhooks` section (OpenAPI 3.1): the request a webhook receives for every event.
fn add_webhooks(doc: &mut serde_json::Value) {
    let header = |name: &str, description: &str, example: &str| {
        serde_json::json!({
            "name": name, "in": "header", "required": true, "description": description,
            "schema": {"type": "string", "maxLength": 200}, "example": example,
        })
    };
    doc["webhooks"] = serde_json::json!({
        "event": {
            "post": {
                "summary": "An event, as a webhook receives it",
                "description": "Sent to a webhook's URL for every event it hears, following the \
                    Standard Webhooks specification. A 2xx answer within 10 s is success; \
                    anything else is retried with exponential backoff and jitter for 24 hours. \
                    `webhook-id` is the event's id: the same on every retry, so a receiver \
                    drops duplicates by it.",
                "operationId": "receive_event",
                "parameters": [
                    header("webhook-id", "The event's id.", "5f0c6f55-3c1c-4b7b-9d0b-2b8a7f0e4c11"),
                    header("webhook-timestamp", "Seconds since the Unix epoch, when sent.", "1796118000"),
                    header("webhook-signature",
                        "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, \
                         keyed with the base64-decoded part of the secret after `whsec_`.",
                        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
                ],
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
                },
                "responses": {
                    "200": {"description": "Received (any 2xx)"},
                    "default": {"description": "Not received: tried again later"},
                },
            },
        },
    });
}

/// The limits the server keeps, written into the document where the annotations do not
/// say them: string lengths, array sizes, integer ranges, and the rate-limit headers of
/// every API answer.
mod limits {
    use serde_json::{Value, json};

    /// Longest text of a field whose own rule is not written here: a body is 64 KiB at
    /// most, so no string in it is longer.
    const BODY_CHARS: u64 = 64 * 1024;
    /// Longest value of a query parameter (see `crate::http::MAX_QUERY_VALUE_CHARS`).
    const QUERY_CHARS: u64 = crate::http::MAX_QUERY_VALUE_CHARS as u64;
    /// Longest refresh token the service takes (its own are 43 characters).
    const TOKEN_CHARS: u64 = crate::auth::tokens::MAX_REFRESH_TOKEN_CHARS as u64;

    /// Known lengths, by field name: only where the server counts the text as sent (a
    /// limit counted after trimming could accept a longer text than a written maximum, so
    /// those keep the body's bound), or where a longer text cannot be valid at all.
    fn max_length(field: &str, format: Option<&str>) -> u64 {
        match (field, format) {
            (_, Some("uuid")) => 36,
            (_, Some("date")) => 10,
            (_, Some("date-time")) => 40,
            (_, Some("binary")) => 25 * 1024 * 1024,
            ("password" | "new_password" | "current_password", _) => 128,
            ("description", _) => 20_000,
            ("note" | "notes" | "decision_note", _) => 2_000,
            ("caption", _) => 500,
            ("class_society", _) => 100,
            ("currency", _) => 3,
            ("country" | "flag", _) => 2,
            ("sha256", _) => 64,
            ("access_token", _) => 4_096,
            ("refresh_token", _) => TOKEN_CHARS,
            ("cursor" | "next_cursor", _) => 200,
            _ => BODY_CHARS,
        }
    }

    /// Known sizes of arrays, by field name.
    fn max_items(field: &str, parent: &str) -> Option<u64> {
        match (parent, field) {
            (p, "items") if p.starts_with("Page_") => Some(200),
            ("Problem", "errors") => Some(64),
            ("Problem", "allowed_targets") | ("AllowedMoves", "moves") => Some(9),
            ("TradeVolume", "years") => Some(101),
            ("YearVolume", "by_country") => Some(249),
            _ => None,
        }
    }

    /// Ranges of integers, by field name, else by their format.
    fn range(field: &str, format: Option<&str>) -> (i64, i64) {
        match field {
            "progress_percent" => (0, 100),
            "status" => (100, 599),
            "year" | "year_built" | "from_year" | "to_year" => (1800, 2200),
            "limit" => (1, 200),
            _ => match format {
                Some("int32") => (0, i64::from(i32::MAX)),
                _ => (0, i64::MAX),
            },
        }
    }

    fn is(schema: &Value, kind: &str) -> bool {
        match &schema["type"] {
            Value::String(t) => t == kind,
            Value::Array(ts) => ts.iter().any(|t| t == kind),
            _ => false,
        }
    }

    /// Walks a schema (and the schemas inside it), filling in what is missing.
    fn schema(value: &mut Value, field: &str, parent: &str) {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        let format = object
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let snapshot = Value::Object(object.clone());
        if is(&snapshot, "string")
            && !object.contains_key("maxLength")
            && !object.contains_key("enum")
            && !object.contains_key("const")
        {
            object.insert(
                "maxLength".into(),
                json!(max_length(field, format.as_deref())),
            );
        }
        if is(&snapshot, "integer") {
            let (low, high) = range(field, format.as_deref());
            object.entry("minimum").or_insert(json!(low));
            object.entry("maximum").or_insert(json!(high));
        }
        if is(&snapshot, "array")
            && !object.contains_key("maxItems")
            && let Some(n) = max_items(field, parent)
        {
            object.insert("maxItems".into(), json!(n));
        }
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                schema(property, name, parent);
            }
        }
        for key in ["items", "additionalProperties", "propertyNames"] {
            if let Some(inner) = object.get_mut(key) {
                schema(inner, field, parent);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(options)) = object.get_mut(key) {
                for option in options {
                    schema(option, field, parent);
                }
            }
        }
    }

    /// Fills in the document's limits.
    pub fn document(doc: &mut Value) {
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            for (name, value) in schemas.iter_mut() {
                let name = name.clone();
                schema(value, "", &name);
            }
        }
        let Some(Value::Object(paths)) = doc.get_mut("paths") else {
            return;
        };
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
                    for parameter in parameters.iter_mut() {
                        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                        let parameter_in = parameter["in"].as_str().unwrap_or_default().to_owned();
                        let Some(s) = parameter.get_mut("schema") else {
                            continue;
                        };
                        // A query or header value: at most QUERY_CHARS (the server refuses
                        // longer query values); ids and dates by their format. The session
                        // cookie is whatever the browser holds: a value the service does not
                        // recognise is no session, whatever its length, so no limit is
                        // written for it (.ci/spectral/.spectral.yaml says why).
                        if parameter_in == "cookie" {
                            continue;
                        }
                        let format = s.get("format").and_then(Value::as_str).unwrap_or_default();
                        if is(s, "string")
                            && s.get("maxLength").is_none()
                            && s.get("enum").is_none()
                            && !matches!(format, "uuid" | "date" | "date-time")
                        {
                            s["maxLength"] = json!(QUERY_CHARS);
                        }
                        schema(s, &name, "");
                    }
                }
                if let Some(Value::Object(content)) = operation
                    .get_mut("requestBody")
                    .and_then(|b| b.get_mut("content"))
                {
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            schema(s, "", "");
                        }
                    }
                }
                let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                    continue;
                };
                for (status, response) in responses.iter_mut() {
                    let Some(response) = response.as_object_mut() else {
                        continue;
                    };
                    if let Some(Value::Object(content)) = response.get_mut("content") {
                        for media in content.values_mut() {
                            // A file served: as large as an upload may be.
                            if let Some(s) = media.get_mut("schema") {
                                schema(s, "", "");
                                if s.get("$ref").is_none() && is(s, "string") {
                                    s["maxLength"] = json!(25 * 1024 * 1024);
                                }
                            }
                        }
                    }
                    let headers = response.entry("headers").or_insert_with(|| json!({}));
                    if let Some(headers) = headers.as_object_mut() {
                        for (name, header) in headers.iter_mut() {
                            let name = name.clone();
                            if let Some(s) = header.get_mut("schema") {
                                schema(s, &name, "");
                            }
                        }
                        if path.starts_with("/api/")
                            && (status.starts_with('2') || status.starts_with('4'))
                        {
                            headers.entry("RateLimit-Policy").or_insert_with(|| json!({
                                "description": "The caller's limit: `\"default\";q=<requests>;w=60` (IETF httpapi draft)",
                                "schema": {"type": "string", "maxLength": 100},
                            }));
                            headers.entry("RateLimit").or_insert_with(|| json!({
                                "description": "Where the caller stands: `\"default\";r=<left>;t=<seconds until the window renews>`",
                                "schema": {"type": "string", "maxLength": 100},
                            }));
                        }
                        if status == "429" {
                            headers.entry("Retry-After").or_insert_with(|| json!({
                                "description": "Seconds until another request may succeed",
                                "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 86_400},
                            }));
                        }
                        if headers.is_empty() {
                            response.remove("headers");
                        }
                    }
                }
            }
        }
    }
}

/// utoipa 5 writes a link's fields in snake_case (`operation_id`); OpenAPI spells them in
/// camelCase (`operationId`), and tools ignore links without it.
fn fix_link_keys(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
        for op in item.values_mut() {
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            for response in responses.values_mut() {
                let Some(links) = response.get_mut("links").and_then(|l| l.as_object_mut()) else {
                    continue;
                };
                for link in links.values_mut().filter_map(|l| l.as_object_mut()) {
                    for (from, to) in [
                        ("operation_id", "operationId"),
                        ("operation_ref", "operationRef"),
                        ("request_body", "requestBody"),
                    ] {
                        if let Some(value) = link.remove(from) {
                            link.insert(to.to_owned(), value);
                        }
                    }
                }
            }
        }
    }
}

/// The methods of every documented path, for `Allow` headers.
pub fn allowed_methods() -> crate::http::AllowedMethods {
    let mut doc = ApiDoc::openapi();
    let mut table = std::collections::HashMap::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let methods: Vec<String> = operations(item)
            .into_iter()
            .map(|(m, _)| m.to_owned())
            .collect();
        table.insert(path.clone(), methods.join(", "));
    }
    table.insert("/docs".to_owned(), "GET".to_owned());
    crate::http::AllowedMethods(table)
}

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

/// The policy of the docs page: its own scripts only, no framing. Swagger UI sets
/// styles on elements and draws icons from `data:` URLs, which the policy allows.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
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

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, path::Path};

    /// The component name of every type in `source` that registers one (a
    /// `ToSchema` derive or a `text_enum!`), with its line; generic types register one
    /// name per use (`Page_JobView`) and are left out.
    fn components(source: &str) -> Vec<(String, usize)> {
        let mut found = Vec::new();
        let (mut pending, mut alias, mut derive) = (false, None::<String>, String::new());
        for (number, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[derive(") || !derive.is_empty() {
                derive.push_str(line);
                if line.contains(")]") {
                    pending |= derive.contains("ToSchema") && !derive.contains("$name");
                    derive.clear();
                }
                continue;
            }
            if line.ends_with("text_enum! {") && !line.starts_with("macro_rules!") {
                pending = true;
            }
            if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                alias = Some(rest.trim_end_matches(")]").to_owned());
            }
            let declared = ["pub struct ", "pub enum ", "struct ", "enum "]
                .iter()
                .find_map(|p| line.strip_prefix(p));
            if let (true, Some(rest)) = (pending, declared) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !rest[name.len()..].starts_with('<') {
                    found.push((alias.take().unwrap_or(name), number + 1));
                }
                pending = false;
                alias = None;
            }
        }
        found
    }

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// Two types with one name (say `EventKind` in two modules) register one component:
    /// the last one wins and the document describes the other's fields with it.
    #[test]
    fn no_two_types_register_the_same_component_name() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (file, text) in &files {
            for (name, line) in components(text) {
                by_name
                    .entry(name)
                    .or_default()
                    .push(format!("{file}:{line}"));
            }
        }
        assert!(by_name.len() > 100, "the scan found only {by_name:?}");
        assert!(by_name.contains_key("TimelineKind") && by_name.contains_key("JobView"));
        let twice: Vec<_> = by_name.iter().filter(|(_, at)| at.len() > 1).collect();
        assert!(
            twice.is_empty(),
            "one component name, several types: {twice:#?}"
        );
    }

    #[test]
    fn the_scan_sees_derives_text_enums_and_aliases() {
        let source = "#[derive(Debug,\n ToSchema)]\npub struct A {}\n\
            crate::text_enum! {\n    /// doc\n    pub enum B {\n X => \"x\" }\n}\n\
            #[derive(ToSchema)]\n#[schema(as = Renamed)]\nstruct C;\n\
            #[derive(Debug)]\npub struct NotOne;\n#[derive(ToSchema)]\npub struct Page<T> {}\n";
        let names: Vec<String> = components(source).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["A", "B", "Renamed"]);
    }
}
