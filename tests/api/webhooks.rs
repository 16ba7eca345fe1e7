//! Webhooks (SPEC section 7): managed per organisation, refused for private addresses,
//! signed as Standard Webhooks (checked here by an HMAC written from its definition),
//! delivered once by two instances, retried while the receiver is down, disabled after
//! three days of failures, and never told another organisation's events.

use std::collections::HashMap;

use crate::common::{Session, TestApp, fast_dispatch, sinks::Receiver};
use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// HMAC-SHA256 as RFC 2104 defines it, from the hash alone: an implementation of its own
/// beside the service's.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Whether a request carries a valid Standard Webhooks signature for `secret`.
fn verify(secret: &str, hook: &crate::common::sinks::Hook) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 secret");
    let signed = [
        hook.header("webhook-id").as_bytes(),
        b".",
        hook.header("webhook-timestamp").as_bytes(),
        b".",
        &hook.body,
    ]
    .concat();
    let expected = format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &signed)));
    hook.header("webhook-signature")
        .split(' ')
        .any(|sig| sig == expected)
}

#[test]
fn the_test_hmac_matches_rfc_4231() {
    // RFC 4231, test case 2.
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        mac.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

struct Yard {
    app: TestApp,
    manager: Session,
    client: Session,
    other_client: Session,
    vessel: Uuid,
    other_org: Uuid,
}

async fn yard(app: TestApp) -> Yard {
    let manager = app.manager().await;
    let org = app.organization(&manager, "Aegean Bulk", "GR").await;
    let other_org = app.organization(&manager, "Nile Lines", "EG").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let other_client = app.client(other_org).await;
    Yard {
        app,
        manager,
        client,
        other_client,
        vessel,
        other_org,
    }
}

impl Yard {
    async fn webhook(&self, session: &Session, body: Value) -> (Uuid, String) {
        let created = self
            .app
            .post("/api/v1/webhooks", &session.token, body)
            .await
            .expect(201);
        (
            created.id(),
            created.body["secret"].as_str().unwrap().to_owned(),
        )
    }
}

#[tokio::test]
async fn a_client_manages_its_own_organisations_webhooks_only() {
    let y = yard(TestApp::spawn_with(fast_dispatch(None, "07:00")).await).await;
    let app = &y.app;
    let created = app
        .post(
            "/api/v1/webhooks",
            &y.client.token,
            json!({"url": "http://127.0.0.1:9/hook", "kinds": ["job.quoted"]}),
        )
        .await
        .expect(201);
    let id = created.id();
    let secret = created.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(created.body["organization_id"], json!(app_org(&y).await));
    assert_eq!(created.body["kinds"], json!(["job.quoted"]));
    assert_eq!(created.body["active"], true);

    // The secret is shown once.
    let read = app
        .get(&format!("/api/v1/webhooks/{id}"), &y.client.token)
        .await
        .expect(200);
    assert!(read.body.get("secret").is_none());
    assert!(!read.body.to_string().contains(secret));

    // Another organisation's client finds nothing of it.
    for (method, path) in [
        (Method::GET, format!("/api/v1/webhooks/{id}")),
        (Method::PATCH, format!("/api/v1/webhooks/{id}")),
        (Method::DELETE, format!("/api/v1/webhooks/{id}")),
        (Method::POST, format!("/api/v1/webhooks/{id}/test")),
        (Method::GET, format!("/api/v1/webhooks/{id}/deliveries")),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"active": false}));
        app.request(method, &path, Some(&y.other_client.token), body)
            .await
            .expect_problem(404, "not-found");
    }
    let theirs = app
        .get("/api/v1/webhooks", &y.other_client.token)
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    // Nor may it create one for another organisation.
    app.post(
        "/api/v1/webhooks",
        &y.client.token,
        json!({"url": "http://127.0.0.1:9/hook", "organization_id": y.other_org}),
    )
    .await
    .expect_problem(422, "validation-failed");
    // Technicians have no webhooks.
    let tech = app.technician().await;
    app.get("/api/v1/webhooks", &tech.token)
        .await
        .expect_problem(403, "forbidden");
    app.post(
        "/api/v1/webhooks",
        &tech.token,
        json!({"url": "http://127.0.0.1:9/hook"}),
    )
    .await
    .expect_problem(403, "forbidden");

    // The manager sees every webhook and may make one for any organisation, or the yard's.
    let all = app
        .get("/api/v1/webhooks", &y.manager.token)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
    let (yards, _) = y
        .webhook(&y.manager, json!({"url": "http://127.0.0.1:9/yard"}))
        .await;
    let yards = app
        .get(&format!("/api/v1/webhooks/{yards}"), &y.manager.token)
        .await
        .expect(200);
    assert!(yards.body["organization_id"].is_null());
    assert_eq!(yards.body["kinds"], json!([]));
    y.webhook(
        &y.manager,
        json!({"url": "http://127.0.0.1:9/nile", "organization_id": y.other_org}),
    )
    .await;
    // But the yard's webhook is not the client's to see.
    app.get(
        &format!("/api/v1/webhooks/{}", yards.body["id"].as_str().unwrap()),
        &y.client.token,
    )
    .await
    .expect_problem(404, "not-found");

    // Bad values change nothing.
    for body in [
        json!({"url": "http://127.0.0.1:9/hook", "kinds": ["webhook.test"]}),
        json!({"url": "not a url"}),
        json!({"url": "ftp://127.0.0.1/hook"}),
    ] {
        app.post("/api/v1/webhooks", &y.client.token, body)
            .await
            .expect_problem(422, "validation-failed");
    }
    app.post(
        "/api/v1/webhooks",
        &y.client.token,
        json!({"url": "http://x", "kinds": ["job.nope"]}),
    )
    .await
    .expect(400);

    // Its owner changes and deletes it.
    let patched = app
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            &y.client.token,
            json!({"kinds": [], "active": false}),
        )
        .await
        .expect(200);
    assert_eq!(patched.body["kinds"], json!([]));
    assert_eq!(patched.body["active"], false);
    app.post(
        &format!("/api/v1/webhooks/{id}/test"),
        &y.client.token,
        json!({}),
    )
    .await
    .expect_problem(422, "validation-failed");
    app.request(
        Method::DELETE,
        &format!("/api/v1/webhooks/{id}"),
        Some(&y.client.token),
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/api/v1/webhooks/{id}"), &y.client.token)
        .await
        .expect_problem(404, "not-found");
}

