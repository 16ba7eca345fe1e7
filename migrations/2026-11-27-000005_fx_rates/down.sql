DROP INDEX jobs_open_planned_end_idx;
DROP INDEX jobs_closed_at_idx;
DROP TABLE fx_rates;
