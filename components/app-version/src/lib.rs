//! `GET /v3/app-version?platform=&version=`: whether the app must or should upgrade.
//!
//! For `platform=ios` (any case) the version is compared numerically, part by part
//! (`1.10.0` > `1.9`), with the application variables `ios_min_version` and
//! `ios_latest_version`: older than the minimum is `upgrade_required` (with
//! `force_upgrade_message`), older than the latest is `upgrade_recommended`, else `ok`.
//! The answer carries `min_version`, `latest_version` and `upgrade_url`
//! (`ios_app_store_url`). Other platforms have no requirements: `{"status":"ok","message"}`.
//!
//! 400 when `platform` or `version` is missing or the version is not dotted digits. A
//! misconfigured variable does not block the app: it is logged and the answer is `ok`
//! (the original failed open too). No statement besides the usage row.

use domain::{AppVersion, VersionStatus};
use serde::Serialize;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Serialize)]
struct Answer {
    status: VersionStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upgrade_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// The iOS release policy, from the component's variables.
struct Policy {
    min: String,
    latest: String,
    url: String,
    force_message: String,
}

impl Policy {
    fn load() -> Result<Policy, String> {
        let get = |name: &str| {
            spin_sdk::variables::get(name).map_err(|e| format!("variable {name}: {e}"))
        };
        Ok(Policy {
            min: get("ios_min_version")?,
            latest: get("ios_latest_version")?,
            url: get("ios_app_store_url")?,
            force_message: get("force_upgrade_message")?,
        })
    }

    fn check(&self, current: &AppVersion) -> Result<Answer, String> {
        let parse = |name: &str, raw: &str| {
            AppVersion::parse(raw).map_err(|e| format!("variable {name} = {raw:?}: {e}"))
        };
        let min = parse("ios_min_version", &self.min)?;
        let latest = parse("ios_latest_version", &self.latest)?;
        let status = domain::version_status(current, &min, &latest);
        let message = match status {
            VersionStatus::UpgradeRequired => Some(self.force_message.clone()),
            VersionStatus::UpgradeRecommended => Some(format!(
                "Version {latest} of dogetionary is available. Update for the latest improvements."
            )),
            VersionStatus::Ok => None,
        };
        Ok(Answer {
            status,
            min_version: Some(min.to_string()),
            latest_version: Some(latest.to_string()),
            upgrade_url: Some(self.url.clone()),
            message,
        })
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, _ctx| {
        let query = api::Query::of(req);
        let platform = query.required("platform", |raw| Ok(raw.to_ascii_lowercase()))?;
        let version = query.required("version", AppVersion::parse)?;
        if platform != "ios" {
            return api::ok(&Answer {
                status: VersionStatus::Ok,
                min_version: None,
                latest_version: None,
                upgrade_url: None,
                message: Some("No version requirements for this platform".to_owned()),
            });
        }
        let answer = Policy::load()
            .and_then(|policy| policy.check(&version))
            .unwrap_or_else(|problem| {
                eprintln!("app-version: failing open: {problem}");
                Answer {
                    status: VersionStatus::Ok,
                    min_version: None,
                    latest_version: None,
                    upgrade_url: None,
                    message: None,
                }
            });
        api::ok(&answer)
    })
}
