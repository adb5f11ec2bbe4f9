#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

/// `CASE <test_prep> WHEN 'TOEFL_BEGINNER' THEN bv.is_toefl_beginner ... ELSE false END`: whether
/// the `bundle_vocabularies` row `bv` belongs to the bundle that the SQL expression
/// `test_prep` names (a `user_preferences.test_prep` value); false for any other name.
macro_rules! bundle_member {
    ($test_prep:literal) => {
        concat!(
            "CASE ",
            $test_prep,
            " WHEN 'TOEFL_BEGINNER' THEN bv.is_toefl_beginner",
            " WHEN 'TOEFL_INTERMEDIATE' THEN bv.is_toefl_intermediate",
            " WHEN 'TOEFL_ADVANCED' THEN bv.is_toefl_advanced",
            " WHEN 'IELTS_BEGINNER' THEN bv.is_ielts_beginner",
            " WHEN 'IELTS_INTERMEDIATE' THEN bv.is_ielts_intermediate",
            " WHEN 'IELTS_ADVANCED' THEN bv.is_ielts_advanced",
            " WHEN 'DEMO' THEN bv.is_demo",
            " WHEN 'BUSINESS_ENGLISH' THEN bv.business_english",
            " WHEN 'EVERYDAY_ENGLISH' THEN bv.everyday_english",
            " ELSE false END"
        )
    };
}

mod pronunciation;
pub use pronunciation::*;
mod progress;
pub use progress::*;
mod questions;
pub use questions::*;
mod words;
pub use words::*;

/// The health check's one round trip.
///
/// Parameters: none. Result: one row, `ok INTEGER` (= 1).
pub const HEALTH_CHECK: &str = "SELECT 1 AS ok";

/// Records one API request in `api_usage_logs`, stamped with the database's UTC time.
///
/// Parameters:
/// - `$1 VARCHAR(255)` endpoint: the concrete request path (`String`)
/// - `$2 VARCHAR(10)` HTTP method (`String`)
/// - `$3 UUID` user id, or `NULL`
/// - `$4 INTEGER` response status (`i32`)
/// - `$5 DOUBLE PRECISION` duration in milliseconds (`f64`)
/// - `$6 TEXT` user agent, `''` when absent (`String`)
/// - `$7 VARCHAR(10)` API version such as `v3`, or `NULL`
///
/// Result: none (one row affected).
pub const INSERT_API_USAGE: &str = r#"
INSERT INTO api_usage_logs
    ("timestamp", endpoint, method, user_id, response_status, duration_ms, user_agent, api_version)
VALUES ((now() AT TIME ZONE 'utc'), $1, $2, $3, $4, $5, $6, $7)
"#;

/// Returns a user's preferences, creating the user with the defaults (`en` → `zh`, the
/// given name and motto, 30 minutes a day, UTC) if unknown. One statement.
///
/// Parameters: `$1 UUID` user id, `$2 TEXT` default user name, `$3 TEXT` default motto.
///
/// Result: at most one row of [`SELECT_PREFERENCES`]'s columns. No row only when another
/// transaction created the same user concurrently (its row is not in this statement's
/// snapshot): run [`SELECT_PREFERENCES`] then.
pub const GET_OR_CREATE_PREFERENCES: &str = r#"
WITH created AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $2, $3)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
    RETURNING user_id, learning_language, native_language, user_name, user_motto, test_prep,
              study_duration_days, target_end_date, daily_time_commitment_minutes, timezone
)
SELECT user_id, learning_language, native_language, user_name, user_motto, test_prep,
       study_duration_days, target_end_date, daily_time_commitment_minutes, timezone
FROM created
UNION ALL
SELECT user_id, learning_language, native_language, user_name, user_motto, test_prep,
       study_duration_days, target_end_date, daily_time_commitment_minutes, timezone
FROM user_preferences
WHERE user_id = $1
"#;

/// A user's preferences.
///
/// Parameters: `$1 UUID` user id.
///
/// Result: at most one row: `user_id UUID`, `learning_language VARCHAR`,
/// `native_language VARCHAR`, `user_name VARCHAR NULL`, `user_motto TEXT NULL`,
/// `test_prep TEXT NULL`, `study_duration_days INTEGER NULL`, `target_end_date DATE NULL`,
/// `daily_time_commitment_minutes INTEGER`, `timezone TEXT`.
pub const SELECT_PREFERENCES: &str = r#"
SELECT user_id, learning_language, native_language, user_name, user_motto, test_prep,
       study_duration_days, target_end_date, daily_time_commitment_minutes, timezone
FROM user_preferences
WHERE user_id = $1
"#;

