//! The web app (SPEC section 6): the files of `web/`, embedded in the binary, served at
//! `/app/`. The app is a client of the public API like any other; nothing here knows a
//! rule of the yard.
//!
//! Every path under `/app/` that is not an asset answers the app's page, so deep links
//! (`/app/jobs/<id>`) work. The page loads its modules from `/app/assets/<fingerprint>/`,
//! where the fingerprint is a hash of all the app's files: those names change whenever a
//! file does, so they are cached for a year, and the page itself is never cached.

use actix_web::{
    HttpRequest, HttpResponse, HttpResponseBuilder,
    http::header::{self, HeaderValue},
    web,
};
use sha2::{Digest, Sha256};

/// The app's files, from `web/` (read from disk in debug builds, embedded in release).
#[derive(rust_embed::Embed)]
#[folder = "web/"]
#[exclude = "*.md"]
struct Files;

/// Where the assets of this build are served.
const ASSETS: &str = "/app/assets";
/// What `index.html` says where the assets' path belongs.
const ASSETS_MARK: &str = "{{assets}}";

/// The policy of every page and asset of the app: nothing from elsewhere, no inline
/// script or style, never framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The app as this build serves it.
pub struct WebApp {
    fingerprint: String,
    page: String,
}

impl WebApp {
    /// Reads the files and fingerprints them.
    pub fn load() -> Self {
        let mut names: Vec<_> = Files::iter().collect();
        names.sort();
        let mut hash = Sha256::new();
        for name in &names {
            if let Some(file) = Files::get(name) {
                hash.update(name.as_bytes());
                hash.update(file.metadata.sha256_hash());
            }
        }
        let fingerprint: String = hash.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let page = Files::get("index.html")
            .map(|f| String::from_utf8_lossy(&f.data).into_owned())
            .unwrap_or_default()
            .replace(ASSETS_MARK, &format!("{ASSETS}/{fingerprint}"));
        Self { fingerprint, page }
    }
}

fn secured(mut reply: HttpResponseBuilder) -> HttpResponseBuilder {
    reply
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    reply
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `GET /app/*`: the app's page, whatever the route (the app reads it).
async fn page(app: web::Data<WebApp>) -> HttpResponse {
    secured(HttpResponse::Ok())
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(app.page.clone())
}

/// `GET /app/assets/{fingerprint}/{path}`: a file of the app. Cached for a year when the
/// fingerprint is this build's; otherwise (a page of an older build) revalidated.
async fn asset(req: HttpRequest, app: web::Data<WebApp>) -> HttpResponse {
    let fingerprint = req.match_info().get("fingerprint").unwrap_or_default();
    let path = req.match_info().get("path").unwrap_or_default();
    let Some(file) = Files::get(path).filter(|_| path != "index.html") else {
        return actix_web::ResponseError::error_response(&crate::error::ApiError::NotFound);
    };
    let caching = if fingerprint == app.fingerprint {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let etag = format!(
        "\"{}\"",
        file.metadata.sha256_hash()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut reply = secured(if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    });
    reply
        .insert_header((header::CACHE_CONTROL, caching))
        .insert_header((header::ETAG, HeaderValue::from_str(&etag).expect("hex")));
    if fresh {
        return reply.finish();
    }
    reply
        .content_type(content_type(path))
        .body(file.data.into_owned())
}

async fn to_app() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/app/"))
        .finish()
}

/// Registers `/`, `/app` and everything under `/app/` (at the root).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::http::resource;
    cfg.service(resource("/").route(web::get().to(to_app)))
        .service(resource("/app").route(web::get().to(to_app)))
        .service(
            resource(&format!("{ASSETS}/{{fingerprint}}/{{path:.+}}")).route(web::get().to(asset)),
        )
        .service(resource("/app/{route:.*}").route(web::get().to(page)));
}
