//! SPEC section 3 and "Operations": problem+json for every kind of bad input, the body
//! limit, probes, the request id, the OpenAPI document and the offline docs page.

use crate::common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_json_gets_a_400_problem_body() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let resp = app
        .http
        .post(format!("{}/api/v1/organizations", app.address))
        .bearer_auth(&manager.token)
        .header("content-type", "application/json")
        .body("{\"name\": \"Unclosed")
        .send()
        .await
        .unwrap();
    let reply = TestApp::read(resp)
        .await
        .expect_problem(400, "malformed-request");
    assert!(reply.body["title"].is_string() && reply.body["detail"].is_string());
}

#[tokio::test]
async fn wrong_json_types_and_missing_content_type_get_400() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    app.post(
        "/api/v1/organizations",
        &manager.token,
        json!({"name": 42, "country": "GR"}),
    )
    .await
    .expect_problem(400, "malformed-request");
    app.post("/api/v1/organizations", &manager.token, json!(["a list"]))
        .await
        .expect_problem(400, "malformed-request");
    let resp = app
        .http
        .post(format!("{}/api/v1/organizations", app.address))
        .bearer_auth(&manager.token)
        .header("content-type", "text/plain")
        .body("name=Foo")
        .send()
        .await
        .unwrap();
    TestApp::read(resp)
        .await
        .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn a_json_array_is_not_an_object_body() {
    // serde would read a struct from `[null, null]`; a PATCH with it must not pass as "no change".
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Aegean Carriers", "GR").await;
    app.patch(
        &format!("/api/v1/organizations/{org}"),
        &manager.token,
        json!([null, null]),
    )
    .await
    .expect_problem(400, "malformed-request");
    app.post(
        "/api/v1/organizations",
        &manager.token,
        json!(["Aegean", "GR"]),
    )
    .await
    .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn nul_characters_are_refused_in_bodies_and_queries_not_a_server_error() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    app.post(
        "/api/v1/organizations",
        &manager.token,
        json!({"name": "A\u{0}B", "country": "IT"}),
    )
    .await
    .expect_problem(400, "malformed-request");
    app.request(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": "a\u{0}@b.c", "password": "x"})),
    )
    .await
    .expect_problem(400, "malformed-request");
    app.get("/api/v1/vessels?q=abc%00def", &manager.token)
        .await
        .expect_problem(400, "malformed-request");
    assert_eq!(
        app.get("/api/v1/organizations", &manager.token)
            .await
            .expect(200)
            .body["items"],
        json!([])
    );
}

#[tokio::test]
async fn a_body_over_64_kib_gets_413() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let big = json!({"name": "x".repeat(70 * 1024), "country": "GR"});
    app.post("/api/v1/organizations", &manager.token, big)
        .await
        .expect_problem(413, "payload-too-large");
    let list = app
        .get("/api/v1/organizations", &manager.token)
        .await
        .expect(200);
    assert_eq!(list.body["items"], json!([]));
}

#[tokio::test]
async fn a_malformed_id_in_the_path_gets_400() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    app.get("/api/v1/organizations/not-a-uuid", &manager.token)
        .await
        .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn unknown_paths_get_404_and_unknown_methods_405_as_problems() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/no-such-thing",
        // Inside the `/jobs` scope too.
        "/api/v1/jobs/x/no-such-thing",
        "/api/v1/jobs/",
    ] {
        app.request(Method::GET, path, None, None)
            .await
            .expect_problem(404, "not-found");
    }
    let refused = app
        .request(Method::DELETE, "/api/v1/organizations", None, None)
        .await
        .expect_problem(405, "method-not-allowed");
    assert_eq!(refused.headers["allow"], "GET, POST");
    let refused = app
        .request(Method::PUT, "/api/v1/jobs/x", None, None)
        .await
        .expect(405);
    assert_eq!(refused.headers["allow"], "GET, PATCH");
    let refused = app
        .request(Method::DELETE, "/api/v1/jobs", None, None)
        .await
        .expect_problem(405, "method-not-allowed");
    assert_eq!(refused.headers["allow"], "GET, POST");
}

