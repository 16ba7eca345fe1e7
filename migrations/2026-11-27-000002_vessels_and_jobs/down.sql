DROP TABLE tasks;
DROP TABLE additional_work;
DROP TABLE job_events;
DROP TABLE jobs;
DROP TABLE job_number_counters;
DROP TABLE vessels;
