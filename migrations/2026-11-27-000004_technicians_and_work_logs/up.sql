-- Technicians, their certifications, assignments to tasks and the work they log.

CREATE TABLE certification_types (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code         text NOT NULL CONSTRAINT certification_types_code_key UNIQUE
                     CHECK (code ~ '^[A-Za-z0-9_.-]{1,50}$'),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    description  text CHECK (length(description) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX certification_types_created_at_id_idx ON certification_types (created_at, id);

-- A task can only require a certification the yard knows.
ALTER TABLE tasks ADD CONSTRAINT tasks_required_certification_fkey
    FOREIGN KEY (required_certification) REFERENCES certification_types (code);

-- A technician profile belongs to a user whose role is `technician`: the composite key
-- makes the database refuse a profile on a manager or client.
ALTER TABLE users ADD CONSTRAINT users_id_role_key UNIQUE (id, role);

CREATE TABLE technicians (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL CONSTRAINT technicians_user_id_key UNIQUE,
    user_role        text NOT NULL DEFAULT 'technician' CHECK (user_role = 'technician'),
    trade            text NOT NULL CHECK (trade IN ('welder', 'fitter', 'pipefitter',
                         'electrician', 'machinist', 'painter', 'ndt_inspector', 'rigger', 'other')),
    employee_number  text CONSTRAINT technicians_employee_number_key UNIQUE
                         CHECK (length(btrim(employee_number)) BETWEEN 1 AND 50),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT technicians_user_fkey FOREIGN KEY (user_id, user_role) REFERENCES users (id, role)
);
CREATE INDEX technicians_created_at_id_idx ON technicians (created_at, id);

CREATE TABLE technician_certifications (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    technician_id       uuid NOT NULL REFERENCES technicians (id),
    certification_type  text NOT NULL REFERENCES certification_types (code),
    certificate_number  text NOT NULL CHECK (length(btrim(certificate_number)) BETWEEN 1 AND 100),
    issued_by           text NOT NULL CHECK (length(btrim(issued_by)) BETWEEN 1 AND 200),
    issued_on           date NOT NULL,
    expires_on          date NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT technician_certifications_validity CHECK (expires_on > issued_on)
);
CREATE INDEX technician_certifications_technician_idx
    ON technician_certifications (technician_id, certification_type, expires_on);
CREATE INDEX technician_certifications_expires_on_idx ON technician_certifications (expires_on);

CREATE TABLE assignments (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id        uuid NOT NULL REFERENCES tasks (id),
    technician_id  uuid NOT NULL REFERENCES technicians (id),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    created_by     uuid NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Removed assignments stay for the work logged under them, but hold no time.
    removed_at     timestamptz,
    CONSTRAINT assignments_period_order CHECK (ends_at > starts_at),
    -- One technician is never in two places at once.
    CONSTRAINT assignments_no_overlap EXCLUDE USING gist (
        technician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (removed_at IS NULL)
);
CREATE INDEX assignments_task_id_idx ON assignments (task_id);
CREATE INDEX assignments_technician_starts_idx ON assignments (technician_id, starts_at, id);

CREATE TABLE work_logs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id     uuid NOT NULL REFERENCES assignments (id),
    technician_id     uuid NOT NULL REFERENCES technicians (id),
    task_id           uuid NOT NULL REFERENCES tasks (id),
    job_id            uuid NOT NULL REFERENCES jobs (id),
    started_at        timestamptz NOT NULL,
    ended_at          timestamptz NOT NULL,
    description       text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
    progress_percent  integer CHECK (progress_percent BETWEEN 0 AND 100),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT work_logs_period CHECK (ended_at > started_at AND ended_at - started_at <= interval '16 hours'),
    -- A technician's hours are never counted twice, not even by a retried request.
    CONSTRAINT work_logs_no_overlap EXCLUDE USING gist (
        technician_id WITH =, tstzrange(started_at, ended_at, '[)') WITH &&
    )
);
CREATE INDEX work_logs_job_started_idx ON work_logs (job_id, started_at, id);
CREATE INDEX work_logs_assignment_idx ON work_logs (assignment_id);
