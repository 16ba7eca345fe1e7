//! Pages of a client organisation's job list, kept as the JSON that was sent.
//!
//! Shipowners' offices read their job list all day; it changes a few times an hour. A page
//! is kept with the organisation's job-list version (`job_list_versions`, bumped by
//! triggers in the same transaction as any change to one of its jobs or their vessels)
//! read just before the page itself. Before a page is served again the version is read
//! again: the same number means nothing the page shows has changed since, so the kept
//! page is exactly what the query would return now. Every request still reads
//! PostgreSQL, so no instance ever serves a stale page, whichever served it first.
//!
//! Only client scopes are kept: a yard-wide list changes with every write of the yard.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use actix_web::web::Bytes;
use uuid::Uuid;

/// Which page: the organisation and the request's query string as sent (the page is a
/// function of the two).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    organization_id: Uuid,
    query: Box<str>,
}

impl PageKey {
    /// The key of a page of `organization_id`'s jobs asked for with `query`.
    pub fn new(organization_id: Uuid, query: &str) -> Self {
        Self {
            organization_id,
            query: query.into(),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.query.len()
    }
}

struct KeptPage {
    version: i64,
    body: Bytes,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<PageKey, KeptPage>,
    /// Oldest first, for eviction.
    order: VecDeque<PageKey>,
    bytes: usize,
}

/// The kept pages, within a byte budget; the oldest kept goes first.
pub struct JobPageCache {
    pages: Mutex<Pages>,
    budget: usize,
}

impl JobPageCache {
    /// A cache holding at most `budget` bytes of pages; 0 keeps nothing.
    pub fn new(budget: usize) -> Self {
        Self {
            pages: Mutex::new(Pages::default()),
            budget,
        }
    }

    /// Whether pages are kept at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page kept for `key`, if it was read under `version`.
    pub fn get(&self, key: &PageKey, version: i64) -> Option<Bytes> {
        let pages = self.lock();
        pages
            .by_key
            .get(key)
            .filter(|page| page.version == version)
            .map(|page| page.body.clone())
    }

    /// Keeps `body`, read under `version`, for `key`, evicting the oldest pages beyond
    /// the budget. A page read under an older version than the one kept is dropped.
    pub fn put(&self, key: PageKey, version: i64, body: Bytes) {
        let size = key.size() + body.len();
        if size > self.budget {
            return;
        }
        let mut pages = self.lock();
        let pages = &mut *pages;
        match pages.by_key.get_mut(&key) {
            Some(kept) if kept.version > version => return,
            Some(kept) => {
                pages.bytes = pages.bytes - kept.body.len() + body.len();
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
                pages.bytes -= oldest.size() + page.body.len();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pages> {
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

    fn key(n: u128, query: &str) -> PageKey {
        PageKey::new(Uuid::from_u128(n), query)
    }

    #[test]
    fn a_page_is_served_only_under_the_version_it_was_read_under() {
        let cache = JobPageCache::new(1 << 20);
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
        let cache = JobPageCache::new(1 << 20);
        cache.put(key(1, ""), 9, Bytes::from_static(b"new"));
        cache.put(key(1, ""), 8, Bytes::from_static(b"old"));
        assert_eq!(cache.get(&key(1, ""), 9).as_deref(), Some(&b"new"[..]));
        cache.put(key(1, ""), 10, Bytes::from_static(b"newer"));
        assert_eq!(cache.get(&key(1, ""), 10).as_deref(), Some(&b"newer"[..]));
    }

    #[test]
    fn the_oldest_pages_go_when_the_budget_is_spent() {
        let page = Bytes::from(vec![b'x'; 1000]);
        let one = key(1, "").size() + page.len();
        let cache = JobPageCache::new(3 * one);
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
        let cache = JobPageCache::new(0);
        assert!(!cache.enabled());
        cache.put(key(1, ""), 1, Bytes::from_static(b"x"));
        assert_eq!(cache.get(&key(1, ""), 1), None);
    }
}