async fn app_org(y: &Yard) -> Uuid {
    let me = y.app.get("/api/v1/me", &y.client.token).await.expect(200);
    me.body["organization_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn private_and_plain_http_addresses_are_refused_without_the_flag() {
    // No dispatcher configuration: private addresses are not allowed.
    let y = yard(TestApp::spawn().await).await;
    for url in [
        "https://127.0.0.1/hook",
        "https://127.0.0.1:8443/hook",
        "https://10.0.0.5/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/hook",
        // A private IPv4 address inside an IPv6 one: 6to4, IPv4-translated, Teredo.
        "https://[2002:7f00:1::]/",
        "https://[::ffff:0:7f00:1]/",
        "https://[2001:0:a00:1:8000:63bf:3fff:fdd2]/",
        "https://localhost/hook",
        "http://hooks.owner.example/hook",
    ] {
        let refused = y
            .app
            .post("/api/v1/webhooks", &y.client.token, json!({"url": url}))
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(refused.body["errors"][0]["field"], "url", "{url}");
    }
    let none = y
        .app
        .get("/api/v1/webhooks", &y.client.token)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]));
}

#[tokio::test]
async fn events_arrive_signed_and_only_at_their_own_organisations_receivers() {
    let y = yard(TestApp::spawn_with(fast_dispatch(None, "07:00")).await).await;
    let (ours, theirs, yards) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let (_, secret) = y.webhook(&y.client, json!({"url": ours.url()})).await;
    y.webhook(&y.other_client, json!({"url": theirs.url()}))
        .await;
    let (_, yard_secret) = y.webhook(&y.manager, json!({"url": yards.url()})).await;

    let job = y.app.job(&y.client, y.vessel).await;
    y.app
        .quote(&y.manager, job, "125000.00", "EUR")
        .await
        .expect(200);
    y.app
        .transition(&y.client, job, "approved", None)
        .await
        .expect(200);

    let hooks = ours.wait_for(20, |h| h.len() >= 2).await;
    let kinds: Vec<_> = hooks.iter().map(|h| h.json()["kind"].clone()).collect();
    assert_eq!(kinds, [json!("job.quoted"), json!("job.status_changed")]);
    for hook in &hooks {
        assert!(verify(&secret, hook), "{hook:?}");
        assert!(!verify(&yard_secret, hook));
        let body = hook.json();
        assert_eq!(hook.header("webhook-id"), body["id"].as_str().unwrap());
        let sent: i64 = hook.header("webhook-timestamp").parse().unwrap();
        assert!((chrono::Utc::now().timestamp() - sent).abs() < 60);
        assert_eq!(hook.header("content-type"), "application/json");
        assert_eq!(body["job"]["id"], json!(job));
        for key in ["id", "kind", "occurred_at", "job", "data"] {
            assert!(body.get(key).is_some(), "{key} in {body}");
        }
    }
    // The yard's webhook hears what managers hear: the request and the client's move.
    let yard_hooks = yards.wait_for(20, |h| h.len() >= 2).await;
    let kinds: Vec<_> = yard_hooks
        .iter()
        .map(|h| h.json()["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("job.requested"), json!("job.status_changed")]);
    assert!(yard_hooks.iter().all(|h| verify(&yard_secret, h)));
    // A tampered body does not verify.
    let mut forged = hooks[0].clone();
    forged.body = forged
        .body
        .iter()
        .map(|b| if *b == b'5' { b'6' } else { *b })
        .collect();
    assert!(!verify(&secret, &forged));

    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(theirs.hooks().is_empty(), "{:?}", theirs.hooks());
}

#[tokio::test]
async fn a_test_ping_is_delivered_and_logged() {
    let y = yard(TestApp::spawn_with(fast_dispatch(None, "07:00")).await).await;
    let receiver = Receiver::start().await;
    let (id, secret) = y.webhook(&y.client, json!({"url": receiver.url()})).await;
    let queued = y
        .app
        .post(
            &format!("/api/v1/webhooks/{id}/test"),
            &y.client.token,
            json!({}),
        )
        .await
        .expect(202);
    assert_eq!(queued.body["kind"], "webhook.test");
    assert_eq!(queued.body["status"], "pending");
    let hooks = receiver.wait_for(20, |h| !h.is_empty()).await;
    assert_eq!(hooks[0].json()["kind"], "webhook.test");
    assert_eq!(hooks[0].json()["data"]["webhook_id"], json!(id));
    assert!(verify(&secret, &hooks[0]));
    let log = wait_for_deliveries(&y, id, |d| d[0]["status"] == "succeeded").await;
    assert_eq!(log[0]["attempts"][0]["status_code"], 200);
    assert_eq!(log[0]["event_id"], hooks[0].json()["id"]);
    let metrics = y
        .app
        .http
        .get(format!("{}/metrics", y.app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        r#"slipway_outbox_sent_total{channel="webhook"} 1"#,
        r#"slipway_outbox_failed_total{channel="webhook"} 0"#,
        r#"slipway_outbox_pending{channel="webhook"} 0"#,
    ] {
        assert!(metrics.lines().any(|l| l == line), "{line} in {metrics}");
    }
}

async fn wait_for_deliveries(y: &Yard, id: Uuid, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let page = y
            .app
            .get(
                &format!("/api/v1/webhooks/{id}/deliveries?limit=200"),
                &y.manager.token,
            )
            .await
            .expect(200);
        let items = page.body["items"].as_array().unwrap().clone();
        if (!items.is_empty() && done(&items)) || tokio::time::Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn two_instances_deliver_every_event_once_and_retry_while_the_receiver_is_down() {
    // Both instances dispatch; the API is asked through the first.
    let app = TestApp::spawn_with(fast_dispatch(None, "07:00")).await;
    let second = app.second_instance_with(fast_dispatch(None, "07:00")).await;
    let y = yard(app).await;
    let receiver = Receiver::start().await;
    let (id, secret) = y.webhook(&y.client, json!({"url": receiver.url()})).await;

    // Twenty events while the receiver answers.
    let job = y.app.job(&y.client, y.vessel).await;
    y.app
        .quote(&y.manager, job, "1000.00", "EUR")
        .await
        .expect(200);
    y.app
        .transition(&y.client, job, "approved", None)
        .await
        .expect(200);
    for i in 0..18 {
        y.app
            .post(
                &format!("/api/v1/jobs/{job}/additional-work"),
                &y.manager.token,
                json!({"description": format!("Item {i}"), "amount": "10.00", "currency": "EUR"}),
            )
            .await
            .expect(201);
    }
    let hooks = receiver.wait_for(30, |h| h.len() >= 20).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for hook in receiver.hooks() {
        assert!(verify(&secret, &hook));
        *seen
            .entry(hook.header("webhook-id").to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), 20, "{hooks:?}");
    assert!(seen.values().all(|n| *n == 1), "sent twice: {seen:?}");

    // The receiver goes down; what happens meanwhile waits and is retried.
    receiver.take_down();
    let extra = y
        .app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &y.manager.token,
            json!({"description": "While down", "amount": "10.00", "currency": "EUR"}),
        )
        .await
        .expect(201)
        .id();
    let failing = wait_for_deliveries(&y, id, |d| {
        d[0]["attempts"].as_array().is_some_and(|a| a.len() >= 2)
    })
    .await;
    assert_eq!(failing[0]["status"], "pending");
    assert!(failing[0]["attempts"][0]["status_code"].is_null());
    assert!(
        failing[0]["attempts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("connect")
    );
    let webhook = y
        .app
        .get(&format!("/api/v1/webhooks/{id}"), &y.client.token)
        .await
        .expect(200);
    assert!(webhook.body["failing_since"].is_string());

    receiver.bring_up().await;
    let delivered = receiver
        .wait_for(30, |h| {
            h.iter().any(|h| h.json()["data"]["id"] == json!(extra))
        })
        .await;
    let copies = delivered
        .iter()
        .filter(|h| h.json()["data"]["id"] == json!(extra))
        .count();
    assert_eq!(copies, 1);
    let log = wait_for_deliveries(&y, id, |d| d[0]["status"] == "succeeded").await;
    let attempts = log[0]["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 3, "{attempts:?}");
    assert_eq!(attempts.last().unwrap()["status_code"], 200);
    assert!(
        attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a["error"].is_string())
    );
    let webhook = y
        .app
        .get(&format!("/api/v1/webhooks/{id}"), &y.client.token)
        .await
        .expect(200);
    assert!(webhook.body["failing_since"].is_null());
    drop(second);
}

#[tokio::test]
async fn a_webhook_failing_for_three_days_is_disabled_and_its_owner_told() {
    let y = yard(TestApp::spawn_with(fast_dispatch(None, "07:00")).await).await;
    let receiver = Receiver::start().await;
    receiver.answer_with(500);
    let (id, _) = y.webhook(&y.client, json!({"url": receiver.url()})).await;
    y.app
        .post(
            &format!("/api/v1/webhooks/{id}/test"),
            &y.client.token,
            json!({}),
        )
        .await
        .expect(202);
    let failing =
        wait_for_deliveries(&y, id, |d| !d[0]["attempts"].as_array().unwrap().is_empty()).await;
    assert_eq!(failing[0]["attempts"][0]["status_code"], 500);
    // Its failures began three days and a minute ago.
    y.app
        .execute_sql(
            "UPDATE webhooks SET failing_since = now() - interval '3 days 1 minute' WHERE id = $1",
            id,
        )
        .await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let webhook = loop {
        let w = y
            .app
            .get(&format!("/api/v1/webhooks/{id}"), &y.client.token)
            .await
            .expect(200);
        if w.body["active"] == false || tokio::time::Instant::now() > deadline {
            break w;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(webhook.body["active"], false);
    assert!(webhook.body["disabled_at"].is_string());
    let notices = y
        .app
        .get("/api/v1/me/notifications", &y.client.token)
        .await
        .expect(200);
    let notice = notices.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["event"]["kind"] == "webhook.disabled")
        .cloned()
        .expect("a notice");
    assert_eq!(notice["event"]["data"]["webhook_id"], json!(id));
    // Turned on again, it forgets its failures.
    let on = y
        .app
        .patch(
            &format!("/api/v1/webhooks/{id}"),
            &y.client.token,
            json!({"active": true}),
        )
        .await
        .expect(200);
    assert!(on.body["failing_since"].is_null() && on.body["disabled_at"].is_null());
}

#[tokio::test]
async fn a_stopping_dispatcher_gives_back_what_it_could_not_send() {
    // A server without a dispatcher of its own; the test runs one and stops it.
    let y = yard(TestApp::spawn().await).await;
    let receiver = Receiver::start().await;
    receiver.hang();
    y.app
        .execute_sql(
            &format!(
                "INSERT INTO webhooks (organization_id, url, secret, created_by) \
                 SELECT organization_id, '{}', 'whsec_c2xpcHdheS10ZXN0LXNlY3JldA==', id \
                 FROM users WHERE id = $1",
                receiver.url()
            ),
            y.client.user_id,
        )
        .await;
    let mut config = slipway::notifications::dispatch::DispatchConfig::new(
        slipway::yard::Yard::in_zone(chrono_tz::Asia::Shanghai),
    );
    config.poll = std::time::Duration::from_millis(100);
    config.allow_private = true;
    let dispatcher = slipway::notifications::dispatch::Dispatcher::start(
        y.app.db.clone(),
        config,
        std::sync::Arc::default(),
    )
    .unwrap();
    let job = y.app.job(&y.client, y.vessel).await;
    y.app
        .quote(&y.manager, job, "100.00", "EUR")
        .await
        .expect(200);
    // The receiver has the request and sits on it.
    assert_eq!(receiver.wait_for(20, |h| !h.is_empty()).await.len(), 1);
    let hooks = y
        .app
        .get("/api/v1/webhooks", &y.manager.token)
        .await
        .expect(200);
    let id = hooks.body["items"][0]["id"].as_str().unwrap().to_owned();
    let claimed = y
        .app
        .get(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            &y.manager.token,
        )
        .await
        .expect(200);
    let lease_end: chrono::DateTime<chrono::Utc> = claimed.body["items"][0]["next_attempt_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(lease_end > chrono::Utc::now() + chrono::Duration::seconds(30));

    dispatcher.stop(std::time::Duration::from_millis(300)).await;
    let released = y
        .app
        .get(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            &y.manager.token,
        )
        .await
        .expect(200);
    let delivery = &released.body["items"][0];
    assert_eq!(delivery["status"], "pending");
    assert_eq!(delivery["attempts"], json!([]));
    let due: chrono::DateTime<chrono::Utc> = delivery["next_attempt_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        due <= chrono::Utc::now(),
        "due again at once, not at the lease's end"
    );
}

#[tokio::test]
async fn a_receiver_that_hangs_delays_neither_other_receivers_nor_requests() {
    let y = yard(TestApp::spawn_with(fast_dispatch(None, "07:00")).await).await;
    let (stuck, fine) = (Receiver::start().await, Receiver::start().await);
    stuck.hang();
    // Two systems hear the owner's events: one hangs, the other answers.
    let org = app_org(&y).await;
    y.webhook(
        &y.manager,
        json!({"url": stuck.url(), "organization_id": org}),
    )
    .await;
    y.webhook(&y.client, json!({"url": fine.url()})).await;
    let job = y.app.job(&y.client, y.vessel).await;
    for n in 0..5 {
        let started = std::time::Instant::now();
        y.app
            .quote(&y.manager, job, &format!("10{n}.00"), "EUR")
            .await
            .expect(200);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
    // The five quotes arrive while the other receiver still sits on the first.
    let hooks = fine.wait_for(5, |h| h.len() >= 5).await;
    assert_eq!(hooks.len(), 5);
    assert_eq!(
        stuck.hooks().len(),
        1,
        "one delivery of a webhook at a time"
    );
}
