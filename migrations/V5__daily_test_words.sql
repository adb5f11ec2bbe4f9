-- V5: the daily test-prep job remembers the day it last served each user, so running it
-- twice on one day (the cron line and a manual run) adds nothing the second time.
ALTER TABLE user_preferences ADD COLUMN last_test_words_added DATE;

-- The job's batches: users with a test, in user_id order.
CREATE INDEX user_preferences_test_prep_user_id_idx ON user_preferences (user_id)
    WHERE test_prep IS NOT NULL;
