//! The study schedule of `/v3/schedule/*`: loaded with one statement
//! (`queries::SCHEDULE_DATA`), computed by `domain::plan_schedule`, and written as the
//! iOS client's `DailyScheduleEntry`.

use chrono::{NaiveDate, NaiveDateTime};
use domain::{DayPlan, ScheduleInput, ScheduleWord, UserId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{ApiError, Db, Result};

#[derive(Deserialize)]
struct Row {
    test_prep: Option<String>,
    target_end_date: Option<NaiveDate>,
    user_name: Option<String>,
    today: NaiveDate,
    now_utc: NaiveDateTime,
    now_local: NaiveDateTime,
    words: Vec<ScheduleWord>,
    pool: Vec<String>,
}

/// A user's computed schedule.
#[derive(Debug)]
pub struct Schedule {
    /// The user's today (in their time zone).
    pub today: NaiveDate,
    /// The user's test, if any.
    pub test_type: Option<String>,
    /// The user's name.
    pub user_name: Option<String>,
    /// One plan a day from today to the day before the target end date; empty when the
    /// user has no test or the end date has passed.
    pub days: Vec<DayPlan>,
}

/// Loads and computes a user's schedule in one statement; 404 for an unknown user.
pub fn load_schedule(db: &Db, user: &UserId) -> Result<Schedule> {
    let row: Row = db
        .fetch_optional(queries::SCHEDULE_DATA, &[user.as_uuid()])?
        .ok_or_else(|| ApiError::NotFound("User not found".to_owned()))?;
    let days = match (&row.test_prep, row.target_end_date) {
        (Some(_), Some(end)) => domain::plan_schedule(&ScheduleInput {
            today: row.today,
            end,
            now_utc: row.now_utc,
            offset: row.now_local - row.now_utc,
            words: row.words,
            pool: row.pool,
        }),
        _ => Vec::new(),
    };
    Ok(Schedule {
        today: row.today,
        test_type: row.test_prep,
        user_name: row.user_name,
        days,
    })
}

impl Schedule {
    /// Whether there is anything planned: a test whose end date is after today.
    pub fn has_schedule(&self) -> bool {
        !self.days.is_empty()
    }

    /// One day as a `DailyScheduleEntry`.
    pub fn day_json(&self, plan: &DayPlan) -> Value {
        json!({
            "date": domain::format_date(&plan.date),
            "user_has_schedule": true,
            "has_schedule": true,
            "test_type": self.test_type,
            "user_name": self.user_name,
            "new_words": plan.new_words,
            "new_words_completed": plan.new_words_completed,
            "test_practice_words": plan.test_practice_words,
            "test_practice_words_completed": plan.test_practice_words_completed,
            "non_test_practice_words": plan.non_test_practice_words,
            "non_test_practice_words_completed": plan.non_test_practice_words_completed,
            "summary": plan.summary(),
        })
    }

    /// Today's `DailyScheduleEntry` when there is no schedule, with the reason.
    pub fn no_schedule_json(&self) -> Value {
        let message = if self.test_type.is_some() {
            "The study plan has ended. Set a new target date to plan again."
        } else {
            "No test preparation is set. Choose a test to get a daily schedule."
        };
        json!({
            "date": domain::format_date(&self.today),
            "user_has_schedule": false,
            "has_schedule": false,
            "test_type": self.test_type,
            "user_name": self.user_name,
            "message": message,
        })
    }
}
