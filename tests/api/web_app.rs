//! The web app as the binary serves it (SPEC section 6): `/` leads to `/app/`, every route
//! under `/app/` is the app's page (deep links), assets are fingerprinted and cached, and
//! every answer carries the security headers. What the app does is tested in a browser
//! (`e2e/`).

use crate::common::TestApp;
use reqwest::{StatusCode, header};

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("request sent")
}

fn assert_secured(response: &reqwest::Response) {
    let headers = response.headers();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
}

/// The fingerprinted asset paths the page names.
fn asset_paths(page: &str) -> Vec<String> {
    page.split(['"', '\''])
        .filter(|s| s.starts_with("/app/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_root_redirects_to_the_app() {
    let app = TestApp::spawn_without_database().await;
    for path in ["/", "/app"] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(response.headers()[header::LOCATION], "/app/");
    }
}

#[tokio::test]
async fn every_route_under_app_serves_the_page_with_its_security_headers() {
    let app = TestApp::spawn_without_database().await;
    let mut pages = Vec::new();
    for path in [
        "/app/",
        "/app/login",
        "/app/board",
        "/app/jobs/3f0e9d3c-0000-4000-8000-000000000000",
        "/app/my-work",
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_secured(&response);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let body = response.text().await.unwrap();
        assert!(!body.contains("{{assets}}"), "placeholder left in the page");
        assert!(
            !body.contains("<script>") && !body.contains("<style"),
            "inline script or style: {body}"
        );
        pages.push(body);
    }
    assert!(
        pages.windows(2).all(|w| w[0] == w[1]),
        "one page for every route"
    );
}

#[tokio::test]
async fn assets_are_fingerprinted_and_cached_for_a_year() {
    let app = TestApp::spawn_without_database().await;
    let page = get(&app, "/app/").await.text().await.unwrap();
    let assets = asset_paths(&page);
    assert!(assets.iter().any(|a| a.ends_with("/main.js")), "{assets:?}");
    for asset in &assets {
        let response = get(&app, asset).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert_secured(&response);
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
        if asset.ends_with(".js") {
            assert!(
                content_type.starts_with("text/javascript"),
                "{content_type}"
            );
        }
        if asset.ends_with(".css") {
            assert!(content_type.starts_with("text/css"), "{content_type}");
        }
    }
    // A module the page imports (not named in the page itself) is under the same
    // fingerprint; under another one it is served, but not kept.
    let main = assets.iter().find(|a| a.ends_with("/main.js")).unwrap();
    let api = main.replace("/main.js", "/api.js");
    assert_eq!(get(&app, &api).await.status(), StatusCode::OK);
    let stale = get(&app, "/app/assets/000000000000/api.js").await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.headers()[header::CACHE_CONTROL], "no-cache");
    let missing = get(&app, &main.replace("/main.js", "/no-such-file.js")).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_still_answers_problems_for_unknown_paths() {
    let app = TestApp::spawn_without_database().await;
    let response = get(&app, "/api/v1/nothing-here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
