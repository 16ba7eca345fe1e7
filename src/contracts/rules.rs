//! The money rules of the contract, pure: pricing a line (lump sum, unit rate, tariff with
//! surcharges and conversion), the quote from its priced items, the terms, conversions
//! between currencies, and the cost position. Every amount is a decimal, rounded once by
//! [`crate::money::round`] (half away from zero, to cents) where SPEC says it is.

use bigdecimal::{BigDecimal, Zero};
use chrono::NaiveDate;
use uuid::Uuid;

use super::models::{
    AppliedModifier, Basis, CostPosition, Due, OwnerCurrencyCost, PaymentTerm, PriceRequest,
    PricedLine, PutContractTerms, SfiGroupCost, UnconvertedVariation, Unit,
};
use crate::{
    error::FieldError,
    money::{Money, check_currency, format_amount, round},
};

/// The SFI group system's main groups, by their digit.
pub const SFI_GROUPS: [(&str, &str); 9] = [
    ("0", "Unassigned"),
    ("1", "Ship general"),
    ("2", "Hull"),
    ("3", "Cargo equipment"),
    ("4", "Ship equipment"),
    ("5", "Crew and passenger equipment"),
    ("6", "Machinery main components"),
    ("7", "Systems for machinery main components"),
    ("8", "Ship common systems"),
];

/// The main group of an SFI code (its first digit), `"0"` for none.
pub fn sfi_group(code: Option<&str>) -> &'static str {
    let digit = code.and_then(|c| c.get(..1)).unwrap_or("0");
    SFI_GROUPS
        .iter()
        .find(|(g, _)| *g == digit)
        .map_or("0", |(g, _)| g)
}

/// An SFI code: 3 or 6 digits, the first 1-8.
pub fn check_sfi_code(field: &str, code: &str) -> Result<(), FieldError> {
    let ok = matches!(code.len(), 3 | 6)
        && code.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'8').contains(&code.as_bytes()[0]);
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be an SFI code: 3 or 6 digits, the first 1-8 (e.g. 201 or 601101)",
        ))
    }
}

/// A plain decimal string (digits and at most one point) with at most `places` decimals
/// and 12 integer digits.
fn decimal(text: &str, places: usize) -> Option<BigDecimal> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let ok = !int.is_empty()
        && int.len() <= 12
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= places
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(text.contains('.') && frac.is_empty());
    ok.then(|| text.parse().ok()).flatten()
}

/// A quantity: more than 0, at most 3 decimals.
pub fn parse_quantity(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    decimal(text, 3)
        .filter(|q| *q > BigDecimal::zero())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "must be a decimal string more than 0 with at most 3 decimals, e.g. \"4.200\"",
            )
        })
}

/// A unit price: 0 or more, at most 2 decimals.
pub fn parse_unit_price(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    decimal(text, 2).ok_or_else(|| {
        FieldError::new(
            field,
            "must be a decimal string of 0 or more with at most 2 decimals, e.g. \"3800.00\"",
        )
    })
}

/// A percent from 0 to 100 with at most 2 decimals.
pub fn parse_percent(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    let hundred = BigDecimal::from(100);
    decimal(text, 2).filter(|p| *p <= hundred).ok_or_else(|| {
        FieldError::new(
            field,
            "must be a decimal string from 0 to 100 with at most 2 decimals",
        )
    })
}

/// A surcharge's percent: more than -100, at most 500, at most 2 decimals.
pub fn parse_modifier_percent(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (low, high) = (BigDecimal::from(-100), BigDecimal::from(500));
    decimal(digits, 2)
        .map(|p| if negative { -p } else { p })
        .filter(|p| *p > low && *p <= high)
        .ok_or_else(|| {
            FieldError::new(
                field,
                "must be a decimal string more than -100 and at most 500, with at most 2 decimals",
            )
        })
}

/// `amount` with the scale it is shown with (`places` decimals).
fn shown(amount: &BigDecimal, places: i64) -> String {
    amount
        .with_scale_round(places, bigdecimal::RoundingMode::HalfUp)
        .to_string()
}

