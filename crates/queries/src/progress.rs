//! Streaks, scores, achievements, the leaderboard, test-prep settings and the study
//! schedule.

/// A user's streak days and their today. "Today" is the date in the user's time zone
/// (`user_preferences.timezone`; UTC for an unknown user). Each review records the day it
/// was made on in that zone ([`REVIEW_INSERT`](crate::REVIEW_INSERT)).
///
/// Parameters: `$1 UUID` user id.
///
/// Result: one row: `today DATE`, `dates JSONB` (the user's streak days up to today,
/// newest first, as `"YYYY-MM-DD"` strings).
pub const STREAK_DATES: &str = r#"
WITH clock AS (
    SELECT ((now() AT TIME ZONE 'utc') AT TIME ZONE 'utc'
            AT TIME ZONE COALESCE((SELECT timezone FROM user_preferences WHERE user_id = $1),
                                  'UTC'))::date AS today
)
SELECT clock.today,
       COALESCE((SELECT jsonb_agg(sd.streak_date ORDER BY sd.streak_date DESC)
                 FROM streak_days sd
                 WHERE sd.user_id = $1 AND sd.streak_date <= clock.today),
                '[]'::jsonb) AS dates
FROM clock
"#;

/// A user's stored score (maintained by triggers on `reviews`, migration V7).
///
/// Parameters: `$1 UUID` user id.
///
/// Result: one row: `score BIGINT` (0 for an unknown user).
pub const USER_SCORE: &str = r#"
SELECT COALESCE((SELECT score FROM user_preferences WHERE user_id = $1), 0)::bigint AS score
"#;

/// How many words each bundle has in a language, and how many of them a user saved (in
/// that learning language). The counts are in `domain::BUNDLE_COLUMNS` order.
///
/// Parameters: `$1 UUID NULL` user id (`NULL`: nothing saved), `$2 VARCHAR(10) NULL`
/// language (`NULL`: the user's learning language, else `en`).
///
/// Result: one row: `language VARCHAR`, `totals BIGINT[]` (9 counts), `saved BIGINT[]`
/// (9 counts), `total_unique BIGINT` (words in any bundle).
pub const BUNDLE_COUNTS: &str = r#"
WITH lang AS (
    SELECT COALESCE($2, (SELECT learning_language FROM user_preferences WHERE user_id = $1),
                    'en') AS language
)
SELECT lang.language, c.totals, c.saved, c.total_unique
FROM lang
CROSS JOIN LATERAL (
    SELECT ARRAY[count(*) FILTER (WHERE bv.is_toefl_beginner),
                 count(*) FILTER (WHERE bv.is_toefl_intermediate),
                 count(*) FILTER (WHERE bv.is_toefl_advanced),
                 count(*) FILTER (WHERE bv.is_ielts_beginner),
                 count(*) FILTER (WHERE bv.is_ielts_intermediate),
                 count(*) FILTER (WHERE bv.is_ielts_advanced),
                 count(*) FILTER (WHERE bv.is_demo),
                 count(*) FILTER (WHERE bv.business_english),
                 count(*) FILTER (WHERE bv.everyday_english)] AS totals,
           ARRAY[count(*) FILTER (WHERE bv.is_toefl_beginner AND s.saved),
                 count(*) FILTER (WHERE bv.is_toefl_intermediate AND s.saved),
                 count(*) FILTER (WHERE bv.is_toefl_advanced AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_beginner AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_intermediate AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_advanced AND s.saved),
                 count(*) FILTER (WHERE bv.is_demo AND s.saved),
                 count(*) FILTER (WHERE bv.business_english AND s.saved),
                 count(*) FILTER (WHERE bv.everyday_english AND s.saved)] AS saved,
           count(*) AS total_unique
    FROM bundle_vocabularies bv
    CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1
                       FROM saved_words sw
                       WHERE sw.user_id = $1
                         AND sw.word = bv.word
                         AND sw.learning_language = bv.language) AS saved
    ) s
    WHERE bv.language = lang.language
) c
"#;

