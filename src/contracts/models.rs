//! The contract's wire shapes: priced lines, terms, the contract, the cost position and
//! the cost overview.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{jobs::rules::JobStatus, money::Money};

crate::text_enum! {
    /// How a line is priced.
    pub enum Basis {
        /// One amount for the whole item.
        LumpSum => "lump_sum",
        /// A quantity at a unit price of the line's own.
        UnitRate => "unit_rate",
        /// A quantity at the yard's tariff, with surcharges.
        Tariff => "tariff",
    }
}

crate::text_enum! {
    /// A unit of measure of the tariff.
    pub enum Unit {
        /// Tonnes (steel).
        T => "t",
        /// Kilograms.
        Kg => "kg",
        /// Metres (pipe, cable, welds).
        M => "m",
        /// Square metres (plating, blasting, paint).
        M2 => "m2",
        /// Cubic metres (tanks).
        M3 => "m3",
        /// Pieces (anodes, valves).
        Pcs => "pcs",
        /// Hours (labour, crane).
        H => "h",
        /// Days (dock, staging hire).
        Day => "day",
        /// A lot.
        Lot => "lot",
        /// A set.
        Set => "set",
    }
}

crate::text_enum! {
    /// Who supplies a spec item's material.
    pub enum SuppliedBy {
        /// The yard.
        Yard => "yard",
        /// The owner.
        Owner => "owner",
    }
}

crate::text_enum! {
    /// When an instalment of the price falls due.
    pub enum Due {
        /// On the award (the owner's approval of the quote).
        OnAward => "on_award",
        /// On redelivery (the job completed).
        OnRedelivery => "on_redelivery",
        /// `days` after redelivery.
        AfterRedelivery => "after_redelivery",
    }
}

/// A priced line as sent: `basis` and the fields of that basis only.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRequest {
    /// How it is priced.
    pub basis: Basis,
    /// `lump_sum`: the amount, a decimal string with at most 2 decimals.
    #[schema(example = "12500.00")]
    pub amount: Option<String>,
    /// `unit_rate` and `tariff`: more than 0, at most 3 decimals.
    #[schema(example = "4.200")]
    pub quantity: Option<String>,
    /// `unit_rate`: the unit (a `tariff` line takes its item's).
    pub unit: Option<Unit>,
    /// `unit_rate`: the price of one unit, at most 2 decimals, in the job's currency.
    #[schema(example = "3800.00")]
    pub unit_price: Option<String>,
    /// `unit_rate` and `tariff`: 0 to 100, at most 2 decimals (default 0).
    #[schema(example = "5")]
    pub discount_percent: Option<String>,
    /// `tariff`: the tariff item's code.
    #[schema(example = "HULL-PLATE")]
    pub tariff_code: Option<String>,
    /// `tariff`: codes of surcharges, each at most once.
    #[schema(max_items = 20)]
    pub modifiers: Option<Vec<String>>,
}

/// A surcharge as applied to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedModifier {
    /// Its code.
    pub code: String,
    /// Its percent, a decimal string (`"20.00"`, `"-40.00"`).
    pub percent: String,
}

/// A priced line as answered and kept: the inputs, the resolved unit and unit price
/// (after surcharges and conversion), and the amount, so anyone can recompute it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PricedLine {
    /// How it was priced.
    pub basis: Basis,
    /// The quantity (3 decimals), or null for a lump sum.
    pub quantity: Option<String>,
    /// The unit, or null for a lump sum.
    pub unit: Option<Unit>,
    /// The unit price in the line's currency (2 decimals), or null for a lump sum.
    pub unit_price: Option<String>,
    /// The discount in percent (2 decimals).
    pub discount_percent: String,
    /// The tariff item, for a tariff line.
    pub tariff_code: Option<String>,
    /// The surcharges applied, for a tariff line.
    #[schema(max_items = 20)]
    pub modifiers: Vec<AppliedModifier>,
    /// A tariff line: the tariff item's own price and currency, before surcharges and
    /// conversion.
    pub tariff_unit_price: Option<Money>,
    /// A tariff line in another currency than the tariff's: units of the line's currency
    /// per unit of the tariff's (6 decimals), from the day it was priced.
    pub fx_rate: Option<String>,
    /// `quantity x unit_price x (1 - discount_percent / 100)`, rounded half away from
    /// zero to 2 decimals (a lump sum: its amount).
    #[schema(example = "19710.60")]
    pub amount: String,
    /// The job's currency.
    #[schema(example = "USD")]
    pub currency: String,
}

/// One instalment of the payment terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentTerm {
    /// Percent of the price, a decimal string (the terms sum to exactly 100).
    #[schema(example = "50")]
    pub percent: String,
    /// When it falls due.
    pub due: Due,
    /// Days after redelivery (1-365), with `after_redelivery` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 365)]
    pub days: Option<i32>,
}

/// `PUT /jobs/{id}/contract-terms`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutContractTerms {
    /// The contractual redelivery date.
    pub redelivery_date: NaiveDate,
    /// Months of guarantee after redelivery, 0-36 (default 3).
    #[schema(minimum = 0, maximum = 36)]
    pub guarantee_months: Option<i32>,
    /// The instalments, summing to 100 % (default: 100 % 30 days after redelivery).
    #[schema(max_items = 12)]
    pub payment_terms: Option<Vec<PaymentTerm>>,
    /// Damages per day of late redelivery, in the job's currency (both or neither).
    pub delay_damages_per_day: Option<Money>,
    /// The most the damages may come to (both or neither).
    pub delay_damages_max: Option<Money>,
    /// The owner's time to decide a variation, 1-720 hours (default 48).
    #[schema(minimum = 1, maximum = 720)]
    pub response_hours: Option<i32>,
}