/// What the tariff says of a tariff line, looked up by the caller.
#[derive(Debug, Clone)]
pub struct TariffPrice {
    /// The item's unit.
    pub unit: Unit,
    /// The item's price of one unit.
    pub unit_price: BigDecimal,
    /// The item's currency.
    pub currency: String,
    /// The surcharges asked for, with their percents, in the order asked.
    pub modifiers: Vec<(String, BigDecimal)>,
    /// Units of the line's currency per unit of the tariff's on the day priced: 1 for
    /// the same currency, `None` where a rate is missing.
    pub rate: Option<BigDecimal>,
}

/// Units of `to` per unit of `from`, given each one's USD per unit (USD's own is 1), to
/// 6 decimals as a tariff line shows and uses it.
pub fn conversion_rate(from_usd_per_unit: &BigDecimal, to_usd_per_unit: &BigDecimal) -> BigDecimal {
    (from_usd_per_unit / to_usd_per_unit).with_scale_round(6, bigdecimal::RoundingMode::HalfUp)
}

/// Prices a line in `currency`: `amount = quantity x unit_price x (1 - discount / 100)`,
/// rounded half away from zero to cents; a tariff line's unit price is the tariff's times
/// `(1 + sum of the surcharges / 100)` times the conversion rate, rounded to cents first,
/// so the answer can be recomputed from what it shows. Field errors name `field.<name>`.
pub fn price_line(
    field: &str,
    request: &PriceRequest,
    tariff: Option<&TariffPrice>,
    currency: &str,
) -> Result<PricedLine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = |f: &str| format!("{field}.{f}");
    let refuse_extra = |present: bool, f: &str, errors: &mut Vec<FieldError>| {
        if present {
            errors.push(FieldError::new(
                name(f),
                format!("is not part of a {} line", request.basis),
            ));
        }
    };
    let required = |value: &Option<String>, f: &str, errors: &mut Vec<FieldError>| {
        if value.is_none() {
            errors.push(FieldError::new(
                name(f),
                format!("is required for a {} line", request.basis),
            ));
        }
    };
    let discount = match request.discount_percent.as_deref() {
        None => Some(BigDecimal::zero()),
        Some(text) => parse_percent(&name("discount_percent"), text)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    match request.basis {
        Basis::LumpSum => {
            for (present, f) in [
                (request.quantity.is_some(), "quantity"),
                (request.unit.is_some(), "unit"),
                (request.unit_price.is_some(), "unit_price"),
                (request.discount_percent.is_some(), "discount_percent"),
                (request.tariff_code.is_some(), "tariff_code"),
                (request.modifiers.is_some(), "modifiers"),
            ] {
                refuse_extra(present, f, &mut errors);
            }
            required(&request.amount, "amount", &mut errors);
            let amount = request.amount.as_deref().and_then(|a| {
                crate::money::parse_amount(&name("amount"), a)
                    .map_err(|e| errors.push(e))
                    .ok()
            });
            match amount {
                Some(amount) if errors.is_empty() => Ok(PricedLine {
                    basis: Basis::LumpSum,
                    quantity: None,
                    unit: None,
                    unit_price: None,
                    discount_percent: "0.00".to_owned(),
                    tariff_code: None,
                    modifiers: Vec::new(),
                    tariff_unit_price: None,
                    fx_rate: None,
                    amount: format_amount(&amount),
                    currency: currency.to_owned(),
                }),
                _ => Err(errors),
            }
        }
        Basis::UnitRate => {
            refuse_extra(request.amount.is_some(), "amount", &mut errors);
            refuse_extra(request.tariff_code.is_some(), "tariff_code", &mut errors);
            refuse_extra(request.modifiers.is_some(), "modifiers", &mut errors);
            required(&request.quantity, "quantity", &mut errors);
            required(&request.unit_price, "unit_price", &mut errors);
            if request.unit.is_none() {
                errors.push(FieldError::new(
                    name("unit"),
                    "is required for a unit_rate line",
                ));
            }
            let quantity = request.quantity.as_deref().and_then(|q| {
                parse_quantity(&name("quantity"), q)
                    .map_err(|e| errors.push(e))
                    .ok()
            });
            let unit_price = request.unit_price.as_deref().and_then(|p| {
                parse_unit_price(&name("unit_price"), p)
                    .map_err(|e| errors.push(e))
                    .ok()
            });
            match (quantity, unit_price, discount, request.unit) {
                (Some(q), Some(p), Some(d), Some(unit)) if errors.is_empty() => {
                    Ok(line(Basis::UnitRate, &q, unit, &p, &d, None, currency))
                }
                _ => Err(errors),
            }
        }
        Basis::Tariff => {
            refuse_extra(request.amount.is_some(), "amount", &mut errors);
            refuse_extra(request.unit.is_some(), "unit", &mut errors);
            refuse_extra(request.unit_price.is_some(), "unit_price", &mut errors);
            required(&request.tariff_code, "tariff_code", &mut errors);
            required(&request.quantity, "quantity", &mut errors);
            let quantity = request.quantity.as_deref().and_then(|q| {
                parse_quantity(&name("quantity"), q)
                    .map_err(|e| errors.push(e))
                    .ok()
            });
            let Some(tariff) = tariff else {
                if request.tariff_code.is_some() {
                    errors.push(FieldError::new(
                        name("tariff_code"),
                        "is not an item of the tariff",
                    ));
                }
                return Err(errors);
            };
            let Some(rate) = &tariff.rate else {
                errors.push(FieldError::new(
                    name("tariff_code"),
                    format!(
                        "is priced in {}, and no exchange rate between {} and {currency} is known for today",
                        tariff.currency, tariff.currency
                    ),
                ));
                return Err(errors);
            };
            let (Some(q), Some(d)) = (quantity, discount) else {
                return Err(errors);
            };
            if !errors.is_empty() {
                return Err(errors);
            }
            let surcharge: BigDecimal = tariff.modifiers.iter().map(|(_, p)| p.clone()).sum();
            let factor = BigDecimal::from(1) + surcharge / BigDecimal::from(100);
            let unit_price = round(&(&tariff.unit_price * factor * rate));
            let mut priced = line(
                Basis::Tariff,
                &q,
                tariff.unit,
                &unit_price,
                &d,
                None,
                currency,
            );
            priced.tariff_code = request.tariff_code.clone();
            priced.modifiers = tariff
                .modifiers
                .iter()
                .map(|(code, percent)| AppliedModifier {
                    code: code.clone(),
                    percent: shown(percent, 2),
                })
                .collect();
            priced.tariff_unit_price = Some(Money::new(&tariff.unit_price, &tariff.currency));
            priced.fx_rate = (tariff.currency != currency).then(|| shown(rate, 6));
            Ok(priced)
        }
    }
}

