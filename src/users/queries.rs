//! Database access for users.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{NewUserRow, User, UserListQuery};
use crate::{pagination::PageRequest, schema::users};

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower(text)`, matching the `users_email_lower_key` index.
    #[sql_name = "lower"]
    fn lower_text(x: Text) -> Text;
}

/// Inserts a user; a duplicate email (any case) fails with `users_email_lower_key`.
pub async fn insert(conn: &mut AsyncPgConnection, row: NewUserRow) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(row)
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// One user by id.
pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
}

/// One user by email, compared case-insensitively.
pub async fn by_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(lower_text(users::email).eq(email.to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// A page of users in creation order.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &UserListQuery,
    page: &PageRequest,
) -> QueryResult<Vec<User>> {
    let mut query = users::table.select(User::as_select()).into_boxed();
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(users::organization_id.eq(org));
    }
    crate::pagination::paged!(query, page, users::created_at, users::id)
        .load(conn)
        .await
}

/// Changes name and/or active flag.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    full_name: Option<String>,
    active: Option<bool>,
) -> QueryResult<User> {
    #[derive(AsChangeset)]
    #[diesel(table_name = users)]
    struct Changes {
        full_name: Option<String>,
        active: Option<bool>,
        updated_at: chrono::DateTime<chrono::Utc>,
    }
    diesel::update(users::table.find(id))
        .set(Changes {
            full_name,
            active,
            updated_at: chrono::Utc::now(),
        })
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// Replaces a user's password hash.
pub async fn set_password(conn: &mut AsyncPgConnection, id: Uuid, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(chrono::Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}
