-- V7: stored scores for the leaderboard, and the word lists of the test-prep bundles.

-- Each user's score (2 points per right answer, 1 per wrong one) and review count, kept
-- up to date by the triggers below, so the leaderboard reads the top of an index instead
-- of aggregating every review.
ALTER TABLE user_preferences
    ADD COLUMN score INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN total_reviews INTEGER NOT NULL DEFAULT 0;

UPDATE user_preferences up
SET score = r.score, total_reviews = r.total_reviews
FROM (
    SELECT user_id,
           sum(CASE WHEN response THEN 2 ELSE 1 END) AS score,
           count(*) AS total_reviews
    FROM reviews
    GROUP BY user_id
) r
WHERE up.user_id = r.user_id;

-- The leaderboard: highest score first, ties in user_id order.
CREATE INDEX user_preferences_score_idx ON user_preferences (score DESC, user_id);

-- One statement-level trigger per event: a bulk insert (COPY, a seeding script) or a
-- cascade delete (unsave, a deleted user) updates each user's row once per statement.
CREATE FUNCTION reviews_scores_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_preferences up
    SET score = up.score + d.points, total_reviews = up.total_reviews + d.reviews
    FROM (
        SELECT user_id, sum(CASE WHEN response THEN 2 ELSE 1 END) AS points, count(*) AS reviews
        FROM new_rows
        GROUP BY user_id
    ) d
    WHERE up.user_id = d.user_id;
    RETURN NULL;
END
$$;

CREATE FUNCTION reviews_scores_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_preferences up
    SET score = up.score - d.points, total_reviews = up.total_reviews - d.reviews
    FROM (
        SELECT user_id, sum(CASE WHEN response THEN 2 ELSE 1 END) AS points, count(*) AS reviews
        FROM old_rows
        GROUP BY user_id
    ) d
    WHERE up.user_id = d.user_id;
    RETURN NULL;
END
$$;

-- Updates that leave every user's points and count unchanged (next_review_date repairs,
-- moved timestamps) write nothing.
CREATE FUNCTION reviews_scores_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_preferences up
    SET score = up.score + d.points, total_reviews = up.total_reviews + d.reviews
    FROM (
        SELECT user_id, sum(points) AS points, sum(reviews) AS reviews
        FROM (
            SELECT user_id, CASE WHEN response THEN 2 ELSE 1 END AS points, 1 AS reviews
            FROM new_rows
            UNION ALL
            SELECT user_id, -(CASE WHEN response THEN 2 ELSE 1 END), -1
            FROM old_rows
        ) changes
        GROUP BY user_id
        HAVING sum(points) <> 0 OR sum(reviews) <> 0
    ) d
    WHERE up.user_id = d.user_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER reviews_scores_insert AFTER INSERT ON reviews
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_scores_inserted();
CREATE TRIGGER reviews_scores_delete AFTER DELETE ON reviews
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_scores_deleted();
CREATE TRIGGER reviews_scores_update AFTER UPDATE ON reviews
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_scores_updated();

-- The bundles' word lists (English). Levels are cumulative: a beginner word is also an
-- intermediate and an advanced word, an intermediate word also an advanced one. A word in
-- several bundles gets one row with every flag. Operators add more words with
-- POST /v3/test-prep/batch-populate, which ORs its flags into these rows.
INSERT INTO bundle_vocabularies AS bv
    (word, language, is_toefl_beginner, is_toefl_intermediate, is_toefl_advanced,
     is_ielts_beginner, is_ielts_intermediate, is_ielts_advanced, is_demo,
     business_english, everyday_english)
SELECT word,
       'en',
       bool_or(bundle = 'toefl_beginner'),
       bool_or(bundle IN ('toefl_beginner', 'toefl_intermediate')),
       bool_or(bundle IN ('toefl_beginner', 'toefl_intermediate', 'toefl_advanced')),
       bool_or(bundle = 'ielts_beginner'),
       bool_or(bundle IN ('ielts_beginner', 'ielts_intermediate')),
       bool_or(bundle IN ('ielts_beginner', 'ielts_intermediate', 'ielts_advanced')),
       bool_or(bundle = 'demo'),
       bool_or(bundle = 'business_english'),
       bool_or(bundle = 'everyday_english')
