//! Group commit of work logs: logs sent at the same moment are written together, in one
//! statement and one transaction, by a few writer tasks.
//!
//! At a shift change many technicians log their hours at once. Written one by one, each
//! log pays for a statement, a transaction and a WAL flush of its own; written together,
//! they share them. A request hands its log to the queue and waits; a writer takes
//! everything queued (up to [`MAX_BATCH`]) and writes it with
//! [`queries::log_work_batch`]. When nothing else is waiting a batch is one log, so a
//! quiet yard's logs wait for nobody.
//!
//! A batch fails as a whole (an overlap, even between two of its own logs, a lost
//! connection): then every request of it writes its log alone, with
//! [`queries::log_work`], and gets the answer it would have got with no batching.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use super::queries::{self, LoggedWork, NewWorkLog};
use crate::db::Db;

/// The most logs written in one statement.
pub const MAX_BATCH: usize = 32;

/// Logs waiting beyond this many are written alone by their requests.
const QUEUE_LENGTH: usize = 1024;

/// What became of a log handed to the writers.
pub enum Written {
    /// Recorded.
    Logged(LoggedWork),
    /// Not recorded: not the caller's assignment, or the job is not in progress.
    NotLogged,
    /// Not written: the request writes it alone.
    Alone,
}

struct Pending {
    log: NewWorkLog,
    reply: oneshot::Sender<Written>,
}

/// The queue of work logs and its writer tasks (which end when this is dropped).
pub struct WorkLogWriter {
    queue: Option<mpsc::Sender<Pending>>,
}

impl WorkLogWriter {
    /// No writers: every request writes its log alone.
    pub fn off() -> Self {
        Self { queue: None }
    }

    /// Starts `writers` writer tasks on the current Tokio runtime (none outside one, or
    /// for 0).
    pub fn start(db: Db, writers: usize) -> Self {
        if writers == 0 || tokio::runtime::Handle::try_current().is_err() {
            return Self::off();
        }
        let (queue, waiting) = mpsc::channel(QUEUE_LENGTH);
        let waiting = Arc::new(Mutex::new(waiting));
        for _ in 0..writers {
            tokio::spawn(write_batches(db.clone(), waiting.clone()));
        }
        Self { queue: Some(queue) }
    }

    /// Hands the log to the writers and waits for its fate.
    pub async fn write(&self, log: &NewWorkLog) -> Written {
        let Some(queue) = &self.queue else {
            return Written::Alone;
        };
        let (reply, answer) = oneshot::channel();
        let pending = Pending {
            log: log.clone(),
            reply,
        };
        if queue.try_send(pending).is_err() {
            return Written::Alone;
        }
        // A writer that is gone (it cannot panic by design, but a panic drops the reply)
        // leaves the log to its request.
        answer.await.unwrap_or(Written::Alone)
    }
}

/// One writer: takes what is queued, writes it, answers each request; ends with the queue.
async fn write_batches(db: Db, waiting: Arc<Mutex<mpsc::Receiver<Pending>>>) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if waiting.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        // Requests that went away before their turn (the client hung up) are not written.
        batch.retain(|p: &Pending| !p.reply.is_closed());
        if !batch.is_empty() {
            write_batch(&db, batch).await;
        }
    }
}

async fn write_batch(db: &Db, batch: Vec<Pending>) {
    let logs: Vec<&NewWorkLog> = batch.iter().map(|p| &p.log).collect();
    let written = match db.get().await {
        Ok(mut conn) => queries::log_work_batch(&mut conn, &logs).await.ok(),
        Err(_) => None,
    };
    let Some(rows) = written else {
        for p in batch {
            let _ = p.reply.send(Written::Alone);
        }
        return;
    };
    let mut answers: Vec<Written> = batch.iter().map(|_| Written::NotLogged).collect();
    for row in rows {
        if let Some(answer) = usize::try_from(row.ord - 1)
            .ok()
            .and_then(|i| answers.get_mut(i))
        {
            *answer = Written::Logged(row.work);
        }
    }
    for (p, answer) in batch.into_iter().zip(answers) {
        // The request may have gone meanwhile; its log stands, as with any write.
        let _ = p.reply.send(answer);
    }
}
