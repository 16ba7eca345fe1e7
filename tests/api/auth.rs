//! Authentication over HTTP: login, throttling, token checks, refresh rotation, logout,
//! `/me` and password changes.

use crate::common::{JWT_SECRET, PASSWORD, TestApp};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};
use slipway::auth::Role;
use uuid::Uuid;

/// Claims as a well-formed token of ours would carry them.
fn good_claims(user: Uuid) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "sub": user, "role": "manager", "org": null, "iat": now, "exp": now + 600,
        "iss": "slipway", "aud": "slipway-api", "jti": Uuid::new_v4(),
    })
}

fn sign(alg: Algorithm, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret))
        .expect("sign")
}

async fn me(app: &TestApp, token: &str) -> crate::common::Reply {
    app.get("/api/v1/me", token).await
}

async fn refresh(app: &TestApp, token: &str) -> crate::common::Reply {
    app.request(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(json!({"refresh_token": token})),
    )
    .await
}

#[tokio::test]
async fn login_returns_a_token_pair_and_the_user() {
    let app = TestApp::spawn().await;
    let (id, email) = app.insert_user(Role::Manager, None).await;
    let reply = app.login(&email.to_uppercase(), PASSWORD).await.expect(200);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(reply.body["user"]["id"], id.to_string());
    assert_eq!(reply.body["user"]["role"], "manager");
    assert!(reply.body["user"].get("password_hash").is_none());
    assert!(reply.body["refresh_token"].as_str().unwrap().len() >= 43);
    let token = reply.body["access_token"].as_str().unwrap();
    me(&app, token).await.expect(200);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_identical_401_bodies() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Technician, None).await;
    let wrong_password = app
        .login(&email, "not-the-password")
        .await
        .expect_problem(401, "unauthorized");
    let unknown = app
        .login("nobody@nowhere.example", PASSWORD)
        .await
        .expect_problem(401, "unauthorized");
    assert_eq!(wrong_password.body, unknown.body);
    assert_eq!(
        wrong_password.headers.get("www-authenticate"),
        unknown.headers.get("www-authenticate")
    );
}

#[tokio::test]
async fn the_sixth_failed_login_in_15_minutes_is_throttled_with_retry_after() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    for _ in 0..5 {
        app.login(&email, "wrong-password-guess")
            .await
            .expect_problem(401, "unauthorized");
    }
    // Even the right password is refused while the email is throttled.
    let throttled = app
        .login(&email, PASSWORD)
        .await
        .expect_problem(429, "too-many-requests");
    let retry: u64 = throttled.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    // Throttling is per email: another account is unaffected.
    let (_, other) = app.insert_user(Role::Manager, None).await;
    app.login(&other, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn failures_older_than_the_window_do_not_count() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    for _ in 0..5 {
        app.login(&email, "wrong-password-guess").await.expect(401);
    }
    let mut conn = app.db.get().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE login_failures SET failed_at = failed_at - interval '16 minutes'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    app.login(&email, PASSWORD).await.expect(200);
}

