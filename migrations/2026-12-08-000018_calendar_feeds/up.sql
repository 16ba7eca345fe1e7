-- Calendars (SPEC section 15): a secret feed per user. The address's token is derived
-- from the service's secret, the user and the feed's generation, and stored here only as
-- its SHA-256; rotating, a new password or deactivation ends it.
ALTER TABLE users ADD COLUMN calendar_feed_generation integer NOT NULL DEFAULT 0;

CREATE TABLE calendar_feeds (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    generation  integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calendar_feeds_once UNIQUE (user_id, generation)
);

-- A new password ends the feed, whichever path writes it.
CREATE FUNCTION users_calendar_feed_ends() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.calendar_feed_generation := OLD.calendar_feed_generation + 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER users_calendar_feed_ends BEFORE UPDATE OF password_hash ON users
    FOR EACH ROW WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash)
    EXECUTE FUNCTION users_calendar_feed_ends();

-- A booking's calendar entry counts its moves (RFC 5545 SEQUENCE).
ALTER TABLE dock_bookings ADD COLUMN sequence integer NOT NULL DEFAULT 0;
CREATE FUNCTION dock_bookings_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sequence := OLD.sequence + 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER dock_bookings_sequence BEFORE UPDATE ON dock_bookings
    FOR EACH ROW WHEN (NEW.starts_at IS DISTINCT FROM OLD.starts_at
                       OR NEW.ends_at IS DISTINCT FROM OLD.ends_at
                       OR NEW.dock_id IS DISTINCT FROM OLD.dock_id)
    EXECUTE FUNCTION dock_bookings_sequence();
