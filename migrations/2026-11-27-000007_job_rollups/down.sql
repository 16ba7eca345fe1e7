DROP TRIGGER additional_work_rollups_changed ON additional_work;
DROP TRIGGER additional_work_rollups_added_or_removed ON additional_work;
DROP TRIGGER tasks_rollups_changed ON tasks;
DROP TRIGGER tasks_rollups_added_or_removed ON tasks;
DROP FUNCTION jobs_rollups_changed();
DROP FUNCTION jobs_recount_rollups(uuid);
ALTER TABLE jobs DROP COLUMN progress_percent, DROP COLUMN additional_work_approved;
