//! Pages a client reads again and again, kept as the JSON that was sent, each with the
//! version of what it shows, read from PostgreSQL just before the page itself.
//!
//! Shipowners' offices read their job list, their jobs and their vessels' daily reports
//! all day; each changes a few times an hour. Triggers bump a version row in the same
//! transaction as any change to what a page shows: `job_list_versions` per organisation
//! (its jobs, their vessels' names), `job_report_versions` per job (its tasks, work logs,
//! events, additional work, attachments, the job's progress). Each key below declares
//! the version query of its page ([`PageKey::version`]); [`KeptPages::get_or_render`] is
//! the one place the protocol is written: read the version, serve the kept page if it
//! was read under the same version, else render, keep and serve. Every request still
//! reads PostgreSQL, so no instance ever serves a stale page, whichever served it first.
//! `tests/kept_pages.rs` changes every column each page shows past the API and reads
//! the page again: a column without its trigger fails there.
//!
//! Only client scopes are kept: a yard-wide list changes with every write of the yard.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::Hash;
use std::sync::Mutex;

use actix_web::web::Bytes;
use chrono::NaiveDate;
use diesel::{OptionalExtension, QueryResult, prelude::*};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{job_list_versions, job_report_versions, jobs};

/// What identifies a kept page, the version of what it shows, and the memory its key
/// takes.
pub trait PageKey: Clone + Eq + Hash {
    /// The kind's name at `/metrics`.
    const KIND: &'static str;

    /// The version of everything the page shows; `None` if the caller may not see it
    /// (404). It must go up, at commit, with every change to anything the page shows.
    fn version(
        &self,
        conn: &mut AsyncPgConnection,
    ) -> impl Future<Output = QueryResult<Option<i64>>>;

    /// Bytes the key holds on the heap.
    fn heap_bytes(&self) -> usize {
        0
    }
}

/// The version of an organisation's job list (0 before its first change): it goes up
/// with every committed change to one of its jobs or to their vessels' names (the
/// `job_list_versions` migration).
async fn list_version(conn: &mut AsyncPgConnection, organization: Uuid) -> QueryResult<i64> {
    Ok(job_list_versions::table
        .find(organization)
        .select(job_list_versions::version)
        .first(conn)
        .await
        .optional()?
        .unwrap_or(0))
}

/// A page of an organisation's job list: the organisation and the request's query string
/// as sent (the page is a function of the two).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListKey {
    organization_id: Uuid,
    query: Box<str>,
}

impl ListKey {
    /// The key of a page of `organization_id`'s jobs asked for with `query`.
    pub fn new(organization_id: Uuid, query: &str) -> Self {
        Self {
            organization_id,
            query: query.into(),
        }
    }
}

impl PageKey for ListKey {
    const KIND: &'static str = "job_lists";

    async fn version(&self, conn: &mut AsyncPgConnection) -> QueryResult<Option<i64>> {
        list_version(conn, self.organization_id).await.map(Some)
    }

    fn heap_bytes(&self) -> usize {
        self.query.len()
    }
}

/// A job's daily report for one yard day, as read by one of the job's organisation (the
/// same for all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportKey {
    /// The reader's organisation.
    pub organization_id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// The yard day.
    pub date: NaiveDate,
}

impl PageKey for ReportKey {
    const KIND: &'static str = "daily_reports";

    /// The job's report version (0 before its first change), read only if the job is
    /// the organisation's: it goes up with every committed change to anything a report
    /// shows (the `job_report_versions` migrations).
    async fn version(&self, conn: &mut AsyncPgConnection) -> QueryResult<Option<i64>> {
        jobs::table
            .left_join(job_report_versions::table.on(job_report_versions::job_id.eq(jobs::id)))
            .filter(jobs::id.eq(self.job_id))
            .filter(jobs::organization_id.eq(self.organization_id))
            .select(job_report_versions::version.nullable())
            .first::<Option<i64>>(conn)
            .await
            .optional()
            .map(|found| found.map(|version| version.unwrap_or(0)))
    }
}

