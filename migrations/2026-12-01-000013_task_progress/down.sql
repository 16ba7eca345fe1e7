CREATE OR REPLACE FUNCTION jobs_recount_rollups(job uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM jobs WHERE id = job FOR NO KEY UPDATE;
    UPDATE jobs SET
        additional_work_approved = coalesce(
            (SELECT sum(aw.amount) FROM additional_work aw
              WHERE aw.job_id = job AND aw.status = 'approved'), 0),
        progress_percent = coalesce(
            (SELECT (sum(t.estimated_hours
                         * CASE WHEN t.status = 'done' THEN 100 ELSE t.progress_percent END)
                     / sum(t.estimated_hours))::float8
               FROM tasks t WHERE t.job_id = job), 0)
    WHERE id = job;
END
$$;

DROP FUNCTION task_progress(text, integer);
