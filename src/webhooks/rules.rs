//! Webhook rules: which URLs may be called, the Standard Webhooks signature, and when a
//! failed delivery is tried again.

use std::{
    net::{IpAddr, Ipv4Addr},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::FieldError;

/// How long a delivery is tried before it is marked failed.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);
/// How long a webhook may fail every attempt before it is disabled.
pub const DISABLE_AFTER: Duration = Duration::from_secs(3 * 24 * 3600);
/// The longest a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The longest URL accepted.
pub const MAX_URL: usize = 2000;

/// Whether `ip` is an address on the public internet: not loopback, private, shared
/// (CGNAT), link-local (where cloud metadata services live), unspecified, multicast,
/// documentation or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
            // Forms that carry an IPv4 address inside, which a relay or translator reaches:
            // IPv4-translated (::ffff:0:a.b.c.d), 6to4 (2002:AABB:CCDD::/48) and Teredo
            // (2001:0::/32, its server's address, and its client's inverted).
            if s[..6] == [0, 0, 0, 0, 0xffff, 0] {
                return is_public_v4(v4(s[6], s[7]));
            }
            if s[0] == 0x2002 {
                return is_public_v4(v4(s[1], s[2]));
            }
            if s[0] == 0x2001 && s[1] == 0 {
                return is_public_v4(v4(s[2], s[3])) && is_public_v4(v4(!s[6], !s[7]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7 (fd00:ec2::254 too)
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64 of any IPv4 address (and 64:ff9b:1::/48)
                || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0) // discard
                || s[..6] == [0; 6]) // IPv4-compatible and other ::/96
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (b & 0xc0) == 64) // shared address space, 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // benchmarking, 198.18.0.0/15
        || a >= 240)
}

/// The URL a webhook may call: `https` (or `http` where private addresses are allowed),
/// a host, no credentials, and, for an address written as a literal, a public one. A
/// host name is checked once resolved, at creation and at every delivery.
pub fn check_url(raw: &str, allow_private: bool) -> Result<url::Url, FieldError> {
    let bad = |why: &str| FieldError::new("url", why);
    if raw.chars().count() > MAX_URL {
        return Err(bad("must be at most 2000 characters"));
    }
    let url = url::Url::parse(raw.trim()).map_err(|_| bad("must be an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(bad("must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; the signature authenticates Slipway",
        ));
    }
    let literal = match url.host() {
        None => return Err(bad("must name a host")),
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
    };
    if let Some(ip) = literal
        && !allow_private
        && !is_public(ip)
    {
        return Err(bad(
            "must not be a loopback, private, link-local or metadata address",
        ));
    }
    Ok(url)
}

/// A new signing secret: `whsec_` and the base64 of 24 random bytes.
pub fn new_secret() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header of a message (Standard Webhooks): `v1,` and the base64
/// HMAC-SHA256, keyed with the secret's bytes, of `"{id}.{timestamp}.{body}"`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .unwrap_or_else(|_| secret.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// How long after its `attempts`-th failure a delivery is tried again: `base` after the
/// first, doubling after each (at most six hours), scaled by `jitter` in `[0.8, 1.2]`
/// so receivers that recover do not get every retry at once.
pub fn retry_delay(attempts: i32, base: Duration, jitter: f64) -> Duration {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let delay = base
        .saturating_mul(1 << doublings.min(16))
        .min(Duration::from_secs(6 * 3600));
    delay.mul_f64(jitter.clamp(0.8, 1.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let sig = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "64:ff9b:1::a00:1",
            "2002:7f00:1::",
            "2002:a00:1::1",
            "::ffff:0:7f00:1",
            "::ffff:0:c0a8:101",
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:0:a00:1:8000:63bf:3fff:fdd2",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_https_urls_to_public_hosts_are_accepted() {
        assert!(check_url("https://hooks.owner.example/slipway", false).is_ok());
        assert!(check_url("http://hooks.owner.example/slipway", false).is_err());
        assert!(check_url("https://127.0.0.1/hook", false).is_err());
        assert!(check_url("https://[::1]/hook", false).is_err());
        assert!(check_url("https://169.254.169.254/latest/meta-data", false).is_err());
        assert!(check_url("https://user:pw@hooks.owner.example/", false).is_err());
        assert!(check_url("ftp://hooks.owner.example/", false).is_err());
        assert!(check_url("not a url", false).is_err());
        assert!(check_url("http://127.0.0.1:9000/hook", true).is_ok());
    }

    #[test]
    fn retries_start_near_the_base_and_double() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_delay(1, base, 1.0), Duration::from_secs(30));
        assert_eq!(retry_delay(2, base, 1.0), Duration::from_secs(60));
        assert_eq!(retry_delay(3, base, 1.0), Duration::from_secs(120));
        assert_eq!(retry_delay(1, base, 0.8), Duration::from_secs(24));
        assert_eq!(retry_delay(1, base, 5.0), Duration::from_secs(36));
        assert_eq!(retry_delay(30, base, 1.0), Duration::from_secs(6 * 3600));
    }

    #[test]
    fn a_secret_is_prefixed_and_fresh() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with("whsec_") && a != b);
        assert_eq!(STANDARD.decode(&a[6..]).unwrap().len(), 24);
    }
}