#[tokio::test]
async fn probes_answer_and_every_response_has_a_request_id() {
    let app = TestApp::spawn().await;
    let health = app
        .request(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert!(health.headers.contains_key("x-request-id"));
    let ready = app
        .request(Method::GET, "/readyz", None, None)
        .await
        .expect(200);
    assert_eq!(ready.body["status"], "ready");
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_unreachable() {
    let app = TestApp::spawn_without_database().await;
    app.request(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    let reply = app
        .request(Method::GET, "/readyz", None, None)
        .await
        .expect_problem(503, "unavailable");
    let text = reply.body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("connection"),
        "leaks internals: {text}"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_the_bearer_scheme() {
    let app = TestApp::spawn().await;
    let doc = app
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let expected: &[(&str, &[&str])] = &[
        ("/healthz", &["get"]),
        ("/readyz", &["get"]),
        ("/api/v1/auth/login", &["post"]),
        ("/api/v1/auth/refresh", &["post"]),
        ("/api/v1/auth/logout", &["post"]),
        ("/api/v1/me", &["get"]),
        ("/api/v1/me/password", &["post"]),
        ("/api/v1/users", &["get", "post"]),
        ("/api/v1/users/{id}", &["get", "patch"]),
        ("/api/v1/organizations", &["get", "post"]),
        ("/api/v1/organizations/{id}", &["get", "patch"]),
        ("/api/v1/vessels", &["get", "post"]),
        ("/api/v1/vessels/{id}", &["get", "patch"]),
        ("/api/v1/jobs", &["get", "post"]),
        ("/api/v1/jobs/{id}", &["get", "patch"]),
        ("/api/v1/jobs/{id}/quote", &["put"]),
        ("/api/v1/jobs/{id}/transitions", &["post"]),
        ("/api/v1/jobs/{id}/events", &["get"]),
        ("/api/v1/jobs/{id}/additional-work", &["get", "post"]),
        ("/api/v1/additional-work/{id}/decision", &["post"]),
        ("/api/v1/jobs/{id}/tasks", &["get", "post"]),
        ("/api/v1/tasks/{id}", &["patch"]),
        ("/api/v1/docks", &["get", "post"]),
        ("/api/v1/docks/{id}", &["get", "patch"]),
        ("/api/v1/docks/availability", &["get"]),
        ("/api/v1/dock-bookings", &["get", "post"]),
        ("/api/v1/dock-bookings/{id}", &["get", "patch"]),
        ("/api/v1/dock-bookings/{id}/cancel", &["post"]),
        ("/api/v1/technicians", &["get", "post"]),
        ("/api/v1/technicians/{id}", &["get", "patch"]),
        ("/api/v1/technicians/{id}/certifications", &["get", "post"]),
        ("/api/v1/certification-types", &["get", "post"]),
        ("/api/v1/tasks/{id}/assignments", &["post"]),
        ("/api/v1/jobs/{id}/assignments", &["get"]),
        ("/api/v1/assignments/{id}", &["delete"]),
        ("/api/v1/me/assignments", &["get"]),
        ("/api/v1/assignments/{id}/work-logs", &["post"]),
        ("/api/v1/jobs/{id}/work-logs", &["get"]),
        ("/api/v1/jobs/{id}/daily-report", &["get"]),
        ("/api/v1/fx-rates", &["get"]),
        ("/api/v1/fx-rates/{currency}", &["put"]),
        ("/api/v1/reports/trade-volume", &["get"]),
        ("/api/v1/reports/dock-utilization", &["get"]),
        ("/api/v1/reports/certifications-expiring", &["get"]),
        ("/api/v1/reports/backlog", &["get"]),
    ];
    for (path, methods) in expected {
        for method in *methods {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} is not documented"
            );
        }
    }
    // Each create operation links to the operations taking the new id.
    let link = &doc["paths"]["/api/v1/vessels"]["post"]["responses"]["201"]["links"]["get_vessel"];
    assert_eq!(link["operationId"], "get_vessel");
    assert_eq!(link["parameters"]["id"], "$response.body#/id");
    // Malformed input and missing tokens are documented everywhere they can happen.
    for (path, method) in [
        ("/api/v1/jobs/{id}", "get"),
        ("/api/v1/jobs", "post"),
        ("/api/v1/docks", "get"),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        assert!(
            responses["400"].is_object() && responses["401"].is_object(),
            "{method} {path}"
        );
    }
    // Request bodies refuse unknown fields in the document, as the server does.
    let create_user = &doc["components"]["schemas"]["CreateUser"];
    assert_eq!(
        create_user["additionalProperties"],
        Value::Bool(false),
        "{create_user:#}"
    );
}

#[tokio::test]
async fn a_key_given_twice_in_a_body_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    for body in [
        r#"{"name": "Hellenic Bulk", "country": "GR", "name": "Other"}"#,
        r#"{"name": "Hellenic Bulk", "country": "GR", "x": {"a": 1, "a": 2}}"#,
    ] {
        let resp = app
            .http
            .post(format!("{}/api/v1/organizations", app.address))
            .bearer_auth(&manager.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let refused = TestApp::read(resp)
            .await
            .expect_problem(400, "malformed-request");
        assert!(
            refused.body["detail"]
                .as_str()
                .unwrap()
                .contains("given twice"),
            "{:#}",
            refused.body
        );
    }
    let none = app
        .get("/api/v1/organizations", &manager.token)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]));
}

