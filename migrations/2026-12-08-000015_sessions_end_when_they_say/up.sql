-- Signing out ends the session's access tokens too, on every instance. Access tokens
-- carry their refresh family (`fam`); when a family is revoked (sign-out, reuse of a
-- spent token, a new password, deactivation), every instance hears its id on
-- `slipway_families` and refuses that family's tokens from then on.
CREATE FUNCTION refresh_family_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One notice per family and transaction: PostgreSQL folds identical payloads.
    PERFORM pg_notify('slipway_families', NEW.family_id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER refresh_family_revoked
    AFTER UPDATE OF revoked_at ON refresh_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION refresh_family_revoked();

-- An instance that (re)starts listening reads the families revoked lately.
CREATE INDEX refresh_tokens_revoked_at_idx ON refresh_tokens (revoked_at)
    WHERE revoked_at IS NOT NULL;

-- A session cookie spent less than ten seconds ago renews once more (a reload cut the
-- page's renewal off); this marks that it did, so a second replay is a reuse.
ALTER TABLE refresh_tokens ADD COLUMN renewed_in_grace boolean NOT NULL DEFAULT false;
