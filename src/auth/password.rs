//! Password hashing with argon2id at OWASP's parameters, on a few threads of its own that
//! keep their work areas, so a burst of logins cannot starve the HTTP workers or use more
//! memory than those work areas.

use std::sync::{Arc, Mutex, mpsc};

use argon2::{
    Algorithm, Argon2, Block, Params, Version,
    password_hash::{Output, ParamsString, PasswordHash, SaltString, rand_core::OsRng},
};
use tokio::sync::oneshot;

use crate::error::{ApiError, FieldError};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The argon2 parameters of new hashes: OWASP's m = 19 MiB, t = 2, p = 1.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters")
}

/// A hasher's work area: argon2's memory, kept between hashes. Allocating and freeing 19 MiB
/// per hash maps and unmaps it each time, and the kernel serialises that against the page
/// faults of every other thread of the server.
#[derive(Default)]
pub struct WorkArea(Vec<Block>);

impl WorkArea {
    fn blocks(&mut self, params: &Params) -> &mut [Block] {
        let needed = params.block_count();
        if self.0.len() < needed {
            self.0.resize(needed, Block::default());
        }
        &mut self.0[..needed]
    }
}

/// Hashes a password into a PHC string. Blocking: call from a blocking thread.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    hash_in(&mut WorkArea::default(), password)
}

fn hash_in(area: &mut WorkArea, password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("decoding a fresh salt: {e}"))?;
    let params = params();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            area.blocks(&params),
        )
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("writing argon2 parameters: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("hash output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc`, with the parameters stored in it.
fn verify_in(area: &mut WorkArea, password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(expected), Some(salt)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.hash,
        parsed.salt,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
        password.as_bytes(),
        salt_bytes,
        &mut out,
        area.blocks(&params),
    );
    // `Output`'s equality takes the same time wherever the first difference is.
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

#[cfg(test)]
fn verify_blocking(password: &str, phc: &str) -> bool {
    verify_in(&mut WorkArea::default(), password, phc)
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

/// One piece of hashing work, run on a hasher thread.
type HashJob = Box<dyn FnOnce(&mut WorkArea) + Send>;

/// The password hasher shared by all workers: a queue served by `concurrency` threads.
#[derive(Clone)]
pub struct Passwords {
    queue: mpsc::Sender<HashJob>,
    /// Verified against when the email is unknown, so both answers take the same time.
    decoy_hash: Arc<str>,
}

impl Passwords {
    /// A hasher with `concurrency` threads. They end when the last clone is dropped.
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let (queue, jobs) = mpsc::channel::<HashJob>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..concurrency.max(1) {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new()
                .name(format!("hasher-{n}"))
                .spawn(move || {
                    let mut area = WorkArea::default();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let next = jobs.lock().map(|rx| rx.recv());
                        match next {
                            Ok(Ok(job)) => job(&mut area),
                            _ => return,
                        }
                    }
                })?;
        }
        let decoy = hash_blocking(&uuid::Uuid::new_v4().to_string())?;
        Ok(Self {
            queue,
            decoy_hash: decoy.into(),
        })
    }

    /// Queues `work` for the next free hasher thread; its answer arrives on the receiver.
    pub fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut WorkArea) -> T + Send + 'static,
    ) -> anyhow::Result<oneshot::Receiver<T>> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Box::new(move |area: &mut WorkArea| {
                // The caller may have gone (a dropped request); nobody is left to tell.
                let _ = answer.send(work(area));
            }))
            .map_err(|_| anyhow::anyhow!("the password hashers have stopped"))?;
        Ok(answered)
    }

    /// Runs `work` on a hasher thread and waits for its answer.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut WorkArea) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        self.submit(work)?
            .await
            .map_err(|_| anyhow::anyhow!("a password hasher dropped its work"))
    }

    /// Hashes `password` off the async workers.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        Ok(self.run(move |area| hash_in(area, &password)).await??)
    }

    /// Verifies `password` against `phc`, or against a decoy when there is no hash, so an
    /// unknown account costs the same time as a wrong password.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy_hash.to_string());
        let matches = self
            .run(move |area| verify_in(area, &password, &phc))
            .await?;
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
    fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        // Hashes stored before the work area was kept still verify, and ours verify there.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = standard
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_blocking("correct horse battery", &theirs));
        assert!(!verify_blocking("correct horse batterz", &theirs));
        let ours = hash_blocking("correct horse battery").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            standard
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
    }

    #[test]
    fn one_work_area_serves_hashes_of_other_parameters_in_turn() {
        use argon2::PasswordHasher;
        let small = Params::new(8 * 1024, 1, 1, None).expect("params");
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::new(Algorithm::Argon2id, Version::V0x13, small)
            .hash_password(b"an older, cheaper hash", &salt)
            .expect("hash")
            .to_string();
        let mut area = WorkArea::default();
        let ours = hash_in(&mut area, "the current parameters").expect("hash");
        assert!(verify_in(&mut area, "an older, cheaper hash", &older));
        assert!(verify_in(&mut area, "the current parameters", &ours));
        assert!(!verify_in(&mut area, "the current parameters", &older));
        assert!(!verify_in(
            &mut area,
            "an older, cheaper hash",
            "not a phc string"
        ));
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(check_new_password("password", "ßßßßßßßßßßßß").is_ok());
        assert!(check_new_password("password", "short").is_err());
        assert!(check_new_password("password", &"x".repeat(129)).is_err());
        assert!(check_new_password("password", &"x".repeat(128)).is_ok());
    }
}
