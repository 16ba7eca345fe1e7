//! Failed sign-ins per client address, counted in this instance's memory: past
//! `SLIPWAY_LOGIN_LIMIT_PER_MIN` failures from one address within a minute, its next
//! attempts are refused (429) before any password is hashed. The per-email limit (five
//! failures in 15 minutes, in PostgreSQL) holds across instances; this one keeps one
//! address's storm from taking every hashing slot. Only failures count, so an office of
//! many users behind one address signs in freely.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::error::ApiError;

const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered before the stale ones are forgotten.
const MAX_ADDRESSES: usize = 100_000;

/// Failed sign-ins per address over the last minute.
#[derive(Debug)]
pub struct AddressLimit {
    per_minute: u32,
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl AddressLimit {
    /// At most `per_minute` failures per address a minute; 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            failures: Mutex::default(),
        }
    }

    /// 429 if the address has failed too often this minute.
    pub fn check(&self, address: Option<IpAddr>) -> Result<(), ApiError> {
        let (Some(address), true) = (address, self.per_minute > 0) else {
            return Ok(());
        };
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(&address) {
            Some((since, n)) if *n >= self.per_minute && since.elapsed() < WINDOW => {
                let wait = WINDOW.saturating_sub(since.elapsed()).as_secs().max(1);
                Err(ApiError::TooManyRequests {
                    retry_after_secs: wait,
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in from the address.
    pub fn failed(&self, address: Option<IpAddr>) {
        let (Some(address), true) = (address, self.per_minute > 0) else {
            return;
        };
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_ADDRESSES {
            failures.retain(|_, (since, _)| since.elapsed() < WINDOW);
        }
        let entry = failures.entry(address).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

impl Default for AddressLimit {
    fn default() -> Self {
        Self::new(10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_its_failures_and_others_are_not() {
        let limit = AddressLimit::new(3);
        let storm: IpAddr = "203.0.113.7".parse().unwrap();
        let office: IpAddr = "198.51.100.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limit.check(Some(storm)).is_ok());
            limit.failed(Some(storm));
        }
        assert!(matches!(
            limit.check(Some(storm)),
            Err(ApiError::TooManyRequests { retry_after_secs }) if (1..=60).contains(&retry_after_secs)
        ));
        assert!(limit.check(Some(office)).is_ok());
        assert!(
            AddressLimit::new(0).check(Some(storm)).is_ok(),
            "0 turns it off"
        );
    }
}
