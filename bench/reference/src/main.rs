//! `GET /jobs/{id}`: one prepared statement (the job with its vessel, as the service reads
//! it) on one of 16 shared connections, answered as JSON. Nothing else.
//!
//!   DATABASE_URL=... BIND=127.0.0.1:18182 slipway-bench-reference

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use serde::Serialize;
use tokio_postgres::{Client, NoTls, Statement};
use uuid::Uuid;

const JOB_VIEW: &str = "SELECT j.id, j.number, j.title, j.status, j.priority, j.planned_start, \
     j.planned_end, j.version, v.id, v.name, j.progress_percent \
     FROM jobs j JOIN vessels v ON v.id = j.vessel_id WHERE j.id = $1 LIMIT 1";

struct Conn {
    client: Client,
    statement: Statement,
}

struct Pool {
    conns: Vec<Conn>,
    next: AtomicUsize,
}

#[derive(Serialize)]
struct Job {
    id: Uuid,
    number: String,
    title: String,
    status: String,
    priority: String,
    planned_start: Option<chrono::DateTime<chrono::Utc>>,
    planned_end: Option<chrono::DateTime<chrono::Utc>>,
    version: i32,
    vessel_id: Uuid,
    vessel_name: String,
    progress_percent: f64,
}

async fn job(pool: web::Data<Pool>, id: web::Path<Uuid>) -> HttpResponse {
    let conn = &pool.conns[pool.next.fetch_add(1, Ordering::Relaxed) % pool.conns.len()];
    match conn.client.query_opt(&conn.statement, &[&*id]).await {
        Ok(Some(row)) => HttpResponse::Ok().json(Job {
            id: row.get(0),
            number: row.get(1),
            title: row.get(2),
            status: row.get(3),
            priority: row.get(4),
            planned_start: row.get(5),
            planned_end: row.get(6),
            version: row.get(7),
            vessel_id: row.get(8),
            vessel_name: row.get(9),
            progress_percent: row.get(10),
        }),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:18182".to_owned());
    let mut conns = Vec::new();
    for _ in 0..16 {
        let (client, connection) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
        tokio::spawn(connection);
        let statement = client.prepare(JOB_VIEW).await.expect("prepare");
        conns.push(Conn { client, statement });
    }
    let pool = web::Data::from(Arc::new(Pool {
        conns,
        next: AtomicUsize::new(0),
    }));
    HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/jobs/{id}", web::get().to(job))
    })
    .bind(bind)?
    .run()
    .await
}
