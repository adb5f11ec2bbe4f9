//! Black-box tests of the dogetionary API: every test starts the development
//! host in-process against its own fresh database and talks HTTP to the real
//! `.wasm` components.

mod admin_auth;
mod ai_audio;
mod ai_illustration;
mod ai_profile;
mod ai_word;
mod analytics;
mod app_version;
mod batch_populate;
mod check_word_videos;
mod content_report;
mod contract;
mod daily_job;
mod deployment;
mod due_counts;
mod fake_provider;
mod feedback;
mod fix_review_dates;
mod health;
mod helpers;
mod languages;
mod openapi;
mod pages;
mod preferences;
mod review_intervals;
mod reviews;
mod routing;
mod save;
mod saved_words;
mod schedule;
mod unsave;
mod usage;
mod usage_reports;
mod video_upload;
mod videos;
