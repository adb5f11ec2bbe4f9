//! Pronunciation attempts (`POST /v3/pronunciation/practice`, `POST /v3/review/pronounce`)
//! and the video search queue (`POST /v3/api/trigger-video-search`, the operator route
//! `POST /v3/admin/video-search/process`).

/// The learning language of a user, if the user exists (the practice route transcribes
/// in it; an unknown user gets the default `en`).
///
/// Parameters: `$1 UUID` user id.
///
/// Result: zero or one row: `learning_language VARCHAR(10)`.
pub const USER_LEARNING_LANGUAGE: &str = r#"
SELECT learning_language FROM user_preferences WHERE user_id = $1
"#;

/// Stores one practice attempt, creating the user with the defaults (and the given
/// name and motto) if unknown. One statement.
///
/// Parameters:
/// - `$1 UUID` user id, `$2 VARCHAR(255)` default user name, `$3 TEXT` default motto
/// - `$4 VARCHAR(10)` language, `$5 TEXT` expected text, `$6 TEXT` transcript
/// - `$7 DOUBLE PRECISION` similarity score (0..1), `$8 BOOLEAN` passed,
///   `$9 DOUBLE PRECISION` pass threshold
/// - `$10 VARCHAR(10)` audio format (`wav`), `$11 INTEGER` audio size in bytes
/// - `$12 JSONB` the client's metadata (`{}` when none)
///
/// Result: one row: `id INTEGER` (the attempt).
pub const PRONUNCIATION_PRACTICE_INSERT: &str = r#"
WITH created_user AS (
    INSERT INTO user_preferences (user_id, user_name, user_motto)
    VALUES ($1, $2, $3)
    ON CONFLICT ON CONSTRAINT user_preferences_pkey DO NOTHING
)
INSERT INTO pronunciation_practice
    (user_id, language, original_text, speech_to_text, similarity_score, result,
     evaluation_threshold, audio_format, audio_bytes, metadata)
