#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod bundle;
mod error;
mod language;
mod preferences;
mod progress;
mod question;
mod schedule;
mod simulation;
mod test_prep;
mod time;
mod timezones;
mod user;
mod word;

pub use bundle::BUNDLE_COLUMNS;
pub use error::{FieldError, InvalidValue};
pub use language::{LANGUAGES, LanguageCode};
pub use preferences::{
    DAILY_MINUTES, DEFAULT_DAILY_MINUTES, FieldSource, PreferencesInput, PreferencesUpdate,
    STUDY_DURATION_DAYS, USER_MOTTO_MAX_CHARS, USER_NAME_MAX_CHARS, bounded,
};
pub use progress::{
    PROGRESS_WINDOW_DAYS, WindowCounts, progress_level, review_points, score, word_progress_level,
};
pub use question::{
    CHOICE_IDS, Choice, MAX_CHOICES, MIN_CHOICES, QUESTION_TYPES, check_choices, shuffle_choices,
    word_choices,
};
pub use schedule::{
    MAX_INTERVAL_DAYS, RETENTION_THRESHOLD, Review, decay_rate, next_review_date, retention_at,
    whole_days,
};
pub use simulation::{SimulatedReview, simulate_reviews};
pub use test_prep::TestPrep;
pub use time::{Timezone, format_date, format_utc, iso8601, parse_date};
pub use user::UserId;
pub use word::{QuestionType, Word};

mod achievements;
mod study_schedule;

pub use achievements::{
    ACHIEVEMENTS, Achievement, AchievementProgress, STUDY_PLAN_DAYS, StudyPlan, Tier,
    achievement_progress, streak_length, study_plans,
};
pub use study_schedule::{
    DayPlan, DaySummary, PROJECTED_REVIEWS, PracticeWord, ScheduleInput, ScheduleWord,
    plan_schedule,
};

mod app_input;
mod app_version;
mod byte_range;
mod curve;
mod media;
mod pronunciation;
mod review_stats;

pub use app_input::{
    APP_VERSION_MAX_CHARS, AnalyticsAction, FEEDBACK_MAX_CHARS, PLATFORM_MAX_CHARS,
    REPORT_COMMENT_MAX_CHARS, ReportType, SESSION_ID_MAX_CHARS, optional_text, required_text,
};
pub use app_version::{AppVersion, VersionStatus, version_status};
pub use byte_range::{ByteSpan, FetchWindow, RangeRequest, Resolved, unsatisfied_content_range};
pub use curve::{CurvePoint, Marker, ReviewMarker, WordCurve, daily_retention, word_curve};
pub use media::video_content_type;
pub use pronunciation::{
    AudioClip, AudioFormat, DEFAULT_PASS_THRESHOLD, Evaluation, MAX_AUDIO_BYTES,
    PRONUNCIATION_TEXT_MAX_CHARS, evaluate, normalise_for_comparison, pass_threshold, similarity,
};
pub use review_stats::{success_rate_percent, whole_percent};
