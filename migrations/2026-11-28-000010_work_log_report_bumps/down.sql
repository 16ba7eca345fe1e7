DROP TRIGGER work_logs_report_deleted ON work_logs;
DROP TRIGGER work_logs_report_updated ON work_logs;
DROP TRIGGER work_logs_report_inserted ON work_logs;
DROP FUNCTION work_logs_report_changed();

CREATE CONSTRAINT TRIGGER work_logs_report_changed AFTER INSERT OR UPDATE OR DELETE ON work_logs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_report_changed();
