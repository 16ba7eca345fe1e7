//! Database access for login throttling and refresh tokens.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::{login_failures, refresh_tokens, users};

/// Failed logins per email that are tolerated within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES: usize = 5;
/// The sliding window over which failures are counted.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// Takes one login attempt for `email_key` (a lower-cased email), recorded as a failure
/// until [`forget_attempt`] says it succeeded. Attempts for one email are serialised by an
/// advisory lock, so concurrent guesses cannot slip past the limit. `Err(secs)` when the
/// limit is reached: retry after that many seconds.
pub async fn reserve_attempt(
    conn: &mut AsyncPgConnection,
    email_key: &str,
) -> QueryResult<Result<i64, u64>> {
    let email_key = email_key.to_owned();
    conn.transaction(async |conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7215))")
            .bind::<diesel::sql_types::Text, _>(&email_key)
            .execute(conn)
            .await?;
        let now = Utc::now();
        let window_start = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        diesel::delete(
            login_failures::table
                .filter(login_failures::email_key.eq(&email_key))
                .filter(login_failures::failed_at.le(window_start)),
        )
        .execute(conn)
        .await?;
        let recent: Vec<DateTime<Utc>> = login_failures::table
            .filter(login_failures::email_key.eq(&email_key))
            .select(login_failures::failed_at)
            .order(login_failures::failed_at.desc())
            .limit(MAX_FAILURES as i64)
            .load(conn)
            .await?;
        if recent.len() >= MAX_FAILURES {
            // The attempt becomes possible again when the oldest of the last five leaves
            // the window.
            let oldest = recent[MAX_FAILURES - 1];
            let wait = (oldest + Duration::minutes(FAILURE_WINDOW_MINUTES) - now).num_seconds();
            return Ok(Err(u64::try_from(wait).unwrap_or(0).max(1)));
        }
        let id = diesel::insert_into(login_failures::table)
            .values((
                login_failures::email_key.eq(&email_key),
                login_failures::failed_at.eq(now),
            ))
            .returning(login_failures::id)
            .get_result(conn)
            .await?;
        Ok(Ok(id))
    })
    .await
}

/// Removes a reserved attempt that turned out to be a successful login.
pub async fn forget_attempt(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::delete(login_failures::table.find(id))
        .execute(conn)
        .await
        .map(drop)
}

/// Stores a refresh token's hash in a family.
pub async fn store_refresh_token(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// The state of a stored refresh token.
#[derive(Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
struct StoredRefreshToken {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    expires_at: DateTime<Utc>,
    rotated_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    renewed_in_grace: bool,
}

/// What presenting a refresh token amounted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    /// A live token, now marked rotated: issue the next one in `family` for `user_id`.
    Rotated {
        /// Owner of the token.
        user_id: Uuid,
        /// Its family, which the next token joins.
        family: Uuid,
    },
    /// Unknown, expired or revoked: refuse.
    Invalid,
    /// Already rotated: someone replayed it. The family is now revoked.
    Reused,
}

/// Marks a presented refresh token rotated, or detects its reuse and revokes its family.
/// A token rotated less than `grace` ago counts as live once more, once (its window is not
/// extended; a second replay is a reuse). Run inside a transaction: the row is locked so two concurrent refreshes
/// with the same token cannot both succeed.
pub async fn rotate_refresh_token(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
    grace: std::time::Duration,
) -> QueryResult<Presented> {
    let row: Option<StoredRefreshToken> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(StoredRefreshToken::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some(StoredRefreshToken {
        id,
        user_id,
        family_id: family,
        expires_at,
        rotated_at,
        revoked_at,
        renewed_in_grace,
    }) = row
    else {
        return Ok(Presented::Invalid);
    };
    if revoked_at.is_some() || expires_at <= Utc::now() {
        return Ok(Presented::Invalid);
    }
    if let Some(rotated_at) = rotated_at {
        let since = (Utc::now() - rotated_at).to_std().unwrap_or_default();
        if since < grace && !renewed_in_grace {
            diesel::update(refresh_tokens::table.find(id))
                .set(refresh_tokens::renewed_in_grace.eq(true))
                .execute(conn)
                .await?;
            return Ok(Presented::Rotated { user_id, family });
        }
        revoke_family(conn, family).await?;
        return Ok(Presented::Reused);
    }
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::rotated_at.eq(Utc::now()))
        .execute(conn)
        .await?;
    Ok(Presented::Rotated { user_id, family })
}

/// Revokes every token of a family (logout, reuse detection).
pub async fn revoke_family(conn: &mut AsyncPgConnection, family: Uuid) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)
    .await
    .map(drop)
}

/// The family of a token, if the token is known.
pub async fn family_of(
    conn: &mut AsyncPgConnection,
    token_hash: &[u8],
) -> QueryResult<Option<Uuid>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::family_id)
        .first(conn)
        .await
        .optional()
}

/// Revokes every refresh token of a user (password change, deactivation).
pub async fn revoke_all_for_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)
    .await
    .map(drop)
}

/// Signs a user out everywhere: every refresh token revoked, and every access token issued
/// until now refused by every instance (their `tokens_valid_after`, heard through NOTIFY).
/// Answers how many users it found (0 or 1). Run inside the change's transaction.
pub async fn sign_out_everywhere(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
) -> QueryResult<usize> {
    revoke_all_for_user(conn, user_id).await?;
    diesel::update(users::table.find(user_id))
        .set(users::tokens_valid_after.eq(Utc::now()))
        .execute(conn)
        .await
}
