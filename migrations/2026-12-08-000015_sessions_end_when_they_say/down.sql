ALTER TABLE refresh_tokens DROP COLUMN renewed_in_grace;
DROP INDEX refresh_tokens_revoked_at_idx;
DROP TRIGGER refresh_family_revoked ON refresh_tokens;
DROP FUNCTION refresh_family_revoked();
