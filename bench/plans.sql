-- The plans of the hot statements on the benchmark data, as bench/README.md shows them:
--   psql "$DATABASE_URL_OF_slipway_bench" -q -f bench/plans.sql
-- Statements are PREPAREd and run six times first, so the plan shown is the one the server
-- reuses (PostgreSQL switches to a generic plan after five custom ones when it is as cheap).
-- The writes run inside a transaction that is rolled back.
\pset pager off
\set org '''1a28f3dd-1e8f-3e9f-c3b5-0b9b0639d8a5'''
\set job '''be50c09e-7f5a-93b4-7d2a-22e1c91168b3'''

\echo '-- GET /jobs/{id} (client scope): the job with its vessel (approved extra work and progress are columns of the job)'
PREPARE job_view(uuid, uuid) AS
SELECT j.*, v.id, v.name, v.imo_number
FROM jobs j JOIN vessels v ON v.id = j.vessel_id
WHERE j.id = $1 AND j.organization_id = $2;
\o /dev/null
EXECUTE job_view(:job, :org); EXECUTE job_view(:job, :org); EXECUTE job_view(:job, :org);
EXECUTE job_view(:job, :org); EXECUTE job_view(:job, :org); EXECUTE job_view(:job, :org);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE job_view(:job, :org);

\echo '-- GET /jobs?limit=50 (client scope, newest first; the limit is written into the text)'
PREPARE job_page(uuid) AS
SELECT j.*, v.id, v.name, v.imo_number
FROM jobs j JOIN vessels v ON v.id = j.vessel_id
WHERE j.organization_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT 51;
\o /dev/null
EXECUTE job_page(:org); EXECUTE job_page(:org); EXECUTE job_page(:org);
EXECUTE job_page(:org); EXECUTE job_page(:org); EXECUTE job_page(:org);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE job_page(:org);

\echo '-- GET /jobs?limit=50 (client scope): the organisation''s list version, read before a kept page is sent again'
PREPARE list_version(uuid) AS
SELECT version FROM job_list_versions WHERE organization_id = $1 LIMIT 1;
\o /dev/null
EXECUTE list_version(:org); EXECUTE list_version(:org); EXECUTE list_version(:org);
EXECUTE list_version(:org); EXECUTE list_version(:org); EXECUTE list_version(:org);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE list_version(:org);

\echo '-- GET /jobs/{id}/daily-report (client scope): the job''s report version, in the caller''s scope, read before a kept report is sent again'
PREPARE report_version(uuid, uuid) AS
SELECT v.version FROM jobs j LEFT JOIN job_report_versions v ON v.job_id = j.id
WHERE j.id = $1 AND j.organization_id = $2 LIMIT 1;
\o /dev/null
EXECUTE report_version(:job, :org); EXECUTE report_version(:job, :org); EXECUTE report_version(:job, :org);
EXECUTE report_version(:job, :org); EXECUTE report_version(:job, :org); EXECUTE report_version(:job, :org);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE report_version(:job, :org);

\echo '-- GET /jobs/{id}/daily-report (client scope): the one statement'
PREPARE day_report(uuid, timestamptz, timestamptz, uuid) AS
SELECT j.progress_percent,
  (SELECT coalesce(json_agg(h ORDER BY h.created_at, h.task_id), '[]')::text FROM (
     SELECT t.id AS task_id, t.title, t.created_at,
            (sum(extract(epoch FROM least(w.ended_at, $3) - greatest(w.started_at, $2))) / 3600)::float8 AS hours,
            CASE WHEN t.status = 'done' THEN 100 ELSE t.progress_percent END AS progress_percent
     FROM work_logs w JOIN tasks t ON t.id = w.task_id
     WHERE w.job_id = j.id AND w.started_at < $3 AND w.ended_at > $2
       AND w.started_at > $2 - interval '16 hours'
     GROUP BY t.id) h) AS tasks,
  (SELECT coalesce(json_agg(e ORDER BY e.at, e.id), '[]')::text FROM (
     SELECT e.at, e.id, e.from_status, e.to_status FROM job_events e
     WHERE e.job_id = j.id AND e.at >= $2 AND e.at < $3 AND e.to_status IS NOT NULL
       AND e.from_status IS DISTINCT FROM e.to_status) e) AS status_changes,
  (SELECT coalesce(json_agg(a ORDER BY a.created_at, a.id), '[]')::text FROM (
     SELECT a.id, a.description, a.amount::text AS amount, a.currency, a.created_at
     FROM additional_work a WHERE a.job_id = j.id AND a.status = 'pending') a)
     AS pending_additional_work
