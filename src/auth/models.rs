//! The wire types of sign-in, token renewal and password change.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::users::models::UserView;

/// `POST /auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login email (any case).
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[schema(max_length = 128)]
    pub refresh_token: String,
}

/// `POST /me/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password now in use.
    pub current_password: String,
    /// The new password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// A new token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque token for `POST /auth/refresh`; usable once.
    pub refresh_token: String,
    /// The user the tokens belong to.
    pub user: UserView,
}