FROM (
    SELECT 'toefl_beginner' AS bundle, unnest(ARRAY[
        'achieve', 'adapt', 'analyze', 'approach', 'assume', 'benefit', 'concept', 'consist',
        'context', 'create', 'define', 'derive', 'environment', 'establish', 'evident',
        'factor', 'identify', 'indicate', 'interpret', 'method']) AS word
    UNION ALL
    SELECT 'toefl_intermediate', unnest(ARRAY[
        'abundant', 'accumulate', 'advocate', 'allocate', 'ambiguous', 'anticipate',
        'coherent', 'compatible', 'comprehensive', 'consecutive', 'contradict', 'deteriorate',
        'diminish', 'elaborate', 'empirical', 'fluctuate', 'hypothesis', 'inevitable',
        'mitigate', 'plausible'])
    UNION ALL
    SELECT 'toefl_advanced', unnest(ARRAY[
        'ameliorate', 'anomaly', 'arbitrary', 'attenuate', 'catalyst', 'corroborate',
        'dichotomy', 'disseminate', 'endemic', 'exacerbate', 'extrapolate', 'heterogeneous',
        'impetus', 'juxtapose', 'paradigm', 'precipitate', 'proliferate', 'symbiosis',
        'ubiquitous', 'vestige'])
    UNION ALL
    SELECT 'ielts_beginner', unnest(ARRAY[
        'accommodation', 'advantage', 'agriculture', 'budget', 'community', 'competition',
        'culture', 'decrease', 'education', 'employment', 'energy', 'government', 'health',
        'increase', 'industry', 'opinion', 'pollution', 'population', 'technology',
        'transport'])
    UNION ALL
    SELECT 'ielts_intermediate', unnest(ARRAY[
        'alleviate', 'controversial', 'crucial', 'detrimental', 'disparity', 'diverse',
        'eradicate', 'exploit', 'foster', 'hinder', 'implement', 'incentive', 'infrastructure',
        'legislation', 'obesity', 'phenomenon', 'prevalent', 'sustainable', 'tackle',
        'urbanization'])
    UNION ALL
    SELECT 'ielts_advanced', unnest(ARRAY[
        'acquiesce', 'antithesis', 'benevolent', 'capricious', 'circumvent', 'conundrum',
        'debilitate', 'egalitarian', 'exacerbate', 'fallacy', 'galvanize', 'idiosyncrasy',
        'inexorable', 'meticulous', 'nuance', 'pragmatic', 'quintessential', 'scrutinize',
        'tenuous', 'unprecedented'])
    UNION ALL
    SELECT 'demo', unnest(ARRAY[
        'anchor', 'bridge', 'curious', 'delight', 'eager', 'fragile', 'gather', 'harvest',
        'journey', 'kindle', 'lantern', 'meadow', 'nimble', 'orbit', 'puzzle'])
    UNION ALL
    SELECT 'business_english', unnest(ARRAY[
        'acquisition', 'agenda', 'asset', 'benchmark', 'bottleneck', 'collateral', 'deadline',
        'delegate', 'dividend', 'equity', 'forecast', 'invoice', 'leverage', 'liability',
        'margin', 'merger', 'negotiate', 'overhead', 'portfolio', 'procurement', 'revenue',
        'stakeholder', 'subsidiary', 'turnover', 'warranty'])
    UNION ALL
    SELECT 'everyday_english', unnest(ARRAY[
        'appointment', 'bargain', 'borrow', 'breakfast', 'commute', 'cupboard', 'errand',
        'grocery', 'habit', 'invite', 'kettle', 'laundry', 'leftover', 'neighbor', 'receipt',
        'recipe', 'refund', 'schedule', 'shortcut', 'sneeze', 'umbrella', 'vacation', 'wallet',
        'weekend', 'yawn'])
) lists
GROUP BY word
ON CONFLICT ON CONSTRAINT bundle_vocabularies_pkey DO UPDATE SET
    is_toefl_beginner = bv.is_toefl_beginner OR EXCLUDED.is_toefl_beginner,
    is_toefl_intermediate = bv.is_toefl_intermediate OR EXCLUDED.is_toefl_intermediate,
    is_toefl_advanced = bv.is_toefl_advanced OR EXCLUDED.is_toefl_advanced,
    is_ielts_beginner = bv.is_ielts_beginner OR EXCLUDED.is_ielts_beginner,
    is_ielts_intermediate = bv.is_ielts_intermediate OR EXCLUDED.is_ielts_intermediate,
    is_ielts_advanced = bv.is_ielts_advanced OR EXCLUDED.is_ielts_advanced,
    is_demo = bv.is_demo OR EXCLUDED.is_demo,
    business_english = bv.business_english OR EXCLUDED.business_english,
    everyday_english = bv.everyday_english OR EXCLUDED.everyday_english;
