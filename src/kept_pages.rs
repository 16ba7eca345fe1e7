//! Pages a client reads again and again, kept as the JSON that was sent, each with the
//! version of what it shows, read from PostgreSQL just before the page itself.
//!
//! Shipowners' offices read their job list and their vessels' daily reports all day;
//! both change a few times an hour. Triggers bump a version row in the same transaction
//! as any change to what a page shows: `job_list_versions` per organisation (its jobs,
//! their vessels' names), `job_report_versions` per job (its tasks, work logs, events,
//! additional work, the job itself). Before a kept page is served again, its version is
//! read again: the same number means nothing the page shows has changed since, so the
//! kept page is exactly what the query would return now. Every request still reads
//! PostgreSQL, so no instance ever serves a stale page, whichever served it first.
//!
//! Only client scopes are kept: a yard-wide list changes with every write of the yard.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;

use actix_web::web::Bytes;
use chrono::NaiveDate;
use uuid::Uuid;

/// What identifies a kept page, and the memory its key takes.
pub trait PageKey: Clone + Eq + Hash {
    /// Bytes the key holds on the heap.
    fn heap_bytes(&self) -> usize {
        0
    }
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
    fn heap_bytes(&self) -> usize {
        self.query.len()
    }
}

/// A job's daily report for one yard day (the same for everyone who may see the job).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportKey {
    /// The job.
    pub job_id: Uuid,
    /// The yard day.
    pub date: NaiveDate,
}

impl PageKey for ReportKey {}

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

impl PageKey for JobKey {}

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
        (self.hits.load(Relaxed), self.misses.load(Relaxed))
    }

    /// Whether pages are kept at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page kept for `key`, if it was read under `version`.
    pub fn get(&self, key: &K, version: i64) -> Option<B> {
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
    pub fn put(&self, key: K, version: i64, body: B) {
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
