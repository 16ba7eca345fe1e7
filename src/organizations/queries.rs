//! Database access for organisations. A client's scope is applied in the query.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::Organization;
use crate::{pagination::PageRequest, schema::organizations};

/// Creates an organisation.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    name: &str,
    country: &str,
    currency: &str,
) -> QueryResult<Organization> {
    diesel::insert_into(organizations::table)
        .values((
            organizations::name.eq(name),
            organizations::country.eq(country),
            organizations::currency.eq(currency),
        ))
        .returning(Organization::as_returning())
        .get_result(conn)
        .await
}

/// One organisation; `only` restricts to the caller's own (clients).
pub async fn by_id(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    only: Option<Uuid>,
) -> QueryResult<Organization> {
    let mut query = organizations::table
        .find(id)
        .select(Organization::as_select())
        .into_boxed();
    if let Some(own) = only {
        query = query.filter(organizations::id.eq(own));
    }
    query.first(conn).await
}

/// A page of organisations in creation order; `only` restricts to the caller's own.
pub async fn list(
    conn: &mut AsyncPgConnection,
    country: Option<&str>,
    only: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Vec<Organization>> {
    let mut query = organizations::table
        .select(Organization::as_select())
        .into_boxed();
    if let Some(own) = only {
        query = query.filter(organizations::id.eq(own));
    }
    if let Some(country) = country {
        query = query.filter(organizations::country.eq(country.to_ascii_uppercase()));
    }
    crate::pagination::paged!(query, page, organizations::created_at, organizations::id)
        .load(conn)
        .await
}

/// Changes name and/or country.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    name: Option<String>,
    country: Option<String>,
    currency: Option<String>,
) -> QueryResult<Organization> {
    #[derive(AsChangeset)]
    #[diesel(table_name = organizations)]
    struct Changes {
        name: Option<String>,
        country: Option<String>,
        currency: Option<String>,
        updated_at: chrono::DateTime<chrono::Utc>,
    }
    diesel::update(organizations::table.find(id))
        .set(Changes {
            name,
            country,
            currency,
            updated_at: chrono::Utc::now(),
        })
        .returning(Organization::as_returning())
        .get_result(conn)
        .await
}