FROM jobs j WHERE j.id = $1 AND j.organization_id = $4;
\o /dev/null
EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org); EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org);
EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org); EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org);
EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org); EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE day_report(:job, '2021-05-30 16:00Z', '2021-05-31 16:00Z', :org);

\echo '-- POST /assignments/{id}/work-logs: the one statement (rolled back)'
SELECT a.id AS asg, a.technician_id AS tech, a.task_id AS task, t.job_id AS wjob
FROM assignments a JOIN tasks t ON t.id = a.task_id WHERE a.id = md5('benchasg401')::uuid \gset
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
WITH job AS (SELECT status FROM jobs WHERE id = :'wjob' FOR NO KEY UPDATE),
     slot AS (SELECT pg_advisory_xact_lock(1) FROM job),
     ins AS (
       INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id,
                              started_at, ended_at, description, progress_percent)
       SELECT :'asg', :'tech', :'task', :'wjob', '1990-01-01 00:00Z', '1990-01-01 01:00Z', 'plan', 40
       FROM job, slot WHERE job.status = 'in_progress'
       RETURNING id, assignment_id, technician_id, task_id, job_id, started_at,
                 ended_at, description, progress_percent, created_at),
     progress AS (
       UPDATE tasks SET progress_percent = 40, status = 'in_progress', updated_at = now()
       WHERE id = :'task' AND 40 IS NOT NULL AND EXISTS (SELECT 1 FROM ins)),
     touched AS (
       UPDATE jobs SET version = version + 1, updated_at = now()
       WHERE id = :'wjob' AND EXISTS (SELECT 1 FROM ins))
SELECT * FROM ins;
ROLLBACK;

\echo '-- work log: the log in the way, looked up after a work_logs_no_overlap refusal'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id FROM work_logs WHERE technician_id = md5('techprofile401')::uuid
  AND tstzrange(started_at, ended_at, '[)') && tstzrange('2021-12-31 00:00Z', '2022-01-01 00:00Z', '[)') LIMIT 1;

\echo '-- POST /dock-bookings: the one statement (rolled back)'
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
WITH slot AS (SELECT pg_advisory_xact_lock(1), pg_advisory_xact_lock(2))
INSERT INTO dock_bookings (dock_id, vessel_id, job_id, starts_at, ends_at, notes, created_by)
SELECT md5('dock21')::uuid, md5('vessel1')::uuid, NULL, '1990-01-01 00:00Z', '1990-01-02 00:00Z', NULL,
       (SELECT id FROM users WHERE role = 'manager' LIMIT 1)
FROM slot RETURNING id;
ROLLBACK;

\echo '-- dock booking: the booking in the way, looked up after an exclusion refusal (and before a booking linked to a job)'
PREPARE dock_overlap(uuid, timestamptz, timestamptz, uuid) AS
SELECT id FROM (
  SELECT id, ends_at FROM dock_bookings WHERE dock_id = $1 AND status <> 'cancelled'
  AND starts_at < $3 AND id IS DISTINCT FROM $4
  ORDER BY starts_at DESC LIMIT 1) last
WHERE ends_at > $2;
\o /dev/null
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
\o
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
EXECUTE dock_overlap(md5('dock1')::uuid, '2023-01-01 00:00Z', '2023-01-02 00:00Z', NULL);
