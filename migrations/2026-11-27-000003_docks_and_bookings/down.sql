DROP TABLE dock_bookings;
DROP TABLE docks;
