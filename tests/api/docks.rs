//! Docks and bookings over HTTP: the fit rule, the two exclusion constraints under
//! concurrency, availability windows, job dates following bookings, and tenant scope.

use crate::common::{Session, TestApp, vessel_body};
use serde_json::{Value, json};
use uuid::Uuid;

/// A yard with one manager, two client organisations, a 190 m bulk carrier for A
/// (beam 32.2, draft 12.5, lightweight 9800 t) and one for B.
struct Yard {
    app: TestApp,
    manager: Session,
    client_a: Session,
    client_b: Session,
    vessel_a: Uuid,
    vessel_b: Uuid,
    dock: Uuid,
}

async fn yard() -> Yard {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org_a = app.organization(&manager, "Alexandria Bulk", "EG").await;
    let org_b = app.organization(&manager, "Genoa Reefers", "IT").await;
    let vessel_a = app.vessel(&manager, org_a).await;
    let vessel_b = app.vessel(&manager, org_b).await;
    let client_a = app.client(org_a).await;
    let client_b = app.client(org_b).await;
    let dock = app
        .dock(&manager, "Dry Dock No. 1", (250.0, 40.0, 14.0), None)
        .await;
    Yard {
        app,
        manager,
        client_a,
        client_b,
        vessel_a,
        vessel_b,
        dock,
    }
}