#[tokio::test]
async fn concurrent_guesses_cannot_exceed_the_limit() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    let guesses = (0..12).map(|i| {
        let app = &app;
        let email = email.clone();
        async move {
            app.login(&email, &format!("wrong-guess-{i}"))
                .await
                .status
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_token_crafted_with_the_right_secret_and_claims_is_accepted() {
    // The control for the refusals below: the crafting itself is right.
    let app = TestApp::spawn().await;
    let (id, _) = app.insert_user(Role::Manager, None).await;
    let token = sign(Algorithm::HS256, &good_claims(id), JWT_SECRET);
    me(&app, &token).await.expect(200);
}

#[tokio::test]
async fn expired_tampered_and_foreign_tokens_get_401() {
    let app = TestApp::spawn().await;
    let (id, _) = app.insert_user(Role::Manager, None).await;
    let mut cases: Vec<(&str, String)> = Vec::new();

    let mut expired = good_claims(id);
    expired["iat"] = json!(Utc::now().timestamp() - 7200);
    expired["exp"] = json!(Utc::now().timestamp() - 3600);
    cases.push(("expired", sign(Algorithm::HS256, &expired, JWT_SECRET)));

    let mut string_exp = good_claims(id);
    string_exp["exp"] = json!("9999999999");
    cases.push((
        "exp as a string",
        sign(Algorithm::HS256, &string_exp, JWT_SECRET),
    ));

    let valid = sign(Algorithm::HS256, &good_claims(id), JWT_SECRET);
    let parts: Vec<&str> = valid.split('.').collect();
    let mut forged = good_claims(id);
    forged["role"] = json!("client");
    forged["org"] = json!(Uuid::new_v4());
    let forged_payload = URL_SAFE_NO_PAD.encode(forged.to_string());
    cases.push((
        "tampered payload",
        format!("{}.{}.{}", parts[0], forged_payload, parts[2]),
    ));

    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(good_claims(id).to_string());
    cases.push(("alg none", format!("{none_header}.{payload}.")));

    cases.push((
        "HS512",
        sign(Algorithm::HS512, &good_claims(id), JWT_SECRET),
    ));
    cases.push((
        "other secret",
        sign(
            Algorithm::HS256,
            &good_claims(id),
            b"another-secret-of-forty-bytes-long-xxxx!",
        ),
    ));

    let mut wrong_aud = good_claims(id);
    wrong_aud["aud"] = json!("someone-else");
    cases.push(("wrong aud", sign(Algorithm::HS256, &wrong_aud, JWT_SECRET)));

    for claim in ["iss", "aud", "exp", "sub"] {
        let mut missing = good_claims(id);
        missing.as_object_mut().unwrap().remove(claim);
        cases.push((claim, sign(Algorithm::HS256, &missing, JWT_SECRET)));
    }

    let session = app.manager().await;
    cases.push(("refresh token as access token", session.refresh.clone()));
    cases.push(("garbage", "not.a.jwt".to_owned()));

    for (what, token) in cases {
        let reply = me(&app, &token).await;
        assert_eq!(reply.status.as_u16(), 401, "{what}: {:#}", reply.body);
        assert_eq!(reply.problem_type(), "/problems/unauthorized", "{what}");
    }
    // No token at all, and a non-bearer scheme.
    app.request(Method::GET, "/api/v1/me", None, None)
        .await
        .expect_problem(401, "unauthorized");
    let basic = app
        .http
        .get(format!("{}/api/v1/me", app.address))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);
}

#[tokio::test]
async fn refresh_rotates_and_reusing_a_rotated_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    let session = app.manager().await;
    let first = refresh(&app, &session.refresh).await.expect(200);
    let second_token = first.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, session.refresh);
    me(&app, first.body["access_token"].as_str().unwrap())
        .await
        .expect(200);

    // Replaying the spent token is refused, and kills the token issued from it.
    refresh(&app, &session.refresh)
        .await
        .expect_problem(401, "unauthorized");
    refresh(&app, &second_token)
        .await
        .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn a_separate_login_survives_reuse_in_another_family() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    let laptop = app.login(&email, PASSWORD).await.expect(200);
    let phone = app.login(&email, PASSWORD).await.expect(200);
    let laptop_refresh = laptop.body["refresh_token"].as_str().unwrap();
    refresh(&app, laptop_refresh).await.expect(200);
    refresh(&app, laptop_refresh).await.expect(401);
    refresh(&app, phone.body["refresh_token"].as_str().unwrap())
        .await
        .expect(200);
}

#[tokio::test]
async fn two_concurrent_refreshes_with_one_token_cannot_both_succeed() {
    let app = TestApp::spawn().await;
    let session = app.manager().await;
    let (a, b) = tokio::join!(
        refresh(&app, &session.refresh),
        refresh(&app, &session.refresh)
    );
    let ok = [a.status.as_u16(), b.status.as_u16()]
        .iter()
        .filter(|s| **s == 200)
        .count();
    // Exactly one: the token was good, so one of the two renews; the other is a reuse.
    assert_eq!(ok, 1, "{} and {}", a.status, b.status);
    assert!(
        [a.status.as_u16(), b.status.as_u16()].contains(&401),
        "{} and {}",
        a.status,
        b.status
    );
}

