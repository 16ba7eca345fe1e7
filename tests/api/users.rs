//! `/users`: managers create and manage accounts; nobody else may.

use crate::common::TestApp;
use serde_json::json;
use slipway::auth::Role;

fn new_user(email: &str, role: &str) -> serde_json::Value {
    json!({"email": email, "full_name": "Olga Ivanova", "password": "long-enough-password", "role": role})
}

#[tokio::test]
async fn a_manager_creates_staff_and_client_users_who_can_log_in() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Sovfracht", "RU").await;

    let tech = app
        .post(
            "/api/v1/users",
            &manager.token,
            new_user("welder@yard.example", "technician"),
        )
        .await
        .expect(201);
    assert_eq!(tech.body["role"], "technician");
    assert_eq!(tech.body["organization_id"], serde_json::Value::Null);
    assert!(tech.body.get("password").is_none() && tech.body.get("password_hash").is_none());

    let mut body = new_user("super@sovfracht.example", "client");
    body["organization_id"] = json!(org);
    let client = app
        .post("/api/v1/users", &manager.token, body)
        .await
        .expect(201);
    assert_eq!(client.body["organization_id"], org.to_string());

    let login = app
        .login("super@sovfracht.example", "long-enough-password")
        .await
        .expect(200);
    assert_eq!(login.body["user"]["id"], client.body["id"]);
    let fetched = app
        .get(&format!("/api/v1/users/{}", client.id()), &manager.token)
        .await
        .expect(200);
    assert_eq!(fetched.body["email"], "super@sovfracht.example");
}

#[tokio::test]
async fn clients_and_technicians_get_403_on_the_users_endpoints() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Hellenic Bulk", "GR").await;
    let client = app.client(org).await;
    let technician = app.technician().await;
    for session in [&client, &technician] {
        app.post(
            "/api/v1/users",
            &session.token,
            new_user("sneaky@x.example", "manager"),
        )
        .await
        .expect_problem(403, "forbidden");
        app.get("/api/v1/users", &session.token)
            .await
            .expect_problem(403, "forbidden");
        app.get(
            &format!("/api/v1/users/{}", session.user_id),
            &session.token,
        )
        .await
        .expect_problem(403, "forbidden");
        app.patch(
            &format!("/api/v1/users/{}", session.user_id),
            &session.token,
            json!({"full_name": "X"}),
        )
        .await
        .expect_problem(403, "forbidden");
    }
    let listed = app
        .get("/api/v1/users?limit=200", &manager.token)
        .await
        .expect(200);
    assert!(
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["email"] != "sneaky@x.example")
    );
}

#[tokio::test]
async fn an_email_differing_only_in_case_is_a_duplicate() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    app.post(
        "/api/v1/users",
        &manager.token,
        new_user("Chief.Engineer@Yard.example", "technician"),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/users",
        &manager.token,
        new_user("chief.engineer@yard.EXAMPLE", "manager"),
    )
    .await
    .expect_problem(409, "duplicate-email");
}

#[tokio::test]
async fn role_and_unknown_fields_cannot_be_mass_assigned() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let tech = app.technician().await;
    let path = format!("/api/v1/users/{}", tech.user_id);
    for body in [
        json!({"role": "manager"}),
        json!({"full_name": "T", "organization_id": null, "is_admin": true}),
    ] {
        app.patch(&path, &manager.token, body)
            .await
            .expect_problem(400, "malformed-request");
    }
    let mut body = new_user("extra@yard.example", "technician");
    body["is_admin"] = json!(true);
    app.post("/api/v1/users", &manager.token, body)
        .await
        .expect_problem(400, "malformed-request");
    let still = app.get(&path, &manager.token).await.expect(200);
    assert_eq!(still.body["role"], "technician");
    assert_eq!(still.body["full_name"], "Test technician");
}

#[tokio::test]
async fn invalid_users_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Lanka Ocean Lines", "LK").await;
    let mut staff_with_org = new_user("a@yard.example", "technician");
    staff_with_org["organization_id"] = json!(org);
    let mut short_password = new_user("b@yard.example", "technician");
    short_password["password"] = json!("short");
    let mut unknown_org = new_user("c@yard.example", "client");
    unknown_org["organization_id"] = json!(uuid::Uuid::new_v4());
    let cases = [
        (new_user("d@yard.example", "client"), "organization_id"),
        (staff_with_org, "organization_id"),
        (short_password, "password"),
        (new_user("not-an-email", "manager"), "email"),
        (unknown_org, "organization_id"),
    ];
    for (body, field) in cases {
        let reply = app
            .post("/api/v1/users", &manager.token, body)
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{:#}", reply.body);
    }
    app.post(
        "/api/v1/users",
        &manager.token,
        new_user("e@yard.example", "admiral"),
    )
    .await
    .expect_problem(400, "malformed-request");
    let listed = app.get("/api/v1/users", &manager.token).await.expect(200);
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "only the manager exists"
    );
}

#[tokio::test]
async fn a_manager_renames_and_deactivates_a_user() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let tech = app.technician().await;
    let path = format!("/api/v1/users/{}", tech.user_id);
    let renamed = app
        .patch(&path, &manager.token, json!({"full_name": "Chen Jun"}))
        .await
        .expect(200);
    assert_eq!(renamed.body["full_name"], "Chen Jun");
    assert_eq!(renamed.body["active"], true);
    let off = app
        .patch(&path, &manager.token, json!({"active": false}))
        .await
        .expect(200);
    assert_eq!(off.body["active"], false);
    app.patch(&path, &manager.token, json!({"full_name": "  "}))
        .await
        .expect_problem(422, "validation-failed");
    app.patch(
        &format!("/api/v1/users/{}", manager.user_id),
        &manager.token,
        json!({"active": false}),
    )
    .await
    .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn unknown_users_are_404() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let path = format!("/api/v1/users/{}", uuid::Uuid::new_v4());
    app.get(&path, &manager.token)
        .await
        .expect_problem(404, "not-found");
    app.patch(&path, &manager.token, json!({"full_name": "X"}))
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn the_user_list_pages_with_a_cursor_and_filters_by_role() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    for _ in 0..4 {
        app.insert_user(Role::Technician, None).await;
    }
    let first = app
        .get("/api/v1/users?limit=3", &manager.token)
        .await
        .expect(200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 3);
    let cursor = first.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = app
        .get(
            &format!("/api/v1/users?limit=3&cursor={cursor}"),
            &manager.token,
        )
        .await
        .expect(200);
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(second.body["next_cursor"], serde_json::Value::Null);
    let mut ids: Vec<_> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.body["items"].as_array().unwrap())
        .map(|u| u["id"].clone())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 5);

    let techs = app
        .get("/api/v1/users?role=technician", &manager.token)
        .await
        .expect(200);
    assert_eq!(techs.body["items"].as_array().unwrap().len(), 4);
    app.get("/api/v1/users?limit=201", &manager.token)
        .await
        .expect_problem(422, "validation-failed");
    app.get("/api/v1/users?cursor=garbage", &manager.token)
        .await
        .expect_problem(422, "validation-failed");
    app.get("/api/v1/users?limit=ten", &manager.token)
        .await
        .expect_problem(400, "malformed-request");
}
