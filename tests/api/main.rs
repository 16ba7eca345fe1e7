//! The black-box tests, one module per part of the API, in one test binary (one link
//! instead of one per file): each test starts the real server on its own database cloned
//! from a migrated template (`common`) and talks HTTP to it.

mod common;

mod attachments;
mod auth;
mod authorization_matrix;
mod calendar;
mod contracts;
mod conventions;
mod docks;
mod jobs;
mod kept_pages;
mod login_limits;
mod notifications;
mod openapi_crawl;
mod organizations;
mod redelivery;
mod reports;
mod revocation;
mod sessions;
mod shutdown;
mod sick_database;
mod technicians;
mod users;
mod vessels;
mod web_app;
mod webhooks;
mod work_logs;
