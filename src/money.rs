//! Money on the wire: `{"amount": "125000.00", "currency": "USD"}`, decimal strings with at
//! most two decimals, ISO 4217 currency codes. Never floats.

use bigdecimal::BigDecimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

/// Active ISO 4217 currency codes.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// An amount of money as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Money {
    /// Decimal string, two decimals.
    #[schema(example = "125000.00", pattern = r"^[0-9]+\.[0-9]{2}$")]
    pub amount: String,
    /// ISO 4217 code.
    #[schema(example = "USD", pattern = "^[A-Z]{3}$")]
    pub currency: String,
}

impl Money {
    /// Formats a stored amount with exactly two decimals.
    pub fn new(amount: &BigDecimal, currency: &str) -> Self {
        Self {
            amount: format_amount(amount),
            currency: currency.to_owned(),
        }
    }
}

/// `amount` rounded to cents, half away from zero (2.345 -> 2.35, -2.345 -> -2.35): the
/// one rounding of money, wherever an amount is computed.
pub fn round(amount: &BigDecimal) -> BigDecimal {
    amount.with_scale_round(2, bigdecimal::RoundingMode::HalfUp)
}

/// `amount` with exactly two decimals (rounded by [`round`]).
pub fn format_amount(amount: &BigDecimal) -> String {
    // Formatted from the integer number of cents: BigDecimal's own Display drops the
    // scale of zero ("0", not "0.00").
    let (cents, _) = round(amount).as_bigint_and_exponent();
    let padded = format!("{:0>3}", cents.magnitude().to_string());
    let (units, hundredths) = padded.split_at(padded.len() - 2);
    let sign = if cents.sign() == bigdecimal::num_bigint::Sign::Minus {
        "-"
    } else {
        ""
    };
    format!("{sign}{units}.{hundredths}")
}

/// Parses a positive amount with at most two decimals and at most 12 integer digits.
pub fn parse_amount(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    let bad = || {
        FieldError::new(
            field,
            "must be a positive decimal string with at most 2 decimals, e.g. \"125000.00\"",
        )
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_ok = !int.is_empty()
        && int.len() <= 12
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 2
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(text.contains('.') && frac.is_empty());
    if !digits_ok {
        return Err(bad());
    }
    let value: BigDecimal = text.parse().map_err(|_| bad())?;
    // Only digits got here, so the value is never negative; zero is not a price.
    if bigdecimal::Zero::is_zero(&value) {
        Err(bad())
    } else {
        Ok(value.with_scale(2))
    }
}

/// Checks an ISO 4217 code (upper case).
pub fn check_currency(field: &str, code: &str) -> Result<(), FieldError> {
    if code.len() == 3 && ISO_4217.split(' ').any(|c| c == code) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be an ISO 4217 currency code such as USD, EUR or CNY",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_positive_decimals_with_at_most_two_places() {
        assert_eq!(
            format_amount(&parse_amount("a", "125000").unwrap()),
            "125000.00"
        );
        assert_eq!(format_amount(&parse_amount("a", "0.5").unwrap()), "0.50");
        assert_eq!(format_amount(&parse_amount("a", "99.99").unwrap()), "99.99");
        assert_eq!(format_amount(&BigDecimal::from(0)), "0.00");
        assert_eq!(format_amount(&"-1.5".parse().unwrap()), "-1.50");
        assert_eq!(format_amount(&"0.07".parse().unwrap()), "0.07");
        assert_eq!(
            format_amount(&"123456789012.345".parse().unwrap()),
            "123456789012.35"
        );
        for bad in [
            "",
            "0",
            "0.00",
            "-5",
            "1.234",
            "1e5",
            "12,50",
            " 1",
            "1.",
            ".5",
            "1234567890123",
        ] {
            assert!(parse_amount("a", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        let r = |s: &str| format_amount(&round(&s.parse().unwrap()));
        assert_eq!(r("2.345"), "2.35");
        assert_eq!(r("2.355"), "2.36");
        assert_eq!(r("-2.345"), "-2.35");
        assert_eq!(r("2.3449"), "2.34");
        assert_eq!(r("0.005"), "0.01");
        assert_eq!(r("19710.6"), "19710.60");
    }

    #[test]
    fn currencies_are_iso_4217() {
        for ok in ["USD", "EUR", "CNY", "RUB", "EGP", "LKR"] {
            assert!(check_currency("c", ok).is_ok(), "{ok}");
        }
        for bad in ["usd", "XXX", "US", "DOLLAR"] {
            assert!(check_currency("c", bad).is_err(), "{bad}");
        }
    }
}