/// A quantity-priced line: its amount from its quantity, unit price and discount.
fn line(
    basis: Basis,
    quantity: &BigDecimal,
    unit: Unit,
    unit_price: &BigDecimal,
    discount: &BigDecimal,
    tariff_code: Option<String>,
    currency: &str,
) -> PricedLine {
    let hundred = BigDecimal::from(100);
    let amount = round(&(quantity * unit_price * (&hundred - discount) / &hundred));
    PricedLine {
        basis,
        quantity: Some(shown(quantity, 3)),
        unit: Some(unit),
        unit_price: Some(shown(unit_price, 2)),
        discount_percent: shown(discount, 2),
        tariff_code,
        modifiers: Vec::new(),
        tariff_unit_price: None,
        fx_rate: None,
        amount: format_amount(&amount),
        currency: currency.to_owned(),
    }
}

/// A priced line's amount.
pub fn line_amount(line: &PricedLine) -> BigDecimal {
    line.amount.parse().unwrap_or_default()
}

/// The quote of a job with priced items: their sum less the quote's overall discount,
/// rounded half away from zero to cents.
pub fn quote_for_items<'a>(
    amounts: impl IntoIterator<Item = &'a BigDecimal>,
    discount_percent: Option<&BigDecimal>,
) -> BigDecimal {
    let hundred = BigDecimal::from(100);
    let sum: BigDecimal = amounts.into_iter().sum();
    let discount = discount_percent.cloned().unwrap_or_default();
    round(&(sum * (&hundred - discount) / &hundred))
}