VALUES ($1, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id
"#;

/// Second statement of a pronunciation review, after `REVIEW_PREPARE` in the same
/// transaction: stores the review (`question_type` `pronounce_sentence`, right answer =
/// passed), the day in the user's time zone in `streak_days` (as `REVIEW_INSERT` does),
/// and the attempt pointing at it.
///
/// Parameters:
/// - `$1 UUID` user id, `$2 INTEGER` word id, `$3 BOOLEAN` passed
/// - `$4 TIMESTAMP` reviewed at (UTC), `$5 TIMESTAMP` next review date (UTC)
/// - `$6 VARCHAR(255)` word, `$7 VARCHAR(10)` learning language, `$8 TEXT` expected
///   text, `$9 TEXT` transcript, `$10 DOUBLE PRECISION` similarity score,
///   `$11 DOUBLE PRECISION` pass threshold, `$12 VARCHAR(10)` audio format,
///   `$13 INTEGER` audio size in bytes
///
/// Result: one row: `review_id INTEGER`, `attempt_id INTEGER`.
pub const PRONOUNCE_REVIEW_INSERT: &str = r#"
WITH review AS (
    INSERT INTO reviews (user_id, word_id, response, question_type, reviewed_at, next_review_date)
    VALUES ($1, $2, $3, 'pronounce_sentence', $4, $5)
    RETURNING id
), streak AS (
    INSERT INTO streak_days (user_id, streak_date)
    SELECT up.user_id, (($4::timestamp AT TIME ZONE 'utc') AT TIME ZONE up.timezone)::date
    FROM user_preferences up
    WHERE up.user_id = $1
    ON CONFLICT ON CONSTRAINT streak_days_user_id_streak_date_key DO NOTHING
), attempt AS (
    INSERT INTO pronunciation_practice
        (user_id, word, language, original_text, speech_to_text, similarity_score, result,
         evaluation_threshold, audio_format, audio_bytes, review_id)
    SELECT $1, $6, $7, $8, $9, $10, $3, $11, $12, $13, review.id
    FROM review
    RETURNING id
)
SELECT review.id AS review_id, (SELECT id FROM attempt) AS attempt_id
FROM review
"#;

/// Records a request for videos of a word: a new row is `pending`; asking again counts
/// the request, and puts a `failed` word back to `pending` with its attempts reset. A
/// `done` or in-progress word stays as it is. One statement.
///
/// Parameters: `$1 VARCHAR(255)` word, `$2 VARCHAR(10)` learning language.
///
/// Result: one row: `id INTEGER`, `status VARCHAR(10)`, `request_count INTEGER`.
pub const VIDEO_SEARCH_ENQUEUE: &str = r#"
INSERT INTO video_search_requests AS v (word, learning_language)
VALUES ($1, $2)
ON CONFLICT ON CONSTRAINT video_search_requests_word_language_key DO UPDATE
SET request_count = v.request_count + 1,
    last_requested_at = (now() AT TIME ZONE 'utc'),
    status = CASE WHEN v.status = 'failed' THEN 'pending' ELSE v.status END,
    attempts = CASE WHEN v.status = 'failed' THEN 0 ELSE v.attempts END
RETURNING v.id, v.status, v.request_count
"#;

/// Claims up to `$1` requests for one processing run: `pending` ones, and `processing`
/// ones whose claim is over 10 minutes old (a run that died), oldest request first,
/// skipping rows another run has locked. Marks them `processing` and counts the attempt.
///
/// Parameters: `$1 BIGINT` batch size.
///
/// Result: up to `$1` rows: `id INTEGER`, `word VARCHAR(255)`,
/// `learning_language VARCHAR(10)`, `attempts INTEGER`.
pub const VIDEO_SEARCH_CLAIM: &str = r#"
WITH picked AS (
    SELECT id
    FROM video_search_requests
    WHERE status = 'pending'
       OR (status = 'processing'
           AND claimed_at < (now() AT TIME ZONE 'utc') - interval '10 minutes')
    ORDER BY requested_at, id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
)
UPDATE video_search_requests v
SET status = 'processing',
    claimed_at = (now() AT TIME ZONE 'utc'),
    attempts = v.attempts + 1
FROM picked
WHERE v.id = picked.id
RETURNING v.id, v.word, v.learning_language, v.attempts
"#;

/// Records the outcome of a run's claimed requests in one statement. Each element of
/// `$1` is `{"id", "outcome", "videos_found", "error"}` with outcome `done` (the service
/// accepted the word), `retry` (it failed: back to `pending`, or `failed` once the
/// attempts reach `$2`) or `release` (not tried before the deadline: back to `pending`,
/// the attempt uncounted). Rows no longer `processing` are left alone.
///
/// Parameters: `$1 JSONB` array of outcomes, `$2 INTEGER` most attempts per word.
///
/// Result: one row: `done BIGINT`, `retrying BIGINT`, `failed BIGINT`, `released BIGINT`.
pub const VIDEO_SEARCH_FINISH: &str = r#"
WITH updated AS (
    UPDATE video_search_requests v
    SET status = CASE
                     WHEN r.outcome = 'done' THEN 'done'
                     WHEN r.outcome = 'retry' AND v.attempts >= $2 THEN 'failed'
                     ELSE 'pending'
                 END,
        attempts = CASE WHEN r.outcome = 'release' THEN greatest(v.attempts - 1, 0)
                        ELSE v.attempts END,
        videos_found = CASE WHEN r.outcome = 'done' THEN r.videos_found
                            ELSE v.videos_found END,
        last_error = CASE WHEN r.outcome = 'retry' THEN r.error
                          WHEN r.outcome = 'done' THEN NULL
                          ELSE v.last_error END,
        processed_at = CASE WHEN r.outcome = 'done' THEN (now() AT TIME ZONE 'utc')
                            ELSE v.processed_at END,
        claimed_at = NULL
    FROM jsonb_to_recordset($1::jsonb)
         AS r(id integer, outcome text, videos_found integer, error text)
    WHERE v.id = r.id AND v.status = 'processing'
    RETURNING r.outcome, v.status
)
SELECT count(*) FILTER (WHERE outcome = 'done') AS done,
       count(*) FILTER (WHERE outcome = 'retry' AND status = 'pending') AS retrying,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE outcome = 'release') AS released
FROM updated
"#;
