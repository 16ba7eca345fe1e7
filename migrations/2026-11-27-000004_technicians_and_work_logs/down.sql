DROP TABLE work_logs;
DROP TABLE assignments;
DROP TABLE technician_certifications;
DROP TABLE technicians;
ALTER TABLE users DROP CONSTRAINT users_id_role_key;
ALTER TABLE tasks DROP CONSTRAINT tasks_required_certification_fkey;
DROP TABLE certification_types;
