//! A sick database: PostgreSQL down, frozen (a backend that stops answering, a partition)
//! or blocked by a lock, and a body that trickles in. Every request is answered quickly,
//! 503 `unavailable` with `Retry-After` (never a 500, never a hang), and the service
//! recovers without a restart. The server reaches the real PostgreSQL through a TCP proxy
//! in this test that can refuse, cut or freeze the traffic.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use crate::common::TestApp;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// What the proxy does with the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Forwards it.
    Up,
    /// Refuses new connections and cuts the open ones: PostgreSQL is down.
    Down,
    /// Holds every byte: PostgreSQL (or the network) stopped answering.
    Frozen,
}

/// A TCP proxy in front of the real PostgreSQL.
struct Proxy {
    port: u16,
    mode: watch::Sender<Mode>,
}

impl Proxy {
    async fn start() -> Arc<Self> {
        let upstream = std::env::var("DATABASE_URL")
            .ok()
            .and_then(|u| url::Url::parse(&u).ok())
            .map_or_else(
                || "127.0.0.1:5432".to_owned(),
                |u| {
                    format!(
                        "{}:{}",
                        u.host_str().unwrap_or("127.0.0.1"),
                        u.port().unwrap_or(5432)
                    )
                },
            );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (mode, watching) = watch::channel(Mode::Up);
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                if *watching.borrow() == Mode::Down {
                    drop(client);
                    continue;
                }
                let upstream = upstream.clone();
                let watching = watching.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        pump(client_read, server_write, watching.clone()),
                        pump(server_read, client_write, watching),
                    );
                });
            }
        });
        Arc::new(Self { port, mode })
    }

    fn set(&self, mode: Mode) {
        self.mode.send_replace(mode);
    }
}

/// Copies bytes one way while the proxy is up; holds them while it is frozen; stops (so
/// both sockets close) when it goes down.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        loop {
            let now = *mode.borrow_and_update();
            match now {
                Mode::Up => break,
                Mode::Down => return,
                Mode::Frozen => {
                    if mode.changed().await.is_err() {
                        return;
                    }
                }
            }
        }
        tokio::select! {
            read = from.read(&mut buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if to.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                }
            },
            changed = mode.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// Timeouts short enough for a test: a connection within 300 ms, a statement within 1 s.
fn short() -> slipway::db::Timeouts {
    slipway::db::Timeouts {
        acquire: Duration::from_millis(300),
        connect: Duration::from_millis(300),
        statement: Duration::from_millis(1000),
    }
}

async fn app_behind(proxy: &Proxy) -> TestApp {
    TestApp::spawn_via(proxy.port, short(), Duration::from_secs(1)).await
}

/// Sends `n` reads at once and answers their statuses, checking each 503 on the way.
async fn burst(app: &TestApp, token: &str, n: usize) -> Vec<(StatusCode, Duration)> {
    let requests = (0..n).map(|_| async {
        let started = Instant::now();
        let reply = app.get("/api/v1/jobs", token).await;
        if reply.status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(
                reply.problem_type(),
                "/problems/unavailable",
                "{}",
                reply.body
            );
            assert_eq!(reply.content_type(), "application/problem+json");
            assert_eq!(reply.headers["retry-after"], "2");
            let text = reply.body.to_string();
            assert!(
                !text.contains("SQL") && !text.contains("postgres"),
                "{text}"
            );
        }
        (reply.status, started.elapsed())
    });
    futures_util::future::join_all(requests).await
}

#[tokio::test]
async fn a_database_that_is_down_answers_503_with_retry_after_then_recovers_without_restart() {
    let proxy = Proxy::start().await;
    let app = app_behind(&proxy).await;
    let manager = app.manager().await;
    app.get("/api/v1/jobs", &manager.token).await.expect(200);

    proxy.set(Mode::Down);
    let answers = burst(&app, &manager.token, 24).await;
    for (status, took) in &answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(*took < Duration::from_secs(3), "took {took:?}");
    }
    app.request(reqwest::Method::GET, "/readyz", None, None)
        .await
        .expect_problem(503, "unavailable");
    // Logins too: no 500 while the database is away.
    app.login(&manager.email, crate::common::PASSWORD)
        .await
        .expect_problem(503, "unavailable");

    proxy.set(Mode::Up);
    let started = Instant::now();
    loop {
        let reply = app.get("/api/v1/jobs", &manager.token).await;
        if reply.status == StatusCode::OK {
            break;
        }
        assert_eq!(
            reply.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            reply.body
        );
        assert!(started.elapsed() < Duration::from_secs(10), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.request(reqwest::Method::GET, "/readyz", None, None)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_database_that_stops_answering_gives_503_within_the_timeouts_never_a_hang() {
    let proxy = Proxy::start().await;
    let app = app_behind(&proxy).await;
    let manager = app.manager().await;
    app.get("/api/v1/jobs", &manager.token).await.expect(200);

    proxy.set(Mode::Frozen);
    let deadline = short().request_deadline();
    let answers = burst(&app, &manager.token, 16).await;
    for (status, took) in &answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(*took < deadline + Duration::from_secs(2), "took {took:?}");
    }
    // A write too: refused, and nothing half-written once the database is back.
    let org = app
        .request(
            reqwest::Method::POST,
            "/api/v1/organizations",
            Some(&manager.token),
            Some(serde_json::json!({"name": "Frozen Shipping", "country": "GR"})),
        )
        .await;
    assert_eq!(org.status, StatusCode::SERVICE_UNAVAILABLE, "{}", org.body);

    proxy.set(Mode::Up);
    let started = Instant::now();
    while app.get("/api/v1/jobs", &manager.token).await.status != StatusCode::OK {
        assert!(started.elapsed() < Duration::from_secs(15), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_lock_held_elsewhere_ends_in_503_by_the_statement_timeout() {
    let proxy = Proxy::start().await;
    let app = app_behind(&proxy).await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Piraeus Bulk", "GR").await;
    // Another program holds the organisations table.
    let mut other = AsyncPgConnection::establish(&app.database_url())
        .await
        .unwrap();
    other
        .batch_execute("BEGIN; LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE;")
        .await
        .unwrap();
    let started = Instant::now();
    app.get(&format!("/api/v1/organizations/{org}"), &manager.token)
        .await
        .expect_problem(503, "unavailable");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "answered before the statement timeout: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    other.batch_execute("ROLLBACK").await.unwrap();
    app.get(&format!("/api/v1/organizations/{org}"), &manager.token)
        .await
        .expect(200);
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off_with_408() {
    let proxy = Proxy::start().await;
    let app = app_behind(&proxy).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = TcpStream::connect(&address).await.unwrap();
    socket
        .write_all(
            format!(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
                 Content-Length: 200\r\n\r\n{{\"email\": \"slow"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buffer))
            .await
            .expect("answered in time")
            .unwrap();
        answer.extend_from_slice(&buffer[..n]);
        if n == 0 || String::from_utf8_lossy(&answer).contains("request-timeout") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
