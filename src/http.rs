//! HTTP plumbing shared by every route: extractor error handlers that answer problem+json,
//! the request log line, and the fallbacks for unknown paths and methods.

use std::time::Instant;

use actix_web::{
    Error, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
    web,
};
use tracing::Instrument;
use uuid::Uuid;

use crate::error::ApiError;

/// Request bodies above this size are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> Error {
    let api = match err {
        JsonPayloadError::Overflow { .. }
        | JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => ApiError::PayloadTooLarge,
        JsonPayloadError::ContentType => ApiError::Malformed(
            "The body must be JSON, sent as Content-Type: application/json.".into(),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::Malformed(describe_serde_error(&e)),
        other => ApiError::Malformed(format!("could not read the body: {other}")),
    };
    api.into()
}

/// serde's message without the line/column noise when the body is a single line.
fn describe_serde_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("The body is not valid JSON: {text}")
        }
        _ => format!("The body does not match the expected shape: {text}"),
    }
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> Error {
    ApiError::Malformed(format!("Invalid query string: {err}")).into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> Error {
    ApiError::Malformed(format!("Invalid path parameter: {err}")).into()
}

/// Registers the extractor configurations on an app or scope.
pub fn configure_extractors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(MAX_BODY_BYTES)
            .error_handler(json_error),
    )
    .app_data(web::QueryConfig::default().error_handler(query_error))
    .app_data(web::PathConfig::default().error_handler(path_error));
}

/// A JSON request body that must be an object. serde would also read a struct from a
/// JSON array (`[null, null]`), which no client means; this extractor refuses that, and
/// otherwise behaves like `web::Json` (64 KiB limit, problem+json errors).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// How long a request body may take to arrive (`SLIPWAY_BODY_TIMEOUT_SECS`); a body that
/// trickles in for longer is cut off with 408. For an upload, the longest pause between
/// two parts of it.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

impl Default for BodyTimeout {
    fn default() -> Self {
        Self(std::time::Duration::from_secs(30))
    }
}

