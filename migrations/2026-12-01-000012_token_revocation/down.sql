DROP TRIGGER users_standing_changed ON users;
DROP FUNCTION users_standing_changed();
ALTER TABLE users DROP COLUMN tokens_valid_after;
