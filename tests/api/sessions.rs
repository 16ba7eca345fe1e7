//! Browser sessions (SPEC section 4): the refresh token in an HttpOnly cookie scoped to the
//! session endpoints, rotated like any refresh token, refused across origins and without
//! the CSRF header; and `GET /yard`.

use crate::common::{PASSWORD, Reply, TestApp};
use reqwest::{Method, header};
use serde_json::{Value, json};

/// A request to a session endpoint as the web app sends it: the CSRF header, the page's
/// own origin, and the cookie if there is one.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = app
        .http
        .request(method, format!("{}{path}", app.address))
        .header("x-slipway-session", "1")
        .header(header::ORIGIN, app.address.clone());
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, format!("slipway_session={cookie}"));
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    TestApp::read(req.send().await.expect("request sent")).await
}

/// The `slipway_session` Set-Cookie header of an answer.
fn set_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("slipway_session="))
        .expect("a slipway_session cookie")
        .to_owned()
}

/// The cookie's value.
fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("name=value")
}

async fn sign_in(app: &TestApp, email: &str) -> (Reply, String) {
    let reply = send(
        app,
        Method::POST,
        "/api/v1/auth/session",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await
    .expect(200);
    let cookie = cookie_value(&set_cookie(&reply));
    (reply, cookie)
}

#[tokio::test]
async fn signing_in_sets_an_http_only_strict_cookie_and_keeps_the_refresh_token_out_of_the_body() {
    let app = TestApp::spawn().await;
    let (user_id, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (reply, cookie) = sign_in(&app, &email).await;
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["user"]["id"], user_id.to_string());
    assert!(reply.body.get("refresh_token").is_none(), "{}", reply.body);
    assert_eq!(reply.headers["cache-control"], "no-store");
    let attributes = set_cookie(&reply);
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/v1/auth/session",
        "Secure",
    ] {
        assert!(
            attributes.contains(attribute),
            "{attribute} missing: {attributes}"
        );
    }
    assert!(cookie.len() >= 43, "a 256-bit token: {cookie}");
    // The access token works on the API.
    let token = reply.body["access_token"].as_str().unwrap();
    app.get("/api/v1/me", token).await.expect(200);
}

#[tokio::test]
async fn the_cookie_is_not_marked_secure_when_configured_off() {
    let app = TestApp::spawn_with(|state| {
        state.with_sessions(slipway::auth::session::SessionPolicy::new(false, None))
    })
    .await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (reply, _) = sign_in(&app, &email).await;
    assert!(
        !set_cookie(&reply).contains("Secure"),
        "{}",
        set_cookie(&reply)
    );
}

#[tokio::test]
async fn refreshing_rotates_the_cookie_and_a_reused_cookie_ends_the_session() {
    // A second of grace for a cookie just renewed (a reload cutting off the renewal).
    let app = TestApp::spawn_with(|state| {
        state.with_sessions(
            slipway::auth::session::SessionPolicy::default()
                .with_renewal_grace(std::time::Duration::from_secs(1)),
        )
    })
    .await;
    let (user_id, email) = app.insert_user(slipway::auth::Role::Technician, None).await;
    let (_, first) = sign_in(&app, &email).await;
    let renewed = send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&first),
        None,
    )
    .await
    .expect(200);
    assert_eq!(renewed.body["user"]["id"], user_id.to_string());
    assert!(renewed.body.get("refresh_token").is_none());
    assert_eq!(renewed.headers["cache-control"], "no-store");
    let second = cookie_value(&set_cookie(&renewed));
    assert_ne!(first, second);
    let token = renewed.body["access_token"].as_str().unwrap();
    app.get("/api/v1/me", token).await.expect(200);
    // At once, the spent cookie renews again: the browser never got its successor.
    let again = send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&first),
        None,
    )
    .await
    .expect(200);
    let third = cookie_value(&set_cookie(&again));
    assert!(third != first && third != second);
    // Past the grace, the spent cookie is a replay: refused, and the whole family with it.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&first),
        None,
    )
    .await
    .expect_problem(401, "unauthorized");
    for cookie in [&second, &third] {
        send(
            &app,
            Method::POST,
            "/api/v1/auth/session/refresh",
            Some(cookie),
            None,
        )
        .await
        .expect_problem(401, "unauthorized");
    }
}

