-- Docks and dock bookings. Two exclusion constraints make double-booking impossible,
-- whatever the application does and however many instances run.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE docks (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    kind                text NOT NULL CHECK (kind IN ('graving_dock', 'floating_dock', 'slipway',
                            'repair_berth')),
    max_length_m        double precision NOT NULL CHECK (max_length_m > 0),
    max_beam_m          double precision NOT NULL CHECK (max_beam_m > 0),
    max_draft_m         double precision NOT NULL CHECK (max_draft_m > 0),
    lifting_capacity_t  double precision CHECK (lifting_capacity_t > 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX docks_created_at_id_idx ON docks (created_at, id);

CREATE TABLE dock_bookings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    dock_id       uuid NOT NULL REFERENCES docks (id),
    vessel_id     uuid NOT NULL REFERENCES vessels (id),
    job_id        uuid REFERENCES jobs (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    notes         text CHECK (length(notes) <= 2000),
    status        text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
    cancelled_at  timestamptz,
    created_by    uuid NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dock_bookings_period_order CHECK (ends_at > starts_at),
    CONSTRAINT dock_bookings_cancelled_at CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    -- One dock never holds two live bookings at once; `[)` lets one booking end exactly
    -- when the next begins.
    CONSTRAINT dock_bookings_no_dock_overlap EXCLUDE USING gist (
        dock_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status <> 'cancelled'),
    -- One vessel is never in two docks at once.
    CONSTRAINT dock_bookings_no_vessel_overlap EXCLUDE USING gist (
        vessel_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status <> 'cancelled')
);
CREATE INDEX dock_bookings_dock_starts_idx ON dock_bookings (dock_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX dock_bookings_vessel_starts_idx ON dock_bookings (vessel_id, starts_at);
CREATE INDEX dock_bookings_job_id_idx ON dock_bookings (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX dock_bookings_starts_at_id_idx ON dock_bookings (starts_at, id);
