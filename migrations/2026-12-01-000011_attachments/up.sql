-- Photos and documents (SPEC section 8): files attach to a job, and optionally to one of
-- its tasks, additional-work items or work logs. The bytes live in the object store under
-- their SHA-256 (written before the row commits); a row says who may see them (the job's
-- scope) and under which name. Several rows may share one file.
ALTER TABLE additional_work ADD CONSTRAINT additional_work_id_job_key UNIQUE (id, job_id);

CREATE TABLE attachments (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id             uuid NOT NULL REFERENCES jobs (id),
    task_id            uuid,
    additional_work_id uuid,
    work_log_id        uuid REFERENCES work_logs (id),
    file_name          text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type       text NOT NULL
        CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size_bytes         bigint NOT NULL CHECK (size_bytes > 0),
    sha256             text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    has_thumbnail      boolean NOT NULL,
    caption            text CHECK (length(caption) <= 500),
    uploaded_by        uuid NOT NULL REFERENCES users (id),
    uploaded_by_role   text NOT NULL CHECK (uploaded_by_role IN ('manager', 'technician', 'client')),
    uploaded_at        timestamptz NOT NULL DEFAULT now(),
    -- A task or finding named must be of the same job.
    CONSTRAINT attachments_task_id_fkey FOREIGN KEY (task_id, job_id) REFERENCES tasks (id, job_id),
    CONSTRAINT attachments_additional_work_id_fkey
        FOREIGN KEY (additional_work_id, job_id) REFERENCES additional_work (id, job_id)
);

-- A job's files in upload order (the list pages by uploaded_at, id); the sweep finds the
-- rows of a file by its hash; deleting a work log checks its attachments.
CREATE INDEX attachments_job_idx ON attachments (job_id, uploaded_at, id);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);
CREATE INDEX attachments_work_log_idx ON attachments (work_log_id) WHERE work_log_id IS NOT NULL;

-- A work log named must be of the same job. Checked here rather than with a composite key,
-- which would need one more unique index on work_logs, the most written table.
CREATE FUNCTION attachments_work_log_of_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.work_log_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM work_logs w WHERE w.id = NEW.work_log_id AND w.job_id = NEW.job_id
    ) THEN
        RAISE EXCEPTION 'work log % is not of job %', NEW.work_log_id, NEW.job_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'attachments_work_log_id_fkey',
                  TABLE = 'attachments';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER attachments_work_log_of_job BEFORE INSERT OR UPDATE OF work_log_id, job_id
    ON attachments FOR EACH ROW EXECUTE FUNCTION attachments_work_log_of_job();

-- The daily report lists the day's files: a new or removed file is a new report.
CREATE CONSTRAINT TRIGGER attachments_report_changed AFTER INSERT OR UPDATE OR DELETE ON attachments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();
CREATE TRIGGER attachments_reports_truncated AFTER TRUNCATE ON attachments
    FOR EACH STATEMENT EXECUTE FUNCTION job_reports_truncated();
