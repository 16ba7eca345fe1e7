DROP TRIGGER jobs_truncated ON jobs;
DROP FUNCTION jobs_truncated();
DROP TRIGGER vessels_list_changed ON vessels;
DROP FUNCTION vessels_list_changed();
DROP TRIGGER jobs_list_changed ON jobs;
DROP FUNCTION jobs_list_changed();
DROP TABLE job_list_versions;