/// The leaderboard's top: users by stored score (highest first, ties in `user_id`
/// order), read from `user_preferences_score_idx` and stopped after `$1` rows. Users
/// with equal scores share a rank. A missing name or motto is `''`.
///
/// Parameters: `$1 BIGINT` how many users.
///
/// Result: rows of `rank BIGINT`, `user_id UUID`, `user_name TEXT`, `user_motto TEXT`,
/// `score INTEGER`, `total_reviews INTEGER`, `total_users BIGINT` (every user, the same
/// on each row).
pub const LEADERBOARD: &str = r#"
SELECT rank() OVER (ORDER BY up.score DESC) AS rank,
       up.user_id,
       COALESCE(up.user_name, '')::text AS user_name,
       COALESCE(up.user_motto, '') AS user_motto,
       up.score,
       up.total_reviews,
       (SELECT count(*) FROM user_preferences) AS total_users
FROM user_preferences up
ORDER BY up.score DESC, up.user_id
LIMIT $1
"#;

/// A user's test-prep settings, bundle counts and streak, in one statement.
///
/// Parameters: `$1 UUID` user id.
///
/// Result: at most one row (none for an unknown user): `learning_language VARCHAR`,
/// `native_language VARCHAR`, `user_name VARCHAR NULL`, `test_prep TEXT NULL`,
/// `study_duration_days INTEGER NULL`, `target_end_date DATE NULL`,
/// `last_test_words_added DATE NULL`, `timezone TEXT`, `today DATE` (in the user's time
/// zone), `totals BIGINT[]` and `saved BIGINT[]` as in [`BUNDLE_COUNTS`] (the user's
/// learning language), `streak_dates JSONB` as in [`STREAK_DATES`].
pub const USER_TEST_PREP: &str = r#"
WITH up AS (
    SELECT p.*,
           ((now() AT TIME ZONE 'utc') AT TIME ZONE 'utc' AT TIME ZONE p.timezone)::date AS today
    FROM user_preferences p
    WHERE p.user_id = $1
)
SELECT up.learning_language, up.native_language, up.user_name, up.test_prep,
       up.study_duration_days, up.target_end_date, up.last_test_words_added, up.timezone,
       up.today, c.totals, c.saved,
       COALESCE((SELECT jsonb_agg(sd.streak_date ORDER BY sd.streak_date DESC)
                 FROM streak_days sd
                 WHERE sd.user_id = $1 AND sd.streak_date <= up.today),
                '[]'::jsonb) AS streak_dates
FROM up
CROSS JOIN LATERAL (
    SELECT ARRAY[count(*) FILTER (WHERE bv.is_toefl_beginner),
                 count(*) FILTER (WHERE bv.is_toefl_intermediate),
                 count(*) FILTER (WHERE bv.is_toefl_advanced),
                 count(*) FILTER (WHERE bv.is_ielts_beginner),
                 count(*) FILTER (WHERE bv.is_ielts_intermediate),
                 count(*) FILTER (WHERE bv.is_ielts_advanced),
                 count(*) FILTER (WHERE bv.is_demo),
                 count(*) FILTER (WHERE bv.business_english),
                 count(*) FILTER (WHERE bv.everyday_english)] AS totals,
           ARRAY[count(*) FILTER (WHERE bv.is_toefl_beginner AND s.saved),
                 count(*) FILTER (WHERE bv.is_toefl_intermediate AND s.saved),
                 count(*) FILTER (WHERE bv.is_toefl_advanced AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_beginner AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_intermediate AND s.saved),
                 count(*) FILTER (WHERE bv.is_ielts_advanced AND s.saved),
                 count(*) FILTER (WHERE bv.is_demo AND s.saved),
                 count(*) FILTER (WHERE bv.business_english AND s.saved),
                 count(*) FILTER (WHERE bv.everyday_english AND s.saved)] AS saved
    FROM bundle_vocabularies bv
    CROSS JOIN LATERAL (
        SELECT EXISTS (SELECT 1
                       FROM saved_words sw
                       WHERE sw.user_id = $1
                         AND sw.word = bv.word
                         AND sw.learning_language = bv.language) AS saved
    ) s
    WHERE bv.language = up.learning_language
) c
"#;

