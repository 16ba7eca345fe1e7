-- Access tokens issued to a user before `tokens_valid_after` are refused: set when the
-- user changes their password, is deactivated, or signs out everywhere (themselves or by
-- a manager). Every instance keeps each user's standing (active, tokens_valid_after) in
-- memory and hears of every change through NOTIFY, so a revocation holds on every
-- instance at once without a read per request.
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;

CREATE FUNCTION users_standing_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('slipway_users', COALESCE(NEW.id, OLD.id)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_standing_changed
    AFTER INSERT OR DELETE OR UPDATE OF active, tokens_valid_after, role, organization_id ON users
    FOR EACH ROW EXECUTE FUNCTION users_standing_changed();
