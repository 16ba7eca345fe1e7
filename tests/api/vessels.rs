//! `/vessels`: the IMO rule, uniqueness, dimensions, and who sees which vessel.

use crate::common::{TestApp, valid_imo, vessel_body};
use serde_json::json;

#[tokio::test]
async fn a_vessel_with_an_imo_prefix_is_stored_with_seven_digits() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Ceylon Shipping", "LK").await;
    let created = app
        .post(
            "/api/v1/vessels",
            &manager.token,
            vessel_body(org, "MV Lanka Star", Some("IMO 9074729")),
        )
        .await
        .expect(201);
    assert_eq!(created.body["imo_number"], "9074729");
    assert_eq!(created.body["vessel_type"], "bulk_carrier");
    assert_eq!(created.body["length_overall_m"], 190.0);
    let fetched = app
        .get(&format!("/api/v1/vessels/{}", created.id()), &manager.token)
        .await
        .expect(200);
    assert_eq!(fetched.body["imo_number"], "9074729");
}

#[tokio::test]
async fn a_wrong_check_digit_and_malformed_imo_numbers_are_422() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Ceylon Shipping", "LK").await;
    for bad in ["9074728", "907472", "90747290", "IMO 90747A9"] {
        let reply = app
            .post(
                "/api/v1/vessels",
                &manager.token,
                vessel_body(org, "MV Bad", Some(bad)),
            )
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], "imo_number", "{bad}");
    }
    let list = app.get("/api/v1/vessels", &manager.token).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
}

#[tokio::test]
async fn a_taken_imo_number_is_409_and_vessels_without_one_can_be_many() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Ceylon Shipping", "LK").await;
    app.post(
        "/api/v1/vessels",
        &manager.token,
        vessel_body(org, "MV One", Some("9619907")),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/vessels",
        &manager.token,
        vessel_body(org, "MV Two", Some("IMO 9619907")),
    )
    .await
    .expect_problem(409, "duplicate-imo");
    for name in ["FV Sea Hawk 1", "FV Sea Hawk 2"] {
        let mut body = vessel_body(org, name, None);
        body["vessel_type"] = json!("fishing");
        let reply = app
            .post("/api/v1/vessels", &manager.token, body)
            .await
            .expect(201);
        assert_eq!(reply.body["imo_number"], serde_json::Value::Null);
    }
    // Changing a vessel's IMO number to a taken one is refused too.
    let other = app.vessel(&manager, org).await;
    app.patch(
        &format!("/api/v1/vessels/{other}"),
        &manager.token,
        json!({"imo_number": "9619907"}),
    )
    .await
    .expect_problem(409, "duplicate-imo");
}

#[tokio::test]
async fn concurrent_registrations_of_one_imo_number_give_one_vessel() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Ceylon Shipping", "LK").await;
    let attempts = (0..10).map(|i| {
        let (app, token) = (&app, manager.token.clone());
        async move {
            app.post(
                "/api/v1/vessels",
                &token,
                vessel_body(org, &format!("MV Twin {i}"), Some("7625811")),
            )
            .await
            .status
            .as_u16()
        }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn dimensions_and_tonnages_must_be_positive() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Ceylon Shipping", "LK").await;
    for field in [
        "gross_tonnage",
        "length_overall_m",
        "beam_m",
        "draft_m",
        "lightweight_t",
    ] {
        for value in [0.0, -3.5] {
            let mut body = vessel_body(org, "MV Zero", None);
            body[field] = json!(value);
            let reply = app
                .post("/api/v1/vessels", &manager.token, body)
                .await
                .expect_problem(422, "validation-failed");
            assert_eq!(reply.body["errors"][0]["field"], field);
        }
    }
    let mut body = vessel_body(org, "MV Flagless", None);
    body["flag"] = json!("XX");
    app.post("/api/v1/vessels", &manager.token, body)
        .await
        .expect_problem(422, "validation-failed");
    let mut body = vessel_body(org, "MV Typeless", None);
    body["vessel_type"] = json!("submarine");
    app.post("/api/v1/vessels", &manager.token, body)
        .await
        .expect_problem(400, "malformed-request");
    let mut body = vessel_body(uuid::Uuid::new_v4(), "MV Orphan", None);
    body["flag"] = json!("GR");
    let reply = app
        .post("/api/v1/vessels", &manager.token, body)
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "owner_organization_id");
}

