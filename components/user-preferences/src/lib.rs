//! `GET|POST /v3/users/:user_id/preferences`. GET reads the preferences, creating an
//! unknown user (`en` → `zh`, deterministic name and motto) in the same statement. With
//! an AI provider configured, GET first looks the user up and gives a user it is about
//! to create a generated name and motto (falling back to the deterministic ones when
//! the provider fails or takes longer than 3 s). POST
//! validates the body (`domain::PreferencesUpdate`) and upserts it in one statement,
//! answering the same shape plus `"updated": true` and `target_end_date` when set.

use chrono::NaiveDate;
use domain::{PreferencesInput, PreferencesUpdate, TestPrep, Timezone, UserId};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// A row of `queries::SELECT_PREFERENCES`, answered with the path's user id (upper-case).
#[derive(Deserialize, Serialize)]
struct Preferences {
    #[serde(skip_deserializing)]
    user_id: Option<UserId>,
    learning_language: String,
    native_language: String,
    user_name: Option<String>,
    user_motto: Option<String>,
    test_prep: Option<String>,
    study_duration_days: Option<i32>,
    daily_time_commitment_minutes: i32,
    timezone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<bool>,
}

/// The name and motto of a user about to be created: the provider's when it answers
/// within `ai::Use::Profile`'s budget, else the deterministic default.
fn new_profile(user: &UserId, ai: &mut ai::Ai) -> (String, String) {
    let seed: String = user
        .as_uuid()
        .simple()
        .to_string()
        .chars()
        .take(8)
        .collect();
    let deadline = std::time::Instant::now() + ai::Use::Profile.budget();
    match ai.profile(&seed, deadline) {
        Ok(profile) => (profile.user_name, profile.user_motto),
        Err(e) => {
            eprintln!(
                "GET preferences: default profile used: {e}; attempts: {:?}",
                e.attempts()
            );
            let (name, motto) = user.default_profile();
            (name, motto.to_owned())
        }
    }
}

fn get(user: &UserId, db: &api::Db) -> api::Result<Preferences> {
    let mut ai = ai::Ai::from_variables(&[ai::Use::Profile]);
    let (name, motto) = if ai.is_configured(ai::Use::Profile) {
        // Only a user who does not exist yet gets a generated profile.
        if let Some(existing) = db.fetch_optional(queries::SELECT_PREFERENCES, &[user.as_uuid()])? {
            return Ok(Preferences {
                target_end_date: None,
                ..existing
            });
        }
        new_profile(user, &mut ai)
    } else {
        let (name, motto) = user.default_profile();
        (name, motto.to_owned())
    };
    let params: [&dyn api::ToParam; 3] = [user.as_uuid(), &name, &motto];
    let preferences: Preferences =
        match db.fetch_optional(queries::GET_OR_CREATE_PREFERENCES, &params)? {
            Some(preferences) => preferences,
            // Created by a concurrent request, after this statement's snapshot: read it.
            None => db.fetch_one(queries::SELECT_PREFERENCES, &[user.as_uuid()])?,
        };
    Ok(Preferences {
        target_end_date: None,
        ..preferences
    })
}

fn post(user: &UserId, req: &Request, ctx: &mut api::Ctx) -> api::Result<Preferences> {
    let input = PreferencesInput::read(&api::JsonBody::of(req)?)?;
    let u = PreferencesUpdate::validate(input, api::today_utc())?;
    let (name, motto) = user.default_profile();
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
    let preferences: Preferences = ctx.db()?.fetch_one(queries::UPSERT_PREFERENCES, &params)?;
    Ok(Preferences {
        updated: Some(true),
        ..preferences
    })
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get, Method::Post], |req, ctx| {
        let user = api::path_user_id(req)?;
        let preferences = match *req.method() {
            Method::Post => post(&user, req, ctx)?,
            _ => get(&user, ctx.db()?)?,
        };
        api::ok(&Preferences {
            user_id: Some(user),
            ..preferences
        })
    })
}
