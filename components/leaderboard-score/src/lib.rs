//! `GET /v3/leaderboard-score[?limit=100]`: the `limit` (1–1000) highest scores,
//! `{"leaderboard":[{"rank","user_id","user_name","user_motto","score","total_reviews"}],
//! "total_users"}`. One statement reading the top of `user_preferences_score_idx` (the
//! scores are stored and kept up to date by the `reviews` triggers), not an aggregate
//! over every review. Equal scores share a rank; user ids are upper-case, as the app
//! creates them; a missing name or motto is `""` (the app requires both).

use domain::{InvalidValue, UserId};
use serde::{Deserialize, Serialize};
use spin_sdk::http::{Method, Request, ResponseOutparam};

const DEFAULT_LIMIT: i64 = 100;

#[derive(Deserialize, Serialize)]
struct Entry {
    rank: i64,
    #[serde(deserialize_with = "uuid_as_user")]
    user_id: UserId,
    user_name: String,
    user_motto: String,
    score: i32,
    total_reviews: i32,
    #[serde(skip_serializing)]
    total_users: i64,
}

fn uuid_as_user<'de, D: serde::Deserializer<'de>>(d: D) -> Result<UserId, D::Error> {
    uuid::Uuid::deserialize(d).map(UserId::from)
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let limit = api::Query::of(req)
            .optional("limit", |raw| {
                raw.parse::<i64>()
                    .map_err(|_| InvalidValue::WrongType("an integer"))
            })?
            .unwrap_or(DEFAULT_LIMIT);
        let limit = i64::from(domain::bounded("limit", limit, 1..=1000)?);
        let entries: Vec<Entry> = ctx.db()?.fetch_all(queries::LEADERBOARD, &[&limit])?;
        let total_users = entries.first().map_or(0, |e| e.total_users);
        api::ok(&serde_json::json!({
            "leaderboard": entries,
            "total_users": total_users,
        }))
    })
}
