-- A change counter per job for its daily reports, like `job_list_versions` for the
-- job list (see there): owners read their vessels' reports from abroad all day, and a
-- report changes only when something it shows does. A report shows the job's progress,
-- its tasks (title, progress), the day's work logs, status changes (job_events) and the
-- additional work awaiting a decision; a change to any of these bumps the job's version,
-- at commit, in the same transaction.
-- No foreign key, as for `job_list_versions`: counters only ever go up.
CREATE TABLE job_report_versions (
    job_id   uuid PRIMARY KEY,
    version  bigint NOT NULL
);

-- For the tables whose rows belong to a job through `job_id`.
CREATE FUNCTION job_report_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO job_report_versions AS v (job_id, version) VALUES (OLD.job_id, 1)
        ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.job_id IS DISTINCT FROM OLD.job_id) THEN
        INSERT INTO job_report_versions AS v (job_id, version) VALUES (NEW.job_id, 1)
        ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER work_logs_report_changed AFTER INSERT OR UPDATE OR DELETE ON work_logs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();
CREATE CONSTRAINT TRIGGER tasks_report_changed AFTER INSERT OR UPDATE OR DELETE ON tasks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();
CREATE CONSTRAINT TRIGGER job_events_report_changed AFTER INSERT OR UPDATE OR DELETE ON job_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();
CREATE CONSTRAINT TRIGGER additional_work_report_changed
    AFTER INSERT OR UPDATE OR DELETE ON additional_work
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();

-- The job itself: a report shows only its progress of the job's own columns (a work log
-- also bumps the job's version, which no report shows).
CREATE FUNCTION jobs_report_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_report_versions AS v (job_id, version) VALUES (NEW.id, 1)
    ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER jobs_report_changed AFTER UPDATE OF progress_percent ON jobs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.progress_percent IS DISTINCT FROM NEW.progress_percent)
    EXECUTE FUNCTION jobs_report_changed();

-- Emptying one of these tables changes every report; counters only ever go up.
CREATE FUNCTION job_reports_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE job_report_versions SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER work_logs_reports_truncated AFTER TRUNCATE ON work_logs
    FOR EACH STATEMENT EXECUTE FUNCTION job_reports_truncated();
CREATE TRIGGER tasks_reports_truncated AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION job_reports_truncated();
CREATE TRIGGER job_events_reports_truncated AFTER TRUNCATE ON job_events
    FOR EACH STATEMENT EXECUTE FUNCTION job_reports_truncated();
CREATE TRIGGER additional_work_reports_truncated AFTER TRUNCATE ON additional_work
    FOR EACH STATEMENT EXECUTE FUNCTION job_reports_truncated();