#[tokio::test]
async fn a_deactivated_user_can_neither_refresh_nor_log_in() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let technician = app.technician().await;
    app.patch(
        &format!("/api/v1/users/{}", technician.user_id),
        &manager.token,
        json!({"active": false}),
    )
    .await
    .expect(200);
    refresh(&app, &technician.refresh)
        .await
        .expect_problem(401, "unauthorized");
    app.login(&technician.email, PASSWORD)
        .await
        .expect_problem(401, "unauthorized");
    me(&app, &technician.token)
        .await
        .expect_problem(401, "unauthorized");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let session = app.manager().await;
    let reply = app
        .request(
            Method::POST,
            "/api/v1/auth/logout",
            None,
            Some(json!({"refresh_token": session.refresh})),
        )
        .await
        .expect(204);
    assert_eq!(reply.body, Value::Null);
    refresh(&app, &session.refresh).await.expect(401);
    // An unknown token gets the same answer, so logout cannot probe tokens.
    app.request(
        Method::POST,
        "/api/v1/auth/logout",
        None,
        Some(json!({"refresh_token": "nope"})),
    )
    .await
    .expect(204);
}

#[tokio::test]
async fn me_returns_the_caller() {
    let app = TestApp::spawn().await;
    let session = app.technician().await;
    let reply = me(&app, &session.token).await.expect(200);
    assert_eq!(reply.body["id"], session.user_id.to_string());
    assert_eq!(reply.body["email"], session.email);
    assert_eq!(reply.body["role"], "technician");
    assert!(reply.body.get("password_hash").is_none());
}

#[tokio::test]
async fn changing_the_password_revokes_refresh_tokens_and_swaps_the_password() {
    let app = TestApp::spawn().await;
    let session = app.manager().await;
    let new_password = "a-much-better-passphrase";
    app.post(
        "/api/v1/me/password",
        &session.token,
        json!({"current_password": "wrong-one-here", "new_password": new_password}),
    )
    .await
    .expect_problem(422, "validation-failed");
    let short = app
        .post(
            "/api/v1/me/password",
            &session.token,
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(short.body["errors"][0]["field"], "new_password");
    app.post(
        "/api/v1/me/password",
        &session.token,
        json!({"current_password": PASSWORD, "new_password": new_password}),
    )
    .await
    .expect(204);
    refresh(&app, &session.refresh).await.expect(401);
    app.login(&session.email, PASSWORD).await.expect(401);
    app.login(&session.email, new_password).await.expect(200);
}

#[tokio::test]
async fn serve_refuses_a_secret_shorter_than_32_bytes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("serve")
        .env("SLIPWAY_JWT_SECRET", "only-thirty-one-bytes-long-xxxx")
        .env("SLIPWAY_BIND", "127.0.0.1:0")
        .output()
        .expect("run slipway");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32 bytes"));
}

#[tokio::test]
async fn create_manager_reads_the_password_from_stdin_and_the_manager_can_log_in() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args([
            "create-manager",
            "--email",
            "Harbour.Master@Yard.example",
            "--name",
            "Zhang Wei",
        ])
        .env("DATABASE_URL", app.database_url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run slipway");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"dry-dock-number-seven\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reply = app
        .login("harbour.master@yard.example", "dry-dock-number-seven")
        .await
        .expect(200);
    assert_eq!(reply.body["user"]["role"], "manager");
    assert_eq!(reply.body["user"]["full_name"], "Zhang Wei");
}

