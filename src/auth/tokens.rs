//! Access tokens (HS256 JWTs, algorithm pinned) and refresh tokens (opaque random values
//! of which only a SHA-256 hash is stored).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Role;

/// The `iss` claim of every token this service signs.
pub const ISSUER: &str = "slipway";
/// The `aud` claim of every token this service signs.
pub const AUDIENCE: &str = "slipway-api";
/// The longest refresh token the service reads (its own are 43 characters): anything
/// longer is refused without a lookup.
pub const MAX_REFRESH_TOKEN_CHARS: usize = 128;

/// Shortest accepted signing secret, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's role when the token was issued.
    pub role: Role,
    /// The client organisation, or null for yard staff.
    pub org: Option<Uuid>,
    /// Issued at, seconds since the epoch, to the millisecond (a JWT NumericDate may be
    /// fractional): a revocation refuses exactly the tokens issued before it.
    pub iat: f64,
    /// Expires at, seconds since the epoch.
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
    /// Always [`AUDIENCE`].
    pub aud: String,
    /// A unique id for this token.
    pub jti: Uuid,
    /// The sign-in (refresh-token family) the token belongs to: signing out of it, or a
    /// replay of its spent refresh token, refuses the token at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<Uuid>,
}

/// Signs and checks access tokens with one HMAC secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The key calendar feed addresses are derived with (from the same secret).
    feed_key: [u8; 32],
    /// Lifetime of an access token, in seconds.
    pub access_ttl_secs: i64,
    /// Lifetime of a refresh token, in days.
    pub refresh_ttl_days: i64,
}

impl TokenKeys {
    /// Keys from a secret of at least [`MIN_SECRET_BYTES`]; a shorter one is refused.
    pub fn new(secret: &[u8], access_ttl_secs: u64, refresh_ttl_days: u32) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "SLIPWAY_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
        );
        // Only HS256 is accepted: `alg: none` and every other algorithm fail to decode.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        // Clocks of several instances may differ a little: 5 s either way for `exp` and `nbf`.
        validation.leeway = 5;
        // A token that says it is not valid yet is not (when it says so at all).
        validation.validate_nbf = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            feed_key: Sha256::new()
                .chain_update(b"slipway calendar feed\0")
                .chain_update(secret)
                .finalize()
                .into(),
            validation,
            access_ttl_secs: i64::try_from(access_ttl_secs)?,
            refresh_ttl_days: i64::from(refresh_ttl_days),
        })
    }

    /// The secret token of `user`'s calendar feed of `generation`: 256 bits, the same on
    /// every instance that shares the secret, unguessable without it (HMAC-SHA256).
    pub fn calendar_feed_token(&self, user: Uuid, generation: i32) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.feed_key).expect("any key length");
        mac.update(user.as_bytes());
        mac.update(&generation.to_be_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A random 64-byte secret, for a `serve` started without one.
    pub fn random_secret() -> Vec<u8> {
        let mut secret = vec![0u8; 64];
        rand::rng().fill_bytes(&mut secret);
        secret
    }

    /// Signs an access token for a user, of the sign-in `family`.
    pub fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        org: Option<Uuid>,
        family: Option<Uuid>,
    ) -> anyhow::Result<String> {
        let issued = Utc::now();
        let now = issued.timestamp();
        let claims = Claims {
            sub: user_id,
            role,
            org,
            iat: issued.timestamp_millis() as f64 / 1000.0,
            exp: now + self.access_ttl_secs,
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: Uuid::new_v4(),
            fam: family,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Checks signature, algorithm, expiry, not-before, issuer and audience; `None` for
    /// anything wrong. A header naming critical extensions (`crit`) is refused: this
    /// service understands none (RFC 7515 section 4.1.11).
    pub fn verify_access(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.crit.is_some() {
            return None;
        }
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// A new refresh token: 256 random bits, URL-safe base64.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a refresh token.
pub fn refresh_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_secret_is_refused() {
        assert!(TokenKeys::new(&[7u8; 31], 900, 30).is_err());
        assert!(TokenKeys::new(&[7u8; 32], 900, 30).is_ok());
    }

    #[test]
    fn an_issued_token_verifies_and_a_tampered_one_does_not() {
        let keys = TokenKeys::new(&[7u8; 32], 900, 30).expect("keys");
        let id = Uuid::new_v4();
        let token = keys
            .issue_access(id, Role::Manager, None, None)
            .expect("token");
        assert_eq!(keys.verify_access(&token).expect("valid").sub, id);
        let other = TokenKeys::new(&[8u8; 32], 900, 30).expect("keys");
        assert!(other.verify_access(&token).is_none());
    }

    #[test]
    fn refresh_tokens_carry_256_bits() {
        let token = new_refresh_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).expect("base64").len(), 32);
        assert_ne!(token, new_refresh_token());
        assert_eq!(refresh_token_hash(&token).len(), 32);
    }
}