/// One job as a client sees it: kept per organisation and checked against its list
/// version, which moves with every change to the organisation's jobs and their vessels'
/// names, everything the job's view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobKey {
    /// The client's organisation.
    pub organization_id: Uuid,
    /// The job.
    pub job_id: Uuid,
}

impl PageKey for JobKey {
    const KIND: &'static str = "jobs";

    async fn version(&self, conn: &mut AsyncPgConnection) -> QueryResult<Option<i64>> {
        list_version(conn, self.organization_id).await.map(Some)
    }
}

/// Jobs kept for clients, each with its version for the `ETag`.
pub type KeptJobs = KeptPages<JobKey, (i32, Bytes)>;

/// What is kept of a page: its body, and for a job also its version (the `ETag`).
pub trait PageBody: Clone {
    /// Bytes the body takes.
    fn bytes(&self) -> usize;
}

impl PageBody for Bytes {
    fn bytes(&self) -> usize {
        self.len()
    }
}

impl PageBody for (i32, Bytes) {
    fn bytes(&self) -> usize {
        self.1.len()
    }
}

struct KeptPage<B> {
    version: i64,
    body: B,
}

struct Pages<K, B> {
    by_key: HashMap<K, KeptPage<B>>,
    /// Oldest first, for eviction.
    order: VecDeque<K>,
    bytes: usize,
}

/// The kept pages of one kind, within a byte budget; the oldest kept goes first.
pub struct KeptPages<K, B = Bytes> {
    pages: Mutex<Pages<K, B>>,
    budget: usize,
    /// Reads answered from a kept page, and reads that found none (for `/metrics`).
    hits: std::sync::atomic::AtomicU64,
    misses: std::sync::atomic::AtomicU64,
}

fn footprint<K: PageKey, B: PageBody>(key: &K, body: &B) -> usize {
    std::mem::size_of::<K>() + std::mem::size_of::<B>() + key.heap_bytes() + body.bytes()
}

impl<K: PageKey, B: PageBody> KeptPages<K, B> {
    /// At most `budget` bytes of pages; 0 keeps nothing.
    pub fn new(budget: usize) -> Self {
        Self {
            pages: Mutex::new(Pages {
                by_key: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
            }),
            budget,
            hits: Default::default(),
            misses: Default::default(),
        }
    }

