//! `POST /v3/feedback` `{user_id, feedback}`: stores the feedback (trimmed, 1..=500
//! characters, counted as characters, not bytes) and answers exactly 201, the only status
//! the iOS client accepts. One statement; `user_feedback` has no foreign key, so an
//! unknown user is not created.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Stored {
    id: i32,
    created_at: NaiveDateTime,
}

#[derive(Serialize)]
struct Answer {
    success: bool,
    message: &'static str,
    feedback_id: i32,
    #[serde(serialize_with = "domain::iso8601::serialize")]
    created_at: NaiveDateTime,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let feedback = body.required("feedback", |raw| {
            domain::required_text(raw, domain::FEEDBACK_MAX_CHARS)
        })?;
        let stored: Stored = ctx
            .db()?
            .fetch_one(queries::INSERT_FEEDBACK, &[user.as_uuid(), &feedback])?;
        api::created(&Answer {
            success: true,
            message: "Thank you for your feedback!",
            feedback_id: stored.id,
            created_at: stored.created_at,
        })
    })
}
