//! `/organizations`: managers write; a client reads only its own organisation.

use crate::common::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_manager_creates_and_renames_an_organization() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let created = app
        .post(
            "/api/v1/organizations",
            &manager.token,
            json!({"name": "Alexandria Marine", "country": "eg"}),
        )
        .await
        .expect(201);
    assert_eq!(created.body["name"], "Alexandria Marine");
    assert_eq!(created.body["country"], "EG");
    assert!(created.body["created_at"].as_str().unwrap().ends_with('Z'));
    let path = format!("/api/v1/organizations/{}", created.id());
    let renamed = app
        .patch(
            &path,
            &manager.token,
            json!({"name": "Alexandria Marine S.A.E."}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["name"], "Alexandria Marine S.A.E.");
    assert_eq!(renamed.body["country"], "EG");
    app.get(&path, &manager.token).await.expect(200);
}

#[tokio::test]
async fn invalid_countries_and_names_are_422() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    for (body, field) in [
        (json!({"name": "X Shipping", "country": "XX"}), "country"),
        (json!({"name": "X Shipping", "country": "GRC"}), "country"),
        (json!({"name": " ", "country": "GR"}), "name"),
    ] {
        let reply = app
            .post("/api/v1/organizations", &manager.token, body)
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], field);
    }
    app.post(
        "/api/v1/organizations",
        &manager.token,
        json!({"name": "X", "country": "GR", "id": uuid::Uuid::new_v4()}),
    )
    .await
    .expect_problem(400, "malformed-request");
    let list = app
        .get("/api/v1/organizations", &manager.token)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_client_sees_only_its_own_organization() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let own = app
        .organization(&manager, "Navigazione Tirrenia", "IT")
        .await;
    let other = app.organization(&manager, "Piraeus Tankers", "GR").await;
    let client = app.client(own).await;

    let list = app
        .get("/api/v1/organizations", &client.token)
        .await
        .expect(200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], own.to_string());
    app.get(&format!("/api/v1/organizations/{own}"), &client.token)
        .await
        .expect(200);
    app.get(&format!("/api/v1/organizations/{other}"), &client.token)
        .await
        .expect_problem(404, "not-found");

    let all = app
        .get("/api/v1/organizations", &manager.token)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn only_managers_write_and_technicians_do_not_read_organizations() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let own = app.organization(&manager, "Colombo Fisheries", "LK").await;
    let client = app.client(own).await;
    let technician = app.technician().await;
    app.post(
        "/api/v1/organizations",
        &client.token,
        json!({"name": "Mine", "country": "LK"}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.patch(
        &format!("/api/v1/organizations/{own}"),
        &client.token,
        json!({"name": "Renamed"}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.get("/api/v1/organizations", &technician.token)
        .await
        .expect_problem(403, "forbidden");
    app.get(&format!("/api/v1/organizations/{own}"), &technician.token)
        .await
        .expect_problem(403, "forbidden");
    let unchanged = app
        .get(&format!("/api/v1/organizations/{own}"), &manager.token)
        .await
        .expect(200);
    assert_eq!(unchanged.body["name"], "Colombo Fisheries");
}
