//! Graceful shutdown: `slipway serve` as its own process, under a load of writes, gets
//! SIGTERM. It stops accepting, finishes what is in flight (the batched writes with it),
//! exits within its grace, and every write it acknowledged is in PostgreSQL. While it
//! drains, `/readyz` answers 503.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::common::{TestApp, free_port, serve_process};
use chrono::{TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn sigterm_under_a_load_of_writes_loses_no_acknowledged_write() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Piraeus Bulk", "GR").await;
    let dock = app
        .dock(&manager, "Dry Dock No. 1", (320.0, 55.0, 14.0), None)
        .await;
    let vessels: Vec<Uuid> = {
        let mut v = Vec::new();
        for _ in 0..8 {
            v.push(app.vessel(&manager, org).await);
        }
        v
    };
    let port = free_port();
    let mut child = serve_process(&app, port, &[("SLIPWAY_SHUTDOWN_GRACE_SECS", "5")]);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let started = Instant::now();
    while http.get(format!("{base}/readyz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Eight writers book one dock in consecutive windows, as fast as they can.
    let acknowledged = Arc::new(Mutex::new(Vec::<Uuid>::new()));
    let refused = Arc::new(Mutex::new(0usize));
    let writers = vessels.iter().enumerate().map(|(w, vessel)| {
        let (http, base, token, acknowledged, refused) =
            (http.clone(), base.clone(), manager.token.clone(), acknowledged.clone(), refused.clone());
        let vessel = *vessel;
        tokio::spawn(async move {
            for n in 0..10_000i64 {
                let slot = n * 8 + w as i64;
                let starts = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(2 * slot);
                let body = json!({"dock_id": dock, "vessel_id": vessel, "starts_at": starts, "ends_at": starts + chrono::Duration::hours(1)});
                let sent = http
                    .post(format!("{base}/api/v1/dock-bookings"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                match sent {
                    Ok(reply) if reply.status().as_u16() == 201 => {
                        let created: serde_json::Value = reply.json().await.unwrap();
                        acknowledged.lock().unwrap().push(created["id"].as_str().unwrap().parse().unwrap());
                    }
                    Ok(reply) => {
                        let status = reply.status().as_u16();
                        assert!(status == 503 || status == 409, "unexpected {status}");
                        *refused.lock().unwrap() += 1;
                    }
                    // Stopped accepting: this write was never acknowledged.
                    Err(_) => return,
                }
            }
        })
    });
    let writers: Vec<_> = writers.collect();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let before_signal = acknowledged.lock().unwrap().len();
    assert!(before_signal > 0, "no write got through before the signal");
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(8),
            "did not exit within its grace"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
    for writer in writers {
        writer.await.unwrap();
    }
    // Every acknowledged booking is in PostgreSQL.
    let acknowledged = acknowledged.lock().unwrap().clone();
    let mut conn = app.db.get().await.unwrap();
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let stored: i64 = slipway::schema::dock_bookings::table
        .filter(slipway::schema::dock_bookings::id.eq_any(&acknowledged))
        .count()
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(stored as usize, acknowledged.len());
    eprintln!(
        "{} writes acknowledged ({} before SIGTERM), all stored; exited {} ms after the signal",
        acknowledged.len(),
        before_signal,
        signalled.elapsed().as_millis()
    );
}

#[tokio::test]
async fn a_draining_instance_is_not_ready() {
    let app = TestApp::spawn_with(|state| {
        state.draining.set();
        state
    })
    .await;
    app.request(reqwest::Method::GET, "/readyz", None, None)
        .await
        .expect_problem(503, "unavailable");
    app.request(reqwest::Method::GET, "/healthz", None, None)
        .await
        .expect(200);
}
