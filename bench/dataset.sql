-- A large yard for the load benchmark, made straight in SQL (no API calls):
-- 200 client organisations, 10 000 vessels, 200 000 jobs over 2019-2026, 20 000
-- assignments, 2 000 000 work logs (400 technicians x 5 000 shifts), 100 000 dock
-- bookings over ~7 years, and the users and tokens' subjects the scenarios act as.
-- Every user shares the password hash of the manager made by `slipway create-manager`.
\set ON_ERROR_STOP on
BEGIN;
-- No page is kept yet, so the versions of job lists and daily reports need not move
-- while loading (it would queue a deferred trigger event per row written).
ALTER TABLE jobs DISABLE TRIGGER jobs_list_changed;
ALTER TABLE jobs DISABLE TRIGGER jobs_report_changed;
ALTER TABLE tasks DISABLE TRIGGER tasks_report_changed;
ALTER TABLE work_logs DISABLE TRIGGER work_logs_report_inserted;
ALTER TABLE job_events DISABLE TRIGGER job_events_report_changed;
ALTER TABLE additional_work DISABLE TRIGGER additional_work_report_changed;

INSERT INTO organizations (id, name, country)
SELECT md5('org' || g)::uuid, 'Bench Shipping ' || g,
       (ARRAY['GR','RU','EG','IT','LK','CN','NO','JP','KR','SG'])[1 + g % 10]
FROM generate_series(1, 200) g;

UPDATE users SET id = md5('manager')::uuid WHERE email = 'manager@bench.slipway.example';
SELECT password_hash AS hash FROM users WHERE email = 'manager@bench.slipway.example' \gset

INSERT INTO users (id, email, full_name, password_hash, role, organization_id)
SELECT md5('client' || g)::uuid, 'client' || g || '@bench.slipway.example', 'Client ' || g, :'hash', 'client',
       md5('org' || g)::uuid
FROM generate_series(1, 200) g;

INSERT INTO users (id, email, full_name, password_hash, role)
SELECT md5('tech' || g)::uuid, 'tech' || g || '@bench.slipway.example', 'Technician ' || g, :'hash', 'technician'
FROM generate_series(1, 432) g;

INSERT INTO technicians (id, user_id, trade)
SELECT md5('techprofile' || g)::uuid, md5('tech' || g)::uuid,
       (ARRAY['welder','fitter','pipefitter','electrician','machinist','painter','ndt_inspector','rigger'])[1 + g % 8]
FROM generate_series(1, 432) g;

INSERT INTO vessels (id, name, vessel_type, flag, owner_organization_id, gross_tonnage, length_overall_m,
                     beam_m, draft_m, lightweight_t, year_built)
SELECT md5('vessel' || g)::uuid, 'MV Bench ' || g,
       (ARRAY['bulk_carrier','tanker','container_ship','general_cargo','fishing','research'])[1 + g % 6],
       'PA', md5('org' || (1 + g % 200))::uuid, 20000, 150 + g % 50, 25, 9, 8000, 2000 + g % 25
FROM generate_series(1, 10000) g;

INSERT INTO docks (id, name, kind, max_length_m, max_beam_m, max_draft_m)
SELECT md5('dock' || g)::uuid, 'Bench Dock ' || g, 'graving_dock', 400, 70, 20
FROM generate_series(1, 40) g;

-- Jobs: 200 000, each vessel's owner; all closed except those of the first 20 000 (in
-- progress, where the assignments and work logs are). Created over 2019-2026.
INSERT INTO jobs (id, number, vessel_id, organization_id, title, description, priority, status,
                  quote_amount, quote_currency, planned_start, planned_end, invoiced_amount,
                  invoiced_currency, closed_at, created_by, created_at, updated_at)
SELECT md5('job' || g)::uuid,
       'J-' || (2019 + g % 8) || '-' || lpad(g::text, 6, '0'),
       md5('vessel' || (1 + g % 10000))::uuid,
       md5('org' || (1 + (1 + g % 10000) % 200))::uuid,
       'Bench repair ' || g, 'Hull and machinery repairs', 'normal',
       CASE WHEN g <= 20000 THEN 'in_progress' ELSE 'closed' END,
       100000 + g % 900000, 'USD',
       t, t + interval '20 days',
       CASE WHEN g <= 20000 THEN NULL ELSE 100000 + g % 900000 END,
       CASE WHEN g <= 20000 THEN NULL ELSE 'USD' END,
       CASE WHEN g <= 20000 THEN NULL ELSE t + interval '21 days' END,
       md5('manager')::uuid, t - interval '30 days', t