impl BodyTimeout {
    /// The configured timeout of the app serving `req`.
    pub fn of(req: &HttpRequest) -> std::time::Duration {
        req.app_data::<web::Data<BodyTimeout>>()
            .map_or_else(|| Self::default().0, |t| t.0)
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Json<T> {
    type Error = Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<UniqueKeys>::from_request(req, payload);
        let limit = BodyTimeout::of(req);
        Box::pin(async move {
            let value = tokio::time::timeout(limit, value)
                .await
                .map_err(|_| ApiError::RequestTimeout)??
                .into_inner()
                .0;
            if !value.is_object() {
                return Err(
                    ApiError::Malformed("The body must be a JSON object.".to_owned()).into(),
                );
            }
            if contains_nul(&value) {
                return Err(ApiError::Malformed(NUL_REFUSED.to_owned()).into());
            }
            let mut out_of_range = Vec::new();
            dates_out_of_range(&value, "", &mut out_of_range);
            if !out_of_range.is_empty() {
                return Err(ApiError::Validation(out_of_range).into());
            }
            serde_json::from_value(value).map(Json).map_err(|e| {
                ApiError::Malformed(format!("The body does not match the expected shape: {e}"))
                    .into()
            })
        })
    }
}

const NUL_REFUSED: &str = "Text may not contain the NUL character (U+0000).";

/// A JSON value read with every object's keys checked: a key given twice is refused (the
/// sender meant one of the two, and no reader should guess which; serde_json alone keeps
/// the last).
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UniqueKeysVisitor)
            .map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(items.into())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` is given twice"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(object.into())
    }
}

/// The longest value a query parameter may have: filters, search texts and cursors are
/// short; a longer value is refused (422) before any handler reads it.
pub const MAX_QUERY_VALUE_CHARS: usize = 1000;

/// The years a date or time of the yard may fall in: a repair job, a booking or a shift
/// outside them is a typing error, and PostgreSQL could not store every year chrono reads.
pub const YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// The year of a string that reads as a date (`2026-12-01`) or an instant
/// (`2026-12-01T08:00:00Z`), extended years (`+20260-...`) included, if it is one.
fn year_of(text: &str) -> Option<i64> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => (1, text),
    };
    let (year, tail) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let month_day = tail.get(..5)?;
    let after = &tail[5..];
    let is_date = year.len() >= 4
        && digits(year)
        && digits(&month_day[..2])
        && month_day.as_bytes()[2] == b'-'
        && digits(&month_day[3..])
        && (after.is_empty() || after.starts_with(['T', 't', ' ']));
    is_date.then(|| sign * year.parse::<i64>().unwrap_or(i64::MAX))
}

/// The fields of a JSON body holding a date or instant outside [`YEARS`].
fn dates_out_of_range(
    value: &serde_json::Value,
    path: &str,
    found: &mut Vec<crate::error::FieldError>,
) {
    match value {
        serde_json::Value::String(s) if year_of(s).is_some_and(|y| !YEARS.contains(&y)) => {
            found.push(crate::error::FieldError::new(
                path,
                format!(
                    "must fall between the years {} and {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                dates_out_of_range(v, &path, found);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                dates_out_of_range(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// Whether any string (or key) in a JSON value holds a NUL character, which PostgreSQL
/// text cannot store.
fn contains_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(contains_nul),
        serde_json::Value::Object(map) => {
            map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v))
        }
        _ => false,
    }
}

/// What is wrong with a query string before any handler reads it: a NUL character (`%00`,
/// which PostgreSQL text cannot hold and no filter means), a value that is not UTF-8 once
/// decoded (400), or a date or instant outside [`YEARS`] (422).
fn query_problem(query: &str) -> Option<ApiError> {
    if query.contains('\0') || query.to_ascii_lowercase().contains("%00") {
        return Some(ApiError::Malformed(NUL_REFUSED.to_owned()));
    }
    let mut out_of_range = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| String::from_utf8(percent_decoded(&text.replace('+', " "))).ok();
        let Some(name) = decode(name) else {
            return Some(ApiError::Malformed(
                "The query string is not UTF-8 text once decoded.".into(),
            ));
        };
        let Some(value) = decode(value) else {
            return Some(ApiError::Malformed(format!(
                "The query parameter `{name}` is not UTF-8 text once decoded."
            )));
        };
        if value.chars().count() > MAX_QUERY_VALUE_CHARS {
            out_of_range.push(crate::error::FieldError::new(
                name,
                format!("must be at most {MAX_QUERY_VALUE_CHARS} characters"),
            ));
        } else if year_of(&value).is_some_and(|y| !YEARS.contains(&y)) {
            out_of_range.push(crate::error::FieldError::new(
                name,
                format!(
                    "must fall between the years {} and {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
    }
    (!out_of_range.is_empty()).then_some(ApiError::Validation(out_of_range))
}

/// The bytes `%XX` sequences stand for (others kept as they are).
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Refuses a bad query string (see [`query_problem`]) before any handler sees it.
pub async fn refuse_nul_in_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    if let Some(problem) = query_problem(req.query_string()) {
        let response = actix_web::ResponseError::error_response(&problem);
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The balancers in front of the service (`SLIPWAY_TRUSTED_PROXIES`): only their
/// `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR blocks.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{s} is neither an address nor a CIDR block"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, address: std::net::IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address: the peer's, or, when the peer is a trusted balancer, the
    /// last hop of `X-Forwarded-For` that is not one of them. A client cannot pick its
    /// address by sending the header itself: it is read only from a trusted peer.
    pub fn client_address(&self, req: &HttpRequest) -> Option<std::net::IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<std::net::IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|hop| !self.trusts(*hop))
                .unwrap_or(peer),
        )
    }
}

/// The longest a request may run before it is answered 503 (see
/// [`crate::db::Timeouts::request_deadline`]): past it, the database is not answering at
/// all, and the caller should hear so rather than wait.
#[derive(Debug, Clone, Copy)]
pub struct RequestDeadline(pub std::time::Duration);

/// Answers 503 `unavailable` for a request still running at its deadline. Uploads are
/// left to their body timeout: a large photo over a weak network may take a while.
pub async fn bound_request_time(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let deadline = req
        .app_data::<web::Data<RequestDeadline>>()
        .map(|d| d.0)
        .filter(|_| {
            !(req.method() == actix_web::http::Method::POST && req.path().ends_with("/attachments"))
        });
    let Some(deadline) = deadline else {
        return next.call(req).await;
    };
    match tokio::time::timeout(deadline, next.call(req)).await {
        Ok(answer) => answer,
        Err(_) => {
            tracing::warn!(
                deadline_ms = deadline.as_millis(),
                "request ran past its deadline"
            );
            // Rendered as the 503 problem by actix (the request is routed by now, so it
            // cannot be borrowed back to build the response here).
            Err(ApiError::Unavailable.into())
        }
    }
}

