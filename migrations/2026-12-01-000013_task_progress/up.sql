-- How far a task is, as everything that counts it counts it: a done task is 100 %,
-- whatever was last reported. The job's hours-weighted progress (its rollup, kept on the
-- job row) and the daily report's per-task figures both read it from here.
CREATE FUNCTION task_progress(status text, progress_percent integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN status = 'done' THEN 100 ELSE progress_percent END;

-- The rollups of migration 7, with the job's progress as the one formula: the tasks'
-- progress weighted by their estimated hours.
CREATE OR REPLACE FUNCTION jobs_recount_rollups(job uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM jobs WHERE id = job FOR NO KEY UPDATE;
    UPDATE jobs SET
        additional_work_approved = coalesce(
            (SELECT sum(aw.amount) FROM additional_work aw
              WHERE aw.job_id = job AND aw.status = 'approved'), 0),
        progress_percent = coalesce(
            (SELECT (sum(t.estimated_hours * task_progress(t.status, t.progress_percent))
                     / sum(t.estimated_hours))::float8
               FROM tasks t WHERE t.job_id = job), 0)
    WHERE id = job;
END
$$;