    /// Reads answered from a kept page, and reads that found none, so far.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            std::sync::atomic::AtomicU64::load(&self.hits, Relaxed),
            std::sync::atomic::AtomicU64::load(&self.misses, Relaxed),
        )
    }

    /// Whether pages are kept at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page of `key`: the one kept if it was read under the version read now, else
    /// `render`'s, kept for the next read. Without a key (a scope whose pages are not
    /// kept) or a budget, `render`'s. A key whose version says the caller may not see
    /// the page is `NotFound`.
    pub async fn get_or_render<E: From<diesel::result::Error>>(
        &self,
        conn: &mut AsyncPgConnection,
        key: Option<K>,
        render: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<B, E>,
    ) -> Result<B, E> {
        let Some(key) = key.filter(|_| self.enabled()) else {
            return render(conn).await;
        };
        // Read before the page: a change committed in between leaves the page kept
        // under an older version than the next one read.
        let version = key
            .version(conn)
            .await?
            .ok_or(diesel::result::Error::NotFound)?;
        if let Some(body) = self.get(&key, version) {
            return Ok(body);
        }
        let body = render(conn).await?;
        self.put(key, version, body.clone());
        Ok(body)
    }

    /// The page kept for `key`, if it was read under `version`.
    fn get(&self, key: &K, version: i64) -> Option<B> {
        let found = {
            let pages = self.lock();
            pages
                .by_key
                .get(key)
                .filter(|page| page.version == version)
                .map(|page| page.body.clone())
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        found
    }

    /// Keeps `body`, read under `version`, for `key`, evicting the oldest pages beyond
    /// the budget. A page read under an older version than the one kept is dropped.
    fn put(&self, key: K, version: i64, body: B) {
        let size = footprint(&key, &body);
        if size > self.budget {
            return;
        }
        let mut pages = self.lock();
        let pages = &mut *pages;
        match pages.by_key.get_mut(&key) {
            Some(kept) if kept.version > version => return,
            Some(kept) => {
                pages.bytes = pages.bytes - kept.body.bytes() + body.bytes();
                *kept = KeptPage { version, body };
            }
            None => {
                pages.bytes += size;
                pages.order.push_back(key.clone());
                pages.by_key.insert(key, KeptPage { version, body });
            }
        }
        while pages.bytes > self.budget {
            let Some(oldest) = pages.order.pop_front() else {
                break;
            };
            if let Some(page) = pages.by_key.remove(&oldest) {
                pages.bytes -= footprint(&oldest, &page.body);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pages<K, B>> {
        // A panic while holding the lock leaves the map consistent (no step of `put`
        // panics between its updates), so a poisoned lock is still safe to use.
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<K: PageKey + Send, B: PageBody + Send> crate::metrics::Report for KeptPages<K, B> {
    fn report<'a>(
        &'a self,
        out: &'a mut crate::metrics::Exposition,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        let name = "slipway_kept_pages_reads_total";
        out.family(
            name,
            "counter",
            "Client reads answered from a kept page (hit) or not (miss), by kind.",
        );
        let (hits, misses) = self.hits_and_misses();
        out.sample(name, &format!("kind=\"{}\",result=\"hit\"", K::KIND), hits);
        out.sample(
            name,
            &format!("kind=\"{}\",result=\"miss\"", K::KIND),
            misses,
        );
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u128, query: &str) -> ListKey {
        ListKey::new(Uuid::from_u128(n), query)
    }

    #[test]
    fn a_page_is_served_only_under_the_version_it_was_read_under() {
        let cache = KeptPages::new(1 << 20);
        cache.put(key(1, "limit=50"), 7, Bytes::from_static(b"[1]"));
        assert_eq!(
            cache.get(&key(1, "limit=50"), 7).as_deref(),
            Some(&b"[1]"[..])
        );
        assert_eq!(cache.get(&key(1, "limit=50"), 8), None);
        assert_eq!(cache.get(&key(1, "limit=20"), 7), None);
        assert_eq!(cache.get(&key(2, "limit=50"), 7), None);
    }

    #[test]
    fn an_older_read_does_not_replace_a_newer_page() {
        let cache = KeptPages::new(1 << 20);
        cache.put(key(1, ""), 9, Bytes::from_static(b"new"));
        cache.put(key(1, ""), 8, Bytes::from_static(b"old"));
        assert_eq!(cache.get(&key(1, ""), 9).as_deref(), Some(&b"new"[..]));
        cache.put(key(1, ""), 10, Bytes::from_static(b"newer"));
        assert_eq!(cache.get(&key(1, ""), 10).as_deref(), Some(&b"newer"[..]));
    }

    #[test]
    fn the_oldest_pages_go_when_the_budget_is_spent() {
        let page = Bytes::from(vec![b'x'; 1000]);
        let one = footprint(&key(1, ""), &page);
        let cache = KeptPages::new(3 * one);
        for n in 1..=4 {
            cache.put(key(n, ""), 1, page.clone());
        }
        assert_eq!(cache.get(&key(1, ""), 1), None);
        for n in 2..=4 {
            assert!(cache.get(&key(n, ""), 1).is_some(), "page {n} kept");
        }
        assert_eq!(cache.lock().bytes, 3 * one);
    }

    #[test]
    fn nothing_is_kept_without_a_budget() {
        let cache = KeptPages::new(0);
        assert!(!cache.enabled());
        cache.put(key(1, ""), 1, Bytes::from_static(b"x"));
        assert_eq!(cache.get(&key(1, ""), 1), None);
    }
}
