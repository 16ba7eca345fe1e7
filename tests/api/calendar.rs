//! Calendars (SPEC section 15): each user's secret feed, read by a calendar parser (the
//! `icalendar` crate's), holds what the user's role and organisation may see and nothing
//! else; a moved booking changes its SEQUENCE and LAST-MODIFIED, not its UID; rotating,
//! a new password or deactivation ends the old address.

use icalendar::{Calendar, Component, Event};
use serde_json::json;
use uuid::Uuid;

use crate::common::{PASSWORD, Session, TestApp};

/// What a calendar app reads from a feed address: the parsed calendar.
struct Feed {
    events: Vec<Event>,
}

impl Feed {
    fn uid(&self, uid: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.get_uid() == Some(uid))
    }

    fn uids(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| e.get_uid().unwrap().to_owned())
            .collect()
    }
}

async fn url_of(app: &TestApp, who: &Session) -> String {
    let reply = app
        .get("/api/v1/me/calendar-feed", &who.token)
        .await
        .expect(200);
    reply.body["url"].as_str().unwrap().to_owned()
}

/// Reads a feed as a calendar would (no sign-in); `None` for a 404.
async fn read(app: &TestApp, url: &str) -> Option<Feed> {
    let resp = app
        .http
        .get(url)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    if resp.status() == 404 {
        return None;
    }
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(resp.headers().get("content-encoding").is_none());
    let text = resp.text().await.unwrap();
    let calendar: Calendar = text.parse().expect("an RFC 5545 calendar");
    Some(Feed {
        events: calendar.events().cloned().collect(),
    })
}

struct Yard {
    app: TestApp,
    manager: Session,
    ours: Session,
    theirs: Session,
    our_booking: Uuid,
    their_booking: Uuid,
    our_job: Uuid,
}

async fn yard() -> Yard {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let our_org = app
        .organization(&manager, "Piraeus Bulk Carriers", "GR")
        .await;
    let their_org = app.organization(&manager, "Nile Tankers", "EG").await;
    let ours = app.client(our_org).await;
    let theirs = app.client(their_org).await;
    let our_vessel = app.vessel(&manager, our_org).await;
    let their_vessel = app.vessel(&manager, their_org).await;
    let dock = app
        .dock(&manager, "Dry Dock No. 1", (300.0, 50.0, 15.0), None)
        .await;
    let our_booking = app
        .book(
            &manager,
            dock,
            our_vessel,
            "2027-03-01T00:00:00Z",
            "2027-03-10T00:00:00Z",
        )
        .await
        .expect(201)
        .id();
    let their_booking = app
        .book(
            &manager,
            dock,
            their_vessel,
            "2027-04-01T00:00:00Z",
            "2027-04-10T00:00:00Z",
        )
        .await
        .expect(201)
        .id();
    // An awarded job of ours with a contractual redelivery and a variation pending.
    let our_job = app.job(&ours, our_vessel).await;
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/jobs/{our_job}/contract-terms"),
        Some(&manager.token),
        Some(json!({"redelivery_date": "2027-03-12"})),
    )
    .await
    .expect(200);
    app.advance(&manager, our_job, "in_progress").await;
    app.post(
        &format!("/api/v1/jobs/{our_job}/additional-work"),
        &manager.token,
        json!({"description": "Renew sea chest grating", "amount": "6200.00", "currency": "USD"}),
    )
    .await
    .expect(201);
    Yard {
        app,
        manager,
        ours,
        theirs,
        our_booking,
        their_booking,
        our_job,
    }
}

#[tokio::test]
async fn each_feed_holds_what_its_reader_may_see_and_nothing_of_another_organisation() {
    let y = yard().await;
    let ours = read(&y.app, &url_of(&y.app, &y.ours).await).await.unwrap();
    let theirs = read(&y.app, &url_of(&y.app, &y.theirs).await)
        .await
        .unwrap();
    let yard_feed = read(&y.app, &url_of(&y.app, &y.manager).await)
        .await
        .unwrap();
    let our_booking = format!("booking-{}@slipway", y.our_booking);
    let their_booking = format!("booking-{}@slipway", y.their_booking);
    let redelivery = format!("redelivery-{}@slipway", y.our_job);
    // Ours: our booking, our contractual redelivery (a whole day), our variation's deadline.
    assert!(ours.uid(&our_booking).is_some(), "{:?}", ours.uids());
    assert!(ours.uid(&their_booking).is_none());
    let day = ours.uid(&redelivery).expect("the redelivery");
    assert_eq!(
        day.get_start(),
        Some("2027-03-12".parse::<chrono::NaiveDate>().unwrap().into())
    );
    assert!(
        day.get_summary()
            .unwrap()
            .contains("contractual redelivery")
    );
    assert!(
        ours.events
            .iter()
            .any(|e| e.get_uid().unwrap().starts_with("respond-by-")
                && e.get_summary().unwrap().contains("V-001")),
        "{:?}",
        ours.uids()
    );
    // Links lead into the app, to the job.
    assert!(
        ours.uid(&redelivery)
            .unwrap()
            .get_url()
            .unwrap()
            .ends_with(&format!("/app/jobs/{}", y.our_job))
    );
    // Theirs: their booking only, nothing of ours.
    assert_eq!(theirs.uids(), vec![their_booking.clone()]);
    // The yard: every booking.
    assert!(yard_feed.uid(&our_booking).is_some() && yard_feed.uid(&their_booking).is_some());
    // A technician: their assignments only.
    let technician = y.app.technician().await;
    let tech_feed = read(&y.app, &url_of(&y.app, &technician).await)
        .await
        .unwrap();
    assert!(tech_feed.events.is_empty(), "{:?}", tech_feed.uids());
    // The feed needs no sign-in, but its address is the key: a wrong one is 404.
    let url = url_of(&y.app, &y.ours).await;
    let forged = format!("{}/calendar/{}.ics", y.app.address, "A".repeat(43));
    assert!(read(&y.app, &forged).await.is_none());
    assert!(read(&y.app, &url.replace(".ics", "")).await.is_none());
    // Asking again gives the same address.
    assert_eq!(url_of(&y.app, &y.ours).await, url);
}

