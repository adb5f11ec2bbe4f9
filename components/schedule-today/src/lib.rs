//! `GET /v3/schedule/today?user_id=`: today's study plan, the iOS client's
//! `DailyScheduleEntry` (new words, test and non-test practice, each split into still to
//! do and completed, with a summary). "Today" is the user's day in their time zone
//! (`user_preferences.timezone`). Computed from the saved words, their reviews and the
//! test settings in one statement (`api::load_schedule`); without a test, or once the
//! target end date has passed, `has_schedule` is false with a message. 404 for an unknown
//! user.

use spin_sdk::http::{Method, Request, ResponseOutparam};

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let schedule = api::load_schedule(ctx.db()?, &user)?;
        let body = match schedule.days.first() {
            Some(today) => schedule.day_json(today),
            None => schedule.no_schedule_json(),
        };
        api::ok(&body)
    })
}
