//! `GET /v3/reviews/progress_stats?user_id=`: `{"reviews_today","success_rate_today",
//! "acquainted_to_familiar","familiar_to_remembered","remembered_to_unforgettable",
//! "total_reviews"}` in one statement (`queries::PROGRESS_STATS`). "Today" is the last
//! 24 hours, as in the original; `success_rate_today` is a percentage with one decimal
//! (0 without reviews).

use serde::Deserialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Stats {
    reviews_today: i64,
    correct_today: i64,
    acquainted_to_familiar: i64,
    familiar_to_remembered: i64,
    remembered_to_unforgettable: i64,
    total_reviews: i64,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let user = api::Query::of(req).user_id()?;
        let stats: Stats = ctx
            .db()?
            .fetch_one(queries::PROGRESS_STATS, &[user.as_uuid()])?;
        api::ok(&serde_json::json!({
            "reviews_today": stats.reviews_today,
            "success_rate_today": domain::success_rate_percent(stats.correct_today, stats.reviews_today),
            "acquainted_to_familiar": stats.acquainted_to_familiar,
            "familiar_to_remembered": stats.familiar_to_remembered,
            "remembered_to_unforgettable": stats.remembered_to_unforgettable,
            "total_reviews": stats.total_reviews,
        }))
    })
}
