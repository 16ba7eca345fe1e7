//! Whether a user's access tokens still count: every user's standing (active, and the
//! moment before which their tokens were revoked) and the sign-ins (refresh families)
//! ended lately, kept in memory by every instance.
//!
//! Loaded when the instance starts, and kept current by `LISTEN slipway_users` and
//! `LISTEN slipway_families`: triggers notify every change of a user's standing, and
//! every family revoked (a sign-out, a replayed refresh token), and the listener reads
//! that user again or notes the family. A lost connection is reopened and everything read
//! again, so nothing missed while it was down stays missed. No request reads the database
//! for this, except for a user this instance has not heard of yet (created a moment
//! ago), which is read once.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use uuid::Uuid;

use crate::{
    db::Db,
    schema::{refresh_tokens, users},
};

/// What decides whether a user's token counts.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Standing {
    active: bool,
    /// Tokens issued before this (seconds since the epoch) are refused.
    valid_after: Option<f64>,
}

fn standing_of(active: bool, valid_after: Option<DateTime<Utc>>) -> Standing {
    Standing {
        active,
        valid_after: valid_after.map(|t| t.timestamp_micros() as f64 / 1e6),
    }
}

/// The verdict on a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The user is active and the token was issued after any revocation.
    Admitted,
    /// Deactivated, or the token predates a revocation.
    Revoked,
    /// No such user.
    Unknown,
}

/// Every user's standing, as this instance knows it.
#[derive(Debug, Default)]
pub struct Standings {
    users: RwLock<HashMap<Uuid, Standing>>,
    /// Sign-ins ended within [`ENDED_FAMILIES_KEPT`]: their access tokens are refused.
    ended: RwLock<HashMap<Uuid, DateTime<Utc>>>,
    /// Whether a listener keeps the map current; without one every answer is read afresh.
    followed: std::sync::atomic::AtomicBool,
}

const CHANNEL: &str = "slipway_users";
const FAMILIES: &str = "slipway_families";

/// How long an ended sign-in is remembered: longer than any access token lives (a token
/// of it issued before the end has expired by then, and none is issued after).
pub const ENDED_FAMILIES_KEPT: chrono::Duration = chrono::Duration::days(1);

impl Standings {
    /// The verdict on a token of `user` issued at `issued_at` (seconds since the epoch), if
    /// this instance knows the user.
    fn known(&self, user: Uuid, issued_at: f64) -> Option<Verdict> {
        let users = self.users.read().unwrap_or_else(|p| p.into_inner());
        users.get(&user).map(|s| verdict(*s, issued_at))
    }

    /// The verdict on a token of `user` issued at `issued_at` in the sign-in `family`:
    /// from memory, or for a user not heard of yet (or with no listener running) from the
    /// database.
    pub async fn verdict(
        &self,
        db: &Db,
        user: Uuid,
        issued_at: f64,
        family: Option<Uuid>,
    ) -> Result<Verdict, crate::error::ApiError> {
        // Named in full: diesel's `RunQueryDsl::load` would be taken for the atomic's.
        let followed = std::sync::atomic::AtomicBool::load(
            &self.followed,
            std::sync::atomic::Ordering::Acquire,
        );
        if let Some(family) = family {
            let ended = if followed {
                self.ended
                    .read()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains_key(&family)
            } else {
                let mut conn = db.get().await?;
                diesel::select(diesel::dsl::exists(
                    refresh_tokens::table
                        .filter(refresh_tokens::family_id.eq(family))
                        .filter(refresh_tokens::revoked_at.is_not_null()),
                ))
                .get_result(&mut conn)
                .await?
            };
            if ended {
                return Ok(Verdict::Revoked);
            }
        }
        if followed && let Some(known) = self.known(user, issued_at) {
            return Ok(known);
        }
        let mut conn = db.get().await?;
        let row: Option<(bool, Option<DateTime<Utc>>)> = users::table
            .find(user)
            .select((users::active, users::tokens_valid_after))
            .first(&mut conn)
            .await
            .optional()?;
        let Some((active, valid_after)) = row else {
            return Ok(Verdict::Unknown);
        };
        let standing = standing_of(active, valid_after);
        if followed {
            self.users
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .entry(user)
                .or_insert(standing);
        }
        Ok(verdict(standing, issued_at))
    }