#[tokio::test]
async fn a_moved_booking_changes_its_sequence_and_last_modified_only() {
    let y = yard().await;
    let url = url_of(&y.app, &y.ours).await;
    let before = read(&y.app, &url).await.unwrap();
    let uid = format!("booking-{}@slipway", y.our_booking);
    let first = before.uid(&uid).unwrap().clone();
    assert_eq!(first.get_sequence(), Some(0));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    y.app
        .patch(
            &format!("/api/v1/dock-bookings/{}", y.our_booking),
            &y.manager.token,
            json!({"starts_at": "2027-03-02T00:00:00Z", "ends_at": "2027-03-11T00:00:00Z"}),
        )
        .await
        .expect(200);
    let after = read(&y.app, &url).await.unwrap();
    let moved = after.uid(&uid).unwrap();
    assert_eq!(moved.get_sequence(), Some(1));
    assert!(moved.get_last_modified().unwrap() > first.get_last_modified().unwrap());
    assert_ne!(moved.get_start(), first.get_start());
    assert_eq!(moved.get_summary(), first.get_summary());
    // Nothing else moved.
    assert_eq!(before.uids(), after.uids());
    for e in &before.events {
        if e.get_uid() != Some(uid.as_str()) {
            let same = after.uid(e.get_uid().unwrap()).unwrap();
            assert_eq!(same.get_sequence(), e.get_sequence());
            assert_eq!(same.get_last_modified(), e.get_last_modified());
        }
    }
    // A redelivery entry moves the contractual day, with its own sequence.
    y.app
        .post(
            &format!("/api/v1/jobs/{}/redelivery-entries", y.our_job),
            &y.manager.token,
            json!({"days": 2, "cause": "weather", "note": "Gale"}),
        )
        .await
        .expect(201);
    let later = read(&y.app, &url).await.unwrap();
    let day = later
        .uid(&format!("redelivery-{}@slipway", y.our_job))
        .unwrap();
    assert_eq!(day.get_sequence(), Some(1));
    assert_eq!(
        day.get_start(),
        Some("2027-03-14".parse::<chrono::NaiveDate>().unwrap().into())
    );
}

#[tokio::test]
async fn rotating_a_new_password_or_deactivation_ends_the_address() {
    let y = yard().await;
    let old = url_of(&y.app, &y.ours).await;
    assert!(read(&y.app, &old).await.is_some());
    let rotated = y
        .app
        .post("/api/v1/me/calendar-feed/rotate", &y.ours.token, json!({}))
        .await
        .expect(200);
    let new = rotated.body["url"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(read(&y.app, &old).await.is_none());
    assert!(read(&y.app, &new).await.is_some());
    assert_eq!(url_of(&y.app, &y.ours).await, new);
    // A new password.
    y.app
        .post(
            "/api/v1/me/password",
            &y.ours.token,
            json!({"current_password": PASSWORD, "new_password": "another-long-passphrase"}),
        )
        .await
        .expect(204);
    assert!(read(&y.app, &new).await.is_none());
    // Deactivation.
    let url = url_of(&y.app, &y.theirs).await;
    assert!(read(&y.app, &url).await.is_some());
    y.app
        .patch(
            &format!("/api/v1/users/{}", y.theirs.user_id),
            &y.manager.token,
            json!({"active": false}),
        )
        .await
        .expect(200);
    assert!(read(&y.app, &url).await.is_none());
    // Without a sign-in there is no address to ask for.
    let anonymous = y
        .app
        .http
        .get(format!("{}/api/v1/me/calendar-feed", y.app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