/// Creates or updates a user's preferences in one statement.
///
/// `test_prep`, `study_duration_days` and `target_end_date` are replaced; a `NULL` name,
/// motto, daily commitment or time zone keeps the stored value (a new user gets the
/// default name and motto, 30 minutes and `UTC`).
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(10)` learning language, `$3 VARCHAR(10)` native language
/// - `$4 TEXT NULL` new user name, `$5 TEXT NULL` new motto
/// - `$6 TEXT` default user name, `$7 TEXT` default motto (used when the user has none)
/// - `$8 TEXT NULL` test prep, `$9 INTEGER NULL` study duration in days
/// - `$10 DATE NULL` target end date
/// - `$11 INTEGER NULL` daily time commitment in minutes, `$12 TEXT NULL` time zone
///
/// Result: one row of [`SELECT_PREFERENCES`]'s columns.
pub const UPSERT_PREFERENCES: &str = r#"
INSERT INTO user_preferences AS up
    (user_id, learning_language, native_language, user_name, user_motto, test_prep,
     study_duration_days, target_end_date, daily_time_commitment_minutes, timezone)
VALUES ($1, $2, $3, COALESCE($4, $6), COALESCE($5, $7), $8, $9, $10,
        COALESCE($11, 30), COALESCE($12, 'UTC'))
ON CONFLICT ON CONSTRAINT user_preferences_pkey DO UPDATE SET
    learning_language = EXCLUDED.learning_language,
    native_language = EXCLUDED.native_language,
    user_name = COALESCE($4, up.user_name, $6),
    user_motto = COALESCE($5, up.user_motto, $7),
    test_prep = EXCLUDED.test_prep,
    study_duration_days = EXCLUDED.study_duration_days,
    target_end_date = EXCLUDED.target_end_date,
    daily_time_commitment_minutes = COALESCE($11, up.daily_time_commitment_minutes),
    timezone = COALESCE($12, up.timezone),
    updated_at = (now() AT TIME ZONE 'utc')
RETURNING user_id, learning_language, native_language, user_name, user_motto, test_prep,
          study_duration_days, target_end_date, daily_time_commitment_minutes, timezone
"#;

/// Saves a word in one statement: creates the user if unknown (defaults `en` → `zh`),
/// takes any missing language from the user's preferences, and inserts the word or, if
/// it is already saved, replaces its metadata (a `NULL` metadata keeps the stored one).
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(255)` the normalized word
/// - `$3 VARCHAR(10) NULL` learning language, `$4 VARCHAR(10) NULL` native language
/// - `$5 JSONB NULL` metadata
/// - `$6 TEXT` default user name, `$7 TEXT` default motto (for a new user)
///
/// Result: at most one row: `id INTEGER`, `created_at TIMESTAMP`. No row only when
/// another transaction created the same user concurrently: run it again.
pub const SAVE_WORD: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $6, $7)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
    RETURNING learning_language, native_language
), prefs AS (
    SELECT learning_language, native_language FROM created_user
    UNION ALL
    SELECT learning_language, native_language FROM user_preferences WHERE user_id = $1
)
INSERT INTO saved_words AS sw (user_id, word, learning_language, native_language, metadata)
SELECT $1, $2, COALESCE($3, prefs.learning_language), COALESCE($4, prefs.native_language),
       COALESCE($5, '{}'::jsonb)
FROM prefs
LIMIT 1
ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key
DO UPDATE SET metadata = COALESCE($5, sw.metadata)
RETURNING sw.id, sw.created_at
"#;

/// Deletes one of a user's saved words; its reviews go with it (foreign-key cascade).
///
/// Parameters: `$1 INTEGER` word id, `$2 UUID` user id.
///
/// Result: at most one row: `id INTEGER`, `word VARCHAR`. No row when the user has no
/// saved word with that id.
pub const UNSAVE_WORD: &str = r#"
DELETE FROM saved_words
WHERE id = $1 AND user_id = $2
RETURNING id, word
"#;

/// A user's saved words with their review statistics, ordered by next review date (then
/// id). One statement, scoped to the user's words (each word's reviews are read through
/// `reviews_word_id_reviewed_at_idx`).
///
/// A word's next review date is its latest review's `next_review_date`, or
/// `created_at + 1 day` when it was never reviewed. With `due_only`, only words that are
/// not known and whose next review date falls on or before today (UTC) are returned.
///
/// Parameters: `$1 UUID` user id, `$2 BOOLEAN` due only.
///
/// Result columns:
/// - `id INTEGER`, `word VARCHAR`, `learning_language VARCHAR`, `native_language VARCHAR`,
///   `metadata JSONB`, `created_at TIMESTAMP`, `is_known BOOLEAN`
/// - `review_count BIGINT`, `correct_reviews BIGINT`, `incorrect_reviews BIGINT`
/// - `last_reviewed_at TIMESTAMP NULL`
/// - `next_review_date TIMESTAMP`, `interval_days INTEGER` (whole days from the latest
///   review to its next review date; 1 for a word never reviewed)
/// - `correct_by_window BIGINT[]`, `wrong_by_window BIGINT[]`: right and wrong answers
///   within the last 3, 6, 12, 22, 41 and 84 days, for the progress level
///   (`domain::PROGRESS_WINDOW_DAYS`)
/// - `is_toefl BOOLEAN NULL`, `is_ielts BOOLEAN NULL`, `is_demo BOOLEAN NULL`: the word's
///   bundle flags (levels are cumulative, so TOEFL/IELTS are the advanced flags); `NULL`
///   when the word is in no bundle
pub const SAVED_WORDS: &str = r#"
WITH clock AS (
    SELECT (now() AT TIME ZONE 'utc') AS now
)
SELECT sw.id,
       sw.word,
       sw.learning_language,
       sw.native_language,
       sw.metadata,
       sw.created_at,
       sw.is_known,
       r.review_count,
       r.correct_reviews,
       r.incorrect_reviews,
       r.last_reviewed_at,
       COALESCE(r.latest_next_review, sw.created_at + interval '1 day') AS next_review_date,
       COALESCE(r.latest_next_review::date - r.latest_reviewed_at::date, 1) AS interval_days,
       r.correct_by_window,
       r.wrong_by_window,
       bv.is_toefl_advanced AS is_toefl,
       bv.is_ielts_advanced AS is_ielts,
       bv.is_demo
FROM clock
CROSS JOIN saved_words sw
CROSS JOIN LATERAL (
    SELECT count(*) AS review_count,
           count(*) FILTER (WHERE rv.response) AS correct_reviews,
           count(*) FILTER (WHERE NOT rv.response) AS incorrect_reviews,
           max(rv.reviewed_at) AS last_reviewed_at,
           (array_agg(rv.reviewed_at ORDER BY rv.reviewed_at DESC, rv.id DESC))[1]
               AS latest_reviewed_at,
           (array_agg(rv.next_review_date ORDER BY rv.reviewed_at DESC, rv.id DESC))[1]
               AS latest_next_review,
           ARRAY[
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '3 days'),
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '6 days'),
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '12 days'),
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '22 days'),
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '41 days'),
               count(*) FILTER (WHERE rv.response AND rv.reviewed_at >= clock.now - interval '84 days')
           ] AS correct_by_window,
           ARRAY[
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '3 days'),
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '6 days'),
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '12 days'),
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '22 days'),
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '41 days'),
               count(*) FILTER (WHERE NOT rv.response AND rv.reviewed_at >= clock.now - interval '84 days')
           ] AS wrong_by_window
    FROM reviews rv
    WHERE rv.word_id = sw.id
) r
LEFT JOIN bundle_vocabularies bv
       ON bv.word = sw.word AND bv.language = sw.learning_language
