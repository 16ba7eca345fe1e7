-- Foundation: client organisations, users, refresh tokens and login throttling.

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    country     text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_created_at_id_idx ON organizations (created_at, id);

CREATE TABLE users (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    full_name        text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    password_hash    text NOT NULL,
    role             text NOT NULL CHECK (role IN ('manager', 'technician', 'client')),
    organization_id  uuid REFERENCES organizations (id),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- A client user is bound to exactly one organisation; yard staff to none.
    CONSTRAINT users_client_has_organization
        CHECK ((role = 'client') = (organization_id IS NOT NULL))
);
-- Email is unique regardless of case: "Anna@Yard.cn" and "anna@yard.cn" are one person.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_created_at_id_idx ON users (created_at, id);
CREATE INDEX users_organization_id_idx ON users (organization_id);

-- Refresh tokens are stored only as SHA-256 hashes. Each login starts a family; every
-- refresh marks the presented token rotated and adds the next one to the same family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- Failed logins, counted per lower-cased email over a sliding window; in the database so
-- that every instance of the service sees the same count.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_key   text NOT NULL,
    failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_key_failed_at_idx ON login_failures (email_key, failed_at);
