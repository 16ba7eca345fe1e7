//! Database access for vessels; the caller's scope is part of every query.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{NewVessel, Vessel, VesselChanges, VesselListQuery};
use crate::{auth::Scope, db::Cached, pagination::PageRequest, schema::vessels};

type BoxedVessels<'a> =
    vessels::BoxedQuery<'a, diesel::pg::Pg, diesel::dsl::AsSelect<Vessel, diesel::pg::Pg>>;

fn scoped<'a>(scope: Scope) -> BoxedVessels<'a> {
    let query = vessels::table.select(Vessel::as_select()).into_boxed();
    match scope {
        Scope::Yard => query,
        Scope::Organization(org) => query.filter(vessels::owner_organization_id.eq(org)),
        Scope::Technician(user) => query.filter(crate::jobs::queries::technician_sees_vessel(user)),
    }
}

/// Creates a vessel; a taken IMO number fails on `vessels_imo_number_key`.
pub async fn insert(conn: &mut AsyncPgConnection, row: NewVessel) -> QueryResult<Vessel> {
    diesel::insert_into(vessels::table)
        .values(row)
        .returning(Vessel::as_returning())
        .get_result(conn)
        .await
}

/// One vessel within the caller's scope (a statement kept prepared: one text per kind
/// of caller).
pub async fn by_id(mut conn: &AsyncPgConnection, id: Uuid, scope: Scope) -> QueryResult<Vessel> {
    Cached(scoped(scope).filter(vessels::id.eq(id)))
        .get_result(&mut conn)
        .await
}

/// A page of vessels in creation order within the caller's scope.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &VesselListQuery,
    scope: Scope,
    page: &PageRequest,
) -> QueryResult<Vec<Vessel>> {
    let mut query = scoped(scope);
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = crate::validation::like_escape(q);
        let name_matches = vessels::name.ilike(format!("%{escaped}%"));
        // "IMO 96199", "imo96199" or "96199": the start of an IMO number.
        let digits = q
            .get(..3)
            .filter(|p| p.eq_ignore_ascii_case("IMO"))
            .map_or(q, |_| q[3..].trim_start());
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            query = query.filter(name_matches.or(vessels::imo_number.like(format!("{digits}%"))));
        } else {
            query = query.filter(name_matches);
        }
    }
    if let Some(kind) = filter.vessel_type {
        query = query.filter(vessels::vessel_type.eq(kind));
    }
    if let Some(org) = filter.owner_organization_id {
        query = query.filter(vessels::owner_organization_id.eq(org));
    }
    crate::pagination::paged!(query, page, vessels::created_at, vessels::id)
        .load(conn)
        .await
}

/// Applies changes to a vessel.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: VesselChanges,
) -> QueryResult<Vessel> {
    diesel::update(vessels::table.find(id))
        .set(changes)
        .returning(Vessel::as_returning())
        .get_result(conn)
        .await
}