WHERE sw.user_id = $1
  AND (NOT $2
       OR (NOT sw.is_known
           AND COALESCE(r.latest_next_review, sw.created_at + interval '1 day')::date
               <= clock.now::date))
ORDER BY next_review_date, sw.id
"#;

/// How many of a user's words are due, in one statement. Known words are left out of
/// both counts. A word is overdue when its next review date (latest review's
/// `next_review_date`, or `created_at + 1 day` if never reviewed) falls on or before
/// today (UTC).
///
/// Parameters: `$1 UUID` user id.
///
/// Result: one row: `overdue_count BIGINT`, `total_count BIGINT`.
pub const DUE_COUNTS: &str = r#"
SELECT count(*) FILTER (
           WHERE COALESCE(latest.next_review_date, sw.created_at + interval '1 day')::date
                 <= (now() AT TIME ZONE 'utc')::date
       ) AS overdue_count,
       count(*) AS total_count
FROM saved_words sw
LEFT JOIN LATERAL (
    SELECT rv.next_review_date
    FROM reviews rv
    WHERE rv.word_id = sw.id
    ORDER BY rv.reviewed_at DESC, rv.id DESC
    LIMIT 1
) latest ON true
WHERE sw.user_id = $1
  AND NOT sw.is_known
"#;

/// First statement of a review submit (inside its transaction): creates the user if
/// unknown, finds or saves the word (locking its row, so concurrent reviews of one word
/// queue up), and returns what the schedule needs.
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(255)` the normalized word
/// - `$3 VARCHAR(10)` learning language, `$4 VARCHAR(10)` native language
/// - `$5 TEXT` default user name, `$6 TEXT` default motto (for a new user)
///
/// Result: one row: `word_id INTEGER`, `created_at TIMESTAMP` (when the word was saved),
/// `now TIMESTAMP` (the transaction's UTC time, to stamp the review with), `history JSONB`
/// (the word's earlier reviews, oldest first, as `[{"reviewed_at": "...", "correct": bool}]`).
pub const REVIEW_PREPARE: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $5, $6)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
), word AS (
    INSERT INTO saved_words AS sw (user_id, word, learning_language, native_language)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key
    -- A no-op update: it locks the existing row and makes RETURNING yield it.
    DO UPDATE SET word = EXCLUDED.word
    RETURNING sw.id, sw.created_at
)
SELECT word.id AS word_id,
       word.created_at,
       (now() AT TIME ZONE 'utc') AS now,
       COALESCE(
           (SELECT jsonb_agg(jsonb_build_object('reviewed_at', rv.reviewed_at,
                                                'correct', rv.response)
                             ORDER BY rv.reviewed_at, rv.id)
            FROM reviews rv
            WHERE rv.word_id = word.id),
           '[]'::jsonb) AS history
FROM word
"#;

/// Second statement of a review submit: stores the review, records the day it was made
/// on (in the user's time zone, `user_preferences.timezone`) as a streak day, and returns
/// the word's review count and the user's new score (2 points per right answer, 1 per
/// wrong one, this review included: `domain::review_points`). The stored score
/// (`user_preferences.score`) is brought up to date by the `reviews` insert trigger
/// (migration V7) at the end of the statement; the returned one is the stored score read
/// before it plus this review's points.
///
/// Parameters:
/// - `$1 UUID` user id, `$2 INTEGER` word id, `$3 BOOLEAN` right answer
/// - `$4 VARCHAR(50) NULL` question type
/// - `$5 TIMESTAMP` reviewed at (UTC), `$6 TIMESTAMP` next review date (UTC)
///
/// Result: one row: `review_count BIGINT`, `new_score BIGINT`.
pub const REVIEW_INSERT: &str = r#"
WITH inserted AS (
    INSERT INTO reviews (user_id, word_id, response, question_type, reviewed_at, next_review_date)
    VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING response
), streak AS (
    INSERT INTO streak_days (user_id, streak_date)
    SELECT up.user_id, (($5::timestamp AT TIME ZONE 'utc') AT TIME ZONE up.timezone)::date
    FROM user_preferences up
    WHERE up.user_id = $1
    ON CONFLICT ON CONSTRAINT streak_days_user_id_streak_date_key DO NOTHING
)
SELECT (SELECT count(*) FROM reviews WHERE word_id = $2) + 1 AS review_count,
       (SELECT score::bigint FROM user_preferences WHERE user_id = $1)
       + (SELECT CASE WHEN response THEN 2 ELSE 1 END FROM inserted) AS new_score
"#;

/// One batch of the daily test-prep job, in one statement (run outside a transaction, so
/// each batch is kept even if a later one fails). Takes up to `$1` users with a
/// `test_prep` who were not served today (UTC), oldest `user_id` first, locking them
/// (`SKIP LOCKED`: a concurrent run takes other users); adds to each up to `$2` words of
/// their bundle (in their learning language, alphabetical) that they have not saved in
/// that language, with their native language; and marks them served today
/// (`last_test_words_added`). Run it until `users_processed < $1`.
///
/// Parameters: `$1 BIGINT` users per batch, `$2 BIGINT` words per user.
///
/// Result: one row: `users_processed BIGINT`, `words_added BIGINT`.
pub const DAILY_TEST_WORDS_BATCH: &str = concat!(
    r#"
WITH batch AS (
    SELECT up.user_id, up.test_prep, up.learning_language, up.native_language
    FROM user_preferences up
    WHERE up.test_prep IS NOT NULL
      AND (up.last_test_words_added IS NULL
           OR up.last_test_words_added < (now() AT TIME ZONE 'utc')::date)
    ORDER BY up.user_id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT b.user_id, w.word, b.learning_language, b.native_language
    FROM batch b
    CROSS JOIN LATERAL (
        SELECT bv.word
        FROM bundle_vocabularies bv
        WHERE bv.language = b.learning_language
          AND "#,
    bundle_member!("b.test_prep"),
    r#"
          AND NOT EXISTS (
              SELECT 1
              FROM saved_words sw
              WHERE sw.user_id = b.user_id
                AND sw.word = bv.word
                AND sw.learning_language = bv.language
          )
        ORDER BY bv.word
        LIMIT $2
    ) w
), inserted AS (
    INSERT INTO saved_words (user_id, word, learning_language, native_language)
    SELECT user_id, word, learning_language, native_language
    FROM picked
    ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key DO NOTHING
    RETURNING 1
), marked AS (
    UPDATE user_preferences up
    SET last_test_words_added = (now() AT TIME ZONE 'utc')::date
    FROM batch
    WHERE up.user_id = batch.user_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM marked) AS users_processed,
       (SELECT count(*) FROM inserted) AS words_added
"#
);

/// Adds words to a bundle in one statement and reports what was there before. Words are
/// inserted into `bundle_vocabularies` or, already there, get the new flags OR-ed into
/// theirs (levels are cumulative: the caller passes `domain::TestPrep::bundle_flags`).
///
/// Parameters:
/// - `$1 JSONB` the normalized words, a JSON array of strings
/// - `$2 VARCHAR(10)` language
/// - `$3 TEXT` the bundle's test-prep name (`TOEFL_BEGINNER`...): whose flag counts as
///   "already present"
/// - `$4`..`$12 BOOLEAN` the flags to set, in `domain::BUNDLE_COLUMNS` order
///
/// Result: one row: `total_words BIGINT` (distinct words), `added BIGINT` (not flagged
/// for the bundle before), `already_present BIGINT`, `definitions_cached BIGINT` (words
/// with a cached definition in that learning language, any native language).
pub const BATCH_POPULATE_BUNDLE: &str = concat!(
    r#"
WITH input AS (
    SELECT DISTINCT w.word
    FROM jsonb_array_elements_text($1) AS w(word)
), before AS (
    SELECT i.word,
           COALESCE("#,
    bundle_member!("$3"),
    r#", false) AS present
    FROM input i
    LEFT JOIN bundle_vocabularies bv ON bv.word = i.word AND bv.language = $2
), upserted AS (
    INSERT INTO bundle_vocabularies AS bv
        (word, language, is_toefl_beginner, is_toefl_intermediate, is_toefl_advanced,
         is_ielts_beginner, is_ielts_intermediate, is_ielts_advanced, is_demo,
         business_english, everyday_english)
    SELECT word, $2, $4::boolean, $5::boolean, $6::boolean, $7::boolean, $8::boolean,
           $9::boolean, $10::boolean, $11::boolean, $12::boolean
    FROM input
    ON CONFLICT ON CONSTRAINT bundle_vocabularies_pkey DO UPDATE SET
        is_toefl_beginner = bv.is_toefl_beginner OR EXCLUDED.is_toefl_beginner,
        is_toefl_intermediate = bv.is_toefl_intermediate OR EXCLUDED.is_toefl_intermediate,
        is_toefl_advanced = bv.is_toefl_advanced OR EXCLUDED.is_toefl_advanced,
        is_ielts_beginner = bv.is_ielts_beginner OR EXCLUDED.is_ielts_beginner,
        is_ielts_intermediate = bv.is_ielts_intermediate OR EXCLUDED.is_ielts_intermediate,
        is_ielts_advanced = bv.is_ielts_advanced OR EXCLUDED.is_ielts_advanced,
        is_demo = bv.is_demo OR EXCLUDED.is_demo,
        business_english = bv.business_english OR EXCLUDED.business_english,
        everyday_english = bv.everyday_english OR EXCLUDED.everyday_english
    RETURNING 1
)
SELECT (SELECT count(*) FROM input) AS total_words,
       (SELECT count(*) FROM before WHERE NOT present) AS added,
       (SELECT count(*) FROM before WHERE present) AS already_present,
       (SELECT count(*)
        FROM input i
        WHERE EXISTS (SELECT 1
                      FROM definitions d
                      WHERE d.word = i.word AND d.learning_language = $2))
           AS definitions_cached
"#
);

/// The words of a bundle that no video illustrates yet (no `word_to_video` row in the
/// word's language; read through `word_to_video_word_language_video_key`), alphabetical.
///
/// Parameters: `$1 TEXT` the bundle's test-prep name (`TOEFL_BEGINNER`...),
/// `$2 VARCHAR(10)` language.
///
/// Result: rows of `word VARCHAR`.
pub const WORDS_NEEDING_VIDEOS: &str = concat!(
    r#"
SELECT bv.word
FROM bundle_vocabularies bv
WHERE bv.language = $2
  AND "#,
    bundle_member!("$1"),
    r#"
  AND NOT EXISTS (
      SELECT 1
      FROM word_to_video wv
      WHERE wv.word = bv.word AND wv.learning_language = bv.language
  )
ORDER BY bv.word
"#
);

/// Stores one uploaded video and its word mappings in one statement (inside the upload's
/// transaction). The video is idempotent on (name, format): an existing one is kept as
/// it is and its id returned. Each mapping is inserted, or (same word, language and
/// video) has its score, source and transcript source replaced.
///
/// Parameters:
/// - `$1 VARCHAR(255)` name, `$2 VARCHAR(10)` format
/// - `$3 TEXT` the video, base64 (decoded by the server; already validated)
/// - `$4 INTEGER` size in bytes
/// - `$5 TEXT NULL` transcript, `$6 TEXT NULL` audio transcript
/// - `$7 BOOLEAN` audio transcript verified
/// - `$8 JSONB NULL` whisper metadata, `$9 JSONB` metadata
/// - `$10 VARCHAR(100) NULL` source id (video and mappings)
/// - `$11 JSONB` the mappings: `[{"word","learning_language","relevance_score"
///   (number or null),"transcript_source"}]`, no (word, language) twice
///
/// Result: at most one row: `video_id INTEGER`, `created BOOLEAN`,
/// `mappings_created BIGINT`, `mappings_skipped BIGINT` (already there, updated). No row
/// only when a concurrent upload of the same (name, format) has not committed yet.
pub const UPLOAD_VIDEO: &str = r#"
WITH created AS (
    INSERT INTO videos
        (name, format, video_data, size_bytes, transcript, audio_transcript,
         audio_transcript_verified, whisper_metadata, metadata, source_id)
    VALUES ($1, $2, decode($3, 'base64'), $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT ON CONSTRAINT videos_name_format_key DO NOTHING
    RETURNING id
), video AS (
    SELECT id, true AS created FROM created
    UNION ALL
    SELECT id, false AS created FROM videos WHERE name = $1 AND format = $2
    LIMIT 1
), mapped AS (
    INSERT INTO word_to_video AS wv
        (word, learning_language, video_id, relevance_score, source_id, transcript_source)
    SELECT m.word, m.learning_language, video.id, m.relevance_score::numeric(3, 2), $10,
           m.transcript_source
    FROM video
    CROSS JOIN jsonb_to_recordset($11) AS m(word text, learning_language text,
                                           relevance_score float8, transcript_source text)
    ON CONFLICT ON CONSTRAINT word_to_video_word_language_video_key DO UPDATE SET
        relevance_score = EXCLUDED.relevance_score,
        transcript_source = EXCLUDED.transcript_source,
        source_id = COALESCE(EXCLUDED.source_id, wv.source_id)
    RETURNING (xmax = 0) AS inserted
)
SELECT video.id AS video_id,
       video.created,
       (SELECT count(*) FROM mapped WHERE inserted) AS mappings_created,
       (SELECT count(*) FROM mapped WHERE NOT inserted) AS mappings_skipped
FROM video
"#;

/// One batch of the next-review-date repair: the next `$2` saved words with at least one
/// review whose id is above `$1` (keyset pagination by `saved_words.id`), with what
/// `domain::next_review_date` needs and the latest review's stored date. Each word's
/// reviews are read through `reviews_word_id_reviewed_at_idx`.
///
/// Parameters: `$1 INTEGER` last word id of the previous batch (0 to start),
/// `$2 BIGINT` batch size.
///
/// Result: rows of `word_id INTEGER`, `created_at TIMESTAMP`, `latest_review_id INTEGER`,
/// `latest_next_review TIMESTAMP`, `history JSONB` (every review, oldest first, as
/// `[{"reviewed_at": "...", "correct": bool}]`), by `word_id`.
pub const REPAIR_REVIEW_DATES_BATCH: &str = r#"
SELECT sw.id AS word_id,
       sw.created_at,
       h.latest_review_id,
       h.latest_next_review,
       h.history
FROM saved_words sw
CROSS JOIN LATERAL (
    SELECT (array_agg(rv.id ORDER BY rv.reviewed_at DESC, rv.id DESC))[1] AS latest_review_id,
           (array_agg(rv.next_review_date ORDER BY rv.reviewed_at DESC, rv.id DESC))[1]
               AS latest_next_review,
           jsonb_agg(jsonb_build_object('reviewed_at', rv.reviewed_at, 'correct', rv.response)
                     ORDER BY rv.reviewed_at, rv.id) AS history
    FROM reviews rv
    WHERE rv.word_id = sw.id
) h
WHERE sw.id > $1
  AND h.latest_review_id IS NOT NULL
ORDER BY sw.id
LIMIT $2
"#;

/// Writes corrected next review dates, one statement per batch; a row already holding
/// its date is left alone.
///
/// Parameters: `$1 JSONB` `[{"id": review id, "next_review_date": "YYYY-MM-DDTHH:MM:SS.ffffff"}]`.
///
/// Result: none; the row count is the number of reviews changed.
pub const REPAIR_REVIEW_DATES_UPDATE: &str = r#"
UPDATE reviews rv
SET next_review_date = u.next_review_date
FROM jsonb_to_recordset($1) AS u(id integer, next_review_date timestamp)
WHERE rv.id = u.id
  AND rv.next_review_date IS DISTINCT FROM u.next_review_date
"#;

/// API usage over the last 7 days (read through `api_usage_logs_timestamp_idx`).
///
/// Parameters: none.
///
/// Result: one row: `total_endpoints BIGINT` (distinct endpoint and method),
/// `total_calls BIGINT`, `unique_users BIGINT`, `avg_duration_ms DOUBLE PRECISION NULL`.
pub const USAGE_SUMMARY: &str = r#"
SELECT count(DISTINCT (endpoint, method)) AS total_endpoints,
       count(*) AS total_calls,
       count(DISTINCT user_id) AS unique_users,
       avg(duration_ms) AS avg_duration_ms
FROM api_usage_logs
WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '7 days'
"#;

/// API calls of the last 7 days per API version (`unversioned` for plain paths), most
/// used first (read through `api_usage_logs_timestamp_idx`).
///
/// Parameters: none.
///
/// Result: rows of `version TEXT`, `call_count BIGINT`, `endpoint_count BIGINT`,
/// `last_call TIMESTAMP`.
pub const USAGE_VERSIONS: &str = r#"
SELECT COALESCE(api_version, 'unversioned') AS version,
       count(*) AS call_count,
       count(DISTINCT endpoint) AS endpoint_count,
       max("timestamp") AS last_call
FROM api_usage_logs
WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '7 days'
GROUP BY COALESCE(api_version, 'unversioned')
ORDER BY call_count DESC, version
"#;

/// API calls of the last 7 days per (concrete path, method, version), with counts and
/// last calls over 1, 3 and 7 days; the `$1` most called (read through
/// `api_usage_logs_timestamp_idx`).
///
/// Parameters: `$1 BIGINT` how many endpoints.
///
/// Result: rows of `endpoint VARCHAR`, `method VARCHAR`, `api_version VARCHAR NULL`,
/// `count_1d BIGINT`, `last_call_1d TIMESTAMP NULL`, `count_3d BIGINT`,
/// `last_call_3d TIMESTAMP NULL`, `count_7d BIGINT`, `last_call_7d TIMESTAMP`,
/// `avg_duration_ms DOUBLE PRECISION NULL`; most called first.
pub const USAGE_ENDPOINTS: &str = r#"
SELECT endpoint,
       method,
       api_version,
       count(*) FILTER (WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '1 day')
           AS count_1d,
       max("timestamp") FILTER (WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '1 day')
           AS last_call_1d,
       count(*) FILTER (WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '3 days')
           AS count_3d,
       max("timestamp") FILTER (WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '3 days')
           AS last_call_3d,
       count(*) AS count_7d,
       max("timestamp") AS last_call_7d,
       avg(duration_ms) AS avg_duration_ms
FROM api_usage_logs
WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '7 days'
GROUP BY endpoint, method, api_version
ORDER BY count_7d DESC, endpoint, method
LIMIT $1
"#;

/// API calls per day (UTC) over the last 7 days, newest first (read through
/// `api_usage_logs_timestamp_idx`).
///
/// Parameters: none.
///
/// Result: rows of `day DATE`, `calls BIGINT`, `users BIGINT` (distinct known users).
pub const USAGE_DAILY: &str = r#"
SELECT "timestamp"::date AS day,
       count(*) AS calls,
       count(DISTINCT user_id) AS users
FROM api_usage_logs
WHERE "timestamp" >= (now() AT TIME ZONE 'utc') - interval '7 days'
GROUP BY "timestamp"::date
ORDER BY day DESC
"#;

/// The app's tracked actions over the last 7 days, per action, the `$1` most frequent
/// (read through `user_actions_created_at_idx`).
///
/// Parameters: `$1 BIGINT` how many actions.
///
/// Result: rows of `action VARCHAR`, `category VARCHAR`, `count BIGINT`, `users BIGINT`,
/// `last_at TIMESTAMP`.
pub const USAGE_ACTIONS: &str = r#"
SELECT action,
       category,
       count(*) AS count,
       count(DISTINCT user_id) AS users,
       max(created_at) AS last_at
FROM user_actions
WHERE created_at >= (now() AT TIME ZONE 'utc') - interval '7 days'
GROUP BY action, category
ORDER BY count DESC, action, category
LIMIT $1
"#;

/// Stores one piece of feedback. `user_feedback` has no foreign key, so an unknown user
/// needs no row in `user_preferences`.
///
/// Parameters: `$1 UUID` user id, `$2 TEXT` the feedback (trimmed, 1..=500 characters).
///
/// Result: one row: `id INTEGER`, `created_at TIMESTAMP` (UTC).
pub const INSERT_FEEDBACK: &str = r#"
INSERT INTO user_feedback (user_id, feedback)
VALUES ($1, $2)
RETURNING id, created_at
"#;

/// Records one analytics event in one statement, creating the user first if unknown
/// (`user_actions.user_id` references `user_preferences`; the foreign key is checked at
/// the end of the statement, when the new user row exists).
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(50)` action, `$3 VARCHAR(30)` category
/// - `$4 JSONB NULL` metadata (`NULL` stores `{}`)
/// - `$5 VARCHAR(100) NULL` session id, `$6 VARCHAR(20)` platform,
///   `$7 VARCHAR(20) NULL` app version
/// - `$8 TEXT` default user name, `$9 TEXT` default motto (for a new user)
///
/// Result: none (one row affected).
pub const TRACK_ACTION: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $8, $9)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
)
INSERT INTO user_actions (user_id, action, category, metadata, session_id, platform, app_version)
VALUES ($1, $2, $3, COALESCE($4, '{}'::jsonb), $5, $6, $7)
"#;

/// Stores a content report in one statement, creating the user first if unknown. A
/// repeated report (same user, word, languages, question type and report type) updates
/// the existing row: `reported_at` becomes now, a new comment or video id replaces the
/// stored one (a `NULL` keeps it); `status` is left as it is.
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(255)` word (normalized)
/// - `$3 VARCHAR(10)` learning language, `$4 VARCHAR(10)` native language
/// - `$5 VARCHAR(50)` question type, `$6 VARCHAR(50)` report type
/// - `$7 INTEGER NULL` video id, `$8 TEXT NULL` comment
/// - `$9 TEXT` default user name, `$10 TEXT` default motto (for a new user)
///
/// Result: one row: `id INTEGER`.
pub const REPORT_CONTENT: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $9, $10)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
)
INSERT INTO reported_content AS rc
    (user_id, word, learning_language, native_language, question_type, report_type,
     video_id, comment)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT ON CONSTRAINT reported_content_user_question_report_key DO UPDATE SET
    reported_at = (now() AT TIME ZONE 'utc'),
    comment = COALESCE(EXCLUDED.comment, rc.comment),
    video_id = COALESCE(EXCLUDED.video_id, rc.video_id)
RETURNING rc.id
"#;

/// How many videos illustrate a word, read from the index of
/// `word_to_video_word_language_video_key` (word, learning_language, video_id).
///
/// Parameters: `$1 VARCHAR(255)` word (normalized), `$2 VARCHAR(10)` learning language.
///
/// Result: one row: `video_count BIGINT`.
pub const COUNT_WORD_VIDEOS: &str = r#"
SELECT count(*) AS video_count
FROM word_to_video
WHERE word = $1 AND learning_language = $2
"#;

/// A video's format, its total size and only the requested bytes, in one statement:
/// `substring` of a `BYTEA` reads just the slices of the stored value it needs
/// (`videos.video_data` is stored uncompressed, see migration V4), and `octet_length`
/// reads the size from the value's header.
///
/// Parameters:
/// - `$1 INTEGER` video id
/// - `$2 INTEGER NULL` zero-based first byte; `NULL` for a suffix range: start `$3`
///   bytes before the end (at 0 when the video is shorter)
/// - `$3 INTEGER` how many bytes at most (`domain::FetchWindow`)
///
/// Result: at most one row: `format VARCHAR`, `total_bytes INTEGER`, `data BYTEA`.
pub const VIDEO_SLICE: &str = r#"
SELECT format,
       octet_length(video_data) AS total_bytes,
       substring(video_data
                 FROM COALESCE($2, greatest(octet_length(video_data) - $3, 0)) + 1
                 FOR $3) AS data
FROM videos
WHERE id = $1
"#;

/// `GET /v3/word`, first statement: creates the user if unknown (defaults `en` → `zh`),
/// fills a missing language from the user's preferences, reads the cached definition
/// and, when there is one, saves the word for the user (an already saved word is left
/// as it is) and lists which of the word and its example sentences have audio.
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 VARCHAR(255)` the normalized word
/// - `$3 VARCHAR(10) NULL` learning language, `$4 VARCHAR(10) NULL` native language
/// - `$5 TEXT` default user name, `$6 TEXT` default motto (for a new user)
///
/// Result: at most one row: `learning_language VARCHAR`, `native_language VARCHAR`,
/// `definition_data JSONB NULL` (`NULL`: not cached), `audio_texts TEXT[]` (the texts
/// among the word and every `definitions[*].examples[*]` that have a row in `audio` for
/// the learning language; empty when not cached). No row only when another transaction
/// created the same user concurrently: run it again.
pub const WORD_LOOKUP: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $5, $6)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
    RETURNING learning_language, native_language
), langs AS (
    SELECT COALESCE($3, p.learning_language) AS learning_language,
           COALESCE($4, p.native_language) AS native_language
    FROM (
        SELECT learning_language, native_language FROM created_user
        UNION ALL
        SELECT learning_language, native_language FROM user_preferences WHERE user_id = $1
        LIMIT 1
    ) p
), cached AS (
    SELECT d.definition_data
    FROM langs
    JOIN definitions d
      ON d.word = $2
     AND d.learning_language = langs.learning_language
     AND d.native_language = langs.native_language
), saved AS (
    INSERT INTO saved_words (user_id, word, learning_language, native_language)
    SELECT $1, $2, langs.learning_language, langs.native_language
    FROM langs
    WHERE EXISTS (SELECT 1 FROM cached)
    ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key DO NOTHING
)
SELECT langs.learning_language,
       langs.native_language,
       cached.definition_data,
       ARRAY(
           SELECT a.text_content
           FROM audio a
           WHERE cached.definition_data IS NOT NULL
             AND a.language = langs.learning_language
             AND a.text_content IN (
                 SELECT $2::text
                 UNION ALL
                 SELECT jsonb_path_query(cached.definition_data, '$.definitions[*].examples[*]') #>> '{}'
             )
       ) AS audio_texts
FROM langs
LEFT JOIN cached ON true
"#;

/// `GET /v3/word`, second statement after a cache miss: stores the generated definition
/// (`schema_version` 4), saves the word for the user, and lists which texts have audio.
/// When a concurrent request stored the word first, its row is kept and returned (the
/// table keeps one row per word and languages).
///
/// Parameters:
/// - `$1 UUID` user id (already created by [`WORD_LOOKUP`])
/// - `$2 VARCHAR(255)` the normalized word
/// - `$3 VARCHAR(10)` learning language, `$4 VARCHAR(10)` native language
/// - `$5 JSONB` the generated definition
///
/// Result: one row: `definition_data JSONB` (the stored definition), `audio_texts TEXT[]`
/// as in [`WORD_LOOKUP`].
pub const WORD_STORE: &str = r#"
WITH stored AS (
    INSERT INTO definitions AS d (word, learning_language, native_language, definition_data, schema_version)
    VALUES ($2, $3, $4, $5, 4)
    ON CONFLICT ON CONSTRAINT definitions_pkey
    -- A no-op update: it makes RETURNING yield the row a concurrent request stored.
    DO UPDATE SET updated_at = d.updated_at
    RETURNING d.definition_data
), saved AS (
    INSERT INTO saved_words (user_id, word, learning_language, native_language)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key DO NOTHING
)
SELECT stored.definition_data,
       ARRAY(
           SELECT a.text_content
           FROM audio a
           WHERE a.language = $3
             AND a.text_content IN (
                 SELECT $2::text
                 UNION ALL
                 SELECT jsonb_path_query(stored.definition_data, '$.definitions[*].examples[*]') #>> '{}'
             )
       ) AS audio_texts
FROM stored
"#;

/// Cached text-to-speech audio of a text in a language.
///
/// Parameters: `$1 TEXT` the text, `$2 VARCHAR(10)` language.
///
/// Result: at most one row: `audio_data TEXT` (the bytes as base64, without line breaks),
/// `content_type VARCHAR`, `created_at TIMESTAMP`.
pub const AUDIO_LOOKUP: &str = r#"
SELECT replace(encode(audio_data, 'base64'), chr(10), '') AS audio_data, content_type, created_at
FROM audio
WHERE text_content = $1 AND language = $2
"#;

/// Stores generated MP3 audio; a row stored concurrently for the same text is kept.
///
/// Parameters: `$1 TEXT` the text, `$2 VARCHAR(10)` language, `$3 TEXT` the MP3 bytes as
/// base64.
///
/// Result: at most one row: `created_at TIMESTAMP`. No row when the text already had audio.
pub const AUDIO_STORE: &str = r#"
INSERT INTO audio (text_content, language, audio_data, content_type)
VALUES ($1, $2, decode($3, 'base64'), 'audio/mpeg')
ON CONFLICT ON CONSTRAINT audio_pkey DO NOTHING
RETURNING created_at
"#;

/// The cached illustration of a word and, when there is none, the word's newest cached
/// definition in that learning language (to describe the scene from).
///
/// Parameters: `$1 VARCHAR(255)` the normalized word, `$2 VARCHAR(10)` language.
///
/// Result: one row: `scene_description TEXT NULL`, `image_data TEXT NULL` (base64, no line
/// breaks), `content_type VARCHAR NULL`, `created_at TIMESTAMP NULL` (all `NULL` when not
/// cached), `definition_data JSONB NULL` (only when not cached).
pub const ILLUSTRATION_LOOKUP: &str = r#"
SELECT i.scene_description,
       replace(encode(i.image_data, 'base64'), chr(10), '') AS image_data,
       i.content_type,
       i.created_at,
       CASE WHEN i.word IS NULL THEN (
           SELECT d.definition_data
           FROM definitions d
           WHERE d.word = $1 AND d.learning_language = $2
           ORDER BY d.updated_at DESC
           LIMIT 1
       ) END AS definition_data
FROM (SELECT 1) AS one
LEFT JOIN illustrations i ON i.word = $1 AND i.language = $2
"#;

/// Stores a generated illustration; a row stored concurrently for the same word is kept.
///
/// Parameters: `$1 VARCHAR(255)` word, `$2 VARCHAR(10)` language, `$3 TEXT` scene
/// description, `$4 TEXT` the PNG bytes as base64.
///
/// Result: at most one row: `created_at TIMESTAMP`. No row when the word already had one.
pub const ILLUSTRATION_STORE: &str = r#"
INSERT INTO illustrations (word, language, scene_description, image_data, content_type)
VALUES ($1, $2, $3, decode($4, 'base64'), 'image/png')
ON CONFLICT ON CONSTRAINT illustrations_pkey DO NOTHING
RETURNING created_at
"#;

/// Every statement, with its name, for tools that prepare or explain them all.
pub const ALL: [(&str, &str); 56] = [
    ("HEALTH_CHECK", HEALTH_CHECK),
    ("INSERT_API_USAGE", INSERT_API_USAGE),
    ("GET_OR_CREATE_PREFERENCES", GET_OR_CREATE_PREFERENCES),
    ("SELECT_PREFERENCES", SELECT_PREFERENCES),
    ("UPSERT_PREFERENCES", UPSERT_PREFERENCES),
    ("SAVE_WORD", SAVE_WORD),
    ("UNSAVE_WORD", UNSAVE_WORD),
    ("SAVED_WORDS", SAVED_WORDS),
    ("DUE_COUNTS", DUE_COUNTS),
    ("REVIEW_PREPARE", REVIEW_PREPARE),
    ("REVIEW_INSERT", REVIEW_INSERT),
    ("DAILY_TEST_WORDS_BATCH", DAILY_TEST_WORDS_BATCH),
    ("BATCH_POPULATE_BUNDLE", BATCH_POPULATE_BUNDLE),
    ("WORDS_NEEDING_VIDEOS", WORDS_NEEDING_VIDEOS),
    ("UPLOAD_VIDEO", UPLOAD_VIDEO),
    ("REPAIR_REVIEW_DATES_BATCH", REPAIR_REVIEW_DATES_BATCH),
    ("REPAIR_REVIEW_DATES_UPDATE", REPAIR_REVIEW_DATES_UPDATE),
    ("USAGE_SUMMARY", USAGE_SUMMARY),
    ("USAGE_VERSIONS", USAGE_VERSIONS),
    ("USAGE_ENDPOINTS", USAGE_ENDPOINTS),
    ("USAGE_DAILY", USAGE_DAILY),
    ("USAGE_ACTIONS", USAGE_ACTIONS),
    ("INSERT_FEEDBACK", INSERT_FEEDBACK),
    ("TRACK_ACTION", TRACK_ACTION),
    ("REPORT_CONTENT", REPORT_CONTENT),
    ("COUNT_WORD_VIDEOS", COUNT_WORD_VIDEOS),
    ("VIDEO_SLICE", VIDEO_SLICE),
    ("WORD_LOOKUP", WORD_LOOKUP),
    ("WORD_STORE", WORD_STORE),
    ("AUDIO_LOOKUP", AUDIO_LOOKUP),
    ("AUDIO_STORE", AUDIO_STORE),
    ("ILLUSTRATION_LOOKUP", ILLUSTRATION_LOOKUP),
    ("ILLUSTRATION_STORE", ILLUSTRATION_STORE),
    ("USER_LEARNING_LANGUAGE", USER_LEARNING_LANGUAGE),
    (
        "PRONUNCIATION_PRACTICE_INSERT",
        PRONUNCIATION_PRACTICE_INSERT,
    ),
    ("PRONOUNCE_REVIEW_INSERT", PRONOUNCE_REVIEW_INSERT),
    ("VIDEO_SEARCH_ENQUEUE", VIDEO_SEARCH_ENQUEUE),
    ("VIDEO_SEARCH_CLAIM", VIDEO_SEARCH_CLAIM),
    ("VIDEO_SEARCH_FINISH", VIDEO_SEARCH_FINISH),
    ("STREAK_DATES", STREAK_DATES),
    ("USER_SCORE", USER_SCORE),
    ("BUNDLE_COUNTS", BUNDLE_COUNTS),
    ("LEADERBOARD", LEADERBOARD),
    ("USER_TEST_PREP", USER_TEST_PREP),
    ("UPDATE_TEST_PREP", UPDATE_TEST_PREP),
    ("SCHEDULE_DATA", SCHEDULE_DATA),
    ("REVIEW_BATCH", REVIEW_BATCH),
    ("STORE_REVIEW_BATCH", STORE_REVIEW_BATCH),
    ("VIDEO_QUESTIONS", VIDEO_QUESTIONS),
    ("STORE_VIDEO_QUESTIONS", STORE_VIDEO_QUESTIONS),
    ("IS_WORD_SAVED", IS_WORD_SAVED),
    ("TOGGLE_EXCLUDE", TOGGLE_EXCLUDE),
    ("WORD_WITH_HISTORY", WORD_WITH_HISTORY),
    ("WORDS_WITH_HISTORY", WORDS_WITH_HISTORY),
    ("PRACTICE_STATUS", PRACTICE_STATUS),
    ("PROGRESS_STATS", PROGRESS_STATS),
];

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn every_now_is_converted_to_a_utc_timestamp() {
        for (name, sql) in ALL {
            for (i, _) in sql.match_indices("now()") {
                let rest = sql.get(i + "now()".len()..).unwrap_or_default();
                assert!(
                    rest.starts_with(" AT TIME ZONE 'utc'"),
                    "{name}: now() must be read as (now() AT TIME ZONE 'utc')"
                );
            }
            assert!(
                !sql.to_lowercase().contains("timestamptz"),
                "{name}: spin:postgres cannot read TIMESTAMPTZ"
            );
        }
    }

    #[test]
    fn placeholders_are_numbered_from_one_without_gaps() {
        for (name, sql) in ALL {
            let mut used: Vec<usize> = sql
                .match_indices('$')
                .filter_map(|(i, _)| {
                    let digits: String = sql
                        .get(i + 1..)
                        .unwrap_or_default()
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    digits.parse().ok()
                })
                .collect();
            used.sort_unstable();
            used.dedup();
            let expected: Vec<usize> = (1..=used.len()).collect();
            assert_eq!(used, expected, "{name}: placeholders");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = ALL.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
