ALTER TABLE work_logs
    DROP CONSTRAINT work_logs_assignment_fkey,
    DROP CONSTRAINT work_logs_task_fkey,
    ADD CONSTRAINT work_logs_assignment_id_fkey FOREIGN KEY (assignment_id) REFERENCES assignments (id),
    ADD CONSTRAINT work_logs_technician_id_fkey FOREIGN KEY (technician_id) REFERENCES technicians (id),
    ADD CONSTRAINT work_logs_task_id_fkey FOREIGN KEY (task_id) REFERENCES tasks (id),
    ADD CONSTRAINT work_logs_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (id);
ALTER TABLE tasks DROP CONSTRAINT tasks_id_job_key;
ALTER TABLE assignments DROP CONSTRAINT assignments_id_technician_task_key;
