//! Password hashing with argon2id at OWASP's parameters, run on the blocking pool and
//! capped in how many run at once, so a burst of logins cannot starve the HTTP workers
//! or the memory.

use std::sync::Arc;

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::Semaphore;

use crate::error::{ApiError, FieldError};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;

fn argon2() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string. Blocking: call from a blocking thread.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Checks the length rule for a new password (`field` names it in the 422).
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
        ))
    }
}

/// The password hasher shared by all workers.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Verified against when the email is unknown, so both answers take the same time.
    decoy_hash: Arc<str>,
}

impl Passwords {
    /// A hasher allowing `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let decoy = hash_blocking(&uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            decoy_hash: decoy.into(),
        })
    }

    /// Holds one of the hashing slots until the permit is dropped: the hashes queued
    /// meanwhile wait for the others. For tests that need the hashers busy.
    pub async fn occupy(&self) -> anyhow::Result<tokio::sync::OwnedSemaphorePermit> {
        Ok(Arc::clone(&self.permits).acquire_owned().await?)
    }

    /// Hashes `password` off the async workers.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        Ok(tokio::task::spawn_blocking(move || hash_blocking(&password)).await??)
    }

    /// Verifies `password` against `phc`, or against a decoy when there is no hash, so an
    /// unknown account costs the same time as a wrong password.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(anyhow::Error::from)?;
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy_hash.to_string());
        let matches = tokio::task::spawn_blocking(move || verify_blocking(&password, &phc)).await?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash_blocking("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_blocking("correct horse battery", &phc));
        assert!(!verify_blocking("correct horse batterz", &phc));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(check_new_password("password", "ßßßßßßßßßßßß").is_ok());
        assert!(check_new_password("password", "short").is_err());
        assert!(check_new_password("password", &"x".repeat(129)).is_err());
        assert!(check_new_password("password", &"x".repeat(128)).is_ok());
    }
}