/// The contract's terms as agreed (or proposed, before the award).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractTerms {
    /// The contractual redelivery date (null only for a job awarded without terms and
    /// without a planned end).
    pub redelivery_date: Option<NaiveDate>,
    /// Months of guarantee.
    pub guarantee_months: i32,
    /// The instalments.
    #[schema(max_items = 12)]
    pub payment_terms: Vec<PaymentTerm>,
    /// Damages per day late, or null.
    pub delay_damages_per_day: Option<Money>,
    /// The cap of the damages, or null.
    pub delay_damages_max: Option<Money>,
    /// The owner's time to decide a variation, in hours.
    pub response_hours: i32,
    /// Whether they are fixed: the job was awarded.
    pub frozen: bool,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A spec item of the contract: its price at the award.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractLine {
    /// The task.
    pub task_id: Uuid,
    /// Its item number in the specification.
    pub item_number: Option<String>,
    /// Its SFI code.
    pub sfi_code: Option<String>,
    /// Its title.
    pub title: String,
    /// Who supplies its material.
    pub supplied_by: SuppliedBy,
    /// Its price.
    pub price: PricedLine,
}

/// `GET /jobs/{id}/contract`: what the award fixed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contract {
    /// When the owner approved the quote.
    pub awarded_at: DateTime<Utc>,
    /// The contract's currency.
    pub currency: String,
    /// The approved quote.
    pub price: Money,
    /// The quote's overall discount, if it had one.
    pub discount_percent: Option<String>,
    /// USD per unit of the currency on the award's day (null where no rate was known).
    pub fx_usd_per_unit: Option<String>,
    /// The terms.
    pub terms: ContractTerms,
    /// The priced spec items, by item number.
    #[schema(max_items = 2000)]
    pub lines: Vec<ContractLine>,
}

/// Amounts of one SFI main group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SfiGroupCost {
    /// The main group, `"1"`-`"8"`, or `"0"` for lines of no group.
    pub group: String,
    /// Its name.
    pub name: String,
    /// The contract's priced items in the group (before the quote's overall discount).
    pub contract: String,
    /// Approved variations of its items.
    pub approved: String,
    /// Pending variations of its items.
    pub pending: String,
}

/// The cost position in the owner's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OwnerCurrencyCost {
    /// The contract, at the award's rate.
    pub contract: String,
    /// Approved variations, each at its approval's rate.
    pub approved: String,
    /// Pending variations, at today's rate.
    pub pending: String,
    /// The three together.
    pub forecast: String,
}

/// A variation that could not be converted into the owner's currency (no rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnconvertedVariation {
    /// The variation.
    pub additional_work_id: Uuid,
    /// Its number.
    pub number: String,
}

/// `GET /jobs/{id}/cost`: where the money stands, in the contract's currency and the
/// owner's. Amounts are decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CostPosition {
    /// The contract's currency.
    pub currency: String,
    /// The owner organisation's currency.
    pub owner_currency: String,
    /// The approved quote ("0.00" before the award).
    pub contract: String,
    /// Approved variations.
    pub approved: String,
    /// Variations waiting for the owner.
    pub pending: String,
    /// Rejected variations.
    pub rejected: String,
    /// `contract + approved + pending`.
    pub forecast: String,
    /// `(approved + pending) / contract x 100`, 2 decimals; null before the award or for a
    /// contract of 0.
    pub growth_percent: Option<String>,
    /// By SFI main group.
    #[schema(max_items = 9)]
    pub by_sfi_group: Vec<SfiGroupCost>,
    /// The same in the owner's currency; null when the contract itself has no rate.
    pub in_owner_currency: Option<OwnerCurrencyCost>,
    /// Variations left out of `in_owner_currency` for want of a rate.
    #[schema(max_items = 2000)]
    pub unconverted: Vec<UnconvertedVariation>,
}

/// A row of the cost overview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CostOverviewRow {
    /// The job.
    pub job_id: Uuid,
    /// Its number.
    pub number: String,
    /// Its vessel's name.
    pub vessel_name: String,
    /// Its status.
    pub status: JobStatus,
    /// The contract's currency.
    pub currency: String,
    /// The approved quote.
    pub contract: String,
    /// Approved variations.
    pub approved: String,
    /// Pending variations.
    pub pending: String,
    /// `contract + approved + pending`.
    pub forecast: String,
    /// `(approved + pending) / contract x 100`, or null.
    pub growth_percent: Option<String>,
    /// Days the yard's planned end lies past the contractual redelivery (0 when not).
    pub days_late: i64,
    /// For paging.
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
    /// For paging.
    #[serde(skip)]
    pub id: Uuid,
}

crate::pagination::keyed!(CostOverviewRow, created_at);

/// `GET /reports/cost-overview`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CostOverviewQuery {
    /// Only jobs in this status.
    pub status: Option<JobStatus>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `POST /jobs/{id}/priced-lines`: a line priced for the job without saving it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceLineRequest {
    /// The line.
    pub price: PriceRequest,
}
