//! The tariff's own rules: codes of items and surcharges.

use crate::error::FieldError;

/// A tariff code: 1-32 characters of `A-Z`, `0-9` and `-`.
pub fn check_code(field: &str, code: &str) -> Result<(), FieldError> {
    let ok = (1..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be 1-32 characters of A-Z, 0-9 and - (e.g. HULL-PLATE)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_letters_digits_and_dashes() {
        for ok in ["HULL-PLATE", "DC", "A", "PAINT-2K-EPOXY", &"X".repeat(32)] {
            assert!(check_code("code", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "hull-plate",
            "HULL PLATE",
            "HULL_PLATE",
            &"X".repeat(33),
            "ÄÖ",
        ] {
            assert!(check_code("code", bad).is_err(), "{bad}");
        }
    }
}
