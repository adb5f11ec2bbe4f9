//! Review and video questions: `GET /v3/next-review-words-batch` and
//! `GET /v3/api/video-questions-for-word`.

/// `GET /v3/next-review-words-batch`, first statement: the words of a batch with all
/// their question needs, in one statement.
///
/// First the user's due words, most overdue first (ties by saved word id): not marked
/// known, and the next review date (the latest review's `next_review_date`, or
/// `created_at + 1 day` if never reviewed) on or before today (UTC), the rule of
/// [`crate::DUE_COUNTS`]. When fewer than `$3` are due, filler words follow: bundle
/// words the user has not saved in their current learning language, with their current
/// languages (`en` → `zh` for a user the server does not know), each in the first group
/// it belongs to: `BUNDLE` (the bundle of the user's `test_prep`), `EVERYDAY`
/// (`everyday_english`), `RANDOM` (any bundle). Within a group, words with a cached
/// definition come first, in random order; when `$5` is true one word without one
/// (the first of the groups, at random) is offered as well, for its definition to be
/// generated. Fillers fill the rest of `$3` plus two spare ones, in case some cannot
/// be served. Words in `$2` are left out of every group.
///
/// Parameters:
/// - `$1 UUID` user id
/// - `$2 JSONB` words to leave out, a JSON array of normalized words (`[]` for none)
/// - `$3 BIGINT` how many words the batch asks for
/// - `$4 INTEGER` the largest video a `video_mc` question may show, in bytes
/// - `$5 BOOLEAN` whether a filler without a cached definition may be offered
///
/// Result: one row per word, in batch order:
/// - `saved_word_id INTEGER NULL` (`NULL` for a filler), `word TEXT`,
///   `learning_language TEXT`, `native_language TEXT`
/// - `source TEXT`: `DUE`, `BUNDLE`, `EVERYDAY` or `RANDOM`
/// - `total_available BIGINT`: due words plus the fillers that could be served (those
///   with a cached definition, or every one when `$5`), exclusions applied; the same on
///   every row
/// - `questions JSONB NULL`: the word's cached `review_questions`, an object from
///   `question_type` to `question_data` (`NULL` if none)
/// - `definition_data JSONB NULL`: the cached definition, `NULL` if none
/// - `audio_texts TEXT[]`: the word and example sentences of the definition that have
///   audio in the learning language (as `GET /v3/word` reports them)
/// - `video_id INTEGER NULL`, `video_transcript TEXT NULL`, `video_metadata JSONB NULL`,
///   `video_question JSONB NULL`: the clip of the word (at most `$4` bytes, with an
///   audio transcript) to ask about, one with a cached `video_questions` row first,
///   then the most relevant; all `NULL` when there is none
/// - `other_words TEXT[]`: up to 3 other words to offer as wrong answers, the user's
///   saved words in that learning language first, then bundle words
pub const REVIEW_BATCH: &str = concat!(
    r#"
WITH prefs AS (
    SELECT COALESCE(up.learning_language, 'en')::text AS learning_language,
           COALESCE(up.native_language, 'zh')::text AS native_language,
           up.test_prep
    FROM (SELECT 1) AS one
    LEFT JOIN user_preferences up ON up.user_id = $1
), excluded AS (
    SELECT jsonb_array_elements_text($2) AS word
), due AS (
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
      AND sw.word NOT IN (SELECT word FROM excluded)
), picked_due AS (
    SELECT * FROM due ORDER BY due_at, id LIMIT $3
), candidates AS (
    SELECT bv.word::text AS word,
           CASE
               WHEN "#,
    bundle_member!("prefs.test_prep"),
    r#" THEN 1
               WHEN bv.everyday_english THEN 2
               ELSE 3
           END AS grp,
           EXISTS (
               SELECT 1
               FROM definitions d
               WHERE d.word = bv.word
                 AND d.learning_language = bv.language
                 AND d.native_language = prefs.native_language
           ) AS ready,
           random() AS shuffle
    FROM prefs
    JOIN bundle_vocabularies bv ON bv.language = prefs.learning_language
    WHERE bv.word NOT IN (SELECT word FROM excluded)
      AND NOT EXISTS (
          SELECT 1
          FROM saved_words sw
          WHERE sw.user_id = $1
            AND sw.word = bv.word
            AND sw.learning_language = bv.language
      )
), offered AS (
    SELECT * FROM candidates WHERE ready
    UNION ALL
    (SELECT * FROM candidates WHERE NOT ready AND $5 ORDER BY grp, shuffle LIMIT 1)
), counts AS (
    SELECT (SELECT count(*) FROM picked_due) AS picked,
           (SELECT count(*) FROM due)
           + (SELECT count(*) FROM candidates WHERE ready OR $5) AS total_available
), picked AS (
    SELECT pd.id AS saved_word_id,
           pd.word::text AS word,
           pd.learning_language::text AS learning_language,
           pd.native_language::text AS native_language,
           'DUE'::text AS source,
           row_number() OVER (ORDER BY pd.due_at, pd.id) AS n
    FROM picked_due pd
    UNION ALL
    SELECT NULL::integer,
           f.word,
           prefs.learning_language,
           prefs.native_language,
           CASE f.grp WHEN 1 THEN 'BUNDLE' WHEN 2 THEN 'EVERYDAY' ELSE 'RANDOM' END,
           counts.picked + f.n
    FROM (
        SELECT o.word, o.grp, row_number() OVER (ORDER BY o.grp, o.ready DESC, o.shuffle) AS n
        FROM offered o
    ) f
    CROSS JOIN prefs
    CROSS JOIN counts
    WHERE counts.picked < $3
      AND f.n <= $3 - counts.picked + 2
), pool AS (
    SELECT bv.word::text AS word
    FROM bundle_vocabularies bv
    JOIN prefs ON bv.language = prefs.learning_language
    ORDER BY random()
    LIMIT 8
)
SELECT p.saved_word_id,
       p.word,
       p.learning_language,
       p.native_language,
       p.source,
       counts.total_available,
       q.questions,
       d.definition_data,
       ARRAY(
           SELECT a.text_content
           FROM audio a
           WHERE d.definition_data IS NOT NULL
             AND a.language = p.learning_language
             AND a.text_content IN (
                 SELECT p.word
                 UNION ALL
                 SELECT jsonb_path_query(d.definition_data, '$.definitions[*].examples[*]') #>> '{}'
             )
       ) AS audio_texts,
       clip.video_id,
       clip.transcript AS video_transcript,
       clip.metadata AS video_metadata,
       clip.question_data AS video_question,
       ARRAY(
           SELECT o.word
           FROM (
               SELECT other.word::text AS word, 0 AS rank
               FROM saved_words other
               WHERE other.user_id = $1
                 AND other.learning_language = p.learning_language
                 AND other.word <> p.word
               UNION ALL
               SELECT pool.word, 1
               FROM pool
               WHERE pool.word <> p.word
                 AND p.learning_language = (SELECT learning_language FROM prefs)
           ) o
           GROUP BY o.word
           ORDER BY min(o.rank), md5(o.word || p.word), o.word
           LIMIT 3
       ) AS other_words
FROM picked p
CROSS JOIN counts
LEFT JOIN definitions d
       ON d.word = p.word
      AND d.learning_language = p.learning_language
      AND d.native_language = p.native_language
LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(rq.question_type, rq.question_data) AS questions
    FROM review_questions rq
    WHERE rq.word = p.word
      AND rq.learning_language = p.learning_language
      AND rq.native_language = p.native_language
) q ON true
LEFT JOIN LATERAL (
    SELECT v.id AS video_id, v.audio_transcript AS transcript, v.metadata, vq.question_data
    FROM word_to_video wv
    JOIN videos v ON v.id = wv.video_id
    LEFT JOIN video_questions vq
           ON vq.video_id = wv.video_id
          AND vq.word = wv.word
          AND vq.learning_language = wv.learning_language
    WHERE wv.word = p.word
      AND wv.learning_language = p.learning_language
      AND v.audio_transcript IS NOT NULL
      AND octet_length(v.video_data) <= $4
    ORDER BY vq.question_data IS NULL, wv.relevance_score DESC NULLS LAST, v.id
    LIMIT 1
) clip ON true
ORDER BY p.n
"#
);

