//! `GET|PUT /v3/test-prep/settings`. GET `?user_id=`: the user's test settings and their
//! progress through its bundle, one statement. PUT `{"user_id","test_type","target_days"}`
//! sets the test (`target_days` 1–365, default 30: the plan ends that many days after
//! the user's today) or, with `test_type` absent or `null`, clears it; one statement.
//! Both answer 404 for an unknown user (the app creates users through
//! `GET /v3/users/{id}/preferences`).

use chrono::NaiveDate;
use domain::{TestPrep, UserId};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

const DEFAULT_TARGET_DAYS: i64 = 30;

#[derive(Deserialize)]
struct Settings {
    learning_language: String,
    native_language: String,
    test_prep: Option<String>,
    study_duration_days: Option<i32>,
    target_end_date: Option<NaiveDate>,
    last_test_words_added: Option<NaiveDate>,
    totals: Vec<i64>,
    saved: Vec<i64>,
}

#[derive(Deserialize)]
struct Updated {
    test_prep: Option<String>,
    study_duration_days: Option<i32>,
    target_end_date: Option<NaiveDate>,
    last_test_words_added: Option<NaiveDate>,
}

fn not_found() -> api::ApiError {
    api::ApiError::NotFound("User not found".to_owned())
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.as_ref().map(domain::format_date)
}

/// `{"saved","total","percentage"}` of one bundle (percentage to one decimal).
fn progress(s: &Settings, test: TestPrep) -> Value {
    let i = TestPrep::ALL
        .iter()
        .position(|t| *t == test)
        .unwrap_or_default();
    let total = s.totals.get(i).copied().unwrap_or_default();
    let saved = s.saved.get(i).copied().unwrap_or_default();
    let percentage = if total > 0 {
        (saved as f64 * 1000.0 / total as f64).round() / 10.0
    } else {
        0.0
    };
    json!({"saved": saved, "total": total, "percentage": percentage})
}

fn get(user: &UserId, db: &api::Db) -> api::Result<Value> {
    let s: Settings = db
        .fetch_optional(queries::USER_TEST_PREP, &[user.as_uuid()])?
        .ok_or_else(not_found)?;
    let active = s.test_prep.as_deref().and_then(|t| TestPrep::parse(t).ok());
    let family = |prefix: &str| {
        s.test_prep
            .as_deref()
            .is_some_and(|t| t.starts_with(prefix))
    };
    Ok(json!({
        "settings": {
            "active_test": s.test_prep,
            "target_days": s.study_duration_days,
            "target_end_date": date(s.target_end_date),
            "last_test_words_added": date(s.last_test_words_added),
            "learning_language": s.learning_language,
            "native_language": s.native_language,
            "toefl_enabled": family("TOEFL"),
            "ielts_enabled": family("IELTS"),
            "tianz_enabled": family("DEMO"),
            "demo_enabled": family("DEMO"),
            "business_english_enabled": family("BUSINESS_ENGLISH"),
            "everyday_english_enabled": family("EVERYDAY_ENGLISH"),
        },
        "progress": {
            "active": active.map(|t| progress(&s, t)),
            "toefl": progress(&s, TestPrep::ToeflAdvanced),
            "ielts": progress(&s, TestPrep::IeltsAdvanced),
            "tianz": progress(&s, TestPrep::Demo),
        },
    }))
}

fn put(req: &Request, ctx: &mut api::Ctx) -> api::Result<Value> {
    let body = api::JsonBody::of(req)?;
    let user = body.user_id()?;
    let test = body.optional("test_type", TestPrep::parse)?;
    let days = body
        .optional_int("target_days")?
        .unwrap_or(DEFAULT_TARGET_DAYS);
    let days = domain::bounded("target_days", days, 1..=365)?;
    let params: [&dyn api::ToParam; 3] = [user.as_uuid(), &test.map(TestPrep::as_str), &days];
    let u: Updated = ctx
        .db()?
        .fetch_optional(queries::UPDATE_TEST_PREP, &params)?
        .ok_or_else(not_found)?;
    Ok(json!({
        "success": true,
        "settings": {
            "active_test": u.test_prep,
            "target_days": u.study_duration_days,
            "target_end_date": date(u.target_end_date),
            "last_test_words_added": date(u.last_test_words_added),
        },
    }))
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get, Method::Put], |req, ctx| {
        let body = match *req.method() {
            Method::Put => put(req, ctx)?,
            _ => get(&api::Query::of(req).user_id()?, ctx.db()?)?,
        };
        api::ok(&body)
    })
}
