//! Assignments, work logs and the daily report: rows and API shapes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    jobs::rules::JobStatus,
    schema::{assignments, work_logs},
    tasks::models::TaskStatus,
};

/// A row of `assignments`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assignments, check_for_backend(diesel::pg::Pg))]
pub struct AssignmentRow {
    /// Id.
    pub id: Uuid,
    /// Task.
    pub task_id: Uuid,
    /// Technician profile.
    pub technician_id: Uuid,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Who assigned.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When removed, if it was.
    pub removed_at: Option<DateTime<Utc>>,
}

crate::pagination::keyed!(AssignmentRow, starts_at);

/// An assignment as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Assignment {
    /// Id.
    pub id: Uuid,
    /// Task.
    pub task_id: Uuid,
    /// The task's job.
    pub job_id: Uuid,
    /// Technician profile.
    pub technician_id: Uuid,
    /// Technician's name.
    pub technician_name: String,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
    /// When assigned.
    pub created_at: DateTime<Utc>,
}

impl Assignment {
    /// The view of `row`, an assignment on a task of `job_id` of the technician `name`.
    pub fn new(row: AssignmentRow, job_id: Uuid, technician_name: String) -> Self {
        Self {
            id: row.id,
            task_id: row.task_id,
            job_id,
            technician_id: row.technician_id,
            technician_name,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            created_at: row.created_at,
        }
    }
}

/// `POST /tasks/{id}/assignments` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    /// Technician profile id.
    pub technician_id: Uuid,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive), after the start.
    pub ends_at: DateTime<Utc>,
}

/// The job of one of my assignments.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobSummary {
    /// Job id.
    pub id: Uuid,
    /// Job number.
    pub number: String,
    /// Job status.
    pub status: JobStatus,
}

/// The task of one of my assignments.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskSummary {
    /// Task id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Status.
    pub status: TaskStatus,
    /// Required certification code.
    pub required_certification: Option<String>,
}

/// A named thing (vessel, dock).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// One of the caller's assignments, with what a technician needs to find the work.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyAssignment {
    /// Assignment id (post work logs to it).
    pub id: Uuid,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The job.
    pub job: JobSummary,
    /// The task.
    pub task: TaskSummary,
    /// The vessel.
    pub vessel: Named,
    /// The dock the vessel is booked into during the assignment, if any.
    pub dock: Option<Named>,
}

crate::pagination::keyed!(MyAssignment, starts_at);

/// A row of `work_logs`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = work_logs, check_for_backend(diesel::pg::Pg))]
pub struct WorkLogRow {
    /// Id.
    pub id: Uuid,
    /// Assignment.
    pub assignment_id: Uuid,
    /// Technician.
    pub technician_id: Uuid,
    /// Task.
    pub task_id: Uuid,
    /// Job.
    pub job_id: Uuid,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: DateTime<Utc>,
    /// What was done.
    pub description: String,
    /// Task progress reported with it.
    pub progress_percent: Option<i32>,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

crate::pagination::keyed!(WorkLogRow, started_at);

/// `POST /assignments/{id}/work-logs` (the assigned technician).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkLog {
    /// Start of the work.
    pub started_at: DateTime<Utc>,
    /// End of the work: after the start, at most 16 hours later, not in the future.
    pub ended_at: DateTime<Utc>,
    /// What was done.
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// The task's progress now, 0 to 100.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100)]
    pub progress_percent: Option<i32>,
}

/// A work log as the API shows it. Clients get the date, hours, task and description;
/// times and the technician's identity are for the yard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkLog {
    /// Id.
    pub id: Uuid,
    /// Task.
    pub task_id: Uuid,
    /// Task title.
    pub task_title: String,
    /// Yard calendar day the work started.
    pub date: NaiveDate,
    /// Hours worked.
    pub hours: f64,
    /// What was done.
    pub description: String,
    /// Task progress reported.
    pub progress_percent: Option<i32>,
    /// Start (yard staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    /// End (yard staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<Utc>>,
    /// Technician profile (yard staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technician_id: Option<Uuid>,
    /// Technician's name (yard staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technician_name: Option<String>,
    /// Assignment (yard staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<Uuid>,
}

/// Query of `GET /jobs/{id}/daily-report`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DailyReportQuery {
    /// Yard calendar day; today when absent.
    pub date: Option<NaiveDate>,
}

/// Hours and progress of one task on the day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DailyTask {
    /// Task.
    pub task_id: Uuid,
    /// Title.
    pub title: String,
    /// Hours logged on it that day.
    pub hours: f64,
    /// Its progress now.
    pub progress_percent: i32,
}

/// A status change on the day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DailyStatusChange {
    /// When.
    pub at: DateTime<Utc>,
    /// From.
    pub from_status: Option<JobStatus>,
    /// To.
    pub to_status: Option<JobStatus>,
}

/// Additional work waiting for the owner's decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PendingAdditionalWork {
    /// Item id (decide with `POST /additional-work/{id}/decision`).
    pub id: Uuid,
    /// Description.
    pub description: String,
    /// Decimal string.
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
}

/// The superintendent's morning read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DailyReport {
    /// Job.
    pub job_id: Uuid,
    /// Yard calendar day reported.
    pub date: NaiveDate,
    /// Hours logged that day on the job (work crossing midnight is split between days).
    pub hours_total: f64,
    /// Tasks worked that day.
    pub tasks: Vec<DailyTask>,
    /// Status changes that day.
    pub status_changes: Vec<DailyStatusChange>,
    /// Additional work awaiting a decision now.
    pub pending_additional_work: Vec<PendingAdditionalWork>,
    /// The job's progress now.
    pub progress_percent: f64,
    /// The photos and documents the job received that day.
    pub attachments: Vec<crate::attachments::models::DayAttachment>,
}
