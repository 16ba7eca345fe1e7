//! Sign-ins under a storm: the password checks waiting for a hashing slot are bounded
//! (beyond, 503 with Retry-After at once), and one address's failures are limited per
//! minute (429 before any hash), its address read from `X-Forwarded-For` only when the
//! peer is a trusted balancer.

use std::time::{Duration, Instant};

use crate::common::{PASSWORD, TestApp};
use actix_web::web;
use reqwest::StatusCode;
use serde_json::json;
use slipway::{auth::Role, http::TrustedProxies};

async fn login_from(
    app: &TestApp,
    email: &str,
    password: &str,
    forwarded: Option<&str>,
) -> crate::common::Reply {
    let mut req = app
        .http
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({"email": email, "password": password}));
    if let Some(hop) = forwarded {
        req = req.header("x-forwarded-for", hop);
    }
    TestApp::read(req.send().await.unwrap()).await
}

#[tokio::test]
async fn a_storm_of_bad_logins_is_told_to_come_back_at_once_and_a_real_login_gets_through_or_is_told_so()
 {
    let app = TestApp::spawn_with(|mut state| {
        let bounded = state.passwords.get_ref().clone().with_queue(4);
        state.passwords = web::Data::new(bounded);
        state
    })
    .await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    let storm = (0..60).map(|n| {
        let app = &app;
        async move {
            let started = Instant::now();
            let reply = login_from(
                app,
                &format!("nobody{n}@storm.example"),
                "wrong-password-123",
                None,
            )
            .await;
            (reply, started.elapsed())
        }
    });
    let real = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        (
            login_from(&app, &email, PASSWORD, None).await,
            started.elapsed(),
        )
    };
    let (answers, (real_reply, real_took)) =
        tokio::join!(futures_util::future::join_all(storm), real);
    let mut busy = 0;
    for (reply, took) in &answers {
        match reply.status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(reply.problem_type(), "/problems/unavailable");
                assert_eq!(reply.headers["retry-after"], "1");
                assert!(*took < Duration::from_secs(1), "a refusal took {took:?}");
            }
            other => panic!("unexpected {other}: {}", reply.body),
        }
    }
    assert!(busy > 0, "the queue bound never held");
    match real_reply.status {
        StatusCode::OK => assert!(real_took < Duration::from_secs(2), "took {real_took:?}"),
        StatusCode::SERVICE_UNAVAILABLE => {
            assert!(real_took < Duration::from_secs(1), "took {real_took:?}")
        }
        other => panic!("the real login got {other}: {}", real_reply.body),
    }
    eprintln!(
        "storm: {busy} of 60 told to come back; the real login: {} in {} ms",
        real_reply.status,
        real_took.as_millis()
    );
}

#[tokio::test]
async fn an_address_past_its_failures_is_refused_before_any_hash() {
    let app =
        TestApp::spawn_with(|state| state.with_login_limit(3, TrustedProxies::default())).await;
    let (_, email) = app.insert_user(Role::Manager, None).await;
    for n in 0..3 {
        login_from(
            &app,
            &format!("guess{n}@x.example"),
            "wrong-password-123",
            None,
        )
        .await
        .expect_problem(401, "unauthorized");
    }
    let refused = login_from(&app, "guess9@x.example", "wrong-password-123", None)
        .await
        .expect_problem(429, "too-many-requests");
    assert!(refused.headers.contains_key("retry-after"));
    // The right password from the same address waits too; the header of a client that is
    // no trusted balancer changes nothing.
    login_from(&app, &email, PASSWORD, None)
        .await
        .expect_problem(429, "too-many-requests");
    login_from(&app, &email, PASSWORD, Some("198.51.100.77"))
        .await
        .expect_problem(429, "too-many-requests");
}

#[tokio::test]
async fn behind_a_trusted_balancer_each_client_address_counts_on_its_own() {
    let proxies = TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/8").unwrap();
    let app = TestApp::spawn_with(move |state| state.with_login_limit(2, proxies)).await;
    let (_, email) = app.insert_user(Role::Technician, None).await;
    // The client is the last hop not a balancer: a spoofed first hop does not count.
    let storm = Some("1.2.3.4, 203.0.113.5, 10.1.2.3");
    for n in 0..2 {
        login_from(
            &app,
            &format!("g{n}@x.example"),
            "wrong-password-123",
            storm,
        )
        .await
        .expect_problem(401, "unauthorized");
    }
    login_from(&app, &email, PASSWORD, Some("9.9.9.9, 203.0.113.5"))
        .await
        .expect_problem(429, "too-many-requests");
    login_from(&app, &email, PASSWORD, Some("198.51.100.8"))
        .await
        .expect(200);
}

#[tokio::test]
async fn each_caller_gets_its_requests_a_minute_and_every_answer_says_where_it_stands() {
    let app = TestApp::spawn_with(|state| state.with_rate_limit(5)).await;
    let busy = app.manager().await;
    let calm = app.manager().await;
    for left in (0..5).rev() {
        let reply = app.get("/api/v1/jobs", &busy.token).await.expect(200);
        assert_eq!(reply.headers["ratelimit-policy"], "\"default\";q=5;w=60");
        let current = reply.headers["ratelimit"].to_str().unwrap().to_owned();
        assert!(
            current.starts_with(&format!("\"default\";r={left};t=")),
            "{current}"
        );
    }
    let refused = app
        .get("/api/v1/jobs", &busy.token)
        .await
        .expect_problem(429, "too-many-requests");
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    assert!(
        refused.headers["ratelimit"]
            .to_str()
            .unwrap()
            .starts_with("\"default\";r=0;")
    );
    // Another user is not held back; nor are the probes and the app's page.
    app.get("/api/v1/jobs", &calm.token).await.expect(200);
    let probe = app
        .request(reqwest::Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert!(!probe.headers.contains_key("ratelimit"));
    // Anonymous requests count per address (the two logins above were two of its five).
    for _ in 0..3 {
        app.request(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .expect(200);
    }
    app.request(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect_problem(429, "too-many-requests");
}

#[tokio::test]
async fn a_rate_limit_of_zero_turns_the_limit_off_as_for_sign_ins() {
    // `SLIPWAY_RATE_LIMIT_PER_MIN=0`, as `SLIPWAY_LOGIN_LIMIT_PER_MIN=0`: no limit at all.
    let app = TestApp::spawn_with(|state| {
        state
            .with_rate_limit(0)
            .with_login_limit(0, Default::default())
    })
    .await;
    let manager = app.manager().await;
    for _ in 0..30 {
        let reply = app.get("/api/v1/jobs", &manager.token).await.expect(200);
        assert!(!reply.headers.contains_key("ratelimit"));
    }
    for _ in 0..30 {
        app.request(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
            .await
            .expect(200);
    }
}
