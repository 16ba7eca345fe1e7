DROP TABLE attachments;
DROP FUNCTION attachments_work_log_of_job();
ALTER TABLE additional_work DROP CONSTRAINT additional_work_id_job_key;
