//! Password hashing with argon2id at OWASP's parameters, run on the blocking pool,
//! capped in how many run at once and in the share of a core each may take, so a burst
//! of logins cannot starve the HTTP workers or the memory.

use std::{sync::Arc, time::Duration};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// How long a hashing slot rests after a hash that took `busy`, so that it is busy
/// `cpu_percent` of the time at most.
pub fn rest_after(busy: Duration, cpu_percent: u32) -> Duration {
    let percent = cpu_percent.clamp(1, 100);
    busy * (100 - percent) / percent
}

/// A place among the password checks in flight; given back when dropped.
#[derive(Debug)]
pub struct Admission(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The password hasher shared by all workers.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Hashes waiting for a slot now, and how many may wait at most: beyond that a login
    /// is told at once to come back (503) instead of queueing behind a storm.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    max_waiting: usize,
    /// How many hashes run at once.
    permits_total: usize,
    /// The share of a core each slot may use (1-100).
    cpu_percent: u32,
    /// Verified against when the email is unknown, so both answers take the same time.
    decoy_hash: Arc<str>,
}

impl Passwords {
    /// A hasher allowing `concurrency` hashes at once, each slot hashing without rest.
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let decoy = hash_blocking(&uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            waiting: Arc::default(),
            max_waiting: usize::MAX,
            permits_total: concurrency.max(1),
            cpu_percent: 100,
            decoy_hash: decoy.into(),
        })
    }

    /// Lets each slot hash `cpu_percent` of the time at most: after a hash, the slot
    /// rests in proportion (as long again at 50). The answer goes out at once; only the
    /// next hash waits.
    pub fn with_cpu_percent(mut self, cpu_percent: u32) -> Self {
        self.cpu_percent = cpu_percent.clamp(1, 100);
        self
    }

    /// Lets at most `max` password checks wait beyond those hashing; one more sign-in is
    /// refused with 503 at once (see [`Passwords::admit`]).
    pub fn with_queue(mut self, max: usize) -> Self {
        self.max_waiting = max;
        self
    }

    /// How many password checks are in flight now (admitted, not yet done).
    pub fn waiting(&self) -> usize {
        self.waiting.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many hashes could start right now.
    pub fn free_slots(&self) -> usize {
        self.permits.available_permits()
    }

    /// Takes a place among the password checks in flight (from the first database read
    /// of a sign-in to the end of its hash), or refuses at once (503) when the queue is
    /// full: a sign-in beyond it neither waits for a connection nor for a slot.
    pub fn admit(&self) -> Result<Admission, ApiError> {
        use std::sync::atomic::Ordering;
        let in_flight = self.waiting.fetch_add(1, Ordering::AcqRel);
        let admission = Admission(self.waiting.clone());
        if in_flight >= self.max_waiting.saturating_add(self.permits_total) {
            return Err(ApiError::Busy);
        }
        Ok(admission)
    }

    async fn slot(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Ok(Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(anyhow::Error::from)?)
    }

    /// Gives the slot back after its rest, without holding up the caller.
    fn release(&self, slot: OwnedSemaphorePermit, busy: Duration) {
        let rest = rest_after(busy, self.cpu_percent);
        if rest.is_zero() {
            return;
        }
        tokio::spawn(async move {
            tokio::time::sleep(rest).await;
            drop(slot);
        });
    }

    /// Holds one of the hashing slots until the permit is dropped: the hashes queued
    /// meanwhile wait for the others. For tests that need the hashers busy.
    pub async fn occupy(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.slot().await
    }

    /// Hashes `password` off the async workers.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let slot = self.slot().await?;
        let started = std::time::Instant::now();
        let hashed = tokio::task::spawn_blocking(move || hash_blocking(&password)).await;
        self.release(slot, started.elapsed());
        Ok(hashed??)
    }

    /// Verifies `password` against `phc`, or against a decoy when there is no hash, so an
    /// unknown account costs the same time as a wrong password.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        let slot = self.slot().await?;
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy_hash.to_string());
        let started = std::time::Instant::now();
        let matches = tokio::task::spawn_blocking(move || verify_blocking(&password, &phc)).await;
        self.release(slot, started.elapsed());
        Ok(known && matches?)
    }
}

impl crate::metrics::Report for Passwords {
    fn report<'a>(
        &'a self,
        out: &'a mut crate::metrics::Exposition,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        let name = "slipway_password_checks";
        out.family(
            name,
            "gauge",
            "Password hashing: slots free now and checks waiting for one.",
        );
        out.sample(name, "state=\"free_slots\"", self.free_slots());
        out.sample(name, "state=\"waiting\"", self.waiting());
        Box::pin(std::future::ready(()))
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
    fn a_slot_rests_so_that_it_hashes_its_share_of_the_time() {
        let busy = Duration::from_millis(40);
        assert_eq!(rest_after(busy, 100), Duration::ZERO);
        assert_eq!(rest_after(busy, 50), busy);
        assert_eq!(rest_after(busy, 25), busy * 3);
        assert_eq!(rest_after(busy, 0), busy * 99, "at least 1 %");
    }

    #[tokio::test]
    async fn the_slot_comes_back_only_after_its_rest_and_the_answer_does_not_wait() {
        let passwords = Passwords::new(1).expect("hasher").with_cpu_percent(50);
        let phc = hash_blocking("correct horse battery").expect("hash");
        assert!(
            passwords
                .verify("correct horse battery".to_owned(), Some(phc))
                .await
                .expect("verify")
        );
        assert_eq!(passwords.free_slots(), 0, "resting right after the hash");
        let back = async {
            while passwords.free_slots() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), back)
            .await
            .expect("the slot comes back");
        let unrested = Passwords::new(1).expect("hasher");
        unrested.verify("x".to_owned(), None).await.expect("verify");
        assert_eq!(unrested.free_slots(), 1);
    }

    #[test]
    fn beyond_the_queue_a_check_is_refused_at_once() {
        // One slot, one place in the queue: two checks in flight, the third refused.
        let passwords = Passwords::new(1).expect("hasher").with_queue(1);
        let first = passwords.admit().expect("hashing");
        let second = passwords.admit().expect("queued");
        assert!(matches!(passwords.admit(), Err(ApiError::Busy)));
        assert_eq!(passwords.waiting(), 2);
        drop(first);
        let third = passwords.admit().expect("room again");
        drop((second, third));
        assert_eq!(passwords.waiting(), 0);
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(check_new_password("password", "ßßßßßßßßßßßß").is_ok());
        assert!(check_new_password("password", "short").is_err());
        assert!(check_new_password("password", &"x".repeat(129)).is_err());
        assert!(check_new_password("password", &"x".repeat(128)).is_ok());
    }
}