FROM (SELECT g, timestamptz '2019-01-01' + (g % 2900) * interval '1 day' AS t
      FROM generate_series(1, 200000) g) s;

INSERT INTO job_events (job_id, at, kind, from_status, to_status, actor_id, actor_role)
SELECT md5('job' || g)::uuid, timestamptz '2019-01-01' + (g % 2900) * interval '1 day', 'created', NULL,
       'requested', md5('manager')::uuid, 'manager'
FROM generate_series(1, 200000) g;

-- One task per in-progress job.
INSERT INTO tasks (id, job_id, title, estimated_hours, status, progress_percent)
SELECT md5('task' || g)::uuid, md5('job' || g)::uuid, 'Bench task ' || g, 400, 'in_progress', g % 100
FROM generate_series(1, 20000) g;

-- 400 technicians x 50 consecutive assignments of 100 shifts (9 h apart) from 2021.
INSERT INTO assignments (id, task_id, technician_id, starts_at, ends_at, created_by)
SELECT md5('asg' || t || '-' || k)::uuid, md5('task' || (1 + ((t - 1) * 50 + k) % 20000))::uuid,
       md5('techprofile' || t)::uuid,
       timestamptz '2021-01-01' + (k * 100) * interval '9 hours',
       timestamptz '2021-01-01' + ((k + 1) * 100) * interval '9 hours',
       md5('manager')::uuid
FROM generate_series(1, 400) t, generate_series(0, 49) k;

INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, ended_at, description, progress_percent)
SELECT md5('asg' || t || '-' || k)::uuid, md5('techprofile' || t)::uuid,
       md5('task' || (1 + ((t - 1) * 50 + k) % 20000))::uuid,
       md5('job' || (1 + ((t - 1) * 50 + k) % 20000))::uuid,
       timestamptz '2021-01-01' + (k * 100 + i) * interval '9 hours',
       timestamptz '2021-01-01' + (k * 100 + i) * interval '9 hours' + interval '8 hours',
       'Shift ' || i, NULL
FROM generate_series(1, 400) t, generate_series(0, 49) k, generate_series(0, 99) i;

-- 100 000 bookings: 20 docks x 5 000 consecutive 10-hour slots, 12 h apart.
INSERT INTO dock_bookings (dock_id, vessel_id, starts_at, ends_at, created_by)
SELECT md5('dock' || d)::uuid, md5('vessel' || (1 + (j * 20 + d) % 10000))::uuid,
       timestamptz '2020-01-01' + j * interval '12 hours',
       timestamptz '2020-01-01' + j * interval '12 hours' + interval '10 hours',
       md5('manager')::uuid
FROM generate_series(1, 20) d, generate_series(0, 4999) j;

-- Scenario fixtures: technicians 401-432 (no bulk work) each assigned to an in-progress
-- job, for the work-log POSTs at times no bulk log uses.
INSERT INTO assignments (id, task_id, technician_id, starts_at, ends_at, created_by)
SELECT md5('benchasg' || t)::uuid, md5('task' || t)::uuid, md5('techprofile' || t)::uuid,
       timestamptz '2019-01-01', timestamptz '2019-01-02', md5('manager')::uuid
FROM generate_series(401, 432) t;

INSERT INTO job_number_counters (year, last_value) VALUES (2026, 999999) ON CONFLICT DO NOTHING;
ALTER TABLE jobs ENABLE TRIGGER jobs_list_changed;
ALTER TABLE jobs ENABLE TRIGGER jobs_report_changed;
ALTER TABLE tasks ENABLE TRIGGER tasks_report_changed;
ALTER TABLE work_logs ENABLE TRIGGER work_logs_report_inserted;
ALTER TABLE job_events ENABLE TRIGGER job_events_report_changed;
ALTER TABLE additional_work ENABLE TRIGGER additional_work_report_changed;
COMMIT;