/// `variations / contract x 100`, 2 decimals, rounded half away from zero; `None` for a
/// contract of 0.
pub fn growth_percent(contract: &BigDecimal, variations: &BigDecimal) -> Option<String> {
    (!contract.is_zero()).then(|| shown(&(variations * BigDecimal::from(100) / contract), 2))
}

/// Terms checked and ready to store.
#[derive(Debug, Clone)]
pub struct ValidTerms {
    /// The redelivery date.
    pub redelivery_date: NaiveDate,
    /// Months of guarantee.
    pub guarantee_months: i32,
    /// The instalments.
    pub payment_terms: Vec<PaymentTerm>,
    /// Damages per day and their cap, in the job's currency.
    pub damages: Option<(BigDecimal, BigDecimal)>,
    /// The owner's time to decide a variation.
    pub response_hours: i32,
}

/// The default payment terms: everything 30 days after redelivery.
pub fn default_payment_terms() -> Vec<PaymentTerm> {
    vec![PaymentTerm {
        percent: "100".to_owned(),
        due: Due::AfterRedelivery,
        days: Some(30),
    }]
}

/// Checks contract terms for a job whose contract is in `currency`.
pub fn check_terms(
    terms: &PutContractTerms,
    currency: &str,
) -> Result<ValidTerms, Vec<FieldError>> {
    let mut errors = Vec::new();
    let guarantee_months = terms.guarantee_months.unwrap_or(3);
    if !(0..=36).contains(&guarantee_months) {
        errors.push(FieldError::new("guarantee_months", "must be from 0 to 36"));
    }
    let response_hours = terms.response_hours.unwrap_or(48);
    if !(1..=720).contains(&response_hours) {
        errors.push(FieldError::new("response_hours", "must be from 1 to 720"));
    }
    let payment_terms = terms
        .payment_terms
        .clone()
        .unwrap_or_else(default_payment_terms);
    if payment_terms.is_empty() || payment_terms.len() > 12 {
        errors.push(FieldError::new(
            "payment_terms",
            "must list 1 to 12 instalments",
        ));
    }
    let mut total = BigDecimal::zero();
    let hundred = BigDecimal::from(100);
    for (i, term) in payment_terms.iter().enumerate() {
        match decimal(&term.percent, 2).filter(|p| !p.is_zero() && *p <= hundred) {
            Some(p) => total += p,
            None => errors.push(FieldError::new(
                format!("payment_terms[{i}].percent"),
                "must be a decimal string more than 0 and at most 100, with at most 2 decimals",
            )),
        }
        match (term.due, term.days) {
            (Due::AfterRedelivery, Some(days)) if (1..=365).contains(&days) => {}
            (Due::AfterRedelivery, _) => errors.push(FieldError::new(
                format!("payment_terms[{i}].days"),
                "must be from 1 to 365 for an instalment due after redelivery",
            )),
            (_, Some(_)) => errors.push(FieldError::new(
                format!("payment_terms[{i}].days"),
                "is only given for an instalment due after redelivery",
            )),
            (_, None) => {}
        }
    }
    if !payment_terms.is_empty() && total != hundred {
        errors.push(FieldError::new(
            "payment_terms",
            format!(
                "the percents must sum to exactly 100, not {}",
                total.normalized()
            ),
        ));
    }
    let money = |field: &str, m: &Money, errors: &mut Vec<FieldError>| {
        if m.currency != currency {
            errors.push(FieldError::new(
                format!("{field}.currency"),
                format!("must be the job's currency, {currency}"),
            ));
        }
        if let Err(e) = check_currency(&format!("{field}.currency"), &m.currency) {
            errors.push(e);
        }
        crate::money::parse_amount(&format!("{field}.amount"), &m.amount)
            .map_err(|e| errors.push(e))
            .ok()
    };
    let damages = match (&terms.delay_damages_per_day, &terms.delay_damages_max) {
        (None, None) => None,
        (Some(per_day), Some(max)) => {
            let per_day = money("delay_damages_per_day", per_day, &mut errors);
            let max = money("delay_damages_max", max, &mut errors);
            per_day.zip(max)
        }
        (Some(_), None) => {
            errors.push(FieldError::new(
                "delay_damages_max",
                "is given with delay_damages_per_day, or neither",
            ));
            None
        }
        (None, Some(_)) => {
            errors.push(FieldError::new(
                "delay_damages_per_day",
                "is given with delay_damages_max, or neither",
            ));
            None
        }
    };
    if errors.is_empty() {
        Ok(ValidTerms {
            redelivery_date: terms.redelivery_date,
            guarantee_months,
            payment_terms,
            damages,
            response_hours,
        })
    } else {
        Err(errors)
    }
}

