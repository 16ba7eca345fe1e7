//! Users: the database row and the API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{role::Role, schema::users};

/// A row of `users`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    /// Primary key.
    pub id: Uuid,
    /// Login email, as entered.
    pub email: String,
    /// Name shown to colleagues.
    pub full_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// What the user may do.
    pub role: Role,
    /// The client organisation (clients only).
    pub organization_id: Option<Uuid>,
    /// Deactivated users cannot log in or refresh.
    pub active: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(User, created_at);

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    /// Id.
    pub id: Uuid,
    /// Login email.
    #[schema(format = "email")]
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Client organisation, null for yard staff.
    pub organization_id: Option<Uuid>,
    /// Whether the user may log in.
    pub active: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            organization_id: u.organization_id,
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// `POST /users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login email, unique regardless of case.
    #[schema(format = "email")]
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    /// Role.
    pub role: Role,
    /// Required for `client`, forbidden otherwise.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
}

/// `PATCH /users/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New full name.
    pub full_name: Option<String>,
    /// `false` deactivates the user and revokes their refresh tokens.
    pub active: Option<bool>,
}

/// Query of `GET /users`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Only users of this role.
    pub role: Option<Role>,
    /// Only users of this client organisation.
    pub organization_id: Option<Uuid>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A new row for `users`.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow {
    /// Login email.
    pub email: String,
    /// Full name.
    pub full_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role.
    pub role: Role,
    /// Client organisation.
    pub organization_id: Option<Uuid>,
}
