//! Tasks: the row and the API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::tasks;

crate::text_enum! {
    /// Where a task stands.
    pub enum TaskStatus {
        /// Not started.
        Open => "open",
        /// Being worked on.
        InProgress => "in_progress",
        /// Finished (counts as 100 % towards the job's progress).
        Done => "done",
    }
}

/// A task, as stored and as shown.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = tasks, check_for_backend(diesel::pg::Pg))]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// Title.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// Estimated hours; the task's weight in the job's progress.
    pub estimated_hours: f64,
    /// Code of the certification type a technician needs for it.
    pub required_certification: Option<String>,
    /// Status.
    pub status: TaskStatus,
    /// 0 to 100.
    pub progress_percent: i32,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Its item number in the specification (`2.14`), unique within the job.
    pub item_number: Option<String>,
    /// Its code in the SFI group system (3 or 6 digits).
    pub sfi_code: Option<String>,
    /// Who supplies its material.
    pub supplied_by: crate::contracts::models::SuppliedBy,
    /// Its contract price, a priced line (null: not priced; always null for technicians).
    #[schema(value_type = Option<crate::contracts::models::PricedLine>)]
    pub price: Option<serde_json::Value>,
}

crate::pagination::keyed!(Task, created_at);

/// `POST /jobs/{id}/tasks` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// Title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Details.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Positive hours.
    #[schema(exclusive_minimum = 0, maximum = 100000)]
    pub estimated_hours: f64,
    /// Certification type code, e.g. `WELD-3G`.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9_.-]{1,50}$")]
    pub required_certification: Option<String>,
    /// Its item number in the specification, 1-20 characters, unique within the job.
    #[serde(default)]
    #[schema(example = "2.14", min_length = 1, max_length = 20)]
    pub item_number: Option<String>,
    /// Its SFI code: 3 or 6 digits, the first 1-8.
    #[serde(default)]
    #[schema(example = "201", pattern = "^[1-8]([0-9]{2}|[0-9]{5})$")]
    pub sfi_code: Option<String>,
    /// Who supplies its material (default `yard`).
    #[serde(default)]
    pub supplied_by: Option<crate::contracts::models::SuppliedBy>,
    /// Its price, a priced line in the job's currency (not after the award).
    #[serde(default)]
    pub price: Option<crate::contracts::models::PriceRequest>,
}

/// `PATCH /tasks/{id}`: managers any field; assigned technicians `status` only.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// Title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Details, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(max_length = 20000)]
    pub description: Option<Option<String>>,
    /// Positive hours.
    #[schema(exclusive_minimum = 0, maximum = 100000)]
    pub estimated_hours: Option<f64>,
    /// Certification type code, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(pattern = "^[A-Za-z0-9_.-]{1,50}$")]
    pub required_certification: Option<Option<String>>,
    /// Status; `done` sets progress to 100.
    pub status: Option<TaskStatus>,
    /// 0 to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub progress_percent: Option<i32>,
    /// Its item number; null removes it.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(example = "2.14", min_length = 1, max_length = 20)]
    pub item_number: Option<Option<String>>,
    /// Its SFI code; null removes it.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(example = "201", pattern = "^[1-8]([0-9]{2}|[0-9]{5})$")]
    pub sfi_code: Option<Option<String>>,
    /// Who supplies its material (fixed from the award on).
    pub supplied_by: Option<crate::contracts::models::SuppliedBy>,
    /// Its price; null removes it (fixed from the award on).
    #[serde(default, deserialize_with = "crate::http::present")]
    pub price: Option<Option<crate::contracts::models::PriceRequest>>,
}

/// A new row of `tasks`.
#[derive(Debug, Insertable)]
#[diesel(table_name = tasks)]
pub struct NewTask {
    /// Job.
    pub job_id: Uuid,
    /// Title.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// Hours.
    pub estimated_hours: f64,
    /// Certification code.
    pub required_certification: Option<String>,
    /// Item number.
    pub item_number: Option<String>,
    /// SFI code.
    pub sfi_code: Option<String>,
    /// Who supplies the material.
    pub supplied_by: crate::contracts::models::SuppliedBy,
    /// The priced line.
    pub price: Option<serde_json::Value>,
}

/// Changes to a task.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = tasks)]
pub struct TaskChanges {
    /// Title.
    pub title: Option<String>,
    /// Details.
    pub description: Option<Option<String>>,
    /// Hours.
    pub estimated_hours: Option<f64>,
    /// Certification code.
    pub required_certification: Option<Option<String>>,
    /// Status.
    pub status: Option<TaskStatus>,
    /// Progress.
    pub progress_percent: Option<i32>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
    /// Item number.
    pub item_number: Option<Option<String>>,
    /// SFI code.
    pub sfi_code: Option<Option<String>>,
    /// Who supplies the material.
    pub supplied_by: Option<crate::contracts::models::SuppliedBy>,
    /// The priced line.
    pub price: Option<Option<serde_json::Value>>,
}