#[tokio::test]
async fn no_password_token_or_hash_reaches_the_log_even_at_trace_level() {
    let app = TestApp::spawn().await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret = "a-log-test-secret-that-is-long-enough-1234";
    // The log goes to a file: a pipe nobody reads would fill up and stall the server.
    let log_path = std::env::temp_dir().join(format!("slipway-log-{}.txt", Uuid::new_v4()));
    let log_file = std::fs::File::create(&log_path).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("serve")
        .env("DATABASE_URL", app.database_url())
        .env("SLIPWAY_BIND", format!("127.0.0.1:{port}"))
        .env("SLIPWAY_JWT_SECRET", secret)
        .env("RUST_LOG", "trace")
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .expect("run slipway");
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..100 {
        if app.http.get(format!("{base}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not start");
    let login: Value = app
        .http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = login["access_token"]
        .as_str()
        .expect("logged in")
        .to_owned();
    let refresh_token = login["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = app
        .http
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status().as_u16(), 200);
    let changed = app
        .http
        .post(format!("{base}/api/v1/me/password"))
        .bearer_auth(&access)
        .json(&json!({"current_password": PASSWORD, "new_password": "another-long-passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status().as_u16(), 204);
    child.kill().unwrap();
    child.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    std::fs::remove_file(&log_path).ok();
    assert!(
        log.contains("/api/v1/auth/login"),
        "the request log is missing:\n{log}"
    );
    for secret_text in [
        PASSWORD,
        "another-long-passphrase",
        &access,
        &refresh_token,
        secret,
        "$argon2id$",
    ] {
        assert!(
            !log.contains(secret_text),
            "the log contains a secret ({secret_text})"
        );
    }
}

/// A login waiting for a password hasher gives its database connection back: with one
/// connection in the pool and the only hasher held busy, other requests still get through.
/// (Were the connection held, the request below would wait for the hasher forever.)
#[tokio::test]
async fn a_login_waiting_for_a_hasher_holds_no_database_connection() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let app = TestApp::spawn_sized(1, 1).await;
    let manager = app.manager().await;
    let (_, email) = app.insert_user(Role::Technician, None).await;

    // Hold the only hashing slot until released.
    let held = app.passwords.occupy().await.expect("slot");
    let login = {
        let http = app.http.clone();
        let url = format!("{}/api/v1/auth/login", app.address);
        let body = json!({"email": email.clone(), "password": PASSWORD});
        tokio::spawn(async move { http.post(url).json(&body).send().await })
    };
    // The login has reserved its attempt (with the pool's one connection) once its row is
    // there; it then reads the user and waits for the hasher.
    let mut direct = AsyncPgConnection::establish(&app.database_url())
        .await
        .expect("direct connection");
    let reserved = format!(
        "SELECT 1 FROM login_failures WHERE email_key = '{}'",
        email.to_lowercase()
    );
    loop {
        let rows = diesel::sql_query(&reserved)
            .execute(&mut direct)
            .await
            .expect("query");
        if rows == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let beside = tokio::time::timeout(std::time::Duration::from_secs(30), me(&app, &manager.token))
        .await
        .expect("a request beside the waiting login got a connection");
    beside.expect(200);
    assert!(!login.is_finished(), "the login waits for the held hasher");

    drop(held);
    let reply = login.await.expect("task").expect("response");
    assert_eq!(reply.status(), 200);
}

#[tokio::test]
async fn a_token_with_critical_extensions_or_not_yet_valid_is_refused() {
    let app = TestApp::spawn().await;
    let (id, _) = app.insert_user(Role::Manager, None).await;
    let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
    header.crit = Some(vec!["exp".to_owned()]);
    let critical = jsonwebtoken::encode(
        &header,
        &good_claims(id),
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET),
    )
    .unwrap();
    let now = Utc::now().timestamp();
    let with_nbf = |nbf: i64| {
        let mut claims = good_claims(id);
        claims["nbf"] = json!(nbf);
        sign(Algorithm::HS256, &claims, JWT_SECRET)
    };
    // Critical extensions we do not understand, and a token valid only in an hour.
    for token in [critical, with_nbf(now + 3600)] {
        for path in ["/api/v1/me", "/api/v1/jobs"] {
            app.get(path, &token)
                .await
                .expect_problem(401, "unauthorized");
        }
    }
    // A past nbf, or one within the 5 s leeway of clocks, is fine.
    app.get("/api/v1/jobs", &with_nbf(now - 60))
        .await
        .expect(200);
    app.get("/api/v1/jobs", &with_nbf(now + 3))
        .await
        .expect(200);
}

#[tokio::test]
async fn token_answers_are_never_cached() {
    let app = TestApp::spawn().await;
    let session = app.manager().await;
    let login = app.login(&session.email, PASSWORD).await.expect(200);
    assert_eq!(login.headers["cache-control"], "no-store");
    let renewed = refresh(&app, &session.refresh).await.expect(200);
    assert_eq!(renewed.headers["cache-control"], "no-store");
}
