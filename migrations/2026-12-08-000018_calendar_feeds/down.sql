DROP TRIGGER dock_bookings_sequence ON dock_bookings;
DROP FUNCTION dock_bookings_sequence();
ALTER TABLE dock_bookings DROP COLUMN sequence;
DROP TRIGGER users_calendar_feed_ends ON users;
DROP FUNCTION users_calendar_feed_ends();
DROP TABLE calendar_feeds;
ALTER TABLE users DROP COLUMN calendar_feed_generation;