#[tokio::test]
async fn clients_see_only_their_organizations_vessels_and_cannot_write() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let a = app.organization(&manager, "Volga Shipping", "RU").await;
    let b = app.organization(&manager, "Nile Carriers", "EG").await;
    let a_vessel = app.vessel(&manager, a).await;
    let b_vessel = app.vessel(&manager, b).await;
    let client_a = app.client(a).await;
    let technician = app.technician().await;

    let list = app
        .get("/api/v1/vessels", &client_a.token)
        .await
        .expect(200);
    let ids: Vec<_> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [a_vessel.to_string()]);
    app.get(&format!("/api/v1/vessels/{b_vessel}"), &client_a.token)
        .await
        .expect_problem(404, "not-found");
    let filtered = app
        .get(
            &format!("/api/v1/vessels?owner_organization_id={b}"),
            &client_a.token,
        )
        .await
        .expect(200);
    assert_eq!(filtered.body["items"], json!([]));

    app.post(
        "/api/v1/vessels",
        &client_a.token,
        vessel_body(a, "MV Mine", None),
    )
    .await
    .expect_problem(403, "forbidden");
    app.patch(
        &format!("/api/v1/vessels/{a_vessel}"),
        &client_a.token,
        json!({"name": "Renamed"}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.post(
        "/api/v1/vessels",
        &technician.token,
        vessel_body(a, "MV Tech", None),
    )
    .await
    .expect_problem(403, "forbidden");
    // A technician without assignments sees no vessel.
    app.get(&format!("/api/v1/vessels/{a_vessel}"), &technician.token)
        .await
        .expect_problem(404, "not-found");
    assert_eq!(
        app.get("/api/v1/vessels", &technician.token)
            .await
            .expect(200)
            .body["items"],
        json!([])
    );
}

#[tokio::test]
async fn the_vessel_list_filters_by_name_imo_type_and_owner_and_pages() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Adriatic Lines", "IT").await;
    let other = app.organization(&manager, "Aegean Lines", "GR").await;
    let mut research = vessel_body(org, "RV Oceanus", Some(&valid_imo(912345)));
    research["vessel_type"] = json!("research");
    app.post("/api/v1/vessels", &manager.token, research)
        .await
        .expect(201);
    app.post(
        "/api/v1/vessels",
        &manager.token,
        vessel_body(org, "MV Bora", Some(&valid_imo(923456))),
    )
    .await
    .expect(201);
    app.post(
        "/api/v1/vessels",
        &manager.token,
        vessel_body(other, "MV Meltemi", None),
    )
    .await
    .expect(201);

    let names = |reply: crate::common::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(
            app.get("/api/v1/vessels?q=ocean", &manager.token)
                .await
                .expect(200)
        ),
        ["RV Oceanus"]
    );
    let imo = valid_imo(923456);
    assert_eq!(
        names(
            app.get(&format!("/api/v1/vessels?q={}", &imo[..5]), &manager.token)
                .await
                .expect(200)
        ),
        ["MV Bora"]
    );
    assert_eq!(
        names(
            app.get("/api/v1/vessels?vessel_type=research", &manager.token)
                .await
                .expect(200)
        ),
        ["RV Oceanus"]
    );
    assert_eq!(
        names(
            app.get(
                &format!("/api/v1/vessels?owner_organization_id={other}"),
                &manager.token
            )
            .await
            .expect(200)
        ),
        ["MV Meltemi"]
    );

    let first = app
        .get("/api/v1/vessels?limit=2", &manager.token)
        .await
        .expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("/api/v1/vessels?limit=2&cursor={cursor}"),
            &manager.token,
        )
        .await
        .expect(200);
    assert_eq!(names(second).len(), 1);
    app.get("/api/v1/vessels?limit=201", &manager.token)
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn a_manager_corrects_a_vessel_and_may_clear_its_imo_number() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Adriatic Lines", "IT").await;
    let created = app
        .post(
            "/api/v1/vessels",
            &manager.token,
            vessel_body(org, "MV Scirocco", Some("9074729")),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/vessels/{}", created.id());
    let changed = app
        .patch(
            &path,
            &manager.token,
            json!({"draft_m": 11.8, "name": "MV Scirocco II"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["draft_m"], 11.8);
    assert_eq!(changed.body["imo_number"], "9074729");
    let cleared = app
        .patch(&path, &manager.token, json!({"imo_number": null}))
        .await
        .expect(200);
    assert_eq!(cleared.body["imo_number"], serde_json::Value::Null);
    app.patch(&path, &manager.token, json!({"beam_m": -1}))
        .await
        .expect_problem(422, "validation-failed");
    app.patch(&path, &manager.token, json!({"imo_number": "9074728"}))
        .await
        .expect_problem(422, "validation-failed");
    app.patch(&path, &manager.token, json!({"owner": org}))
        .await
        .expect_problem(400, "malformed-request");
}
