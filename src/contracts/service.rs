//! The contract's work that reads the database and then applies a rule of `rules.rs`:
//! pricing a line for a job (the tariff, its surcharges and the day's rates looked up
//! first), the award, the quote of priced items, and the cost position.

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;

use super::{
    models::{Basis, CostPosition, PriceRequest, PricedLine},
    queries,
    rules::{self, CostInputs, TariffPrice, VariationCost, VariationState},
};
use crate::{
    error::{ApiError, FieldError},
    jobs::{
        models::{AdditionalWorkStatus, Job},
        queries::{self as jobs, Award},
    },
    tariff::queries as tariff,
    yard::Yard,
};

/// Prices `request` for a job whose contract is in `currency`, at the tariff and the
/// rates of `day`: the tariff item and its surcharges are looked up, then the rule
/// computes the line. Field errors name `field.<name>`.
pub async fn price(
    conn: &mut AsyncPgConnection,
    field: &str,
    request: &PriceRequest,
    currency: &str,
    day: NaiveDate,
) -> Result<PricedLine, ApiError> {
    let mut errors = Vec::new();
    let mut resolved = None;
    if request.basis == Basis::Tariff
        && let Some(code) = &request.tariff_code
        && let Some(item) = tariff::item_by_code(conn, code).await?
    {
        let asked = request.modifiers.clone().unwrap_or_default();
        let mut modifiers = Vec::new();
        if asked.len() > 20 {
            errors.push(FieldError::new(
                format!("{field}.modifiers"),
                "lists at most 20 surcharges",
            ));
        }
        let known = tariff::modifiers_by_codes(conn, &asked).await?;
        for (i, code) in asked.iter().enumerate() {
            if asked[..i].contains(code) {
                errors.push(FieldError::new(
                    format!("{field}.modifiers"),
                    format!("lists `{code}` twice"),
                ));
            }
            match known.iter().find(|m| &m.code == code) {
                Some(m) => modifiers.push((m.code.clone(), m.percent.clone())),
                None => errors.push(FieldError::new(
                    format!("{field}.modifiers"),
                    format!("`{code}` is not a surcharge of the tariff"),
                )),
            }
        }
        let rate = if item.currency == currency {
            Some(BigDecimal::from(1))
        } else {
            let from = queries::usd_per_unit(conn, &item.currency, day).await?;
            let to = queries::usd_per_unit(conn, currency, day).await?;
            from.zip(to).map(|(f, t)| rules::conversion_rate(&f, &t))
        };
        resolved = Some(TariffPrice {
            unit: item.unit,
            unit_price: item.unit_price,
            currency: item.currency,
            modifiers,
            rate,
        });
    }
    let priced = rules::price_line(field, request, resolved.as_ref(), currency);
    match priced {
        Ok(line) if errors.is_empty() => Ok(line),
        Ok(_) => Err(ApiError::Validation(errors)),
        Err(mut more) => {
            errors.append(&mut more);
            Err(ApiError::Validation(errors))
        }
    }
}

/// What the award of `job` (locked, `quoted`) fixes: its terms (the defaults if none
/// were put, redelivery on the planned end's day) and the day's rate.
pub async fn award(
    conn: &mut AsyncPgConnection,
    job: &Job,
    yard: &Yard,
) -> Result<Award, ApiError> {
    let planned = job.planned_end.map(|end| yard.day_of(end));
    queries::terms_or_defaults(conn, job.id, planned).await?;
    let fx_usd_per_unit = queries::usd_per_unit(conn, &job.currency, yard.today()).await?;
    Ok(Award { fx_usd_per_unit })
}

