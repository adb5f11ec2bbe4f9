//! Statements of the saved-word read endpoints and the practice counters: is-word-saved,
//! toggle-exclude, word details, forgetting curves (one word or a batch), practice
//! status and review progress stats. Each endpoint runs exactly one of them.

/// Whether a user saved a word, in one statement. The word is matched exactly (words
/// are stored trimmed and lower-cased), through `saved_words_user_word_langs_key`. A
/// `NULL` language matches any; when several language pairs match, the oldest row wins.
///
/// Parameters: `$1 UUID` user id, `$2 TEXT` the normalized word, `$3 TEXT NULL` learning
/// language, `$4 TEXT NULL` native language.
///
/// Result: one row: `saved_word_id INTEGER NULL` (`NULL` when not saved).
pub const IS_WORD_SAVED: &str = r#"
SELECT (
    SELECT sw.id
    FROM saved_words sw
    WHERE sw.user_id = $1
      AND sw.word = $2::text
      AND ($3::text IS NULL OR sw.learning_language = $3)
      AND ($4::text IS NULL OR sw.native_language = $4)
    ORDER BY sw.id
    LIMIT 1
) AS saved_word_id
"#;

/// Marks one of a user's words as excluded from practice (`is_known`) or included again,
/// saving it first when it is not saved, in one statement.
///
/// The word is found by id (`$6`, the word must then be the user's) or by text: the
/// user's word `$2` in the given languages, a `NULL` language matching any (oldest row
/// first). A word that is not found is saved with `is_known = $5`, unless it was asked
/// for by id; a missing language then comes from the user's preferences, so an unknown
/// user gets no row.
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 TEXT NULL` the normalized word (`NULL` only with `$6`)
/// - `$3 TEXT NULL` learning language, `$4 TEXT NULL` native language
/// - `$5 BOOLEAN` excluded
/// - `$6 INTEGER NULL` word id
///
/// Result: at most one row: `id INTEGER`, `word VARCHAR`, `previous_status BOOLEAN` (the
/// flag before; `false` for a word just saved), `created BOOLEAN`. No row: the word id is
/// not one of the user's words, or the user is unknown.
pub const TOGGLE_EXCLUDE: &str = r#"
WITH prefs AS (
    SELECT learning_language, native_language
    FROM user_preferences
    WHERE user_id = $1
), existing AS (
    SELECT sw.id, sw.is_known
    FROM saved_words sw
    WHERE sw.user_id = $1
      AND ($6::integer IS NULL OR sw.id = $6)
      AND ($2::text IS NULL OR sw.word = $2)
      AND ($3::text IS NULL OR sw.learning_language = $3)
      AND ($4::text IS NULL OR sw.native_language = $4)
    ORDER BY sw.id
    LIMIT 1
    FOR UPDATE
), updated AS (
    UPDATE saved_words sw
    SET is_known = $5
    FROM existing
    WHERE sw.id = existing.id
    RETURNING sw.id, sw.word, existing.is_known AS previous_status
), inserted AS (
    INSERT INTO saved_words AS sw (user_id, word, learning_language, native_language, is_known)
    SELECT $1, $2, COALESCE($3, prefs.learning_language), COALESCE($4, prefs.native_language), $5
    FROM prefs
    WHERE $6::integer IS NULL
      AND $2::text IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM existing)
    ON CONFLICT ON CONSTRAINT saved_words_user_word_langs_key
    DO UPDATE SET is_known = EXCLUDED.is_known
    RETURNING sw.id, sw.word, false AS previous_status
)
SELECT id, word, previous_status, false AS created FROM updated
UNION ALL
SELECT id, word, previous_status, true AS created FROM inserted
"#;

/// One of a user's saved words with its whole review history, in one statement (the
/// history through `reviews_word_id_reviewed_at_idx`).
///
/// Parameters: `$1 INTEGER` word id, `$2 UUID` user id.
///
/// Result: at most one row (none when the user has no such word): `id INTEGER`,
/// `word VARCHAR`, `learning_language VARCHAR`, `native_language VARCHAR`,
/// `metadata JSONB`, `created_at TIMESTAMP`, `history JSONB` (the reviews, oldest first,
/// as `[{"reviewed_at": "...", "correct": bool}]`).
pub const WORD_WITH_HISTORY: &str = r#"
SELECT sw.id,
       sw.word,
       sw.learning_language,
       sw.native_language,
       sw.metadata,
       sw.created_at,
       COALESCE(
           (SELECT jsonb_agg(jsonb_build_object('reviewed_at', rv.reviewed_at,
                                                'correct', rv.response)
                             ORDER BY rv.reviewed_at, rv.id)
            FROM reviews rv
            WHERE rv.word_id = sw.id),
           '[]'::jsonb) AS history
FROM saved_words sw
WHERE sw.id = $1 AND sw.user_id = $2
"#;

/// Several of a user's saved words with their review histories, in one statement: the
/// ids that are not the user's words are simply absent.
///
/// Parameters: `$1 JSONB` the word ids, a JSON array of integers; `$2 UUID` user id.
///
/// Result: one row per found word, in id order: `id INTEGER`, `word VARCHAR`,
/// `created_at TIMESTAMP`, `history JSONB` as in [`WORD_WITH_HISTORY`].
pub const WORDS_WITH_HISTORY: &str = r#"
SELECT sw.id,
       sw.word,
       sw.created_at,
       COALESCE(
           (SELECT jsonb_agg(jsonb_build_object('reviewed_at', rv.reviewed_at,
                                                'correct', rv.response)
                             ORDER BY rv.reviewed_at, rv.id)
            FROM reviews rv
            WHERE rv.word_id = sw.id),
           '[]'::jsonb) AS history
FROM saved_words sw
WHERE sw.id IN (SELECT ids.id::integer FROM jsonb_array_elements_text($1) AS ids(id))
  AND sw.user_id = $2
ORDER BY sw.id
"#;

/// A user's practice counters, in one statement. "Today" is the user's day in the time
/// zone of their preferences (`UTC` for an unknown user).
///
/// - `due_word_count`: words not marked known whose next review (the latest review's
///   `next_review_date`, or `created_at + 1 day` when never reviewed) falls, in the
///   user's time zone, on or before today.
/// - `new_word_count_past_24h`, `reviews_past_24h`: words saved and reviews made in the
///   last 24 hours; `total_word_count`: every saved word; `score`: 2 points per right
///   answer, 1 per wrong one.
/// - `bundle_total`, `bundle_saved`: with a `test_prep`, the bundle's words in the user's
///   learning language, and how many of them the user saved in it; `NULL` without one.
///
/// Parameters: `$1 UUID` user id.
///
/// Result: one row: `due_word_count BIGINT`, `new_word_count_past_24h BIGINT`,
/// `total_word_count BIGINT`, `score BIGINT`, `reviews_past_24h BIGINT`,
/// `bundle_total BIGINT NULL`, `bundle_saved BIGINT NULL`.
pub const PRACTICE_STATUS: &str = concat!(
    r#"
WITH clock AS (
    SELECT (now() AT TIME ZONE 'utc') AS now
), prefs AS (
    SELECT up.timezone, up.test_prep, up.learning_language
    FROM user_preferences up
    WHERE up.user_id = $1
), zone AS (
    SELECT COALESCE((SELECT timezone FROM prefs), 'UTC') AS tz
), words AS (
    SELECT sw.is_known,
           sw.created_at,
           COALESCE(latest.next_review_date, sw.created_at + interval '1 day') AS next_review
    FROM saved_words sw
    LEFT JOIN LATERAL (
        SELECT rv.next_review_date
        FROM reviews rv
        WHERE rv.word_id = sw.id
        ORDER BY rv.reviewed_at DESC, rv.id DESC
        LIMIT 1
    ) latest ON true
    WHERE sw.user_id = $1
), reviewed AS (
    SELECT count(*) FILTER (WHERE rv.reviewed_at >= clock.now - interval '24 hours')
               AS reviews_past_24h,
           COALESCE(sum(CASE WHEN rv.response THEN 2 WHEN NOT rv.response THEN 1 END), 0)::bigint
               AS score
    FROM clock
    LEFT JOIN reviews rv ON rv.user_id = $1
    GROUP BY clock.now
), bundle AS (
    SELECT count(*) AS bundle_total,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1
               FROM saved_words sw
               WHERE sw.user_id = $1
                 AND sw.word = bv.word
                 AND sw.learning_language = bv.language
           )) AS bundle_saved
    FROM prefs
    JOIN bundle_vocabularies bv
      ON bv.language = prefs.learning_language
     AND "#,
    bundle_member!("prefs.test_prep"),
    r#"
)
SELECT (SELECT count(*)
        FROM words
        WHERE NOT words.is_known
          AND (words.next_review AT TIME ZONE 'UTC' AT TIME ZONE zone.tz)::date
              <= (clock.now AT TIME ZONE 'UTC' AT TIME ZONE zone.tz)::date) AS due_word_count,
       (SELECT count(*) FROM words WHERE words.created_at >= clock.now - interval '24 hours')
           AS new_word_count_past_24h,
       (SELECT count(*) FROM words) AS total_word_count,
       reviewed.score,
       reviewed.reviews_past_24h,
       CASE WHEN (SELECT test_prep FROM prefs) IS NOT NULL
            THEN (SELECT bundle_total FROM bundle) END AS bundle_total,
       CASE WHEN (SELECT test_prep FROM prefs) IS NOT NULL
            THEN (SELECT bundle_saved FROM bundle) END AS bundle_saved
FROM clock
CROSS JOIN zone
CROSS JOIN reviewed
"#
);

/// A user's review progress over the last 24 hours, in one statement (the user's reviews
/// through `reviews_user_id_reviewed_at_idx`).
///
/// Per word reviewed in the window: one review, right, counts as acquainted → familiar;
/// two to four reviews, all right, as familiar → remembered; five or more, all right, as
/// remembered → unforgettable. Words are told apart by id (the original grouped by the
/// word's text, merging one word saved in two language pairs).
///
/// Parameters: `$1 UUID` user id.
///
/// Result: one row: `reviews_today BIGINT` and `correct_today BIGINT` (last 24 hours),
/// `acquainted_to_familiar BIGINT`, `familiar_to_remembered BIGINT`,
/// `remembered_to_unforgettable BIGINT`, `total_reviews BIGINT` (ever).
pub const PROGRESS_STATS: &str = r#"
WITH clock AS (
    SELECT (now() AT TIME ZONE 'utc') AS now
), recent AS (
    SELECT rv.word_id,
           count(*) AS reviews,
           count(*) FILTER (WHERE rv.response) AS correct
    FROM reviews rv, clock
    WHERE rv.user_id = $1
      AND rv.reviewed_at >= clock.now - interval '24 hours'
    GROUP BY rv.word_id
)
SELECT COALESCE(sum(recent.reviews), 0)::bigint AS reviews_today,
       COALESCE(sum(recent.correct), 0)::bigint AS correct_today,
       count(*) FILTER (WHERE recent.reviews = 1 AND recent.correct = 1)
           AS acquainted_to_familiar,
       count(*) FILTER (WHERE recent.reviews BETWEEN 2 AND 4 AND recent.correct = recent.reviews)
           AS familiar_to_remembered,
       count(*) FILTER (WHERE recent.reviews >= 5 AND recent.correct = recent.reviews)
           AS remembered_to_unforgettable,
       (SELECT count(*) FROM reviews WHERE user_id = $1) AS total_reviews
FROM recent
"#;
