//! `GET|POST /v3/users/:user_id/preferences`.
//!
//! GET returns the preferences, creating an unknown user (`en` → `zh`, a deterministic
//! name and motto) in the same statement. POST validates the body
//! (`domain::PreferencesUpdate`) and upserts it in one statement, answering the same
//! shape plus `"updated": true` and `target_end_date` (`YYYY-MM-DD`) when set.

use chrono::NaiveDate;
use domain::{PreferencesInput, PreferencesUpdate, TestPrep, Timezone, UserId};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, Response};

/// A row of `queries::SELECT_PREFERENCES`; `user_id` is answered from the path.
#[derive(Deserialize, Serialize)]
struct Preferences {
    learning_language: String,
    native_language: String,
    user_name: Option<String>,
    user_motto: Option<String>,
    test_prep: Option<String>,
    study_duration_days: Option<i32>,
    daily_time_commitment_minutes: i32,
    timezone: String,
    #[serde(skip_serializing)]
    target_end_date: Option<NaiveDate>,
}

fn get(user: &UserId, db: &api::Db) -> api::Result<Preferences> {
    let (name, motto) = user.default_profile();
    let params: [&dyn api::ToParam; 3] = [user.as_uuid(), &name, &motto];
    match db.fetch_optional(queries::GET_OR_CREATE_PREFERENCES, &params)? {
        Some(preferences) => Ok(preferences),
        // Created by a concurrent request, after this statement's snapshot.
        None => Ok(db.fetch_one(queries::SELECT_PREFERENCES, &[user.as_uuid()])?),
    }
}

fn post(user: &UserId, req: &Request, ctx: &mut api::Ctx) -> api::Result<Preferences> {
    let input = PreferencesInput::read(&api::JsonBody::of(req)?)?;
    let update = PreferencesUpdate::validate(input, api::today_utc())?;
    let (name, motto) = user.default_profile();
    let u = &update;
    let params: [&dyn api::ToParam; 12] = [
        user.as_uuid(),
        &u.learning_language.code(),
        &u.native_language.code(),
        &u.user_name,
        &u.user_motto,
        &name,
        &motto,
        &u.test_prep.map(TestPrep::as_str),
        &u.study_duration_days,
        &u.target_end_date,
        &u.daily_time_commitment_minutes,
        &u.timezone.map(Timezone::as_str),
    ];
    Ok(ctx.db()?.fetch_one(queries::UPSERT_PREFERENCES, &params)?)
}

#[spin_sdk::http_component]
fn handle(req: Request) -> Response {
    api::serve(req, &[Method::Get, Method::Post], |req, ctx| {
        let user = api::path_user_id(req)?;
        let posted = *req.method() == Method::Post;
        let preferences = if posted {
            post(&user, req, ctx)?
        } else {
            get(&user, ctx.db()?)?
        };
        let mut body = serde_json::to_value(&preferences).map_err(api::ApiError::internal)?;
        body["user_id"] = serde_json::json!(user);
        if posted {
            body["updated"] = true.into();
            if let Some(date) = preferences.target_end_date {
                body["target_end_date"] = domain::format_date(&date).into();
            }
        }
        api::ok(&body)
    })
}