/// The quote of `job` (locked) recomputed from its priced items, when it has a quote,
/// priced items, and the sum moved: after a spec item's price changed before the award.
pub async fn follow_priced_items(conn: &mut AsyncPgConnection, job: &Job) -> Result<(), ApiError> {
    if job.awarded_at.is_some() || job.quote_amount.is_none() {
        return Ok(());
    }
    let items = queries::priced_items(conn, job.id).await?;
    if items.is_empty() {
        return Ok(());
    }
    let amount = rules::quote_for_items(
        items.iter().map(|i| &i.amount),
        job.quote_discount_percent.as_ref(),
    );
    if job.quote_amount.as_ref() != Some(&amount) {
        jobs::set_quote_amount(conn, job.id, &amount).await?;
    }
    Ok(())
}

/// The cost position of `job`: the contract, its variations, and each converted into
/// the owner's currency at the rate that applies to it (the award's for the contract, a
/// variation's approval's, today's for what is pending).
pub async fn cost(
    conn: &mut AsyncPgConnection,
    job: &Job,
    yard: &Yard,
) -> Result<CostPosition, ApiError> {
    let owner_currency = queries::owner_currency(conn, job.organization_id).await?;
    let awarded = job.awarded_at.is_some();
    let items = if awarded {
        queries::priced_items(conn, job.id).await?
    } else {
        Vec::new()
    };
    let variations = queries::variations(conn, job.id).await?;
    let same = owner_currency == job.currency;
    let today = yard.today();
    // Every rate the conversions need, read at once.
    let mut wanted: Vec<(String, NaiveDate)> = Vec::new();
    if !same {
        if let Some(at) = job.awarded_at {
            wanted.push((owner_currency.clone(), yard.day_of(at)));
        }
        wanted.push((owner_currency.clone(), today));
        wanted.push((job.currency.clone(), today));
        for v in &variations {
            if let Some(at) = v.decided_at {
                wanted.push((owner_currency.clone(), yard.day_of(at)));
            }
        }
        wanted.sort();
        wanted.dedup();
    }
    let rates: HashMap<(String, NaiveDate), Option<BigDecimal>> = if wanted.is_empty() {
        HashMap::new()
    } else {
        queries::usd_per_unit_on(conn, &wanted)
            .await?
            .into_iter()
            .collect()
    };
    let rate =
        |currency: &str, day: NaiveDate| rates.get(&(currency.to_owned(), day)).cloned().flatten();
    let one = BigDecimal::from(1);
    let to_owner = |job_usd: Option<BigDecimal>, day: NaiveDate| -> Option<BigDecimal> {
        if same {
            return Some(one.clone());
        }
        let owner = rate(&owner_currency, day)?;
        Some(job_usd? / owner)
    };
    let contract_to_owner = job
        .awarded_at
        .and_then(|at| to_owner(job.award_fx_usd_per_unit.clone(), yard.day_of(at)));
    let mut contract_by_group: Vec<(&'static str, BigDecimal)> = Vec::new();
    for item in &items {
        let group = rules::sfi_group(item.sfi_code.as_deref());
        match contract_by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, sum)) => *sum += &item.amount,
            None => contract_by_group.push((group, item.amount.clone())),
        }
    }
    let variations = variations
        .into_iter()
        .map(|v| {
            let (state, to) = match v.status {
                AdditionalWorkStatus::Pending => (
                    VariationState::Pending,
                    to_owner(
                        rate(&job.currency, today).or_else(|| same.then(|| one.clone())),
                        today,
                    ),
                ),
                AdditionalWorkStatus::Approved => (
                    VariationState::Approved,
                    v.decided_at
                        .and_then(|at| to_owner(v.fx_usd_per_unit.clone(), yard.day_of(at))),
                ),
                AdditionalWorkStatus::Rejected => (VariationState::Rejected, None),
            };
            VariationCost {
                id: v.id,
                number: v.number.unwrap_or_default(),
                state,
                amount: v.amount,
                group: rules::sfi_group(v.sfi_code.as_deref()),
                to_owner: to,
            }
        })
        .collect();
    Ok(rules::cost_position(&CostInputs {
        currency: job.currency.clone(),
        owner_currency,
        contract: if awarded {
            job.quote_amount.clone()
        } else {
            None
        },
        contract_by_group,
        contract_to_owner,
        variations,
    }))
}
