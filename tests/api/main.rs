//! Black-box tests of the dogetionary API: every test starts the development
//! host in-process against its own fresh database and talks HTTP to the real
//! `.wasm` components.

mod analytics;
mod app_version;
mod check_word_videos;
mod content_report;
mod contract;
mod due_counts;
mod feedback;
mod health;
mod helpers;
mod languages;
mod pages;
mod preferences;
mod reviews;
mod routing;
mod save;
mod saved_words;
mod schedule;
mod unsave;
mod usage;
mod videos;
