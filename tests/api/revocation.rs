//! Revocation at once, on every instance: deactivating a user, a new password and "sign
//! out everywhere" refuse every access token issued before them, within a second, on a
//! second instance of the service too (which hears of it through PostgreSQL's NOTIFY,
//! without reading the database per request); a token naming no user is refused.

use std::time::{Duration, Instant};

use crate::common::{JWT_SECRET, PASSWORD, Session, TestApp};
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;
use slipway::auth::Role;
use uuid::Uuid;

/// Waits until `app` refuses `token` (at most a second), and says how long it took.
async fn refused_within_a_second(app: &TestApp, token: &str) -> Duration {
    let started = Instant::now();
    loop {
        let reply = app.get("/api/v1/jobs", token).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            assert_eq!(reply.problem_type(), "/problems/unauthorized");
            return started.elapsed();
        }
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "still accepted after a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn both_accept(a: &TestApp, b: &TestApp, session: &Session) {
    a.get("/api/v1/jobs", &session.token).await.expect(200);
    b.get("/api/v1/jobs", &session.token).await.expect(200);
}

#[tokio::test]
async fn a_deactivated_users_tokens_are_refused_at_once_on_another_instance() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let manager = a.manager().await;
    let technician = a.technician().await;
    both_accept(&a, &b, &technician).await;
    a.patch(
        &format!("/api/v1/users/{}", technician.user_id),
        &manager.token,
        json!({"active": false}),
    )
    .await
    .expect(200);
    refused_within_a_second(&b, &technician.token).await;
    refused_within_a_second(&a, &technician.token).await;
    // Active again: the old token stays refused; a new login works.
    a.patch(
        &format!("/api/v1/users/{}", technician.user_id),
        &manager.token,
        json!({"active": true}),
    )
    .await
    .expect(200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    b.get("/api/v1/jobs", &technician.token)
        .await
        .expect_problem(401, "unauthorized");
    let again = b.login(&technician.email, PASSWORD).await.expect(200);
    let token = again.body["access_token"].as_str().unwrap();
    a.get("/api/v1/jobs", token).await.expect(200);
    b.get("/api/v1/jobs", token).await.expect(200);
}

#[tokio::test]
async fn a_new_password_refuses_the_old_tokens_everywhere() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let client_org = {
        let manager = a.manager().await;
        a.organization(&manager, "Piraeus Bulk", "GR").await
    };
    let client = a.client(client_org).await;
    let other_device = a.login(&client.email, PASSWORD).await.expect(200);
    let other_token = other_device.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    both_accept(&a, &b, &client).await;
    b.post(
        "/api/v1/me/password",
        &client.token,
        json!({"current_password": PASSWORD, "new_password": "a-new-and-longer-passphrase"}),
    )
    .await
    .expect(204);
    let took = refused_within_a_second(&a, &other_token).await;
    eprintln!(
        "the other instance refused the old token after {} ms",
        took.as_millis()
    );
    refused_within_a_second(&b, &client.token).await;
    let fresh = a
        .login(&client.email, "a-new-and-longer-passphrase")
        .await
        .expect(200);
    b.get("/api/v1/jobs", fresh.body["access_token"].as_str().unwrap())
        .await
        .expect(200);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_and_token() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let manager = a.manager().await;
    let phone = a.technician().await;
    both_accept(&a, &b, &phone).await;
    b.request(
        Method::POST,
        "/api/v1/me/sessions/revoke",
        Some(&phone.token),
        None,
    )
    .await
    .expect(204);
    refused_within_a_second(&a, &phone.token).await;
    // The refresh token of that session is spent too.
    a.request(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": phone.refresh})),
    )
    .await
    .expect_problem(401, "unauthorized");
    a.login(&phone.email, PASSWORD).await.expect(200);

    // A manager does the same for anyone; others may not; no such user is 404.
    let victim = a.technician().await;
    let stranger = a.technician().await;
    let path = format!("/api/v1/users/{}/sessions/revoke", victim.user_id);
    a.request(Method::POST, &path, Some(&stranger.token), None)
        .await
        .expect_problem(403, "forbidden");
    both_accept(&a, &b, &victim).await;
    a.request(Method::POST, &path, Some(&manager.token), None)
        .await
        .expect(204);
    refused_within_a_second(&b, &victim.token).await;
    a.request(
        Method::POST,
        &format!("/api/v1/users/{}/sessions/revoke", Uuid::new_v4()),
        Some(&manager.token),
        None,
    )
    .await
    .expect_problem(404, "not-found");
    // The manager's own token is untouched.
    b.get("/api/v1/jobs", &manager.token).await.expect(200);
}