#[tokio::test]
async fn a_spent_cookie_renews_once_in_its_grace_and_a_second_replay_ends_the_session() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(slipway::auth::Role::Technician, None).await;
    let (_, first) = sign_in(&app, &email).await;
    let refresh = |cookie: String| {
        let app = &app;
        async move {
            send(
                app,
                Method::POST,
                "/api/v1/auth/session/refresh",
                Some(&cookie),
                None,
            )
            .await
        }
    };
    let second = cookie_value(&set_cookie(&refresh(first.clone()).await.expect(200)));
    // A reload cut off the renewal: the spent cookie renews once more...
    let third = cookie_value(&set_cookie(&refresh(first.clone()).await.expect(200)));
    // ...and only once: a second replay within the grace is a reuse, and ends the session.
    refresh(first.clone())
        .await
        .expect_problem(401, "unauthorized");
    for cookie in [second, third] {
        refresh(cookie).await.expect_problem(401, "unauthorized");
    }
}

#[tokio::test]
async fn a_spent_refresh_token_gets_no_grace_outside_the_browser() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let login = app.login(&email, crate::common::PASSWORD).await.expect(200);
    let spent = login.body["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |token: String| {
        app.request(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": token})),
        )
    };
    let next = refresh(spent.clone()).await.expect(200);
    refresh(spent).await.expect_problem(401, "unauthorized");
    refresh(next.body["refresh_token"].as_str().unwrap().to_owned())
        .await
        .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn the_session_cookie_is_a_refresh_token_of_the_same_families() {
    let app = TestApp::spawn_with(|state| {
        state.with_sessions(
            slipway::auth::session::SessionPolicy::default()
                .with_renewal_grace(std::time::Duration::ZERO),
        )
    })
    .await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (_, cookie) = sign_in(&app, &email).await;
    // Presented to the token endpoint, it rotates like any refresh token...
    app.request(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": cookie})),
    )
    .await
    .expect(200);
    // ...so the cookie is spent, and presenting it again revokes the family.
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&cookie),
        None,
    )
    .await
    .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn signing_out_revokes_the_session_and_clears_the_cookie() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (_, cookie) = sign_in(&app, &email).await;
    let out = send(
        &app,
        Method::DELETE,
        "/api/v1/auth/session",
        Some(&cookie),
        None,
    )
    .await
    .expect(204);
    let cleared = set_cookie(&out);
    assert!(cleared.starts_with("slipway_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(cleared.contains("Path=/api/v1/auth/session"), "{cleared}");
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&cookie),
        None,
    )
    .await
    .expect_problem(401, "unauthorized");
    // Without a session it is still 204.
    send(&app, Method::DELETE, "/api/v1/auth/session", None, None)
        .await
        .expect(204);
}

