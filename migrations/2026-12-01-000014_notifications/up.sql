-- Notifications (SPEC section 7): a transactional outbox. Every change a party must hear
-- of writes an `events` row in the transaction of the change, by the triggers at the end
-- of this file, so every path that makes the change (a handler, a group-commit writer, a
-- booking that moves a job's dates) writes its event and a rolled-back change leaves
-- none. The same statement fans the event out: a `notifications` row per recipient (the
-- in-app list, and the mail to send) and a `webhook_deliveries` row per webhook that
-- hears it. The dispatcher of every instance sends what is due, claiming rows with
-- FOR UPDATE SKIP LOCKED.

-- Timestamps in payloads as the API writes them (UTC, `Z`).
CREATE FUNCTION rfc3339(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE TABLE events (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind             text NOT NULL CHECK (kind IN ('job.requested', 'job.quoted',
                         'job.status_changed', 'job.schedule_changed',
                         'additional_work.proposed', 'additional_work.decided',
                         'daily_report.ready', 'webhook.test', 'webhook.disabled')),
    occurred_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    job_id           uuid REFERENCES jobs (id),
    -- The job's client organisation: whose users and webhooks may hear it.
    organization_id  uuid REFERENCES organizations (id),
    to_managers      boolean NOT NULL,
    to_client        boolean NOT NULL,
    -- The yard day a `daily_report.ready` reports; one per job and day.
    report_day       date,
    -- `{"id", "kind", "occurred_at", "job": {...} | null, "data": {...}}`, as sent.
    payload          jsonb NOT NULL,
    CONSTRAINT events_report_day CHECK ((kind = 'daily_report.ready') = (report_day IS NOT NULL)),
    CONSTRAINT events_job_kinds CHECK ((job_id IS NULL) = (kind LIKE 'webhook.%'))
);
CREATE UNIQUE INDEX events_daily_report_once ON events (job_id, report_day)
    WHERE kind = 'daily_report.ready';
CREATE INDEX events_job_id_idx ON events (job_id);

-- Which kinds a user is mailed; no row: every kind for clients, none for yard staff.
CREATE TABLE notification_settings (
    user_id     uuid PRIMARY KEY REFERENCES users (id),
    email       boolean NOT NULL,
    kinds       text[] NOT NULL CHECK (kinds <@ ARRAY['job.requested', 'job.quoted',
                    'job.status_changed', 'job.schedule_changed', 'additional_work.proposed',
                    'additional_work.decided', 'daily_report.ready']),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One event as one user hears it: the in-app list, and the mail to send.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users (id),
    event_id        uuid NOT NULL REFERENCES events (id),
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    email_status    text NOT NULL CHECK (email_status IN ('none', 'pending', 'sent', 'failed', 'off')),
    email_attempts  integer NOT NULL DEFAULT 0,
    email_next_at   timestamptz,
    email_error     text,
    CONSTRAINT notifications_once UNIQUE (user_id, event_id),
    CONSTRAINT notifications_email_due CHECK ((email_status = 'pending') = (email_next_at IS NOT NULL))
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;
CREATE INDEX notifications_email_due_idx ON notifications (email_next_at)
    WHERE email_status = 'pending';

CREATE TABLE webhooks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Hears what this organisation's users hear; NULL: what managers hear.
    organization_id  uuid REFERENCES organizations (id),
    url              text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    -- Empty: every kind.
    kinds            text[] NOT NULL DEFAULT '{}' CHECK (kinds <@ ARRAY['job.requested',
                         'job.quoted', 'job.status_changed', 'job.schedule_changed',
                         'additional_work.proposed', 'additional_work.decided',
                         'daily_report.ready']),
    -- `whsec_` + base64 of the key's bytes (Standard Webhooks).
    secret           text NOT NULL,
    active           boolean NOT NULL DEFAULT true,
    created_by       uuid NOT NULL REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Since when every attempt has failed; NULL after a success.
    failing_since    timestamptz,
    disabled_at      timestamptz,
    CONSTRAINT webhooks_disabled CHECK (disabled_at IS NULL OR NOT active)
);
CREATE INDEX webhooks_created_at_id_idx ON webhooks (created_at, id);
CREATE INDEX webhooks_org_created_at_id_idx ON webhooks (organization_id, created_at, id);

-- One event to one webhook, tried until it succeeds or 24 hours have passed.
CREATE TABLE webhook_deliveries (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    webhook_id        uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id          uuid NOT NULL REFERENCES events (id),
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    status            text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    -- When it is due; while an instance sends it, the end of that instance's claim.
    next_attempt_at   timestamptz,
    last_attempt_at   timestamptz,
    last_status_code  integer,
    last_error        text,
    CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_id),
    CONSTRAINT webhook_deliveries_due CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- Every attempt, for the deliveries log.
CREATE TABLE webhook_attempts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL,
    status_code   integer,
    error         text,
    duration_ms   integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, at);

-- Writes one event of a job with its recipients and deliveries; returns its id, or NULL
-- when a `daily_report.ready` of that job and day exists already.
CREATE FUNCTION emit_event(p_kind text, p_job uuid, p_data jsonb, p_to_managers boolean,
                           p_to_client boolean, p_report_day date DEFAULT NULL)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    ev_id   uuid := gen_random_uuid();
    ev_at   timestamptz := clock_timestamp();
    ev_org  uuid;
BEGIN
    INSERT INTO events (id, kind, occurred_at, job_id, organization_id, to_managers, to_client,
                        report_day, payload)
    SELECT ev_id, p_kind, ev_at, j.id, j.organization_id, p_to_managers, p_to_client,
           p_report_day,
           jsonb_build_object('id', ev_id, 'kind', p_kind, 'occurred_at', rfc3339(ev_at),
               'job', jsonb_build_object('id', j.id, 'number', j.number,
                                         'vessel_name', v.name, 'status', j.status),
               'data', p_data)
    FROM jobs j JOIN vessels v ON v.id = j.vessel_id
    WHERE j.id = p_job
    ON CONFLICT (job_id, report_day) WHERE kind = 'daily_report.ready' DO NOTHING
    RETURNING organization_id INTO ev_org;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    INSERT INTO notifications (user_id, event_id, created_at, email_status, email_next_at)
    SELECT u.id, ev_id, ev_at, m.status, CASE WHEN m.status = 'pending' THEN ev_at END
    FROM users u
    LEFT JOIN notification_settings s ON s.user_id = u.id
    CROSS JOIN LATERAL (SELECT CASE
        WHEN coalesce(s.email, u.role = 'client') AND (s.kinds IS NULL OR p_kind = ANY (s.kinds))
        THEN 'pending' ELSE 'none' END AS status) m
    WHERE u.active
      AND ((p_to_managers AND u.role = 'manager')
           OR (p_to_client AND u.role = 'client' AND u.organization_id = ev_org));

    INSERT INTO webhook_deliveries (webhook_id, event_id, created_at, next_attempt_at)
    SELECT w.id, ev_id, ev_at, ev_at
    FROM webhooks w
    WHERE w.active
      AND (cardinality(w.kinds) = 0 OR p_kind = ANY (w.kinds))
      AND ((w.organization_id IS NULL AND p_to_managers)
           OR (p_to_client AND w.organization_id = ev_org));
    RETURN ev_id;
END
$$;

-- Writes an event of a webhook's own (`webhook.test`, `webhook.disabled`): no job, no
-- audience; the caller says who hears it.
CREATE FUNCTION emit_own_event(p_kind text, p_data jsonb) RETURNS events LANGUAGE sql AS $$
    INSERT INTO events (id, kind, occurred_at, to_managers, to_client, payload)
    SELECT id, p_kind, at, false, false,
           jsonb_build_object('id', id, 'kind', p_kind, 'occurred_at', rfc3339(at),
                              'job', NULL, 'data', p_data)
    FROM (SELECT gen_random_uuid() AS id, clock_timestamp() AS at) n
    RETURNING *
$$;

-- A timeline entry that someone must hear of: a client's request, a quote, a transition.
CREATE FUNCTION job_events_emit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    IF NEW.kind = 'created' AND NEW.actor_role = 'client' THEN
        SELECT * INTO j FROM jobs WHERE id = NEW.job_id;
        PERFORM emit_event('job.requested', NEW.job_id,
            jsonb_build_object('title', j.title, 'priority', j.priority,
                               'requested_start', rfc3339(j.requested_start)),
            true, false);
    ELSIF NEW.kind = 'quoted' THEN
        SELECT * INTO j FROM jobs WHERE id = NEW.job_id;
        PERFORM emit_event('job.quoted', NEW.job_id,
            jsonb_build_object('amount', j.quote_amount::text, 'currency', j.quote_currency,
                               'valid_until', j.quote_valid_until, 'note', j.quote_note,
                               'from', NEW.from_status, 'to', NEW.to_status),
            false, true);
    ELSIF NEW.kind = 'status_changed' AND NEW.from_status IS DISTINCT FROM NEW.to_status THEN
        PERFORM emit_event('job.status_changed', NEW.job_id,
            jsonb_build_object('from', NEW.from_status, 'to', NEW.to_status, 'note', NEW.note,
                               'by_role', NEW.actor_role),
            NEW.actor_role = 'client', true);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER job_events_emit AFTER INSERT ON job_events
    FOR EACH ROW EXECUTE FUNCTION job_events_emit();

-- New planned dates, from any path (an edit, a transition, a booking that moved).
CREATE FUNCTION jobs_schedule_emit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM emit_event('job.schedule_changed', NEW.id,
        jsonb_build_object('planned_start', rfc3339(NEW.planned_start),
                           'planned_end', rfc3339(NEW.planned_end),
                           'previous_planned_start', rfc3339(OLD.planned_start),
                           'previous_planned_end', rfc3339(OLD.planned_end)),
        false, true);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_schedule_emit AFTER UPDATE OF planned_start, planned_end ON jobs
    FOR EACH ROW
    WHEN (OLD.planned_start IS DISTINCT FROM NEW.planned_start
          OR OLD.planned_end IS DISTINCT FROM NEW.planned_end)
    EXECUTE FUNCTION jobs_schedule_emit();

-- Additional work proposed, and its decision.
CREATE FUNCTION additional_work_emit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item jsonb := jsonb_build_object('id', NEW.id, 'description', NEW.description,
                                     'amount', NEW.amount::text, 'currency', NEW.currency);
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM emit_event('additional_work.proposed', NEW.job_id, item, false, true);
    ELSE
        PERFORM emit_event('additional_work.decided', NEW.job_id,
            item || jsonb_build_object('decision', NEW.status, 'note', NEW.decision_note),
            true, true);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER additional_work_proposed_emit AFTER INSERT ON additional_work
    FOR EACH ROW EXECUTE FUNCTION additional_work_emit();
CREATE TRIGGER additional_work_decided_emit AFTER UPDATE OF status ON additional_work
    FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status <> 'pending')
    EXECUTE FUNCTION additional_work_emit();
