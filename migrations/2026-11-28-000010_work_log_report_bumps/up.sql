-- Work logs bump their jobs' report versions once per statement instead of once per row.
-- Logs arrive in batches (a shift's logs written together, or an import in plain SQL),
-- and a row trigger ran a function and an upsert per log, all on the same few counter
-- rows: every bump of one row in a transaction leaves one more row version for the next
-- bump to step over, so n logs of one job in one statement cost n^2. The statement
-- trigger bumps each job once, from the rows the statement changed (transition tables),
-- in job order, so two statements take the counters in the same order.
--
-- It runs at the end of the statement rather than at commit. Every write of logs through
-- the API is a statement of its own (its own transaction), which has already locked the
-- logs' jobs: anything else that bumps the same counters locks the job's row first, so
-- the order between them is the job's row lock, as before.
DROP TRIGGER work_logs_report_changed ON work_logs;

CREATE FUNCTION work_logs_report_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO job_report_versions AS v (job_id, version)
        SELECT DISTINCT job_id, 1 FROM new_logs ORDER BY job_id
        ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO job_report_versions AS v (job_id, version)
        SELECT DISTINCT job_id, 1 FROM old_logs ORDER BY job_id
        ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    ELSE
        INSERT INTO job_report_versions AS v (job_id, version)
        SELECT job_id, 1 FROM (SELECT job_id FROM old_logs UNION SELECT job_id FROM new_logs) j
        ORDER BY job_id
        ON CONFLICT (job_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END
$$;

-- (A trigger with transition tables takes one kind of event.)
CREATE TRIGGER work_logs_report_inserted AFTER INSERT ON work_logs
    REFERENCING NEW TABLE AS new_logs
    FOR EACH STATEMENT EXECUTE FUNCTION work_logs_report_changed();
CREATE TRIGGER work_logs_report_updated AFTER UPDATE ON work_logs
    REFERENCING OLD TABLE AS old_logs NEW TABLE AS new_logs
    FOR EACH STATEMENT EXECUTE FUNCTION work_logs_report_changed();
CREATE TRIGGER work_logs_report_deleted AFTER DELETE ON work_logs
    REFERENCING OLD TABLE AS old_logs
    FOR EACH STATEMENT EXECUTE FUNCTION work_logs_report_changed();