/// `GET /v3/next-review-words-batch`, second statement after generating: stores every
/// definition, review question and video question the request generated, in one
/// statement. A row stored meanwhile by a concurrent request is kept (one per key) and
/// returned instead; definitions are stored as `GET /v3/word` stores them
/// ([`crate::WORD_STORE`]), so a later lookup is a cache hit. A video question whose
/// clip was deleted meanwhile is dropped.
///
/// Parameters (each a JSONB array, `[]` for none, no key twice):
/// - `$1` definitions: `{"word","learning_language","native_language","definition_data"}`
/// - `$2` review questions: `{"word","learning_language","native_language",
///   "question_type","question_data"}`
/// - `$3` video questions: `{"video_id","word","learning_language","question_data"}`
///
/// Result: one row per stored element: `kind TEXT` (`definition`, `question` or
/// `video`), `word TEXT`, `learning_language TEXT`, `native_language TEXT NULL` (`NULL`
/// for `video`), `question_type TEXT NULL` (for `question`), `video_id INTEGER NULL`
/// (for `video`), `data JSONB` (the stored definition or question), `audio_texts TEXT[]`
/// (for `definition`, as in [`REVIEW_BATCH`]; empty otherwise).
pub const STORE_REVIEW_BATCH: &str = r#"
WITH defs AS (
    INSERT INTO definitions AS d (word, learning_language, native_language, definition_data, schema_version)
    SELECT g.word, g.learning_language, g.native_language, g.definition_data, 4
    FROM jsonb_to_recordset($1) AS g(word text, learning_language text, native_language text,
                                     definition_data jsonb)
    ON CONFLICT ON CONSTRAINT definitions_pkey
    -- A no-op update: it makes RETURNING yield the row a concurrent request stored.
    DO UPDATE SET updated_at = d.updated_at
    RETURNING d.word, d.learning_language, d.native_language, d.definition_data
), questions AS (
    INSERT INTO review_questions AS rq (word, learning_language, native_language, question_type, question_data)
    SELECT g.word, g.learning_language, g.native_language, g.question_type, g.question_data
    FROM jsonb_to_recordset($2) AS g(word text, learning_language text, native_language text,
                                     question_type text, question_data jsonb)
    ON CONFLICT ON CONSTRAINT review_questions_word_langs_type_key
    DO UPDATE SET version = rq.version
    RETURNING rq.word, rq.learning_language, rq.native_language, rq.question_type, rq.question_data
), clips AS (
    INSERT INTO video_questions AS vq (video_id, word, learning_language, question_data)
    SELECT g.video_id, g.word, g.learning_language, g.question_data
    FROM jsonb_to_recordset($3) AS g(video_id integer, word text, learning_language text,
                                     question_data jsonb)
    WHERE EXISTS (SELECT 1 FROM videos v WHERE v.id = g.video_id)
    ON CONFLICT ON CONSTRAINT video_questions_pkey
    DO UPDATE SET created_at = vq.created_at
    RETURNING vq.video_id, vq.word, vq.learning_language, vq.question_data
)
SELECT 'definition'::text AS kind,
       defs.word::text AS word,
       defs.learning_language::text AS learning_language,
       defs.native_language::text AS native_language,
       NULL::text AS question_type,
       NULL::integer AS video_id,
       defs.definition_data AS data,
       ARRAY(
           SELECT a.text_content
           FROM audio a
           WHERE a.language = defs.learning_language
             AND a.text_content IN (
                 SELECT defs.word::text
                 UNION ALL
                 SELECT jsonb_path_query(defs.definition_data, '$.definitions[*].examples[*]') #>> '{}'
             )
       ) AS audio_texts
FROM defs
UNION ALL
SELECT 'question', q.word::text, q.learning_language::text, q.native_language::text,
       q.question_type::text, NULL, q.question_data, ARRAY[]::text[]
FROM questions q
UNION ALL
SELECT 'video', c.word::text, c.learning_language::text, NULL, NULL, c.video_id,
       c.question_data, ARRAY[]::text[]
FROM clips c
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