#[tokio::test]
async fn a_token_naming_no_user_is_refused_everywhere() {
    let app = TestApp::spawn().await;
    let now = Utc::now().timestamp();
    let claims = json!({
        "sub": Uuid::new_v4(), "role": "manager", "org": null, "iat": now, "exp": now + 600,
        "iss": "slipway", "aud": "slipway-api", "jti": Uuid::new_v4(),
    });
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET),
    )
    .unwrap();
    for path in ["/api/v1/jobs", "/api/v1/users", "/api/v1/reports/backlog"] {
        app.get(path, &token)
            .await
            .expect_problem(401, "unauthorized");
    }
    // A user deleted past the API, likewise.
    let (id, email) = app.insert_user(Role::Technician, None).await;
    let login = app.login(&email, PASSWORD).await.expect(200);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    app.get("/api/v1/jobs", &token).await.expect(200);
    app.execute_sql("DELETE FROM refresh_tokens WHERE user_id = $1", id)
        .await;
    app.execute_sql("DELETE FROM users WHERE id = $1", id).await;
    refused_within_a_second(&app, &token).await;
}

#[tokio::test]
async fn signing_out_refuses_that_sign_ins_access_tokens_at_once_on_every_instance() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let manager = a.manager().await;
    let org = a
        .organization(&manager, "Piraeus Ship Management", "GR")
        .await;
    let (_, email) = a.insert_user(Role::Client, Some(org)).await;
    let laptop_reply = a.login(&email, PASSWORD).await.expect(200);
    let phone_reply = b.login(&email, PASSWORD).await.expect(200);
    let token = |r: &crate::common::Reply, key: &str| r.body[key].as_str().unwrap().to_owned();
    let (laptop, laptop_refresh) = (
        token(&laptop_reply, "access_token"),
        token(&laptop_reply, "refresh_token"),
    );
    let phone = token(&phone_reply, "access_token");
    for token in [&laptop, &phone] {
        a.get("/api/v1/jobs", token).await.expect(200);
        b.get("/api/v1/jobs", token).await.expect(200);
    }
    // The laptop signs out: its access token dies with its refresh token, everywhere.
    a.request(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": laptop_refresh})),
    )
    .await
    .expect(204);
    refused_within_a_second(&b, &laptop).await;
    refused_within_a_second(&a, &laptop).await;
    // The phone's sign-in is another: it goes on.
    a.get("/api/v1/jobs", &phone).await.expect(200);
    b.get("/api/v1/jobs", &phone).await.expect(200);
}

#[tokio::test]
async fn a_browser_sign_out_refuses_the_pages_access_token_at_once() {
    let a = TestApp::spawn().await;
    let b = a.second_instance().await;
    let (_, email) = a.insert_user(Role::Manager, None).await;
    let session =
        |method: Method, path: &str, cookie: Option<&str>, body: Option<serde_json::Value>| {
            let mut req = a
                .http
                .request(method, format!("{}{path}", a.address))
                .header("x-slipway-session", "1")
                .header(reqwest::header::ORIGIN, a.address.clone());
            if let Some(cookie) = cookie {
                req = req.header(reqwest::header::COOKIE, format!("slipway_session={cookie}"));
            }
            if let Some(body) = body {
                req = req.json(&body);
            }
            req.send()
        };
    let signed_in = session(
        Method::POST,
        "/api/v1/auth/session",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await
    .unwrap();
    let cookie = signed_in
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("slipway_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let body: serde_json::Value = signed_in.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    b.get("/api/v1/me", &token).await.expect(200);
    let out = session(Method::DELETE, "/api/v1/auth/session", Some(&cookie), None)
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    refused_within_a_second(&b, &token).await;
}