/// 404 problem for a path no route serves.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// The methods each route pattern serves, for the `Allow` header of a 405. Built once from
/// the OpenAPI document, which lists every route.
#[derive(Debug, Default)]
pub struct AllowedMethods(pub std::collections::HashMap<String, String>);

/// 405 problem, with `Allow`, for a method a route does not serve.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let allowed = req
        .match_pattern()
        .and_then(|pattern| {
            req.app_data::<web::Data<AllowedMethods>>()?
                .0
                .get(&pattern)
                .cloned()
        })
        .unwrap_or_else(|| "GET".to_owned());
    let mut response = actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// One log line per request: request id, method, path, status and latency. The query
/// string and headers are left out, so no credential can reach the log.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = Uuid::new_v4();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let metrics = req
        .app_data::<web::Data<crate::metrics::Metrics>>()
        .cloned();
    let started = Instant::now();
    let span = tracing::info_span!("request", %request_id);
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    let record = |route: Option<String>, status: u16| {
        if let Some(metrics) = &metrics {
            let route = route.unwrap_or_else(|| "unmatched".to_owned());
            metrics.record(&route, method.as_str(), status, latency_ms / 1000.0);
        }
    };
    match result {
        Ok(mut res) => {
            record(res.request().match_pattern(), res.status().as_u16());
            tracing::info!(%method, %path, status = res.status().as_u16(), latency_ms, "request");
            if let Ok(value) = HeaderValue::from_str(&request_id.to_string()) {
                res.headers_mut().insert(REQUEST_ID.clone(), value);
            }
            Ok(res)
        }
        Err(err) => {
            let status = err.as_response_error().status_code().as_u16();
            // A middleware's error (the deadline) carries no request to ask for its route.
            record(None, status);
            tracing::info!(%method, %path, status, latency_ms, "request");
            Err(err)
        }
    }
}

/// The JSON `201 Created` answer.
pub fn created<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Created().json(body)
}

/// 200 with a JSON body already written (a kept page).
pub fn json_body(body: actix_web::web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// A route resource whose unsupported methods answer a 405 problem.
pub fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// For PATCH bodies: a field that is present (even as `null`) deserialises to `Some`, an
/// absent one (with `#[serde(default)]`) stays `None`. So `null` can clear a value.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

/// The `If-Match` header of a request, for optimistic concurrency on versioned resources.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// 412 unless the header is absent, `*`, or lists `"<version>"` (weak tags count).
    pub fn check(&self, version: i32) -> Result<(), ApiError> {
        let Some(header) = &self.0 else { return Ok(()) };
        let wanted = version.to_string();
        let matches = header.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*" || tag.trim_matches('"') == wanted
        });
        if matches {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed)
        }
    }
}

impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let value = req
            .headers()
            .get(actix_web::http::header::IF_MATCH)
            .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
        std::future::ready(Ok(Self(value)))
    }
}

/// The `ETag` header for a version.
pub fn etag(version: i32) -> (actix_web::http::header::HeaderName, String) {
    (actix_web::http::header::ETAG, format!("\"{version}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_refused_for_nul_bad_utf8_and_years_out_of_range() {
        assert!(query_problem("q=Hellas%20Trader&limit=5").is_none());
        assert!(query_problem("from=2026-12-01T00:00:00Z&to=2027-02-01T00:00:00Z").is_none());
        assert!(matches!(
            query_problem("q=%00"),
            Some(ApiError::Malformed(_))
        ));
        assert!(matches!(
            query_problem("q=%C3%28"),
            Some(ApiError::Malformed(_))
        ));
        assert!(matches!(
            query_problem("q=%FF"),
            Some(ApiError::Malformed(_))
        ));
        assert!(matches!(
            query_problem("date=3000-01-01"),
            Some(ApiError::Validation(e)) if e[0].field == "date"
        ));
        assert!(matches!(
            query_problem("from=1899-12-31T23:59:59Z"),
            Some(ApiError::Validation(_))
        ));
        // A plain number or a word is no date.
        assert!(query_problem("q=3000&limit=50").is_none());
    }

    #[test]
    fn body_dates_out_of_range_are_named_by_their_field() {
        let body = serde_json::json!({"starts_at": "2026-03-01T08:00:00Z", "ends_at": "9999-03-01T08:00:00Z",
            "notes": "see 1850-01-01", "nested": {"on": "1801-05-05"}});
        let mut found = Vec::new();
        dates_out_of_range(&body, "", &mut found);
        let fields: Vec<&str> = found.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ends_at", "nested.on"]);
    }
}
