-- A work log's technician, task and job are those of its assignment: say so with two
-- composite keys instead of four separate ones. Stronger (a log can no longer name a task
-- or technician other than its assignment's) and cheaper: two key checks per logged shift
-- instead of four. The technician and task themselves are checked through the assignment.
ALTER TABLE assignments
    ADD CONSTRAINT assignments_id_technician_task_key UNIQUE (id, technician_id, task_id);
ALTER TABLE tasks ADD CONSTRAINT tasks_id_job_key UNIQUE (id, job_id);

ALTER TABLE work_logs
    DROP CONSTRAINT work_logs_assignment_id_fkey,
    DROP CONSTRAINT work_logs_technician_id_fkey,
    DROP CONSTRAINT work_logs_task_id_fkey,
    DROP CONSTRAINT work_logs_job_id_fkey,
    ADD CONSTRAINT work_logs_assignment_fkey FOREIGN KEY (assignment_id, technician_id, task_id)
        REFERENCES assignments (id, technician_id, task_id),
    ADD CONSTRAINT work_logs_task_fkey FOREIGN KEY (task_id, job_id) REFERENCES tasks (id, job_id);
