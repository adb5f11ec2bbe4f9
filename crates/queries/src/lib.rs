#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

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

/// Second statement of a review submit: stores the review and returns the word's review
/// count and the user's new score (2 points per right answer, 1 per wrong one, this
/// review included: `domain::review_points`).
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
)
SELECT (SELECT count(*) FROM reviews WHERE word_id = $2) + 1 AS review_count,
       (SELECT COALESCE(sum(CASE WHEN response THEN 2 ELSE 1 END), 0)
        FROM reviews
        WHERE user_id = $1)
       + (SELECT CASE WHEN response THEN 2 ELSE 1 END FROM inserted) AS new_score
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
pub const ALL: [(&str, &str); 17] = [
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
    ("WORD_LOOKUP", WORD_LOOKUP),
    ("WORD_STORE", WORD_STORE),
    ("AUDIO_LOOKUP", AUDIO_LOOKUP),
    ("AUDIO_STORE", AUDIO_STORE),
    ("ILLUSTRATION_LOOKUP", ILLUSTRATION_LOOKUP),
    ("ILLUSTRATION_STORE", ILLUSTRATION_STORE),
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
