//! Group commit: writes requested at the same moment are done together, in one statement
//! and one transaction, by a few writer tasks per kind of write.
//!
//! At a shift change many technicians log their hours at once, and a planner books docks
//! for a season in a burst. Done one by one, each write pays for a statement, a
//! transaction and a WAL flush of its own; done together, they share them.
//!
//! A handler calls [`GroupWriter::write`] and gets its write's own answer, as if it had
//! written alone; how it was written is this module's business. There is one statement
//! per kind of write ([`BatchWrite::write`]), and a single write is that statement with
//! one item. A writer takes everything queued (up to [`MAX_BATCH`]) and writes it; when
//! nothing else is waiting a batch is one write, so a quiet yard waits for nobody. A
//! batch fails as a whole (a constraint, even between two of its own items, a lost
//! connection): then each of its items is written again alone, by its own request, and
//! gets the answer it would have got with no batching. So it is when batching is off or
//! the queue is full.

use std::{future::Future, pin::Pin, sync::Arc};

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::{
    db::Db,
    error::ApiError,
    metrics::{BATCH_BUCKETS, Histogram},
};

/// The most writes done in one statement.
pub const MAX_BATCH: usize = 32;

/// Writes waiting beyond this many are done alone by their requests.
const QUEUE_LENGTH: usize = 1024;

/// The rows a batch wrote, each with its item's index in the batch.
pub type BatchFuture<'a, R> =
    Pin<Box<dyn Future<Output = QueryResult<Vec<(usize, R)>>> + Send + 'a>>;

/// A kind of write that can be done for many requests in one statement.
pub trait BatchWrite: 'static {
    /// The kind's name at `/metrics`.
    const KIND: &'static str;
    /// One request's write.
    type Item: Clone + Send + Sync + 'static;
    /// What a write returns.
    type Row: Send + 'static;

    /// Does all of `items` in one transaction, or none of them (an error); answers the
    /// rows written, each with the index of its item. An item without a row was left
    /// out by the statement's own guard (see the kind's documentation).
    fn write<'a>(
        conn: &'a mut AsyncPgConnection,
        items: &'a [&'a Self::Item],
    ) -> BatchFuture<'a, Self::Row>;
}

/// Rows numbered from 1 by the statement (`WITH ORDINALITY`), by their index in the batch.
pub fn by_place<R>(rows: impl IntoIterator<Item = (i64, R)>) -> Vec<(usize, R)> {
    rows.into_iter()
        .filter_map(|(ord, row)| Some((usize::try_from(ord - 1).ok()?, row)))
        .collect()
}

/// What a writer tells a waiting request: its row (none if the statement left it out),
/// or that its batch failed and it is to write alone.
type Fate<R> = Option<Option<R>>;

struct Pending<W: BatchWrite> {
    item: W::Item,
    reply: oneshot::Sender<Fate<W::Row>>,
}

/// One kind of write, done in batches by writer tasks when started (which end when this
/// is dropped), alone otherwise.
pub struct GroupWriter<W: BatchWrite> {
    db: Db,
    queue: Option<mpsc::Sender<Pending<W>>>,
    /// How many writes each batch held (for `/metrics`).
    sizes: Arc<Histogram>,
}

impl<W: BatchWrite> GroupWriter<W> {
    /// No writer tasks: every write is done alone.
    pub fn off(db: Db) -> Self {
        Self {
            db,
            queue: None,
            sizes: Arc::new(Histogram::new(&BATCH_BUCKETS)),
        }
    }

    /// Starts `writers` writer tasks on the current Tokio runtime (none outside one, or
    /// for 0).
    pub fn start(db: Db, writers: usize) -> Self {
        if writers == 0 || tokio::runtime::Handle::try_current().is_err() {
            return Self::off(db);
        }
        let (queue, waiting) = mpsc::channel(QUEUE_LENGTH);
        let waiting = Arc::new(Mutex::new(waiting));
        let sizes = Arc::new(Histogram::new(&BATCH_BUCKETS));
        for _ in 0..writers {
            tokio::spawn(write_batches::<W>(
                db.clone(),
                waiting.clone(),
                sizes.clone(),
            ));
        }
        Self {
            db,
            queue: Some(queue),
            sizes,
        }
    }

    /// Writes `item` and answers its row: [`ApiError::NotFound`] if the statement's guard
    /// left it out, the statement's own error if it failed.
    pub async fn write(&self, item: W::Item) -> Result<W::Row, ApiError> {
        if let Some(queue) = &self.queue {
            let (reply, answer) = oneshot::channel();
            let pending = Pending {
                item: item.clone(),
                reply,
            };
            // A full queue, or a writer gone (a panic drops the reply), leaves the
            // write to be done alone.
            if queue.try_send(pending).is_ok()
                && let Ok(Some(row)) = answer.await
            {
                return row.ok_or(ApiError::NotFound);
            }
        }
        let mut conn = self.db.get().await?;
        let rows = W::write(&mut conn, &[&item]).await?;
        rows.into_iter()
            .next()
            .map(|(_, row)| row)
            .ok_or(ApiError::NotFound)
    }
}

/// One writer: takes what is queued, writes it, answers each request; ends with the queue.
async fn write_batches<W: BatchWrite>(
    db: Db,
    waiting: Arc<Mutex<mpsc::Receiver<Pending<W>>>>,
    sizes: Arc<Histogram>,
) {
    loop {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        if waiting.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        // Requests that went away before their turn (the client hung up) are not written.
        batch.retain(|p: &Pending<W>| !p.reply.is_closed());
        if !batch.is_empty() {
            sizes.observe(batch.len() as f64);
            write_batch::<W>(&db, batch).await;
        }
    }
}

async fn write_batch<W: BatchWrite>(db: &Db, batch: Vec<Pending<W>>) {
    let items: Vec<&W::Item> = batch.iter().map(|p| &p.item).collect();
    let written = match db.get().await {
        Ok(mut conn) => W::write(&mut conn, &items).await.ok(),
        Err(_) => None,
    };
    let Some(rows) = written else {
        for p in batch {
            let _ = p.reply.send(None);
        }
        return;
    };
    let mut answers: Vec<Option<W::Row>> = batch.iter().map(|_| None).collect();
    for (index, row) in rows {
        if let Some(answer) = answers.get_mut(index) {
            *answer = Some(row);
        }
    }
    for (p, answer) in batch.into_iter().zip(answers) {
        // The request may have gone meanwhile; its write stands, as with any write.
        let _ = p.reply.send(Some(answer));
    }
}

impl<W: BatchWrite> crate::metrics::Report for GroupWriter<W> {
    fn report<'a>(
        &'a self,
        out: &'a mut crate::metrics::Exposition,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        let name = "slipway_group_writer_batch_size";
        out.family(
            name,
            "histogram",
            "Writes done together in one statement, by kind.",
        );
        out.histogram(name, &format!("kind=\"{}\"", W::KIND), &self.sizes);
        Box::pin(std::future::ready(()))
    }
}
