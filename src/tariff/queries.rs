//! Database access for the tariff.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{TariffItemRow, TariffModifier};
use crate::{
    contracts::models::Unit,
    pagination::PageRequest,
    schema::{tariff_items, tariff_modifiers},
};

/// A new tariff item.
#[derive(Debug, Insertable)]
#[diesel(table_name = tariff_items)]
pub struct NewTariffItem {
    /// Code.
    pub code: String,
    /// What it is.
    pub description: String,
    /// Its unit.
    pub unit: Unit,
    /// The price of one unit.
    pub unit_price: BigDecimal,
    /// Its currency.
    pub currency: String,
    /// Its SFI code.
    pub sfi_code: Option<String>,
}

/// Changes to a tariff item.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tariff_items)]
pub struct TariffItemChanges {
    /// What it is.
    pub description: Option<String>,
    /// Its unit.
    pub unit: Option<Unit>,
    /// The price of one unit.
    pub unit_price: Option<BigDecimal>,
    /// Its currency.
    pub currency: Option<String>,
    /// Its SFI code.
    pub sfi_code: Option<Option<String>>,
    /// When changed.
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Adds an item.
pub async fn insert_item(
    conn: &mut AsyncPgConnection,
    row: NewTariffItem,
) -> QueryResult<TariffItemRow> {
    diesel::insert_into(tariff_items::table)
        .values(row)
        .returning(TariffItemRow::as_returning())
        .get_result(conn)
        .await
}

/// A page of the tariff, in the order its items were added; `q` matches the code or the
/// description, `group` the SFI main group.
pub async fn list_items(
    conn: &mut AsyncPgConnection,
    q: Option<&str>,
    group: Option<&str>,
    page: &PageRequest,
) -> QueryResult<Vec<TariffItemRow>> {
    let mut query = tariff_items::table
        .select(TariffItemRow::as_select())
        .into_boxed();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", crate::validation::like_escape(q));
        query = query.filter(
            tariff_items::code
                .ilike(pattern.clone())
                .or(tariff_items::description.ilike(pattern)),
        );
    }
    if let Some(group) = group {
        query = query.filter(tariff_items::sfi_code.like(format!("{group}%")));
    }
    crate::pagination::paged!(query, page, tariff_items::created_at, tariff_items::id)
        .load(conn)
        .await
}

/// One item by id.
pub async fn item(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<TariffItemRow> {
    tariff_items::table
        .find(id)
        .select(TariffItemRow::as_select())
        .first(conn)
        .await
}

/// One item by code, if the tariff has it.
pub async fn item_by_code(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<TariffItemRow>> {
    tariff_items::table
        .filter(tariff_items::code.eq(code))
        .select(TariffItemRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes an item.
pub async fn update_item(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: TariffItemChanges,
) -> QueryResult<TariffItemRow> {
    diesel::update(tariff_items::table.find(id))
        .set(changes)
        .returning(TariffItemRow::as_returning())
        .get_result(conn)
        .await
}

/// Adds a surcharge.
pub async fn insert_modifier(
    conn: &mut AsyncPgConnection,
    code: &str,
    description: &str,
    percent: &BigDecimal,
) -> QueryResult<TariffModifier> {
    diesel::insert_into(tariff_modifiers::table)
        .values((
            tariff_modifiers::code.eq(code),
            tariff_modifiers::description.eq(description),
            tariff_modifiers::percent.eq(percent),
        ))
        .returning(TariffModifier::as_returning())
        .get_result(conn)
        .await
}

/// A page of the surcharges.
pub async fn list_modifiers(
    conn: &mut AsyncPgConnection,
    page: &PageRequest,
) -> QueryResult<Vec<TariffModifier>> {
    let query = tariff_modifiers::table
        .select(TariffModifier::as_select())
        .into_boxed();
    crate::pagination::paged!(
        query,
        page,
        tariff_modifiers::created_at,
        tariff_modifiers::id
    )
    .load(conn)
    .await
}

/// The surcharges of these codes that exist.
pub async fn modifiers_by_codes(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> QueryResult<Vec<TariffModifier>> {
    tariff_modifiers::table
        .filter(tariff_modifiers::code.eq_any(codes))
        .select(TariffModifier::as_select())
        .load(conn)
        .await
}