/// Where a variation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariationState {
    /// Waiting for the owner.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
}

/// A variation, for the cost position.
#[derive(Debug, Clone)]
pub struct VariationCost {
    /// Its id.
    pub id: Uuid,
    /// Its number.
    pub number: String,
    /// Where it stands.
    pub state: VariationState,
    /// Its amount in the contract's currency.
    pub amount: BigDecimal,
    /// The SFI main group of its spec item (`"0"` for none).
    pub group: &'static str,
    /// Units of the owner's currency per unit of the contract's at the rate that applies
    /// to it (its approval's, or today's while pending); `None` where a rate is missing.
    pub to_owner: Option<BigDecimal>,
}

/// What the cost position is made of.
#[derive(Debug, Clone)]
pub struct CostInputs {
    /// The contract's currency.
    pub currency: String,
    /// The owner's.
    pub owner_currency: String,
    /// The approved quote, once awarded.
    pub contract: Option<BigDecimal>,
    /// The priced spec items of the contract, by SFI main group.
    pub contract_by_group: Vec<(&'static str, BigDecimal)>,
    /// Units of the owner's currency per unit of the contract's at the award's rate.
    pub contract_to_owner: Option<BigDecimal>,
    /// The variations.
    pub variations: Vec<VariationCost>,
}

/// The cost position: the contract, its variations by state and by SFI group, the growth
/// against the contract, and the same in the owner's currency (each amount converted at
/// its own rate and rounded to cents before it is summed).
pub fn cost_position(inputs: &CostInputs) -> CostPosition {
    let zero = BigDecimal::zero();
    let contract = inputs.contract.clone().unwrap_or_default();
    let sum = |state: VariationState| -> BigDecimal {
        inputs
            .variations
            .iter()
            .filter(|v| v.state == state)
            .map(|v| v.amount.clone())
            .sum()
    };
    let (approved, pending, rejected) = (
        sum(VariationState::Approved),
        sum(VariationState::Pending),
        sum(VariationState::Rejected),
    );
    let forecast = &contract + &approved + &pending;
    let growth_percent = inputs
        .contract
        .as_ref()
        .and_then(|c| growth_percent(c, &(&approved + &pending)));
    let mut by_sfi_group = Vec::new();
    // A contract without priced items is one line of the whole quote, of no group.
    let contract_groups: Vec<(&str, BigDecimal)> = if inputs.contract_by_group.is_empty() {
        inputs.contract.iter().map(|c| ("0", c.clone())).collect()
    } else {
        inputs.contract_by_group.clone()
    };
    for (group, name) in SFI_GROUPS {
        let of = |state: VariationState| -> BigDecimal {
            inputs
                .variations
                .iter()
                .filter(|v| v.state == state && v.group == group)
                .map(|v| v.amount.clone())
                .sum()
        };
        let in_contract: BigDecimal = contract_groups
            .iter()
            .filter(|(g, _)| *g == group)
            .map(|(_, a)| a.clone())
            .sum();
        let (a, p) = (of(VariationState::Approved), of(VariationState::Pending));
        if in_contract.is_zero() && a.is_zero() && p.is_zero() {
            continue;
        }
        by_sfi_group.push(SfiGroupCost {
            group: group.to_owned(),
            name: name.to_owned(),
            contract: format_amount(&in_contract),
            approved: format_amount(&a),
            pending: format_amount(&p),
        });
    }
    let mut unconverted = Vec::new();
    let in_owner_currency = match (&inputs.contract, &inputs.contract_to_owner) {
        (Some(c), Some(rate)) => {
            let contract = round(&(c * rate));
            let (mut a, mut p) = (zero.clone(), zero.clone());
            for v in &inputs.variations {
                let target = match v.state {
                    VariationState::Approved => &mut a,
                    VariationState::Pending => &mut p,
                    VariationState::Rejected => continue,
                };
                match &v.to_owner {
                    Some(rate) => *target += round(&(&v.amount * rate)),
                    None => unconverted.push(UnconvertedVariation {
                        additional_work_id: v.id,
                        number: v.number.clone(),
                    }),
                }
            }
            Some(OwnerCurrencyCost {
                forecast: format_amount(&(&contract + &a + &p)),
                contract: format_amount(&contract),
                approved: format_amount(&a),
                pending: format_amount(&p),
            })
        }
        _ => {
            // No contract in the owner's currency: every live variation is unconverted.
            unconverted.extend(
                inputs
                    .variations
                    .iter()
                    .filter(|v| v.state != VariationState::Rejected && v.to_owner.is_none())
                    .map(|v| UnconvertedVariation {
                        additional_work_id: v.id,
                        number: v.number.clone(),
                    }),
            );
            None
        }
    };
    CostPosition {
        currency: inputs.currency.clone(),
        owner_currency: inputs.owner_currency.clone(),
        contract: format_amount(&contract),
        approved: format_amount(&approved),
        pending: format_amount(&pending),
        rejected: format_amount(&rejected),
        forecast: format_amount(&forecast),
        growth_percent,
        by_sfi_group,
        in_owner_currency,
        unconverted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> BigDecimal {
        text.parse().unwrap()
    }

    fn request(basis: Basis) -> PriceRequest {
        PriceRequest {
            basis,
            amount: None,
            quantity: None,
            unit: None,
            unit_price: None,
            discount_percent: None,
            tariff_code: None,
            modifiers: None,
        }
    }

    /// SPEC's example: 4.2 t of shell plate at the tariff's 3 800, double curvature (+20)
    /// and high-tensile steel (+10), 5 % discount: 3 800 x 1.30 = 4 940.00 a tonne,
    /// 4.2 x 4 940 x 0.95 = 19 710.60.
    #[test]
    fn a_tariff_line_with_surcharges_and_a_discount() {
        let mut r = request(Basis::Tariff);
        r.tariff_code = Some("HULL-PLATE".into());
        r.quantity = Some("4.200".into());
        r.modifiers = Some(vec!["DC".into(), "HT".into()]);
        r.discount_percent = Some("5".into());
        let tariff = TariffPrice {
            unit: Unit::T,
            unit_price: d("3800.00"),
            currency: "USD".into(),
            modifiers: vec![("DC".into(), d("20")), ("HT".into(), d("10"))],
            rate: Some(d("1")),
        };
        let line = price_line("price", &r, Some(&tariff), "USD").unwrap();
        assert_eq!(line.unit_price.as_deref(), Some("4940.00"));
        assert_eq!(line.quantity.as_deref(), Some("4.200"));
        assert_eq!(line.discount_percent, "5.00");
        assert_eq!(line.amount, "19710.60");
        assert_eq!(line.unit, Some(Unit::T));
        assert_eq!(line.fx_rate, None);
        assert_eq!(
            line.modifiers,
            vec![
                AppliedModifier {
                    code: "DC".into(),
                    percent: "20.00".into()
                },
                AppliedModifier {
                    code: "HT".into(),
                    percent: "10.00".into()
                },
            ]
        );
    }

    /// The same plate for a contract in EUR at 1.0850 USD/EUR: 3 800 x 1.30 x
    /// (1 / 1.085 = 0.921659) = 4 552.995 46 -> 4 553.00 a tonne; 4.2 x 4 553.00 x 0.95
    /// = 18 166.47.
    #[test]
    fn a_tariff_line_converted_into_the_jobs_currency() {
        let mut r = request(Basis::Tariff);
        r.tariff_code = Some("HULL-PLATE".into());
        r.quantity = Some("4.2".into());
        r.modifiers = Some(vec!["DC".into(), "HT".into()]);
        r.discount_percent = Some("5".into());
        let rate = conversion_rate(&d("1"), &d("1.0850"));
        assert_eq!(rate, d("0.921659"));
        let tariff = TariffPrice {
            unit: Unit::T,
            unit_price: d("3800.00"),
            currency: "USD".into(),
            modifiers: vec![("DC".into(), d("20")), ("HT".into(), d("10"))],
            rate: Some(rate),
        };
        let line = price_line("price", &r, Some(&tariff), "EUR").unwrap();
        assert_eq!(line.unit_price.as_deref(), Some("4553.00"));
        assert_eq!(line.amount, "18166.47");
        assert_eq!(line.fx_rate.as_deref(), Some("0.921659"));
        assert_eq!(line.currency, "EUR");
        // Steel supplied by the owner: -40 %.
        let owner = TariffPrice {
            modifiers: vec![("OS".into(), d("-40"))],
            rate: Some(d("1")),
            ..tariff
        };
        let line = price_line("price", &r, Some(&owner), "USD").unwrap();
        assert_eq!(line.unit_price.as_deref(), Some("2280.00"));
        assert_eq!(line.amount, "9097.20");
    }

    #[test]
    fn a_unit_rate_line_rounds_half_away_from_zero() {
        let mut r = request(Basis::UnitRate);
        r.quantity = Some("0.005".into());
        r.unit = Some(Unit::M2);
        r.unit_price = Some("1.00".into());
        // 0.005 x 1.00 = 0.005 -> 0.01
        assert_eq!(price_line("p", &r, None, "USD").unwrap().amount, "0.01");
        r.quantity = Some("3".into());
        r.unit_price = Some("0.15".into());
        r.discount_percent = Some("50".into());
        // 3 x 0.15 x 0.5 = 0.225 -> 0.23
        assert_eq!(price_line("p", &r, None, "USD").unwrap().amount, "0.23");
    }

    #[test]
    fn a_lump_sum_is_its_amount() {
        let mut r = request(Basis::LumpSum);
        r.amount = Some("12500".into());
        let line = price_line("price", &r, None, "EUR").unwrap();
        assert_eq!(
            (line.amount.as_str(), line.currency.as_str()),
            ("12500.00", "EUR")
        );
    }

    #[test]
    fn bad_lines_name_every_field() {
        let mut r = request(Basis::UnitRate);
        r.quantity = Some("1.2345".into());
        r.unit_price = Some("-3".into());
        r.discount_percent = Some("101".into());
        r.amount = Some("5".into());
        let errors = price_line("price", &r, None, "USD").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "price.quantity",
            "price.unit_price",
            "price.discount_percent",
            "price.amount",
            "price.unit",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        let mut t = request(Basis::Tariff);
        t.tariff_code = Some("NOPE".into());
        t.quantity = Some("1".into());
        let errors = price_line("price", &t, None, "USD").unwrap_err();
        assert_eq!(errors[0].field, "price.tariff_code");
        let no_rate = TariffPrice {
            unit: Unit::H,
            unit_price: d("50"),
            currency: "CNY".into(),
            modifiers: vec![],
            rate: None,
        };
        let errors = price_line("price", &t, Some(&no_rate), "EUR").unwrap_err();
        assert!(errors[0].message.contains("CNY"), "{errors:?}");
    }

    #[test]
    fn the_quote_is_the_items_less_its_discount() {
        let items = [d("19710.60"), d("12500.00"), d("0.01")];
        assert_eq!(quote_for_items(&items, None), d("32210.61"));
        // 32 210.61 x 0.975 = 31 405.34475 -> 31 405.34
        assert_eq!(quote_for_items(&items, Some(&d("2.5"))), d("31405.34"));
    }

    #[test]
    fn payment_terms_sum_to_exactly_100() {
        let terms = |payment: Vec<PaymentTerm>| PutContractTerms {
            redelivery_date: "2027-01-31".parse().unwrap(),
            guarantee_months: None,
            payment_terms: Some(payment),
            delay_damages_per_day: None,
            delay_damages_max: None,
            response_hours: None,
        };
        let term = |p: &str, due, days| PaymentTerm {
            percent: p.into(),
            due,
            days,
        };
        let ok = check_terms(
            &terms(vec![
                term("50", Due::OnAward, None),
                term("50", Due::AfterRedelivery, Some(30)),
            ]),
            "USD",
        )
        .unwrap();
        assert_eq!((ok.guarantee_months, ok.response_hours), (3, 48));
        let thirds = check_terms(
            &terms(vec![
                term("33.33", Due::OnAward, None),
                term("33.33", Due::OnRedelivery, None),
                term("33.34", Due::AfterRedelivery, Some(60)),
            ]),
            "USD",
        );
        assert!(thirds.is_ok());
        let short =
            check_terms(&terms(vec![term("99.99", Due::OnAward, None)]), "USD").unwrap_err();
        assert_eq!(short[0].field, "payment_terms");
        let days =
            check_terms(&terms(vec![term("100", Due::OnAward, Some(5))]), "USD").unwrap_err();
        assert_eq!(days[0].field, "payment_terms[0].days");
    }

    #[test]
    fn the_cost_position_in_both_currencies() {
        let id = Uuid::nil;
        let v = |state, amount: &str, group, to_owner: Option<&str>| VariationCost {
            id: id(),
            number: "V-001".into(),
            state,
            amount: d(amount),
            group,
            to_owner: to_owner.map(d),
        };
        let inputs = CostInputs {
            currency: "USD".into(),
            owner_currency: "EUR".into(),
            contract: Some(d("100000.00")),
            contract_by_group: vec![("2", d("60000.00")), ("6", d("40000.00"))],
            contract_to_owner: Some(d("0.9")),
            variations: vec![
                v(VariationState::Approved, "10000.00", "2", Some("0.95")),
                v(VariationState::Pending, "5000.00", "0", Some("0.92")),
                v(VariationState::Pending, "1000.00", "6", None),
                v(VariationState::Rejected, "7000.00", "2", Some("0.9")),
            ],
        };
        let c = cost_position(&inputs);
        assert_eq!(c.contract, "100000.00");
        assert_eq!(c.approved, "10000.00");
        assert_eq!(c.pending, "6000.00");
        assert_eq!(c.rejected, "7000.00");
        assert_eq!(c.forecast, "116000.00");
        assert_eq!(c.growth_percent.as_deref(), Some("16.00"));
        let owner = c.in_owner_currency.unwrap();
        // 90 000 + 9 500 + 4 600 (the pending item without a rate is left out).
        assert_eq!(
            (
                owner.contract.as_str(),
                owner.approved.as_str(),
                owner.pending.as_str(),
                owner.forecast.as_str()
            ),
            ("90000.00", "9500.00", "4600.00", "104100.00")
        );
        assert_eq!(c.unconverted.len(), 1);
        let groups: Vec<(&str, &str, &str, &str)> = c
            .by_sfi_group
            .iter()
            .map(|g| {
                (
                    g.group.as_str(),
                    g.contract.as_str(),
                    g.approved.as_str(),
                    g.pending.as_str(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                ("0", "0.00", "0.00", "5000.00"),
                ("2", "60000.00", "10000.00", "0.00"),
                ("6", "40000.00", "0.00", "1000.00"),
            ]
        );
        // Before the award: no contract, no growth, nothing in the owner's currency.
        let before = cost_position(&CostInputs {
            contract: None,
            contract_by_group: vec![],
            ..inputs
        });
        assert_eq!(
            (before.contract.as_str(), before.growth_percent),
            ("0.00", None)
        );
        assert!(before.in_owner_currency.is_none());
    }

    #[test]
    fn sfi_codes_and_groups() {
        assert!(check_sfi_code("f", "201").is_ok());
        assert!(check_sfi_code("f", "601101").is_ok());
        for bad in ["901", "0123", "20", "2011", "abc"] {
            assert!(check_sfi_code("f", bad).is_err(), "{bad}");
        }
        assert_eq!(sfi_group(Some("601101")), "6");
        assert_eq!(sfi_group(None), "0");
    }
}
