-- Redelivery and delays (SPEC section 9): the contractual redelivery moves only by the
-- entries of a ledger, and PostgreSQL keeps it: `jobs.contract_redelivery` is the award's
-- `redelivery_date` plus the days of the entries that stand, recomputed by the triggers
-- below whenever an entry or the award changes, and put back if anything writes it.

-- When the job was completed (the completion date replaces the forecast in `days_late`),
-- and when it was first found running late (`job.redelivery_at_risk` is sent once).
ALTER TABLE jobs
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN redelivery_at_risk_at timestamptz;

UPDATE jobs j SET completed_at = e.at
FROM (SELECT job_id, max(at) AS at FROM job_events WHERE to_status = 'completed' GROUP BY job_id) e
WHERE e.job_id = j.id AND j.status IN ('completed', 'closed');

CREATE FUNCTION jobs_completed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed' THEN
        NEW.completed_at := now();
    ELSIF NEW.status NOT IN ('completed', 'closed') THEN
        NEW.completed_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_completed_at BEFORE UPDATE OF status ON jobs
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION jobs_completed_at();

CREATE TABLE redelivery_entries (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id              uuid NOT NULL REFERENCES jobs (id),
    at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
    days                integer NOT NULL CHECK (days BETWEEN -365 AND 365 AND days <> 0),
    cause               text NOT NULL CHECK (cause IN ('variation', 'late_decision',
                            'owner_supply_late', 'owner_scope', 'class_requirement', 'weather',
                            'force_majeure', 'other')),
    additional_work_id  uuid REFERENCES additional_work (id),
    note                text CHECK (length(note) BETWEEN 1 AND 2000),
    status              text NOT NULL DEFAULT 'recorded'
                            CHECK (status IN ('recorded', 'disputed', 'withdrawn')),
    by_role             text NOT NULL CHECK (by_role IN ('system', 'manager')),
    created_by          uuid REFERENCES users (id),
    dispute_note        text CHECK (length(dispute_note) BETWEEN 1 AND 2000),
    disputed_at         timestamptz,
    disputed_by         uuid REFERENCES users (id),
    withdrawn_at        timestamptz,
    withdrawn_by        uuid REFERENCES users (id),
    -- The automatic entries name their variation and are the system's; a manager's
    -- entry says why in a note and may be withdrawn.
    CONSTRAINT redelivery_entries_automatic CHECK (
        (cause IN ('variation', 'late_decision'))
            = (additional_work_id IS NOT NULL AND by_role = 'system')),
    CONSTRAINT redelivery_entries_manual_note CHECK (by_role = 'system' OR note IS NOT NULL),
    CONSTRAINT redelivery_entries_withdrawn CHECK (
        (status = 'withdrawn') = (withdrawn_at IS NOT NULL) AND (withdrawn_at IS NULL OR by_role = 'manager')),
    CONSTRAINT redelivery_entries_disputed CHECK ((disputed_at IS NULL) = (dispute_note IS NULL)),
    CONSTRAINT redelivery_entries_once UNIQUE (additional_work_id, cause)
);
CREATE INDEX redelivery_entries_job_idx ON redelivery_entries (job_id, at, id);

-- The contractual redelivery of a job: the award's date plus the entries that stand.
CREATE FUNCTION contract_redelivery_of(p_job uuid) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT t.redelivery_date + coalesce((SELECT sum(e.days)::integer FROM redelivery_entries e
                                         WHERE e.job_id = p_job AND e.status <> 'withdrawn'), 0)
    FROM contract_terms t WHERE t.job_id = p_job
$$;

-- Whatever writes a job's award or its redelivery, the column holds the ledger's sum.
CREATE FUNCTION jobs_redelivery_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.contract_redelivery := CASE WHEN NEW.awarded_at IS NULL THEN NULL
                                    ELSE contract_redelivery_of(NEW.id) END;
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_redelivery_kept BEFORE UPDATE ON jobs
    FOR EACH ROW WHEN (NEW.contract_redelivery IS DISTINCT FROM OLD.contract_redelivery
                       OR NEW.awarded_at IS DISTINCT FROM OLD.awarded_at)
    EXECUTE FUNCTION jobs_redelivery_kept();
CREATE TRIGGER jobs_redelivery_kept_insert BEFORE INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_redelivery_kept();

-- An entry recorded, withdrawn or changed: the job's date follows, and its client hears
-- of the move (`job.redelivery_changed`).
CREATE FUNCTION redelivery_entries_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e         redelivery_entries := coalesce(NEW, OLD);
    before    date;
    after     date;
BEGIN
    SELECT contract_redelivery INTO before FROM jobs WHERE id = e.job_id;
    UPDATE jobs SET contract_redelivery = contract_redelivery_of(e.job_id)
    WHERE id = e.job_id AND awarded_at IS NOT NULL
    RETURNING contract_redelivery INTO after;
    IF after IS DISTINCT FROM before THEN
        PERFORM emit_event('job.redelivery_changed', e.job_id,
            jsonb_build_object('from', before, 'to', after, 'cause', e.cause,
                               'days', after - before, 'entry_id', e.id,
                               'withdrawn', e.status = 'withdrawn'),
            false, true);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER redelivery_entries_apply AFTER INSERT OR DELETE OR UPDATE OF days, status
    ON redelivery_entries FOR EACH ROW EXECUTE FUNCTION redelivery_entries_apply();

-- Running late is looked for among the awarded jobs not yet found late.
CREATE INDEX jobs_redelivery_watch_idx ON jobs (id)
    WHERE awarded_at IS NOT NULL AND redelivery_at_risk_at IS NULL;

-- The two new kinds of event.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('job.requested',
    'job.quoted', 'job.status_changed', 'job.schedule_changed', 'job.redelivery_changed',
    'job.redelivery_at_risk', 'additional_work.proposed', 'additional_work.decided',
    'daily_report.ready', 'webhook.test', 'webhook.disabled'));
ALTER TABLE notification_settings DROP CONSTRAINT notification_settings_kinds_check;
ALTER TABLE notification_settings ADD CONSTRAINT notification_settings_kinds_check
    CHECK (kinds <@ ARRAY['job.requested', 'job.quoted', 'job.status_changed',
        'job.schedule_changed', 'job.redelivery_changed', 'job.redelivery_at_risk',
        'additional_work.proposed', 'additional_work.decided', 'daily_report.ready']);
ALTER TABLE webhooks DROP CONSTRAINT webhooks_kinds_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_kinds_check
    CHECK (kinds <@ ARRAY['job.requested', 'job.quoted', 'job.status_changed',
        'job.schedule_changed', 'job.redelivery_changed', 'job.redelivery_at_risk',
        'additional_work.proposed', 'additional_work.decided', 'daily_report.ready']);
