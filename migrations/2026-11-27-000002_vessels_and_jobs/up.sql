-- Vessels and repair jobs: quotes, additional work, tasks and the job timeline.

CREATE TABLE vessels (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Seven digits with a valid check digit (checked by the application); NULL for small
    -- fishing vessels that have none. UNIQUE allows any number of NULLs.
    imo_number             text CONSTRAINT vessels_imo_number_key UNIQUE
                               CHECK (imo_number ~ '^[0-9]{7}$'),
    name                   text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    vessel_type            text NOT NULL CHECK (vessel_type IN ('bulk_carrier', 'tanker',
                               'container_ship', 'general_cargo', 'ro_ro', 'passenger', 'fishing',
                               'research', 'offshore', 'tug', 'other')),
    flag                   text NOT NULL CHECK (flag ~ '^[A-Z]{2}$'),
    owner_organization_id  uuid NOT NULL REFERENCES organizations (id),
    gross_tonnage          double precision NOT NULL CHECK (gross_tonnage > 0),
    length_overall_m       double precision NOT NULL CHECK (length_overall_m > 0),
    beam_m                 double precision NOT NULL CHECK (beam_m > 0),
    draft_m                double precision NOT NULL CHECK (draft_m > 0),
    lightweight_t          double precision CHECK (lightweight_t > 0),
    year_built             integer CHECK (year_built BETWEEN 1800 AND 2200),
    class_society          text CHECK (length(class_society) <= 100),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vessels_created_at_id_idx ON vessels (created_at, id);
CREATE INDEX vessels_owner_created_at_id_idx ON vessels (owner_organization_id, created_at, id);

-- One counter row per year: job numbers are handed out under that row's lock, so
-- concurrent creations never share a number.
CREATE TABLE job_number_counters (
    year        integer PRIMARY KEY,
    last_value  integer NOT NULL CHECK (last_value > 0)
);

CREATE TABLE jobs (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number             text NOT NULL CONSTRAINT jobs_number_key UNIQUE
                           CHECK (number ~ '^J-[0-9]{4}-[0-9]{4,}$'),
    vessel_id          uuid NOT NULL REFERENCES vessels (id),
    -- The owner when the job was requested; a later sale of the vessel does not move
    -- the job (and its invoice) to the buyer.
    organization_id    uuid NOT NULL REFERENCES organizations (id),
    title              text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description        text NOT NULL CHECK (length(description) <= 20000),
    priority           text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status             text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'quoted',
                           'approved', 'scheduled', 'in_progress', 'on_hold', 'completed',
                           'closed', 'cancelled')),
    requested_start    timestamptz,
    quote_amount       numeric(14, 2) CHECK (quote_amount > 0),
    quote_currency     text CHECK (quote_currency ~ '^[A-Z]{3}$'),
    quote_valid_until  date,
    quote_note         text CHECK (length(quote_note) <= 2000),
    planned_start      timestamptz,
    planned_end        timestamptz,
    invoiced_amount    numeric(14, 2),
    invoiced_currency  text,
    closed_at          timestamptz,
    created_by         uuid NOT NULL REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    CONSTRAINT jobs_quote_complete CHECK ((quote_amount IS NULL) = (quote_currency IS NULL)),
    CONSTRAINT jobs_planned_order CHECK (planned_end > planned_start),
    -- Past `quoted`, a job always has a quote.
    CONSTRAINT jobs_quote_before_approval
        CHECK (status IN ('requested', 'cancelled') OR quote_amount IS NOT NULL),
    -- Scheduled work has dates.
    CONSTRAINT jobs_scheduled_has_dates
        CHECK (status NOT IN ('scheduled', 'in_progress', 'on_hold', 'completed', 'closed')
               OR (planned_start IS NOT NULL AND planned_end IS NOT NULL)),
    -- The invoice is fixed exactly when the job is closed.
    CONSTRAINT jobs_closed_is_invoiced
        CHECK ((status = 'closed') = (invoiced_amount IS NOT NULL AND closed_at IS NOT NULL))
);
CREATE INDEX jobs_created_at_id_idx ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_org_created_at_id_idx ON jobs (organization_id, created_at DESC, id DESC);
CREATE INDEX jobs_vessel_id_idx ON jobs (vessel_id);
CREATE INDEX jobs_status_idx ON jobs (status);

-- The timeline of a job: every status change and every other change worth telling.
CREATE TABLE job_events (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id       uuid NOT NULL REFERENCES jobs (id),
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind         text NOT NULL CHECK (kind IN ('created', 'quoted', 'status_changed', 'updated',
                     'additional_work_added', 'additional_work_decided', 'task_added')),
    from_status  text,
    to_status    text,
    actor_id     uuid NOT NULL REFERENCES users (id),
    actor_role   text NOT NULL CHECK (actor_role IN ('manager', 'technician', 'client')),
    note         text
);
CREATE INDEX job_events_job_id_at_idx ON job_events (job_id, at, id);

CREATE TABLE additional_work (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id         uuid NOT NULL REFERENCES jobs (id),
    description    text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
    amount         numeric(14, 2) NOT NULL CHECK (amount > 0),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status         text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_at     timestamptz,
    decided_by     uuid REFERENCES users (id),
    decision_note  text CHECK (length(decision_note) <= 2000),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT additional_work_decided_once
        CHECK ((status = 'pending') = (decided_at IS NULL AND decided_by IS NULL))
);
CREATE INDEX additional_work_job_id_idx ON additional_work (job_id, created_at);

CREATE TABLE tasks (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id                  uuid NOT NULL REFERENCES jobs (id),
    title                   text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description             text CHECK (length(description) <= 20000),
    estimated_hours         double precision NOT NULL CHECK (estimated_hours > 0 AND estimated_hours <= 100000),
    required_certification  text CHECK (required_certification ~ '^[A-Za-z0-9_.-]{1,50}$'),
    status                  text NOT NULL DEFAULT 'open'
                                CHECK (status IN ('open', 'in_progress', 'done')),
    progress_percent        integer NOT NULL DEFAULT 0
                                CHECK (progress_percent BETWEEN 0 AND 100),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_job_id_idx ON tasks (job_id, created_at, id);
