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
       WHERE id = :'wjob' AND EXISTS (SELECT 1 FROM ins WHERE progress_percent IS NOT NULL))
SELECT * FROM ins;
ROLLBACK;

\echo '-- POST /assignments/{id}/work-logs, written together (group commit): three logs of two technicians in one statement (rolled back)'
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
WITH req AS (
       SELECT * FROM unnest(ARRAY[md5('benchasg401'), md5('benchasg402'), md5('benchasg401')]::uuid[],
                            ARRAY[md5('tech401'), md5('tech402'), md5('tech401')]::uuid[],
                            ARRAY['1950-01-01 00:00Z', '1950-01-01 00:00Z', '1950-01-01 01:00Z']::timestamptz[],
                            ARRAY['1950-01-01 00:30Z', '1950-01-01 00:30Z', '1950-01-01 01:30Z']::timestamptz[],
                            ARRAY['plan', 'plan', 'plan']::text[], ARRAY[10, NULL, 20]::int4[],
                            ARRAY['in_progress', 'in_progress', 'in_progress']::text[])
         WITH ORDINALITY AS r(assignment_id, user_id, started_at, ended_at, description,
                              progress_percent, task_status, ord)),
     asg AS (
       SELECT r.*, a.technician_id, a.task_id, t.job_id, t.title
       FROM req r JOIN assignments a ON a.id = r.assignment_id
            JOIN technicians tc ON tc.id = a.technician_id
            JOIN tasks t ON t.id = a.task_id
       WHERE a.removed_at IS NULL AND tc.user_id = r.user_id),
     job AS (
       SELECT j.id, j.status FROM jobs j WHERE j.id IN (SELECT job_id FROM asg)
       ORDER BY j.id FOR NO KEY UPDATE OF j),
     slot AS (
       SELECT k.technician_id, pg_advisory_xact_lock(k.key)
       FROM (SELECT DISTINCT technician_id,
                    ('x' || translate(left((technician_id)::text, 18), '-', ''))::bit(64)::bigint AS key
             FROM asg ORDER BY key) k
       WHERE (SELECT count(*) FROM job) > 0),
     ins AS (
       INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id,
                              started_at, ended_at, description, progress_percent)
       SELECT asg.assignment_id, asg.technician_id, asg.task_id, asg.job_id,
              asg.started_at, asg.ended_at, asg.description, asg.progress_percent
       FROM asg JOIN job ON job.id = asg.job_id
            JOIN slot ON slot.technician_id = asg.technician_id
       WHERE job.status = 'in_progress'
       RETURNING id, assignment_id, technician_id, task_id, job_id, started_at,
                 ended_at, description, progress_percent, created_at),
     logged AS (
       SELECT ins.*, asg.title AS task_title, asg.ord, asg.task_status
       FROM ins JOIN asg ON asg.assignment_id = ins.assignment_id
                        AND asg.started_at = ins.started_at),
     progress AS (
       UPDATE tasks t SET progress_percent = p.progress_percent,
                          status = p.task_status, updated_at = now()
       FROM (SELECT DISTINCT ON (task_id) task_id, progress_percent, task_status
             FROM logged WHERE progress_percent IS NOT NULL
             ORDER BY task_id, ord DESC) p
       WHERE t.id = p.task_id),
     touched AS (
       UPDATE jobs SET version = version + 1, updated_at = now()
       WHERE id IN (SELECT job_id FROM ins WHERE progress_percent IS NOT NULL))
SELECT id, task_title, ord FROM logged;
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

\echo '-- POST /dock-bookings without a job, made together (group commit): the writers read the batch''s vessels and docks (two statements, pipelined)'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, imo_number, name, vessel_type, flag, owner_organization_id, gross_tonnage,
       length_overall_m, beam_m, draft_m, lightweight_t, year_built, created_at, updated_at
FROM vessels WHERE id = ANY(ARRAY[md5('vessel1'), md5('vessel2'), md5('vessel3')]::uuid[]);
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, name, kind, max_length_m, max_beam_m, max_draft_m, lifting_capacity_t, created_at, updated_at
FROM docks WHERE id = ANY(ARRAY[md5('dock21'), md5('dock22'), md5('dock21')]::uuid[]);

\echo '-- POST /dock-bookings without a job, made together (group commit): three bookings in one statement (rolled back)'
BEGIN;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
WITH req AS (
       SELECT * FROM unnest(ARRAY[md5('dock21'), md5('dock22'), md5('dock21')]::uuid[],
                            ARRAY[md5('vessel1'), md5('vessel2'), md5('vessel3')]::uuid[],
                            ARRAY['1990-01-01 00:00Z', '1990-01-01 00:00Z', '1990-01-03 00:00Z']::timestamptz[],
                            ARRAY['1990-01-02 00:00Z', '1990-01-02 00:00Z', '1990-01-04 00:00Z']::timestamptz[],
                            ARRAY[NULL, NULL, NULL]::text[],
                            ARRAY[md5('manager'), md5('manager'), md5('manager')]::uuid[])
         WITH ORDINALITY AS r(dock_id, vessel_id, starts_at, ends_at, notes, created_by, ord)),
     slot AS (
       SELECT pg_advisory_xact_lock(key)
       FROM (SELECT ('x' || translate(left((dock_id)::text, 18), '-', ''))::bit(64)::bigint AS key FROM req
             UNION SELECT ('x' || translate(left((vessel_id)::text, 18), '-', ''))::bit(64)::bigint FROM req
             ORDER BY key) k),
     ins AS (
       INSERT INTO dock_bookings (dock_id, vessel_id, starts_at, ends_at, notes, created_by)
       SELECT dock_id, vessel_id, starts_at, ends_at, notes, created_by FROM req
       WHERE (SELECT count(*) FROM slot) > 0
       RETURNING id, dock_id, vessel_id, job_id, starts_at, ends_at, notes, status,
                 cancelled_at, created_by, created_at, updated_at)
SELECT ins.id, req.ord FROM ins
JOIN req ON req.dock_id = ins.dock_id AND req.starts_at = ins.starts_at;
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
