#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod admin;
mod clock;
mod error;
mod ids;
mod parse;
mod response;
mod schedule;
mod serve;
mod usage;

pub use admin::{ADMIN_TOKEN_VARIABLE, check_admin, require_admin, serve_admin};
pub use clock::{now_utc, today_utc};
pub use db::{Db, DbError, ToParam, Tx};
pub use error::{ApiError, Result, ResultExt};
pub use ids::path_id;
pub use parse::{
    JsonBody, Query, path_param, path_user_id, request_path, request_query, storable_json,
};
pub use response::{created, html_escape, json, ok};
pub use schedule::{Schedule, load_schedule};
pub use serve::{Ctx, EVERY_METHOD, serve};
pub use usage::{UsageRecord, api_version, is_tracked};
