//! Review and video questions: `GET /v3/next-review-words-batch` and
//! `GET /v3/api/video-questions-for-word`.

/// `GET /v3/next-review-words-batch`, first statement: a user's due words with all
/// their question needs, in one statement. A word is due when it is not marked known
/// and its next review date (the latest review's `next_review_date`, or `created_at +
/// 1 day` if never reviewed) falls on or before today (UTC), the rule of
/// [`crate::DUE_COUNTS`]. The most overdue words come first (ties by saved word id).
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 JSONB` words to leave out, a JSON array of normalized words (`[]` for none)
/// - `$3 BIGINT` how many words at most
/// - `$4 VARCHAR(50)` the generated question type looked up in `review_questions`
///
/// Result: one row per word, at most `$3`:
/// - `saved_word_id INTEGER`, `word TEXT`, `learning_language TEXT`, `native_language TEXT`
/// - `total_available BIGINT`: how many due words there are in all (exclusions applied)
/// - `question_data JSONB NULL`: the cached question of type `$4`, `NULL` if none
/// - `definition_data JSONB NULL`: the cached definition, `NULL` if none
/// - `audio_texts TEXT[]`: the word and example sentences of the definition that have
///   audio in the learning language (as `GET /v3/word` reports them)
/// - `other_words TEXT[]`: up to 3 other words the user saved in that learning language
///   (distractors of a question built without the provider)
pub const REVIEW_BATCH: &str = r#"
WITH due AS (
    SELECT sw.id, sw.word, sw.learning_language, sw.native_language,
           COALESCE(latest.next_review_date, sw.created_at + interval '1 day') AS due_at
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
      AND COALESCE(latest.next_review_date, sw.created_at + interval '1 day')::date
          <= (now() AT TIME ZONE 'utc')::date
      AND sw.word NOT IN (SELECT jsonb_array_elements_text($2))
), picked AS (
    SELECT * FROM due ORDER BY due_at, id LIMIT $3
)
SELECT p.id AS saved_word_id,
       p.word::text AS word,
       p.learning_language::text AS learning_language,
       p.native_language::text AS native_language,
       (SELECT count(*) FROM due) AS total_available,
       q.question_data,
       d.definition_data,
       ARRAY(
           SELECT a.text_content
           FROM audio a
           WHERE d.definition_data IS NOT NULL
             AND a.language = p.learning_language
             AND a.text_content IN (
                 SELECT p.word::text
                 UNION ALL
                 SELECT jsonb_path_query(d.definition_data, '$.definitions[*].examples[*]') #>> '{}'
             )
       ) AS audio_texts,
       ARRAY(
           SELECT o.word
           FROM (
               SELECT DISTINCT other.word::text AS word
               FROM saved_words other
               WHERE other.user_id = $1
                 AND other.learning_language = p.learning_language
                 AND other.word <> p.word
           ) o
           ORDER BY md5(o.word || p.word), o.word
           LIMIT 3
       ) AS other_words
FROM picked p
LEFT JOIN definitions d
       ON d.word = p.word
      AND d.learning_language = p.learning_language
      AND d.native_language = p.native_language
LEFT JOIN review_questions q
       ON q.word = p.word
      AND q.learning_language = p.learning_language
      AND q.native_language = p.native_language
      AND q.question_type = $4
ORDER BY p.due_at, p.id
"#;

/// `GET /v3/next-review-words-batch`, second statement after generating questions:
/// stores them in `review_questions`. A question stored meanwhile by a concurrent
/// request is kept (one row per word, languages and type) and returned instead.
///
/// Parameters: `$1 JSONB` an array of `{"word","learning_language","native_language",
/// "question_type","question_data"}`, no key twice.
///
/// Result: one row per element: `word TEXT`, `learning_language TEXT`,
/// `native_language TEXT`, `question_data JSONB` (the stored question).
pub const STORE_REVIEW_QUESTIONS: &str = r#"
INSERT INTO review_questions AS rq (word, learning_language, native_language, question_type, question_data)
SELECT g.word, g.learning_language, g.native_language, g.question_type, g.question_data
FROM jsonb_to_recordset($1) AS g(word text, learning_language text, native_language text,
                                 question_type text, question_data jsonb)
ON CONFLICT ON CONSTRAINT review_questions_word_langs_type_key
-- A no-op update: it makes RETURNING yield the row a concurrent request stored.
DO UPDATE SET version = rq.version
RETURNING rq.word::text AS word,
          rq.learning_language::text AS learning_language,
          rq.native_language::text AS native_language,
          rq.question_data
"#;

/// `GET /v3/api/video-questions-for-word`, first statement: the videos mapped to a word
/// that can be asked about (at most `$5` bytes, with an audio transcript or a
/// transcript), most relevant first (ties by video id), with their cached question and
/// the user's native language.
///
/// Parameters:
/// - `$1 VARCHAR(255)` the normalized word, `$2 VARCHAR(10)` learning language
/// - `$3 UUID` user id
/// - `$4 BIGINT` how many videos at most
/// - `$5 INTEGER` the largest video, in bytes
///
/// Result: one row per video: `video_id INTEGER`, `transcript TEXT` (the audio
/// transcript, else the transcript), `metadata JSONB`, `question_data JSONB NULL` (the
/// cached question, `NULL` if none), `native_language TEXT` (the user's, `zh` for a user
/// the server does not know).
pub const VIDEO_QUESTIONS: &str = r#"
SELECT v.id AS video_id,
       COALESCE(v.audio_transcript, v.transcript) AS transcript,
       v.metadata,
       q.question_data,
       COALESCE((SELECT up.native_language FROM user_preferences up WHERE up.user_id = $3),
                'zh')::text AS native_language
FROM word_to_video wv
JOIN videos v ON v.id = wv.video_id
LEFT JOIN video_questions q
       ON q.video_id = wv.video_id
      AND q.word = wv.word
      AND q.learning_language = wv.learning_language
WHERE wv.word = $1
  AND wv.learning_language = $2
  AND octet_length(v.video_data) <= $5
  AND COALESCE(v.audio_transcript, v.transcript) IS NOT NULL
ORDER BY wv.relevance_score DESC NULLS LAST, v.id
LIMIT $4
"#;

/// `GET /v3/api/video-questions-for-word`, second statement after generating questions:
/// stores them in `video_questions` (migration V9). A question stored meanwhile by a
/// concurrent request is kept and returned instead.
///
/// Parameters: `$1 JSONB` an array of `{"video_id","word","learning_language",
/// "question_data"}`, no key twice.
///
/// Result: one row per element: `video_id INTEGER`, `question_data JSONB` (the stored
/// question).
pub const STORE_VIDEO_QUESTIONS: &str = r#"
INSERT INTO video_questions AS q (video_id, word, learning_language, question_data)
SELECT g.video_id, g.word, g.learning_language, g.question_data
FROM jsonb_to_recordset($1) AS g(video_id integer, word text, learning_language text,
                                 question_data jsonb)
ON CONFLICT ON CONSTRAINT video_questions_pkey
-- A no-op update: it makes RETURNING yield the row a concurrent request stored.
DO UPDATE SET created_at = q.created_at
RETURNING q.video_id, q.question_data
"#;
