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
}
