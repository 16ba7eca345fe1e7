DELETE FROM notifications WHERE event_id IN (SELECT id FROM events WHERE kind LIKE 'job.redelivery_%');
DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM events WHERE kind LIKE 'job.redelivery_%');
DELETE FROM events WHERE kind LIKE 'job.redelivery_%';
UPDATE notification_settings SET kinds = array_remove(array_remove(kinds, 'job.redelivery_changed'), 'job.redelivery_at_risk');
UPDATE webhooks SET kinds = array_remove(array_remove(kinds, 'job.redelivery_changed'), 'job.redelivery_at_risk');
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('job.requested',
    'job.quoted', 'job.status_changed', 'job.schedule_changed', 'additional_work.proposed',
    'additional_work.decided', 'daily_report.ready', 'webhook.test', 'webhook.disabled'));
ALTER TABLE notification_settings DROP CONSTRAINT notification_settings_kinds_check;
ALTER TABLE notification_settings ADD CONSTRAINT notification_settings_kinds_check
    CHECK (kinds <@ ARRAY['job.requested', 'job.quoted', 'job.status_changed',
        'job.schedule_changed', 'additional_work.proposed', 'additional_work.decided',
        'daily_report.ready']);
ALTER TABLE webhooks DROP CONSTRAINT webhooks_kinds_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_kinds_check
    CHECK (kinds <@ ARRAY['job.requested', 'job.quoted', 'job.status_changed',
        'job.schedule_changed', 'additional_work.proposed', 'additional_work.decided',
        'daily_report.ready']);
DROP INDEX jobs_redelivery_watch_idx;
DROP TRIGGER redelivery_entries_apply ON redelivery_entries;
DROP FUNCTION redelivery_entries_apply();
DROP TRIGGER jobs_redelivery_kept_insert ON jobs;
DROP TRIGGER jobs_redelivery_kept ON jobs;
DROP FUNCTION jobs_redelivery_kept();
DROP FUNCTION contract_redelivery_of(uuid);
DROP TABLE redelivery_entries;
DROP TRIGGER jobs_completed_at ON jobs;
DROP FUNCTION jobs_completed_at();
ALTER TABLE jobs DROP COLUMN redelivery_at_risk_at, DROP COLUMN completed_at;
