//! `text_enum!`: a Rust enum stored as a `text` column (guarded by a CHECK constraint in
//! the migration) and sent as a `snake_case` JSON string.

/// Declares an enum with its wire/database names, and implements serde, diesel `Text`
/// conversion, `utoipa::ToSchema`, `Display` and `FromStr` for it.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        // Every name is the variant in snake_case (checked by `as_str_is_the_json_name`);
        // `rename_all` rather than per-variant renames, which the schema derive cannot see
        // through this macro.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in JSON and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("unknown {} `{other}`", stringify!($name))),
                }
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                text.parse().map_err(Into::into)
            }
        }
    };
}
pub(crate) use text_enum;

#[cfg(test)]
mod tests {
    use crate::{
        auth::Role,
        docks::models::{BookingStatus, DockKind},
        jobs::{
            models::{AdditionalWorkStatus, Decision, TimelineKind},
            rules::{JobStatus, Priority},
        },
        tasks::models::TaskStatus,
        technicians::models::Trade,
        vessels::models::VesselType,
    };

    fn check<T: serde::Serialize + std::fmt::Display>(all: &[T]) {
        for value in all {
            assert_eq!(
                serde_json::to_value(value).unwrap(),
                serde_json::json!(value.to_string())
            );
        }
    }

    #[test]
    fn as_str_is_the_json_name() {
        check(Role::ALL);
        check(BookingStatus::ALL);
        check(DockKind::ALL);
        check(AdditionalWorkStatus::ALL);
        check(Decision::ALL);
        check(TimelineKind::ALL);
        check(JobStatus::ALL);
        check(Priority::ALL);
        check(TaskStatus::ALL);
        check(Trade::ALL);
        check(VesselType::ALL);
    }
}
