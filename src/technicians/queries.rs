//! Database access for technicians, certification types and certificates.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{
    Certification, CertificationType, CreateCertification, CreateCertificationType, TechnicianRow,
    Trade,
};
use crate::{
    pagination::PageRequest,
    schema::{certification_types, technician_certifications, technicians, users},
};

/// A technician row with its user's name, email and active flag.
pub type TechnicianWithUser = (TechnicianRow, String, String, bool);

/// Creates a technician profile.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    trade: Trade,
    employee_number: Option<String>,
) -> QueryResult<Uuid> {
    diesel::insert_into(technicians::table)
        .values((
            technicians::user_id.eq(user_id),
            technicians::trade.eq(trade),
            technicians::employee_number.eq(employee_number),
        ))
        .returning(technicians::id)
        .get_result(conn)
        .await
}

/// One technician with user data.
pub async fn by_id(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<TechnicianWithUser> {
    technicians::table
        .inner_join(users::table.on(users::id.eq(technicians::user_id)))
        .filter(technicians::id.eq(id))
        .select((
            TechnicianRow::as_select(),
            users::full_name,
            users::email,
            users::active,
        ))
        .first(conn)
        .await
}

/// The technician profile of a user, if any.
pub async fn id_of_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<Option<Uuid>> {
    technicians::table
        .filter(technicians::user_id.eq(user_id))
        .select(technicians::id)
        .first(conn)
        .await
        .optional()
}

/// What `GET /technicians` filters on, already resolved to yard days.
pub struct TechnicianFilter {
    /// Trade.
    pub trade: Option<Trade>,
    /// Type code, and the days a certificate must cover.
    pub certified_for: Option<(String, NaiveDate, NaiveDate)>,
    /// A period with no overlapping assignment.
    pub free_during: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A page of technicians in creation order.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: TechnicianFilter,
    page: &PageRequest,
) -> QueryResult<Vec<TechnicianWithUser>> {
    let mut query = technicians::table
        .inner_join(users::table.on(users::id.eq(technicians::user_id)))
        .select((
            TechnicianRow::as_select(),
            users::full_name,
            users::email,
            users::active,
        ))
        .into_boxed();
    if let Some(trade) = filter.trade {
        query = query.filter(technicians::trade.eq(trade));
    }
    if let Some((code, first, last)) = filter.certified_for {
        query = query.filter(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM technician_certifications c WHERE c.technician_id = technicians.id \
                 AND c.certification_type = ",
            )
            .bind::<Text, _>(code)
            .sql(" AND c.issued_on <= ")
            .bind::<Date, _>(first)
            .sql(" AND c.expires_on >= ")
            .bind::<Date, _>(last)
            .sql(")"),
        );
    }
    if let Some((from, to)) = filter.free_during {
        query = query.filter(
            sql::<Bool>(
                "NOT EXISTS (SELECT 1 FROM assignments a WHERE a.technician_id = technicians.id \
                 AND a.removed_at IS NULL AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(",
            )
            .bind::<Timestamptz, _>(from)
            .sql(", ")
            .bind::<Timestamptz, _>(to)
            .sql(", '[)'))"),
        );
    }
    crate::pagination::paged!(query, page, technicians::created_at, technicians::id)
        .load(conn)
        .await
}

/// Changes trade and/or employee number.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    trade: Option<Trade>,
    employee_number: Option<Option<String>>,
) -> QueryResult<()> {
    #[derive(AsChangeset)]
    #[diesel(table_name = technicians)]
    struct Changes {
        trade: Option<Trade>,
        employee_number: Option<Option<String>>,
        updated_at: DateTime<Utc>,
    }
    diesel::update(technicians::table.find(id))
        .set(Changes {
            trade,
            employee_number,
            updated_at: Utc::now(),
        })
        .execute(conn)
        .await
        .map(drop)
}

/// Creates a certification type; a taken code fails on `certification_types_code_key`.
pub async fn insert_type(
    conn: &mut AsyncPgConnection,
    row: &CreateCertificationType,
) -> QueryResult<CertificationType> {
    diesel::insert_into(certification_types::table)
        .values(row)
        .returning(CertificationType::as_returning())
        .get_result(conn)
        .await
}

/// A page of certification types in creation order.
pub async fn list_types(
    conn: &mut AsyncPgConnection,
    page: &PageRequest,
) -> QueryResult<Vec<CertificationType>> {
    let query = certification_types::table
        .select(CertificationType::as_select())
        .into_boxed();
    crate::pagination::paged!(
        query,
        page,
        certification_types::created_at,
        certification_types::id
    )
    .load(conn)
    .await
}

/// Records a certificate.
pub async fn insert_certification(
    conn: &mut AsyncPgConnection,
    technician_id: Uuid,
    c: &CreateCertification,
) -> QueryResult<Certification> {
    diesel::insert_into(technician_certifications::table)
        .values((
            technician_certifications::technician_id.eq(technician_id),
            technician_certifications::certification_type.eq(&c.certification_type),
            technician_certifications::certificate_number.eq(c.certificate_number.trim()),
            technician_certifications::issued_by.eq(c.issued_by.trim()),
            technician_certifications::issued_on.eq(c.issued_on),
            technician_certifications::expires_on.eq(c.expires_on),
        ))
        .returning(Certification::as_returning())
        .get_result(conn)
        .await
}

/// A page of a technician's certificates in the order they were recorded.
pub async fn list_certifications(
    conn: &mut AsyncPgConnection,
    technician_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<Certification>> {
    let query = technician_certifications::table
        .filter(technician_certifications::technician_id.eq(technician_id))
        .select(Certification::as_select())
        .into_boxed();
    crate::pagination::paged!(
        query,
        page,
        technician_certifications::created_at,
        technician_certifications::id
    )
    .load(conn)
    .await
}

/// The (issued, expires) days of a technician's certificates of one type.
pub async fn certificate_days(
    conn: &mut AsyncPgConnection,
    technician_id: Uuid,
    code: &str,
) -> QueryResult<Vec<(NaiveDate, NaiveDate)>> {
    technician_certifications::table
        .filter(technician_certifications::technician_id.eq(technician_id))
        .filter(technician_certifications::certification_type.eq(code))
        .select((
            technician_certifications::issued_on,
            technician_certifications::expires_on,
        ))
        .load(conn)
        .await
}