#[tokio::test]
async fn each_limit_a_vessel_fails_is_named_with_both_numbers() {
    let y = yard().await;
    let cases = [
        (
            "Short dock",
            (180.0, 40.0, 14.0),
            None,
            "max_length_m",
            ["190 m", "180 m"],
        ),
        (
            "Narrow dock",
            (250.0, 30.0, 14.0),
            None,
            "max_beam_m",
            ["32.2 m", "30 m"],
        ),
        (
            "Shallow dock",
            (250.0, 40.0, 12.0),
            None,
            "max_draft_m",
            ["12.5 m", "12 m"],
        ),
        (
            "Light lift",
            (250.0, 40.0, 14.0),
            Some(9000.0),
            "lifting_capacity_t",
            ["9800 t", "9000 t"],
        ),
    ];
    for (name, limits, lift, field, numbers) in cases {
        let dock = y.app.dock(&y.manager, name, limits, lift).await;
        let reply = y
            .app
            .book(
                &y.manager,
                dock,
                y.vessel_a,
                "2026-06-01T00:00:00Z",
                "2026-06-10T00:00:00Z",
            )
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], field, "{name}");
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        for n in numbers {
            assert!(message.contains(n), "{name}: {message}");
        }
    }
    // Exactly at every limit fits.
    let exact = y
        .app
        .dock(&y.manager, "Exact dock", (190.0, 32.2, 12.5), Some(9800.0))
        .await;
    y.app
        .book(
            &y.manager,
            exact,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn a_lifting_dock_refuses_a_vessel_of_unknown_lightweight() {
    let y = yard().await;
    let org = y
        .app
        .organization(&y.manager, "Colombo Trawlers", "LK")
        .await;
    let mut trawler = vessel_body(org, "FV Unknown Weight", None);
    trawler["vessel_type"] = json!("fishing");
    trawler["lightweight_t"] = Value::Null;
    trawler["length_overall_m"] = json!(40.0);
    let vessel = y
        .app
        .post("/api/v1/vessels", &y.manager.token, trawler)
        .await
        .expect(201)
        .id();
    let lift = y
        .app
        .dock(&y.manager, "Shiplift", (100.0, 40.0, 14.0), Some(50000.0))
        .await;
    let reply = y
        .app
        .book(
            &y.manager,
            lift,
            vessel,
            "2026-06-01T00:00:00Z",
            "2026-06-02T00:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("unknown")
    );
    // A graving dock lifts nothing, so the unknown weight does not matter there.
    y.app
        .book(
            &y.manager,
            y.dock,
            vessel,
            "2026-06-01T00:00:00Z",
            "2026-06-02T00:00:00Z",
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn touching_bookings_are_accepted_and_overlaps_name_the_booking_in_the_way() {
    let y = yard().await;
    let first = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
    assert_eq!(first.body["status"], "booked");
    assert_eq!(first.body["dock_name"], "Dry Dock No. 1");
    // Back to back: B enters as A leaves.
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-06-10T00:00:00Z",
            "2026-06-15T00:00:00Z",
        )
        .await
        .expect(201);
    let clash = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-06-09T23:00:00Z",
            "2026-06-09T23:30:00Z",
        )
        .await
        .expect_problem(409, "dock-conflict");
    assert_eq!(clash.body["conflicting_id"], first.body["id"]);

    // The same vessel in another dock at an overlapping time.
    let other_dock = y
        .app
        .dock(&y.manager, "Dry Dock No. 2", (250.0, 40.0, 14.0), None)
        .await;
    let double = y
        .app
        .book(
            &y.manager,
            other_dock,
            y.vessel_a,
            "2026-06-05T00:00:00Z",
            "2026-06-06T00:00:00Z",
        )
        .await
        .expect_problem(409, "vessel-double-booked");
    assert_eq!(double.body["conflicting_id"], first.body["id"]);

    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-20T00:00:00Z",
            "2026-06-19T00:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-20T00:00:00Z",
            "2026-06-20T00:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn a_cancelled_booking_frees_its_slot() {
    let y = yard().await;
    let first = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-07-01T00:00:00Z",
            "2026-07-10T00:00:00Z",
        )
        .await
        .expect(201);
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-07-05T00:00:00Z",
            "2026-07-12T00:00:00Z",
        )
        .await
        .expect(409);
    let cancelled = y
        .app
        .post(
            &format!("/api/v1/dock-bookings/{}/cancel", first.id()),
            &y.manager.token,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert!(cancelled.body["cancelled_at"].is_string());
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-07-05T00:00:00Z",
            "2026-07-12T00:00:00Z",
        )
        .await
        .expect(201);
    // A cancelled booking cannot be moved back into the way.
    y.app
        .patch(
            &format!("/api/v1/dock-bookings/{}", first.id()),
            &y.manager.token,
            json!({"starts_at": "2026-08-01T00:00:00Z", "ends_at": "2026-08-02T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn moving_a_booking_is_checked_again() {
    let y = yard().await;
    let a = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
    let b = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-06-20T00:00:00Z",
            "2026-06-25T00:00:00Z",
        )
        .await
        .expect(201);
    let path = format!("/api/v1/dock-bookings/{}", b.id());
    let onto = y
        .app
        .patch(
            &path,
            &y.manager.token,
            json!({"starts_at": "2026-06-05T00:00:00Z"}),
        )
        .await
        .expect_problem(409, "dock-conflict");
    assert_eq!(onto.body["conflicting_id"], a.body["id"]);
    // Moving within its own period never conflicts with itself.
    let shifted = y
        .app
        .patch(
            &path,
            &y.manager.token,
            json!({"starts_at": "2026-06-21T00:00:00Z", "notes": "tug delayed"}),
        )
        .await
        .expect(200);
    assert_eq!(shifted.body["starts_at"], "2026-06-21T00:00:00Z");
    assert_eq!(shifted.body["notes"], "tug delayed");
    let small = y
        .app
        .dock(&y.manager, "Small berth", (100.0, 20.0, 6.0), None)
        .await;
    y.app
        .patch(&path, &y.manager.token, json!({"dock_id": small}))
        .await
        .expect_problem(422, "validation-failed");
    let big = y
        .app
        .dock(&y.manager, "Big dock", (300.0, 50.0, 16.0), None)
        .await;
    let moved = y
        .app
        .patch(
            &path,
            &y.manager.token,
            json!({"dock_id": big, "starts_at": "2026-06-01T00:00:00Z"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["dock_id"], big.to_string());
    y.app
        .patch(
            &path,
            &y.manager.token,
            json!({"ends_at": "2026-05-01T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
}

async fn race(
    app: &TestApp,
    manager: &Session,
    requests: Vec<(Uuid, Uuid)>,
) -> Vec<crate::common::Reply> {
    let calls = requests.into_iter().enumerate().map(|(i, (dock, vessel))| {
        let token = manager.token.clone();
        async move {
            // Each request overlaps every other one by at least a day.
            let start = format!("2026-09-{:02}T00:00:00Z", 1 + (i % 5));
            app
                .post("/api/v1/dock-bookings", &token, json!({"dock_id": dock, "vessel_id": vessel, "starts_at": start, "ends_at": "2026-09-10T00:00:00Z"}))
                .await
        }
    });
    futures_util::future::join_all(calls).await
}

/// One of the raced requests booked; every other one is a 409 of one of `codes` naming
/// that booking.
fn assert_one_booked(replies: &[crate::common::Reply], codes: &[&str]) {
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    let booked: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(booked.len(), 1, "{statuses:?}");
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(reply.status, 409, "{statuses:?}");
        let code = reply
            .problem_type()
            .trim_start_matches("/problems/")
            .to_owned();
        assert!(codes.contains(&code.as_str()), "{code}");
        assert_eq!(reply.body["conflicting_id"], booked[0].body["id"]);
    }
}

#[tokio::test]
async fn fifty_concurrent_overlapping_bookings_of_one_dock_give_one_201() {
    let y = yard().await;
    let org = y.app.organization(&y.manager, "Fleet", "GR").await;
    let mut vessels = Vec::new();
    for _ in 0..50 {
        vessels.push(y.app.vessel(&y.manager, org).await);
    }
    let replies = race(
        &y.app,
        &y.manager,
        vessels.into_iter().map(|v| (y.dock, v)).collect(),
    )
    .await;
    assert_one_booked(&replies, &["dock-conflict"]);
    let live = y
        .app
        .get(
            &format!("/api/v1/dock-bookings?dock_id={}", y.dock),
            &y.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(live.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_vessel_across_two_docks_give_one_201() {
    let y = yard().await;
    let second = y
        .app
        .dock(&y.manager, "Dry Dock No. 2", (250.0, 40.0, 14.0), None)
        .await;
    let requests = (0..50)
        .map(|i| (if i % 2 == 0 { y.dock } else { second }, y.vessel_a))
        .collect();
    let replies = race(&y.app, &y.manager, requests).await;
    assert_one_booked(&replies, &["dock-conflict", "vessel-double-booked"]);
}

fn windows(reply: &crate::common::Reply, dock: Uuid) -> Vec<(String, String)> {
    let item = reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["dock_id"] == dock.to_string())
        .expect("the dock is listed");
    item["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["starts_at"].as_str().unwrap().to_owned(),
                w["ends_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn availability_lists_the_free_windows_of_every_dock_the_vessel_fits() {
    let y = yard().await;
    let org = y.app.organization(&y.manager, "Fleet", "GR").await;
    let others: Vec<Uuid> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(y.app.vessel(&y.manager, org).await);
        }
        v
    };
    // Bookings on Dry Dock No. 1: one straddling the range start, one in the middle,
    // one straddling the range end; a cancelled one that must not count.
    y.app
        .book(
            &y.manager,
            y.dock,
            others[0],
            "2026-09-28T00:00:00Z",
            "2026-10-03T00:00:00Z",
        )
        .await
        .expect(201);
    y.app
        .book(
            &y.manager,
            y.dock,
            others[1],
            "2026-10-10T00:00:00Z",
            "2026-10-12T00:00:00Z",
        )
        .await
        .expect(201);
    y.app
        .book(
            &y.manager,
            y.dock,
            others[2],
            "2026-10-28T00:00:00Z",
            "2026-11-05T00:00:00Z",
        )
        .await
        .expect(201);
    let gone = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-10-20T00:00:00Z",
            "2026-10-22T00:00:00Z",
        )
        .await
        .expect(201);
    y.app
        .post(
            &format!("/api/v1/dock-bookings/{}/cancel", gone.id()),
            &y.manager.token,
            json!({}),
        )
        .await
        .expect(200);
    let empty_dock = y
        .app
        .dock(&y.manager, "Dry Dock No. 2", (250.0, 40.0, 14.0), None)
        .await;
    let too_small = y
        .app
        .dock(&y.manager, "Boat slip", (60.0, 12.0, 4.0), None)
        .await;

    let url = |hours: u32| {
        format!(
            "/api/v1/docks/availability?vessel_id={}&duration_hours={hours}&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z",
            y.vessel_a
        )
    };
    let reply = y.app.get(&url(48), &y.manager.token).await.expect(200);
    assert_eq!(
        windows(&reply, y.dock),
        [
            (
                "2026-10-03T00:00:00Z".to_owned(),
                "2026-10-10T00:00:00Z".to_owned()
            ),
            (
                "2026-10-12T00:00:00Z".to_owned(),
                "2026-10-28T00:00:00Z".to_owned()
            ),
        ]
    );
    assert_eq!(
        windows(&reply, empty_dock),
        [(
            "2026-10-01T00:00:00Z".to_owned(),
            "2026-11-01T00:00:00Z".to_owned()
        )]
    );
    assert!(
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["dock_id"] != too_small.to_string())
    );
    // A longer duration drops the 7-day gap.
    let long = y.app.get(&url(24 * 8), &y.manager.token).await.expect(200);
    assert_eq!(
        windows(&long, y.dock),
        [(
            "2026-10-12T00:00:00Z".to_owned(),
            "2026-10-28T00:00:00Z".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_vessel_that_fits_no_dock_gets_an_empty_answer() {
    let y = yard().await;
    let org = y.app.organization(&y.manager, "Giant Tankers", "GR").await;
    let mut vlcc = vessel_body(org, "VLCC Colossus", None);
    vlcc["length_overall_m"] = json!(330.0);
    vlcc["beam_m"] = json!(60.0);
    let vessel = y
        .app
        .post("/api/v1/vessels", &y.manager.token, vlcc)
        .await
        .expect(201)
        .id();
    let reply = y
        .app
        .get(&format!("/api/v1/docks/availability?vessel_id={vessel}&duration_hours=24&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(reply.body, json!({"items": []}));
    y.app
        .get(&format!("/api/v1/docks/availability?vessel_id={vessel}&duration_hours=24&from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z"), &y.manager.token)
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .get(&format!("/api/v1/docks/availability?vessel_id={vessel}&duration_hours=24&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z"), &y.client_a.token)
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn clients_see_only_their_vessels_bookings_and_cannot_touch_others() {
    let y = yard().await;
    let a = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
    let b = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-06-10T00:00:00Z",
            "2026-06-20T00:00:00Z",
        )
        .await
        .expect(201);

    let mine = y
        .app
        .get("/api/v1/dock-bookings", &y.client_a.token)
        .await
        .expect(200);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], a.body["id"]);
    let b_vessel_name = b.body["vessel_name"].as_str().unwrap();
    assert!(
        !mine.body.to_string().contains(b_vessel_name),
        "another client's vessel name leaked"
    );
    let by_dock = y
        .app
        .get(
            &format!("/api/v1/dock-bookings?dock_id={}", y.dock),
            &y.client_a.token,
        )
        .await
        .expect(200);
    assert_eq!(by_dock.body["items"].as_array().unwrap().len(), 1);

    let b_path = format!("/api/v1/dock-bookings/{}", b.id());
    y.app
        .get(&b_path, &y.client_a.token)
        .await
        .expect_problem(404, "not-found");
    y.app
        .patch(
            &b_path,
            &y.client_a.token,
            json!({"starts_at": "2026-06-11T00:00:00Z"}),
        )
        .await
        .expect_problem(404, "not-found");
    y.app
        .post(&format!("{b_path}/cancel"), &y.client_a.token, json!({}))
        .await
        .expect_problem(404, "not-found");
    y.app
        .book(
            &y.client_a,
            y.dock,
            y.vessel_b,
            "2026-08-01T00:00:00Z",
            "2026-08-02T00:00:00Z",
        )
        .await
        .expect_problem(404, "not-found");
    // Its own vessel's booking: readable, but managers write.
    y.app
        .get(
            &format!("/api/v1/dock-bookings/{}", a.id()),
            &y.client_a.token,
        )
        .await
        .expect(200);
    y.app
        .book(
            &y.client_a,
            y.dock,
            y.vessel_a,
            "2026-08-01T00:00:00Z",
            "2026-08-02T00:00:00Z",
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .post(
            &format!("/api/v1/dock-bookings/{}/cancel", a.id()),
            &y.client_a.token,
            json!({}),
        )
        .await
        .expect_problem(403, "forbidden");
    let still = y.app.get(&b_path, &y.manager.token).await.expect(200);
    assert_eq!(still.body["status"], "booked");
    assert_eq!(still.body["starts_at"], "2026-06-10T00:00:00Z");
    // Client B sees its own.
    let b_list = y
        .app
        .get("/api/v1/dock-bookings", &y.client_b.token)
        .await
        .expect(200);
    assert_eq!(b_list.body["items"][0]["id"], b.body["id"]);
    // Docks themselves are readable, but not writable, by clients.
    y.app
        .get("/api/v1/docks", &y.client_a.token)
        .await
        .expect(200);
    y.app.post("/api/v1/docks", &y.client_a.token, json!({"name": "Mine", "kind": "slipway", "max_length_m": 1, "max_beam_m": 1, "max_draft_m": 1})).await.expect_problem(403, "forbidden");
}

#[tokio::test]
async fn the_booking_list_covers_the_window_and_filters_by_vessel() {
    let y = yard().await;
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
    y.app
        .book(
            &y.manager,
            y.dock,
            y.vessel_b,
            "2026-06-10T00:00:00Z",
            "2026-06-20T00:00:00Z",
        )
        .await
        .expect(201);
    let count = |reply: crate::common::Reply| reply.body["items"].as_array().unwrap().len();
    let t = &y.manager.token;
    assert_eq!(
        count(
            y.app
                .get(
                    "/api/v1/dock-bookings?from=2026-06-10T00:00:00Z&to=2026-06-11T00:00:00Z",
                    t
                )
                .await
                .expect(200)
        ),
        1
    );
    assert_eq!(
        count(
            y.app
                .get(
                    "/api/v1/dock-bookings?from=2026-06-09T00:00:00Z&to=2026-06-11T00:00:00Z",
                    t
                )
                .await
                .expect(200)
        ),
        2
    );
    assert_eq!(
        count(
            y.app
                .get("/api/v1/dock-bookings?from=2026-06-20T00:00:00Z", t)
                .await
                .expect(200)
        ),
        0
    );
    assert_eq!(
        count(
            y.app
                .get(
                    &format!("/api/v1/dock-bookings?vessel_id={}", y.vessel_b),
                    t
                )
                .await
                .expect(200)
        ),
        1
    );
    y.app
        .get(
            "/api/v1/dock-bookings?from=2026-06-20T00:00:00Z&to=2026-06-01T00:00:00Z",
            t,
        )
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn a_job_follows_its_dock_booking_and_can_then_be_scheduled() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, job, "approved").await;
    let booking = y
        .app
        .post(
            "/api/v1/dock-bookings",
            &y.manager.token,
            json!({"dock_id": y.dock, "vessel_id": y.vessel_a, "job_id": job, "starts_at": "2026-06-01T06:00:00Z", "ends_at": "2026-06-14T18:00:00Z"}),
        )
        .await
        .expect(201);
    let view = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(view.body["planned_start"], "2026-06-01T06:00:00Z");
    assert_eq!(view.body["planned_end"], "2026-06-14T18:00:00Z");
    y.app
        .transition(&y.manager, job, "scheduled", None)
        .await
        .expect(200);
    y.app
        .patch(
            &format!("/api/v1/dock-bookings/{}", booking.id()),
            &y.manager.token,
            json!({"starts_at": "2026-06-03T06:00:00Z", "ends_at": "2026-06-16T18:00:00Z"}),
        )
        .await
        .expect(200);
    let moved = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(moved.body["planned_start"], "2026-06-03T06:00:00Z");
    assert_eq!(moved.body["planned_end"], "2026-06-16T18:00:00Z");

    // A job of another vessel cannot be linked.
    let other = y.app.job(&y.client_b, y.vessel_b).await;
    let reply = y
        .app
        .post(
            "/api/v1/dock-bookings",
            &y.manager.token,
            json!({"dock_id": y.dock, "vessel_id": y.vessel_a, "job_id": other, "starts_at": "2026-07-01T00:00:00Z", "ends_at": "2026-07-02T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "job_id");
}

#[tokio::test]
async fn docks_are_validated_and_managed_by_managers() {
    let y = yard().await;
    let reply = y
        .app
        .post("/api/v1/docks", &y.manager.token, json!({"name": "Bad", "kind": "graving_dock", "max_length_m": 0, "max_beam_m": 10, "max_draft_m": -1}))
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"].as_array().unwrap().len(), 2);
    y.app
        .post("/api/v1/docks", &y.manager.token, json!({"name": "Bad", "kind": "bathtub", "max_length_m": 1, "max_beam_m": 1, "max_draft_m": 1}))
        .await
        .expect_problem(400, "malformed-request");
    let path = format!("/api/v1/docks/{}", y.dock);
    let changed = y
        .app
        .patch(
            &path,
            &y.manager.token,
            json!({"lifting_capacity_t": 30000, "kind": "floating_dock"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["kind"], "floating_dock");
    assert_eq!(changed.body["lifting_capacity_t"], 30000.0);
    y.app
        .patch(&path, &y.client_a.token, json!({"name": "X"}))
        .await
        .expect_problem(403, "forbidden");
    y.app
        .get(
            &format!("/api/v1/docks/{}", Uuid::new_v4()),
            &y.manager.token,
        )
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn the_database_itself_refuses_overlapping_bookings() {
    // Straight SQL, past every application check: the exclusion constraints hold alone.
    use diesel_async::RunQueryDsl;
    let y = yard().await;
    let first = y
        .app
        .book(
            &y.manager,
            y.dock,
            y.vessel_a,
            "2026-06-01T00:00:00Z",
            "2026-06-10T00:00:00Z",
        )
        .await
        .expect(201);
    let mut conn = y.app.db.get().await.unwrap();
    let insert = |dock: Uuid, vessel: Uuid, starts: &'static str, ends: &'static str| {
        format!(
            "INSERT INTO dock_bookings (dock_id, vessel_id, starts_at, ends_at, created_by) \
             VALUES ('{dock}', '{vessel}', '{starts}', '{ends}', '{}')",
            y.manager.user_id
        )
    };
    let err = diesel::sql_query(insert(
        y.dock,
        y.vessel_b,
        "2026-06-05T00:00:00Z",
        "2026-06-06T00:00:00Z",
    ))
    .execute(&mut conn)
    .await
    .expect_err("the dock overlap must be refused");
    assert!(
        err.to_string().contains("dock_bookings_no_dock_overlap"),
        "{err}"
    );
    let second_dock = y
        .app
        .dock(&y.manager, "Dry Dock No. 2", (250.0, 40.0, 14.0), None)
        .await;
    let err = diesel::sql_query(insert(
        second_dock,
        y.vessel_a,
        "2026-06-05T00:00:00Z",
        "2026-06-06T00:00:00Z",
    ))
    .execute(&mut conn)
    .await
    .expect_err("the vessel overlap must be refused");
    assert!(
        err.to_string().contains("dock_bookings_no_vessel_overlap"),
        "{err}"
    );
    diesel::sql_query(insert(
        y.dock,
        y.vessel_b,
        "2026-06-10T00:00:00Z",
        "2026-06-11T00:00:00Z",
    ))
    .execute(&mut conn)
    .await
    .expect("touching is fine");
    diesel::sql_query(format!(
        "UPDATE dock_bookings SET status = 'cancelled', cancelled_at = now() WHERE id = '{}'",
        first.id()
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query(insert(
        second_dock,
        y.vessel_a,
        "2026-06-05T00:00:00Z",
        "2026-06-06T00:00:00Z",
    ))
    .execute(&mut conn)
    .await
    .expect("a cancelled booking holds nothing");
}

#[tokio::test]
async fn bookings_requested_at_once_are_each_answered_with_their_own() {
    // Bookings arriving together are made together (one statement); each request must
    // still get back its own booking.
    let y = yard().await;
    let org = y
        .app
        .organization(&y.manager, "Colombo Feeders", "LK")
        .await;
    let mut vessels = Vec::new();
    for _ in 0..12 {
        vessels.push(y.app.vessel(&y.manager, org).await);
    }
    let calls = vessels.iter().enumerate().map(|(i, vessel)| {
        let (app, token, dock) = (&y.app, y.manager.token.clone(), y.dock);
        let starts = format!("2027-03-{:02}T00:00:00Z", 1 + 2 * i);
        let ends = format!("2027-03-{:02}T00:00:00Z", 2 + 2 * i);
        async move {
            let reply = app
                .post(
                    "/api/v1/dock-bookings",
                    &token,
                    json!({"dock_id": dock, "vessel_id": vessel, "starts_at": starts, "ends_at": ends}),
                )
                .await;
            (reply, *vessel, starts, ends)
        }
    });
    let mut ids = Vec::new();
    for (reply, vessel, starts, ends) in futures_util::future::join_all(calls).await {
        let reply = reply.expect(201);
        assert_eq!(reply.body["vessel_id"], json!(vessel));
        assert_eq!(reply.body["starts_at"], starts);
        assert_eq!(reply.body["ends_at"], ends);
        ids.push(reply.id());
        // The answer is the booking as stored.
        let stored = y
            .app
            .get(
                &format!("/api/v1/dock-bookings/{}", reply.id()),
                &y.manager.token,
            )
            .await
            .expect(200);
        assert_eq!(stored.body["vessel_id"], json!(vessel));
        assert_eq!(stored.body["starts_at"], starts);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 12);
}

#[tokio::test]
async fn bookings_that_cannot_be_made_are_each_refused_as_alone_in_the_same_moment() {
    // The writers read a batch's vessels and docks themselves and judge the fit; a
    // booking they cannot make must get the answer it gets alone, while the bookings
    // beside it are made.
    let y = yard().await;
    let short = y
        .app
        .dock(&y.manager, "Short dock", (180.0, 40.0, 14.0), None)
        .await;
    let org = y
        .app
        .organization(&y.manager, "Piraeus Tankers", "GR")
        .await;
    let mut vessels = Vec::new();
    for _ in 0..8 {
        vessels.push(y.app.vessel(&y.manager, org).await);
    }
    let book = |dock: Uuid, vessel: Uuid, day: usize| {
        let (app, manager) = (&y.app, &y.manager);
        let starts = format!("2027-04-{:02}T00:00:00Z", day);
        let ends = format!("2027-04-{:02}T12:00:00Z", day);
        async move { app.book(manager, dock, vessel, &starts, &ends).await }
    };
    let good = vessels
        .iter()
        .enumerate()
        .map(|(i, vessel)| book(y.dock, *vessel, 1 + i));
    let (made, misfit, no_vessel, no_dock) = tokio::join!(
        futures_util::future::join_all(good),
        book(short, vessels[0], 20),
        book(y.dock, Uuid::new_v4(), 21),
        book(Uuid::new_v4(), vessels[1], 22),
    );
    for (reply, vessel) in made.into_iter().zip(&vessels) {
        let reply = reply.expect(201);
        assert_eq!(reply.body["vessel_id"], json!(vessel));
        assert_eq!(reply.body["dock_id"], json!(y.dock));
    }
    let misfit = misfit.expect_problem(422, "validation-failed");
    assert_eq!(misfit.body["errors"][0]["field"], "max_length_m");
    no_vessel.expect_problem(404, "not-found");
    no_dock.expect_problem(404, "not-found");
    // Nothing was booked in the short dock, nor on the days of the refused bookings.
    let listed = y
        .app
        .get(
            "/api/v1/dock-bookings?from=2027-04-01T00:00:00Z&to=2027-05-01T00:00:00Z&limit=100",
            &y.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 8);
}

#[tokio::test]
async fn a_batch_of_bookings_is_made_whole_or_not_at_all() {
    // The batch statement itself, past the HTTP layer: one overlap (even inside the
    // batch) books none; otherwise each booking comes back by its place in the batch.
    use chrono::{DateTime, Utc};
    use slipway::docks::queries::{NewBooking, book};
    let y = yard().await;
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let booking = |vessel: Uuid, starts: &str, ends: &str| NewBooking {
        dock_id: y.dock,
        vessel_id: vessel,
        job_id: None,
        starts_at: at(starts),
        ends_at: at(ends),
        notes: Some(format!("from {starts}")),
        created_by: y.manager.user_id,
    };
    let a = booking(y.vessel_a, "2027-05-01T00:00:00Z", "2027-05-03T00:00:00Z");
    let b = booking(y.vessel_b, "2027-05-04T00:00:00Z", "2027-05-05T00:00:00Z");
    let clash = booking(y.vessel_b, "2027-05-02T00:00:00Z", "2027-05-04T00:00:00Z");
    let mut conn = y.app.db.get().await.unwrap();
    let err = book(&mut conn, &[&a, &b, &clash])
        .await
        .expect_err("an overlap inside the batch fails it");
    assert!(
        err.to_string().contains("dock_bookings_no_dock_overlap"),
        "{err}"
    );
    let window = "/api/v1/dock-bookings?from=2027-04-01T00:00:00Z&to=2027-06-01T00:00:00Z";
    let listed = y.app.get(window, &y.manager.token).await.expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 0);

    let booked = book(&mut conn, &[&b, &a]).await.unwrap();
    let mut places: Vec<(usize, Option<String>)> = booked
        .iter()
        .map(|(i, row)| (*i, row.notes.clone()))
        .collect();
    places.sort();
    assert_eq!(
        places,
        vec![
            (0, Some("from 2027-05-04T00:00:00Z".to_owned())),
            (1, Some("from 2027-05-01T00:00:00Z".to_owned())),
        ]
    );
    let listed = y.app.get(window, &y.manager.token).await.expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_booking_writers_answer_each_booking_with_its_own_fate() {
    // Past the HTTP layer: bookings handed to one writer at once are made together, and
    // when one of them overlaps another the batch fails and each is made alone, so the
    // overlapping one alone is refused, with its constraint's conflict.
    use chrono::{DateTime, Utc};
    use slipway::docks::queries::{BookingBatch, NewBooking};
    use slipway::error::{ApiError, ConflictKind};
    use slipway::group_commit::GroupWriter;
    let y = yard().await;
    let writer = GroupWriter::<BookingBatch>::start(y.app.db.clone(), 1);
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let booking = |vessel: Uuid, day: u32, hours: u32| NewBooking {
        dock_id: y.dock,
        vessel_id: vessel,
        job_id: None,
        starts_at: at(&format!("2027-07-{day:02}T00:00:00Z")),
        ends_at: at(&format!("2027-07-{day:02}T{hours:02}:00:00Z")),
        notes: Some(format!("day {day}")),
        created_by: y.manager.user_id,
    };
    let items = [
        booking(y.vessel_a, 1, 12),
        booking(y.vessel_b, 2, 12),
        booking(y.vessel_a, 3, 12),
        booking(y.vessel_a, 2, 6),
    ];
    let answers =
        futures_util::future::join_all(items.iter().map(|i| writer.write(i.clone()))).await;
    let mut made = Vec::new();
    let mut refused = 0;
    for (i, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(row) => {
                assert_eq!(row.notes, items[i].notes, "booking {i} got its own row");
                assert_eq!(row.vessel_id, items[i].vessel_id);
                made.push(i);
            }
            Err(ApiError::Conflict {
                kind: ConflictKind::DockConflict,
                ..
            }) => refused += 1,
            Err(e) => panic!("booking {i}: {e}"),
        }
    }
    assert_eq!(refused, 1, "one of the two bookings of day 2 is refused");
    assert_eq!(made.len(), 3);
    assert!(made.contains(&0) && made.contains(&2));
    let window = "/api/v1/dock-bookings?from=2027-07-01T00:00:00Z&to=2027-08-01T00:00:00Z";
    let listed = y.app.get(window, &y.manager.token).await.expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 3);
}