/// Sets or clears a user's test (`PUT /v3/test-prep/settings`). Setting a test stores
/// the study duration and ends the plan `$3` days after the user's today (in their time
/// zone); clearing it (`$2` `NULL`) also clears the duration, the end date and the daily
/// job's last serving day.
///
/// Parameters: `$1 UUID` user id, `$2 TEXT NULL` test prep (`TOEFL_BEGINNER`...),
/// `$3 INTEGER` target days (1..=365).
///
/// Result: at most one row (none for an unknown user): `test_prep TEXT NULL`,
/// `study_duration_days INTEGER NULL`, `target_end_date DATE NULL`,
/// `last_test_words_added DATE NULL`.
pub const UPDATE_TEST_PREP: &str = r#"
UPDATE user_preferences up
SET test_prep = $2::text,
    study_duration_days = CASE WHEN $2 IS NULL THEN NULL ELSE $3::integer END,
    target_end_date = CASE
        WHEN $2 IS NULL THEN NULL
        ELSE ((now() AT TIME ZONE 'utc') AT TIME ZONE 'utc' AT TIME ZONE up.timezone)::date + $3::integer
    END,
    last_test_words_added = CASE WHEN $2 IS NULL THEN NULL ELSE up.last_test_words_added END,
    updated_at = (now() AT TIME ZONE 'utc')
WHERE up.user_id = $1
RETURNING up.test_prep, up.study_duration_days, up.target_end_date, up.last_test_words_added
"#;

/// Everything the study schedule is computed from (`domain::plan_schedule`), in one
/// statement: the user's test and end date, their today and clock in their time zone,
/// their saved words with review histories, and the test's words still to learn.
///
/// Parameters: `$1 UUID` user id.
///
/// Result: at most one row (none for an unknown user):
/// - `test_prep TEXT NULL`, `target_end_date DATE NULL`, `user_name VARCHAR NULL`
/// - `today DATE`, `now_utc TIMESTAMP`, `now_local TIMESTAMP` (the same instant in the
///   user's time zone)
/// - `words JSONB`: the saved words, `[{"id", "word", "created_at", "is_known",
///   "in_test", "history": [{"reviewed_at", "correct"}]}]` (history oldest first;
///   `in_test`: the word is in the user's test bundle)
/// - `pool JSONB`: the test's words in the learning language that the user had not saved
///   before today (words saved today stay in it), alphabetical, as strings
pub const SCHEDULE_DATA: &str = concat!(
    r#"
WITH up AS (
    SELECT p.user_id, p.test_prep, p.target_end_date, p.user_name, p.learning_language,
           p.timezone,
           (now() AT TIME ZONE 'utc') AS now_utc,
           ((now() AT TIME ZONE 'utc') AT TIME ZONE 'utc' AT TIME ZONE p.timezone) AS now_local
    FROM user_preferences p
    WHERE p.user_id = $1
), test_words AS (
    SELECT bv.word, bv.language
    FROM up
    JOIN bundle_vocabularies bv
      ON bv.language = up.learning_language
     AND "#,
    bundle_member!("up.test_prep"),
    r#"
)
SELECT up.test_prep, up.target_end_date, up.user_name,
       up.now_local::date AS today, up.now_utc, up.now_local,
       COALESCE((
           SELECT jsonb_agg(jsonb_build_object(
                      'id', sw.id,
                      'word', sw.word,
                      'created_at', sw.created_at,
                      'is_known', sw.is_known,
                      'in_test', EXISTS (SELECT 1 FROM test_words tw
                                         WHERE tw.word = sw.word
                                           AND tw.language = sw.learning_language),
                      'history', COALESCE((
                          SELECT jsonb_agg(jsonb_build_object('reviewed_at', rv.reviewed_at,
                                                              'correct', rv.response)
                                           ORDER BY rv.reviewed_at, rv.id)
                          FROM reviews rv
                          WHERE rv.word_id = sw.id), '[]'::jsonb))
                  ORDER BY sw.word, sw.id)
           FROM saved_words sw
           WHERE sw.user_id = $1), '[]'::jsonb) AS words,
       COALESCE((
           SELECT jsonb_agg(tw.word ORDER BY tw.word)
           FROM test_words tw
           WHERE NOT EXISTS (
               SELECT 1
               FROM saved_words sw
               WHERE sw.user_id = $1
                 AND sw.word = tw.word
                 AND sw.learning_language = tw.language
                 AND (sw.created_at AT TIME ZONE 'utc' AT TIME ZONE up.timezone)::date
                     < up.now_local::date)), '[]'::jsonb) AS pool
FROM up
"#
);