    fn replace(&self, all: HashMap<Uuid, Standing>) {
        *self.users.write().unwrap_or_else(|p| p.into_inner()) = all;
    }

    fn set(&self, user: Uuid, standing: Option<Standing>) {
        let mut users = self.users.write().unwrap_or_else(|p| p.into_inner());
        match standing {
            Some(s) => users.insert(user, s),
            None => users.remove(&user),
        };
    }

    /// Loads every user's standing and keeps it current by listening on PostgreSQL,
    /// reconnecting (and reloading) whenever the connection is lost. Returns once the
    /// first load is done, or failed (the listener keeps trying; until it succeeds every
    /// verdict is read from the database).
    pub async fn follow(self: &Arc<Self>, database_url: &str) {
        let (loaded, first) = tokio::sync::oneshot::channel();
        let standings = self.clone();
        let url = database_url.to_owned();
        tokio::spawn(async move {
            let mut loaded = Some(loaded);
            loop {
                if let Err(e) = standings.listen(&url, &mut loaded).await {
                    tracing::warn!(error = %format!("{e:#}"), "listening for user changes");
                }
                standings
                    .followed
                    .store(false, std::sync::atomic::Ordering::Release);
                if let Some(tell) = loaded.take() {
                    let _ = tell.send(());
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let _ = first.await;
    }

    async fn listen(
        &self,
        url: &str,
        loaded: &mut Option<tokio::sync::oneshot::Sender<()>>,
    ) -> anyhow::Result<()> {
        let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        let (heard, mut changes) = tokio::sync::mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                        let heard_of = (n.channel() == FAMILIES, n.payload().to_owned());
                        if heard.send(heard_of).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        });
        // Listen first, then read everything: a change between the two is heard.
        client
            .batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {FAMILIES}"))
            .await?;
        let since = Utc::now() - ENDED_FAMILIES_KEPT;
        let ended = client
            .query(
                "SELECT family_id, max(revoked_at) FROM refresh_tokens \
                 WHERE revoked_at > $1 GROUP BY family_id",
                &[&since],
            )
            .await?;
        *self.ended.write().unwrap_or_else(|p| p.into_inner()) = ended
            .iter()
            .map(|r| (r.get::<_, Uuid>(0), r.get::<_, DateTime<Utc>>(1)))
            .collect();
        let rows = client
            .query("SELECT id, active, tokens_valid_after FROM users", &[])
            .await?;
        self.replace(
            rows.iter()
                .map(|r| (r.get::<_, Uuid>(0), standing_of(r.get(1), r.get(2))))
                .collect(),
        );
        self.followed
            .store(true, std::sync::atomic::Ordering::Release);
        if let Some(tell) = loaded.take() {
            let _ = tell.send(());
        }
        let read_one = client
            .prepare("SELECT active, tokens_valid_after FROM users WHERE id = $1")
            .await?;
        while let Some((family, payload)) = changes.recv().await {
            let Ok(id) = payload.parse::<Uuid>() else {
                continue;
            };
            if family {
                let now = Utc::now();
                let mut ended = self.ended.write().unwrap_or_else(|p| p.into_inner());
                ended.retain(|_, at| now - *at < ENDED_FAMILIES_KEPT);
                ended.insert(id, now);
                continue;
            }
            let user = id;
            let row = client.query_opt(&read_one, &[&user]).await?;
            self.set(user, row.map(|r| standing_of(r.get(0), r.get(1))));
        }
        driver.abort();
        anyhow::bail!("the connection for user changes ended")
    }
}

fn verdict(standing: Standing, issued_at: f64) -> Verdict {
    match standing.valid_after {
        _ if !standing.active => Verdict::Revoked,
        Some(after) if issued_at < after => Verdict::Revoked,
        _ => Verdict::Admitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_counts_if_issued_after_the_revocation_by_an_active_user() {
        let revoked_at = Standing {
            active: true,
            valid_after: Some(1_000.5),
        };
        assert_eq!(verdict(revoked_at, 1_000.4), Verdict::Revoked);
        assert_eq!(verdict(revoked_at, 1_000.5), Verdict::Admitted);
        assert_eq!(
            verdict(
                Standing {
                    active: true,
                    valid_after: None
                },
                1.0
            ),
            Verdict::Admitted
        );
        assert_eq!(
            verdict(
                Standing {
                    active: false,
                    valid_after: None
                },
                9e9
            ),
            Verdict::Revoked
        );
    }
}
