//! Vessel rules: the IMO number and its check digit.

/// Normalises an IMO number: accepts an optional `IMO` prefix (any case, optional space),
/// then exactly seven digits whose last is the check digit: digits 1-6 weighted
/// 7, 6, 5, 4, 3, 2, summed, last digit of the sum. Returns the seven digits.
pub fn normalize_imo(input: &str) -> Result<String, &'static str> {
    let trimmed = input.trim();
    let digits = match trimmed.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("IMO") => trimmed[3..].trim_start(),
        _ => trimmed,
    };
    if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be 7 digits, optionally prefixed by `IMO `");
    }
    let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = d[..6]
        .iter()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(x, w)| x * w)
        .sum();
    if sum % 10 == d[6] {
        Ok(digits.to_owned())
    } else {
        Err("has a wrong check digit")
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_imo;

    #[test]
    fn valid_imo_numbers_pass() {
        for imo in ["9074729", "9619907", "7625811"] {
            assert_eq!(normalize_imo(imo).as_deref(), Ok(imo));
        }
    }

    #[test]
    fn the_imo_prefix_is_accepted_and_stripped() {
        assert_eq!(normalize_imo("IMO 9074729").as_deref(), Ok("9074729"));
        assert_eq!(normalize_imo("imo9074729").as_deref(), Ok("9074729"));
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(normalize_imo("9074728"), Err("has a wrong check digit"));
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        for bad in [
            "907472",
            "90747290",
            "90747A9",
            "",
            "IMO",
            "IMO 907472",
            "９０７４７２９",
        ] {
            assert!(normalize_imo(bad).is_err(), "{bad}");
        }
    }
}
