//! Black-box tests of the dogetionary API: every test starts the development
//! host in-process against its own fresh database and talks HTTP to the real
//! `.wasm` components.

mod ai_audio;
mod ai_illustration;
mod ai_profile;
mod ai_word;
mod contract;
mod due_counts;
mod fake_provider;
mod health;
mod helpers;
mod languages;
mod preferences;
mod reviews;
mod routing;
mod save;
mod saved_words;
mod schedule;
mod unsave;
mod usage;
