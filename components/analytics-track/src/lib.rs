//! `POST /v3/analytics/track` and `POST /analytics/track`
//! `{user_id, action, metadata?, session_id?, platform?, app_version?}`: records one
//! analytics event in `user_actions`. The current iOS app posts to the `/v3` path, the
//! previous one to the unversioned path; both routes lead to this one component because
//! they are the same endpoint under two names.
//!
//! Any action is accepted (1..=50 characters); its category is the text before its first
//! `_`, lower-cased, at most 30 characters (`domain::AnalyticsAction::category`).
//! `session_id` (≤ 100), `platform` (≤ 20, default `ios`) and `app_version` (≤ 20) are
//! trimmed, blank counts as absent, longer is a 400 naming the field. An unknown user is
//! created in the same statement (`user_actions` has a foreign key to it).

use domain::AnalyticsAction;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Post], |req, ctx| {
        let body = api::JsonBody::of(req)?;
        let user = body.user_id()?;
        let action = body.required("action", AnalyticsAction::parse)?;
        let metadata = body.optional_object("metadata")?;
        let text = |field: &'static str, max: usize| {
            body.optional(field, |raw| domain::optional_text(raw, max))
                .map(Option::flatten)
        };
        let session_id = text("session_id", domain::SESSION_ID_MAX_CHARS)?;
        let platform =
            text("platform", domain::PLATFORM_MAX_CHARS)?.unwrap_or_else(|| "ios".to_owned());
        let app_version = text("app_version", domain::APP_VERSION_MAX_CHARS)?;
        let category = action.category();
        let (name, motto) = user.default_profile();
        let params: [&dyn api::ToParam; 9] = [
            user.as_uuid(),
            &action.as_str(),
            &category,
            &metadata,
            &session_id,
            &platform,
            &app_version,
            &name,
            &motto,
        ];
        ctx.db()?.execute(queries::TRACK_ACTION, &params)?;
        api::ok(&serde_json::json!({"success": true, "message": "Action tracked"}))
    })
}
