//! `GET /v3/achievements/progress?user_id=`: the user's score (stored, kept up to date
//! by the `reviews` triggers) and the 20 milestones of `domain::ACHIEVEMENTS`, each
//! marked unlocked or not, with the current and next one. One statement; an unknown
//! user has a score of 0.

use domain::{ACHIEVEMENTS, Achievement};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Score {
    score: i64,
}

#[derive(Serialize)]
struct Entry {
    #[serde(flatten)]
    achievement: Achievement,
    unlocked: bool,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let Score { score } = ctx
            .db()?
            .fetch_one(queries::USER_SCORE, &[user.as_uuid()])?;
        let achievements: Vec<Entry> = ACHIEVEMENTS
            .iter()
            .map(|a| Entry {
                achievement: *a,
                unlocked: a.unlocked(score),
            })
            .collect();
        let progress = domain::achievement_progress(score);
        api::ok(&serde_json::json!({
            "user_id": user,
            "score": score,
            "achievements": achievements,
            "next_milestone": progress.next.map(|a| a.milestone),
            "next_achievement": progress.next,
            "current_achievement": progress.current,
        }))
    })
}
