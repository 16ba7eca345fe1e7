//! Where the bytes live: an object store (`SLIPWAY_STORAGE_URL`: a folder by default, any
//! S3-compatible store with `s3://bucket/prefix`), each file under its SHA-256. A file is
//! written before its row commits, so a row never names a missing file; a file whose row
//! never committed, or was deleted, is removed by [`Storage::sweep`] after a grace period.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use object_store::{
    GetOptions, GetRange, GetResult, ObjectStore, ObjectStoreExt, PutPayload,
    local::LocalFileSystem, path::Path,
};

use crate::{db::Db, schema::attachments};

/// The default store: a folder next to where the service runs.
pub const DEFAULT_URL: &str = "file://./data/attachments";

/// The object store of the attachments.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

/// Where an object lives in the store.
fn file_key(sha256: &str) -> String {
    format!("files/{sha256}")
}

fn thumbnail_key(sha256: &str) -> String {
    format!("thumbnails/{sha256}.jpg")
}

impl Storage {
    /// The store `url` names: `file://<folder>` (created if missing; a relative folder is
    /// relative to the working directory) or anything `object_store` parses, such as
    /// `s3://bucket/prefix` with the usual `AWS_*` variables.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if let Some(folder) = url.strip_prefix("file://") {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating the attachments folder {folder}"))?;
            let store = LocalFileSystem::new_with_prefix(folder)
                .with_context(|| format!("opening the attachments folder {folder}"))?;
            return Ok(Self {
                store: Arc::new(store),
                prefix: Path::default(),
            });
        }
        let parsed = url::Url::parse(url).with_context(|| format!("SLIPWAY_STORAGE_URL {url}"))?;
        // Unset and empty variables alike (compose passes `AWS_ENDPOINT=` when unset).
        let options =
            std::env::vars().filter(|(key, value)| key.starts_with("AWS_") && !value.is_empty());
        let (store, prefix) = object_store::parse_url_opts(&parsed, options)
            .with_context(|| format!("opening the object store {url}"))?;
        Ok(Self {
            store: Arc::from(store),
            prefix,
        })
    }

    fn path(&self, key: &str) -> Path {
        if self.prefix.as_ref().is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        }
    }

    /// Stores a file under its hash (once: the same bytes are stored once).
    pub async fn put_file(&self, sha256: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.put_once(&file_key(sha256), bytes).await
    }

    /// Stores a thumbnail of the file with this hash.
    pub async fn put_thumbnail(&self, sha256: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        self.put_once(&thumbnail_key(sha256), bytes).await
    }

    async fn put_once(&self, key: &str, bytes: Vec<u8>) -> object_store::Result<()> {
        let path = self.path(key);
        if self.store.head(&path).await.is_ok() {
            return Ok(());
        }
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map(drop)
    }

    /// A file, or the byte range `[start, end)` of it.
    pub async fn file(
        &self,
        sha256: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> object_store::Result<GetResult> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        self.store
            .get_opts(&self.path(&file_key(sha256)), options)
            .await
    }

    /// A thumbnail.
    pub async fn thumbnail(&self, sha256: &str) -> object_store::Result<GetResult> {
        self.store.get(&self.path(&thumbnail_key(sha256))).await
    }

    /// Removes the files and thumbnails no row names that are older than `grace` (a file
    /// younger than that may belong to an upload whose row is about to commit). Answers
    /// how many objects it removed.
    pub async fn sweep(&self, db: &Db, grace: Duration) -> anyhow::Result<usize> {
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(grace)?;
        let mut candidates = Vec::new();
        let mut listing = self.store.list(Some(&self.prefix));
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if meta.last_modified >= cutoff {
                continue;
            }
            let name = meta.location.filename().unwrap_or_default();
            let sha = name.strip_suffix(".jpg").unwrap_or(name).to_owned();
            if sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                candidates.push((meta.location, sha));
            }
        }
        if candidates.is_empty() {
            return Ok(0);
        }
        let shas: Vec<&str> = candidates.iter().map(|(_, s)| s.as_str()).collect();
        let mut conn = db.get().await?;
        let kept: std::collections::HashSet<String> = attachments::table
            .filter(attachments::sha256.eq_any(&shas))
            .select(attachments::sha256)
            .distinct()
            .load::<String>(&mut conn)
            .await?
            .into_iter()
            .collect();
        drop(conn);
        let mut removed = 0;
        for (location, sha) in candidates {
            if !kept.contains(&sha) {
                match self.store.delete(&location).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => removed += 1,
                    Err(e) => tracing::warn!(error = %e, "sweeping an attachment"),
                }
            }
        }
        Ok(removed)
    }

    /// Sweeps every `every`, for as long as the process runs.
    pub fn sweep_periodically(self, db: Db, every: Duration, grace: Duration) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                match self.sweep(&db, grace).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "swept attachments without a row"),
                    Err(e) => tracing::warn!(error = %format!("{e:#}"), "sweeping attachments"),
                }
            }
        });
    }
}