#[tokio::test]
async fn the_docs_page_is_served_with_its_assets() {
    let app = TestApp::spawn().await;
    let page = app
        .http
        .get(format!("{}/docs", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let headers = page.headers().clone();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("default-src 'self'")
            && policy.contains("script-src 'self'")
            && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("/docs/swagger-ui-bundle.js") && html.contains("/docs/init.js"));
    assert!(
        !html.contains("https://"),
        "the page must not need the internet"
    );
    for asset in [
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
        "/docs/init.js",
    ] {
        let resp = app
            .http
            .get(format!("{}{asset}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{asset}");
        assert!(resp.bytes().await.unwrap().len() > 50, "{asset}");
    }
}

#[tokio::test]
async fn metrics_count_requests_per_route_and_show_the_pool_and_the_writers() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    for _ in 0..3 {
        app.get("/api/v1/jobs", &manager.token).await.expect(200);
    }
    app.get(
        &format!("/api/v1/jobs/{}", uuid::Uuid::new_v4()),
        &manager.token,
    )
    .await
    .expect(404);
    // From this machine it is served; the text is Prometheus's.
    let reply = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    assert!(
        reply.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = reply.text().await.unwrap();
    for line in [
        r#"slipway_http_requests_seconds_count{route="/api/v1/jobs",method="GET",status="2xx"} 3"#,
        r#"slipway_http_requests_seconds_count{route="/api/v1/jobs/{id}",method="GET",status="4xx"} 1"#,
        r#"slipway_db_pool_connections{state="max"} 8"#,
        r#"slipway_password_checks{state="waiting"} 0"#,
        r#"slipway_group_writer_batch_size_count{kind="work_logs"}"#,
        r#"slipway_kept_pages_reads_total{kind="jobs",result="hit"}"#,
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }
    assert!(text.contains(r#"slipway_http_requests_seconds_bucket{route="/api/v1/jobs",method="GET",status="2xx",le="+Inf"} 3"#));
}

#[tokio::test]
async fn metrics_need_their_token_once_one_is_set() {
    let app = TestApp::spawn_with(|state| {
        state.with_metrics_token(Some("scrape-me-0123456789".to_owned()))
    })
    .await;
    let url = format!("{}/metrics", app.address);
    assert_eq!(
        app.http.get(&url).send().await.unwrap().status().as_u16(),
        404
    );
    let wrong = app
        .http
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 404);
    let right = app
        .http
        .get(&url)
        .bearer_auth("scrape-me-0123456789")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status().as_u16(), 200);
}

#[tokio::test]
async fn dates_outside_the_years_1900_to_2200_and_undecodable_queries_are_refused() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Piraeus Bulk", "GR").await;
    let vessel = app.vessel(&manager, org).await;
    let dock = app
        .dock(&manager, "Dry Dock No. 1", (320.0, 55.0, 14.0), None)
        .await;
    let far = app
        .post(
            "/api/v1/dock-bookings",
            &manager.token,
            serde_json::json!({"dock_id": dock, "vessel_id": vessel, "starts_at": "2026-03-01T08:00:00Z", "ends_at": "+20260-03-01T08:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(far.body["errors"][0]["field"], "ends_at");
    let refused = app
        .post(
            "/api/v1/dock-bookings",
            &manager.token,
            serde_json::json!({"dock_id": dock, "vessel_id": vessel, "starts_at": "2026-03-01T08:00:00Z", "ends_at": "2999-03-01T08:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(refused.body["errors"][0]["field"], "ends_at");
    let job = app
        .post(
            "/api/v1/jobs",
            &manager.token,
            serde_json::json!({"vessel_id": vessel, "title": "Survey", "description": "", "priority": "low", "requested_start": "1850-01-01T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(job.body["errors"][0]["field"], "requested_start");
    // Nothing was stored by the refusals.
    let bookings = app
        .get("/api/v1/dock-bookings", &manager.token)
        .await
        .expect(200);
    assert_eq!(bookings.body["items"], serde_json::json!([]));
    app.get(
        "/api/v1/reports/dock-utilization?from=1800-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        &manager.token,
    )
    .await
    .expect_problem(422, "validation-failed");
    app.get("/api/v1/vessels?q=%C3%28", &manager.token)
        .await
        .expect_problem(400, "malformed-request");
}
