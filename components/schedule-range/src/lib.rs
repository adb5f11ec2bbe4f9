//! `GET /v3/schedule/range?user_id=&days=7&only_new_words=false`: the study plan of the
//! next `days` days (1–60) from the user's today (in their time zone), at most up to the
//! day before the target end date, `{"schedules":[DailyScheduleEntry],"test_type",
//! "user_name"}`. With `only_new_words=true`, only the days that introduce new words are
//! listed. No test, or a plan that has ended: `schedules` is empty. One statement
//! (`api::load_schedule`); 404 for an unknown user.

use domain::InvalidValue;
use spin_sdk::http::{Method, Request, ResponseOutparam};

const DEFAULT_DAYS: i64 = 7;

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let query = api::Query::of(req);
        let user = query.user_id()?;
        let days = query
            .optional("days", |raw| {
                raw.parse::<i64>()
                    .map_err(|_| InvalidValue::WrongType("an integer"))
            })?
            .unwrap_or(DEFAULT_DAYS);
        let days = usize::try_from(domain::bounded("days", days, 1..=60)?).unwrap_or(1);
        let only_new = query.flag("only_new_words")?.unwrap_or(false);
        let schedule = api::load_schedule(ctx.db()?, &user)?;
        let schedules: Vec<serde_json::Value> = schedule
            .days
            .iter()
            .take(days)
            .filter(|d| !only_new || !d.new_words.is_empty() || !d.new_words_completed.is_empty())
            .map(|d| schedule.day_json(d))
            .collect();
        api::ok(&serde_json::json!({
            "schedules": schedules,
            "test_type": schedule.test_type,
            "user_name": schedule.user_name,
        }))
    })
}