#[tokio::test]
async fn cookie_requests_from_another_origin_or_without_the_csrf_header_are_refused() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (_, cookie) = sign_in(&app, &email).await;
    for (method, path) in [
        (Method::POST, "/api/v1/auth/session/refresh"),
        (Method::DELETE, "/api/v1/auth/session"),
    ] {
        let url = format!("{}{path}", app.address);
        let cookie_header = format!("slipway_session={cookie}");
        let foreign = app
            .http
            .request(method.clone(), &url)
            .header("x-slipway-session", "1")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::COOKIE, &cookie_header)
            .send()
            .await
            .unwrap();
        TestApp::read(foreign)
            .await
            .expect_problem(403, "forbidden");
        // The same host under another scheme is another origin.
        let other_scheme = app
            .http
            .request(method.clone(), &url)
            .header("x-slipway-session", "1")
            .header(header::ORIGIN, app.address.replace("http://", "https://"))
            .header(header::COOKIE, &cookie_header)
            .send()
            .await
            .unwrap();
        TestApp::read(other_scheme)
            .await
            .expect_problem(403, "forbidden");
        let no_header = app
            .http
            .request(method.clone(), &url)
            .header(header::COOKIE, &cookie_header)
            .send()
            .await
            .unwrap();
        TestApp::read(no_header)
            .await
            .expect_problem(403, "forbidden");
        let wrong_value = app
            .http
            .request(method, &url)
            .header("x-slipway-session", "yes")
            .header(header::COOKIE, &cookie_header)
            .send()
            .await
            .unwrap();
        TestApp::read(wrong_value)
            .await
            .expect_problem(403, "forbidden");
    }
    // Nothing was revoked by the refused requests: the session still renews.
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&cookie),
        None,
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn with_a_public_url_only_its_origin_is_accepted() {
    let app = TestApp::spawn_with(|state| {
        state.with_sessions(slipway::auth::session::SessionPolicy::new(
            true,
            Some("https://slipway.yard.example/"),
        ))
    })
    .await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    let (_, cookie) = sign_in(&app, &email).await;
    let url = format!("{}/api/v1/auth/session/refresh", app.address);
    let attempt = |origin: &'static str| {
        app.http
            .post(&url)
            .header("x-slipway-session", "1")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, format!("slipway_session={cookie}"))
            .send()
    };
    // The page's own host is not enough once a public URL is set.
    TestApp::read(attempt("http://127.0.0.1").await.unwrap())
        .await
        .expect_problem(403, "forbidden");
    TestApp::read(attempt("https://slipway.yard.example").await.unwrap())
        .await
        .expect(200);
}

#[tokio::test]
async fn session_sign_in_is_throttled_with_login() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(slipway::auth::Role::Manager, None).await;
    for _ in 0..3 {
        app.login(&email, "wrong-password-1").await.expect(401);
    }
    for _ in 0..2 {
        send(
            &app,
            Method::POST,
            "/api/v1/auth/session",
            None,
            Some(json!({"email": email, "password": "wrong-password-2"})),
        )
        .await
        .expect_problem(401, "unauthorized");
    }
    let throttled = send(
        &app,
        Method::POST,
        "/api/v1/auth/session",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await
    .expect_problem(429, "too-many-requests");
    assert!(throttled.headers.contains_key("retry-after"));
    assert!(!throttled.headers.contains_key(header::SET_COOKIE));
}

#[tokio::test]
async fn a_refresh_without_a_cookie_is_unauthorized() {
    let app = TestApp::spawn().await;
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        None,
        None,
    )
    .await
    .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_deactivated_user_cannot_renew_a_session() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let (user_id, email) = app.insert_user(slipway::auth::Role::Technician, None).await;
    let (_, cookie) = sign_in(&app, &email).await;
    app.patch(
        &format!("/api/v1/users/{user_id}"),
        &manager.token,
        json!({"active": false}),
    )
    .await
    .expect(200);
    send(
        &app,
        Method::POST,
        "/api/v1/auth/session/refresh",
        Some(&cookie),
        None,
    )
    .await
    .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn every_signed_in_user_reads_the_yard() {
    let app = TestApp::spawn_with(|mut state| {
        state.yard = actix_web::web::Data::new(slipway::yard::Yard {
            name: "Weihai Yard".to_owned(),
            tz: chrono_tz::Europe::Athens,
            currency: "EUR".to_owned(),
        });
        state
    })
    .await;
    let technician = app.technician().await;
    let yard = app.get("/api/v1/yard", &technician.token).await.expect(200);
    assert_eq!(
        yard.body,
        json!({"name": "Weihai Yard", "time_zone": "Europe/Athens", "currency": "EUR"})
    );
    app.request(Method::GET, "/api/v1/yard", None, None)
        .await
        .expect_problem(401, "unauthorized");
}
