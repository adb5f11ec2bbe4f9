-- V9: generated questions about movie clips, one per (video, word, learning language).
-- review_questions is keyed by (word, languages, question type) and cannot tell two clips
-- of the same word apart, so video questions get their own table. A question is about
-- the clip's transcript in the learning language; it does not depend on the user.
CREATE TABLE video_questions (
    video_id          INTEGER      NOT NULL,
    word              VARCHAR(255) NOT NULL,
    learning_language VARCHAR(10)  NOT NULL,
    question_data     JSONB        NOT NULL,
    created_at        TIMESTAMP    NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CONSTRAINT video_questions_pkey PRIMARY KEY (video_id, word, learning_language),
    CONSTRAINT video_questions_video_id_fkey FOREIGN KEY (video_id)
        REFERENCES videos (id) ON DELETE CASCADE
);
