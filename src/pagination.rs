//! Keyset pagination shared by every list: `limit` (1..=200, default 50) and an opaque
//! `cursor` naming the last row of the previous page by `(created_at, id)`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page a client may ask for.
pub const MAX_LIMIT: i64 = 200;

/// The position after which the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Sort key of the last row seen.
    pub at: DateTime<Utc>,
    /// Tie-breaker: id of the last row seen.
    pub id: Uuid,
}

impl Cursor {
    /// The opaque form sent to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.at.timestamp_micros(), self.id))
    }

    /// Parses the opaque form; `None` for anything not made by [`Cursor::encode`].
    pub fn decode(text: &str) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(text).ok()?).ok()?;
        let (micros, id) = raw.split_once(':')?;
        Some(Self {
            at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

/// A validated `limit` and `cursor`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Rows per page.
    pub limit: i64,
    /// Where the page starts; `None` for the first page.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Validates the raw query values (422 on a bad limit or a cursor not of ours).
    pub fn new(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after = match cursor {
            None | Some("") => None,
            Some(text) => Some(
                Cursor::decode(text)
                    .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor from this API"))?,
            ),
        };
        Ok(Self { limit, after })
    }

    /// How many rows to fetch: one more than the page, to learn whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A row of a list: where it stands in its keyset order.
pub trait Keyed {
    /// The cursor naming this row.
    fn cursor(&self) -> Cursor;
}

/// Implements [`Keyed`] for a row type by its sort column (and its `id`).
macro_rules! keyed {
    ($row:ty, $at:ident) => {
        impl $crate::pagination::Keyed for $row {
            fn cursor(&self) -> $crate::pagination::Cursor {
                $crate::pagination::Cursor {
                    at: self.$at,
                    id: self.id,
                }
            }
        }
    };
}
pub(crate) use keyed;

/// A row loaded with what its view needs beside it is keyed by the row.
impl<A: Keyed, B> Keyed for (A, B) {
    fn cursor(&self) -> Cursor {
        self.0.cursor()
    }
}

impl<A: Keyed, B, C> Keyed for (A, B, C) {
    fn cursor(&self) -> Cursor {
        self.0.cursor()
    }
}

impl<A: Keyed, B, C, D> Keyed for (A, B, C, D) {
    fn cursor(&self) -> Cursor {
        self.0.cursor()
    }
}

impl<T> Page<T> {
    /// The page of `rows` (loaded with [`paged`]), each shown by `view`, and the cursor
    /// after its last row when another page follows.
    pub fn of<R: Keyed>(rows: Vec<R>, page: &PageRequest, view: impl FnMut(R) -> T) -> Self {
        Self::from_rows(rows, page, R::cursor, view)
    }

    /// [`Page::of`] for rows keyed by `key` (rows that are not a type of their own).
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        page: &PageRequest,
        key: impl Fn(&R) -> Cursor,
        view: impl FnMut(R) -> T,
    ) -> Self {
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|r| key(r).encode())
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        }
    }
}

/// `query` (a boxed diesel query) kept to the rows after `page`'s cursor and ordered by
/// `(at, id)`: ascending, or with `newest first:` descending. The keyset every list
/// pages by; [`paged`] adds the limit.
macro_rules! keyset {
    ($query:expr, $page:expr, $at:expr, $id:expr) => {{
        let query = $query;
        let query = match $page.after {
            Some(after) => {
                query.filter($at.gt(after.at).or($at.eq(after.at).and($id.gt(after.id))))
            }
            None => query,
        };
        query.order(($at, $id))
    }};
    (newest first: $query:expr, $page:expr, $at:expr, $id:expr) => {{
        let query = $query;
        let query = match $page.after {
            Some(after) => {
                query.filter($at.lt(after.at).or($at.eq(after.at).and($id.lt(after.id))))
            }
            None => query,
        };
        query.order(($at.desc(), $id.desc()))
    }};
}
pub(crate) use keyset;

/// One page of `query` (a boxed diesel query) by the keyset `(at, id)` (see [`keyset`]),
/// with one row more than the page, to learn whether another follows: load it and give
/// the rows to [`Page::of`]. A list is its filters and this line.
macro_rules! paged {
    ($query:expr, $page:expr, $at:expr, $id:expr) => {
        $crate::pagination::keyset!($query, $page, $at, $id).limit($page.fetch())
    };
    (newest first: $query:expr, $page:expr, $at:expr, $id:expr) => {
        $crate::pagination::keyset!(newest first: $query, $page, $at, $id).limit($page.fetch())
    };
}
pub(crate) use paged;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let c = Cursor {
            at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
    }

    #[test]
    fn limit_is_bounded() {
        assert_eq!(PageRequest::new(None, None).unwrap().limit, 50);
        assert!(PageRequest::new(Some(201), None).is_err());
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(200), None).is_ok());
    }
}
