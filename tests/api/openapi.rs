//! `openapi.yaml` against `spin.toml` and against what the API answers.
//!
//! The description names every route of `spin.toml`: an OpenAPI path is its Spin route with
//! `{name}` written `:name`, unless the path item says otherwise in `x-spin-route` (a
//! trailing `/...` wildcard); the catch-all `/...` is `x-spin-catch-all`. Concrete request
//! paths are matched to a description path with the development host's router, so the
//! precedence is Spin's.
//!
//! [`observe`] checks one response (method, path, status, content type, JSON body) against
//! the description: the operation must declare the status, the content type, and the body
//! must validate against the declared JSON Schema (2020-12, the dialect of OpenAPI 3.1). A
//! method the path does not list is checked against `x-unlisted-methods`. The helpers'
//! `json_body` and `error_body` call it for every response they read when
//! `OPENAPI_VALIDATE=1` (the README test command and the suite against a deployment set it).
//!
//! The success schemas must also agree with what the iOS client decodes
//! (`contract/ios-client-contract.json`): its required keys required and not nullable, the
//! same JSON types, enums no wider than the client's; a map the client reads under any key
//! (`<TEST_TYPE>`) is compared with the schema's `additionalProperties`.
//!
//! Adding a route: describe it in `openapi.yaml` (operations, parameters, request body,
//! every status with its schema; `security: [{adminBearer: []}]` for operator routes;
//! `x-spin-route` if its Spin route has a `/...` wildcard), and add one example request to
//! [`every_route_answers_the_methods_the_description_lists`]'s `SAMPLES` if it has a
//! `:param` or wildcard.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

use devhost::manifest::{Manifest, RouteConfig};
use devhost::router::Router;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, spawn_admin_app, spawn_app};

/// The `x-spin-catch-all` pseudo path.
const CATCH_ALL: &str = "x-spin-catch-all";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const BASE: &str = "https://dogetionary.invalid/openapi.json";

/// The parsed description, its routing table and its compiled response schemas.
pub struct Description {
    doc: Value,
    router: Router,
    schemas: boon::Schemas,
    /// JSON pointer of a response schema → its compiled index.
    compiled: BTreeMap<String, boon::SchemaIndex>,
}

pub static DESCRIPTION: LazyLock<Description> = LazyLock::new(|| {
    Description::parse(include_str!("../../openapi.yaml")).unwrap_or_else(|e| panic!("{e}"))
});

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Description {
    pub fn parse(yaml: &str) -> Result<Description, String> {
        let doc: Value =
            serde_norway::from_str(yaml).map_err(|e| format!("openapi.yaml is not YAML: {e}"))?;
        let routes: Vec<(String, RouteConfig)> = spin_routes(&doc)?
            .into_iter()
            .map(|(route, key)| (key, RouteConfig::Route(route)))
            .collect();
        let (router, duplicates) = Router::build(routes.iter().map(|(k, r)| (k.as_str(), r)))
            .map_err(|e| format!("openapi.yaml routes: {e:#}"))?;
        if let Some(d) = duplicates.first() {
            return Err(format!("two paths have the Spin route {}", d.route));
        }
        let mut description = Description {
            doc,
            router,
            schemas: boon::Schemas::new(),
            compiled: BTreeMap::new(),
        };
        description.compile_response_schemas()?;
        Ok(description)
    }

    /// The value at a JSON pointer (`/paths/~1v3~1save/post`), following a `$ref`
    /// (local, `#/...`) at that place; returns the pointer it ended at.
    fn resolve(&self, pointer: &str) -> Option<(String, &Value)> {
        let mut pointer = pointer.to_owned();
        for _ in 0..8 {
            let value = self.doc.pointer(&pointer)?;
            match value.get("$ref").and_then(Value::as_str) {
                Some(target) => pointer = target.strip_prefix('#')?.to_owned(),
                None => return Some((pointer, value)),
            }
        }
        None
    }

    /// Every place that holds a `responses` object, as JSON pointers.
    fn responses_objects(&self) -> Vec<String> {
        let mut out = vec![
            "/x-unlisted-methods/public".to_owned(),
            "/x-unlisted-methods/operator".to_owned(),
            format!("/{CATCH_ALL}/responses"),
        ];
        for key in self.paths() {
            for (pointer, _) in self.operations(&key) {
                out.push(format!("{pointer}/responses"));
            }
        }
        out
    }

    fn compile_response_schemas(&mut self) -> Result<(), String> {
        let mut compiler = boon::Compiler::new();
        compiler.set_default_draft(boon::Draft::V2020_12);
        compiler.enable_format_assertions();
        compiler
            .add_resource(BASE, self.doc.clone())
            .map_err(|e| e.to_string())?;
        let mut targets = Vec::new();
        for responses in self.responses_objects() {
            let Some((responses, object)) = self.resolve(&responses) else {
                return Err(format!("openapi.yaml: no responses at {responses}"));
            };
            let statuses: Vec<String> = object
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            if statuses.is_empty() {
                return Err(format!("openapi.yaml: {responses} declares no status"));
            }
            for status in statuses {
                let Some((response, value)) = self.resolve(&format!("{responses}/{status}")) else {
                    return Err(format!(
                        "openapi.yaml: {responses}/{status} does not resolve"
                    ));
                };
                for (media, content) in value["content"].as_object().into_iter().flatten() {
                    if content.get("schema").is_some() {
                        targets.push(format!("{response}/content/{}/schema", escape(media)));
                    }
                }
            }
        }
        for target in targets {
            if self.compiled.contains_key(&target) {
                continue;
            }
            let index = compiler
                .compile(&format!("{BASE}#{target}"), &mut self.schemas)
                .map_err(|e| format!("openapi.yaml: schema {target}: {e:#}"))?;
            self.compiled.insert(target, index);
        }
        Ok(())
    }

    /// The description's paths (keys of `paths`).
    pub fn paths(&self) -> Vec<String> {
        self.doc["paths"]
            .as_object()
            .map(|paths| paths.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// `(pointer, method)` of each operation of a path, the path item's `$ref` followed.
    fn operations(&self, key: &str) -> Vec<(String, &'static str)> {
        let Some((item, value)) = self.resolve(&format!("/paths/{}", escape(key))) else {
            return Vec::new();
        };
        METHODS
            .iter()
            .filter(|m| value.get(**m).is_some())
            .map(|m| (format!("{item}/{m}"), *m))
            .collect()
    }

    /// The upper-case methods a path lists.
    pub fn methods(&self, key: &str) -> BTreeSet<String> {
        self.operations(key)
            .into_iter()
            .map(|(_, m)| m.to_uppercase())
            .collect()
    }

    /// Whether the operations of a path require the operator token.
    pub fn is_operator(&self, key: &str) -> bool {
        self.operations(key).iter().any(|(pointer, _)| {
            self.doc
                .pointer(&format!("{pointer}/security"))
                .and_then(Value::as_array)
                .is_some_and(|s| !s.is_empty())
        })
    }

    /// The description path that serves a concrete request path, as Spin would route it.
    pub fn path_of(&self, path: &str) -> Option<String> {
        self.router.route(path).map(|m| m.component_id)
    }

    /// Checks one response against the description; `method` unknown accepts any
    /// operation of the path. Only JSON bodies are validated; others must have a declared
    /// content type.
    pub fn check(
        &self,
        method: Option<&str>,
        path: &str,
        status: u16,
        content_type: &str,
        body: Option<&Value>,
    ) -> Result<(), String> {
        let key = self
            .path_of(path)
            .ok_or_else(|| format!("{path}: no path of openapi.yaml matches"))?;
        let unlisted = if self.is_operator(&key) {
            "/x-unlisted-methods/operator"
        } else {
            "/x-unlisted-methods/public"
        };
        let candidates: Vec<(String, String)> = if key == CATCH_ALL {
            vec![(format!("/{CATCH_ALL}/responses"), "any method".to_owned())]
        } else {
            let operations = self.operations(&key);
            let chosen: Vec<(String, String)> = match method {
                Some(m) => operations
                    .iter()
                    .filter(|(_, op)| op.eq_ignore_ascii_case(m))
                    .map(|(p, op)| (format!("{p}/responses"), op.to_uppercase()))
                    .collect(),
                None => operations
                    .iter()
                    .map(|(p, op)| (format!("{p}/responses"), op.to_uppercase()))
                    .chain(std::iter::once((
                        unlisted.to_owned(),
                        "an unlisted method".to_owned(),
                    )))
                    .collect(),
            };
            if chosen.is_empty() {
                vec![(unlisted.to_owned(), "an unlisted method".to_owned())]
            } else {
                chosen
            }
        };
        let mut problems = Vec::new();
        for (responses, what) in &candidates {
            match self.check_responses(responses, status, content_type, body) {
                Ok(()) => return Ok(()),
                Err(problem) => problems.push(format!("as {what} of {key}: {problem}")),
            }
        }
        Err(format!(
            "{} {path} → {status}: {}",
            method.unwrap_or("(method unknown)"),
            problems.join("; ")
        ))
    }

    fn check_responses(
        &self,
        responses: &str,
        status: u16,
        content_type: &str,
        body: Option<&Value>,
    ) -> Result<(), String> {
        let (responses, object) = self
            .resolve(responses)
            .ok_or_else(|| format!("{responses} does not resolve"))?;
        let declared = object.get(status.to_string()).is_some();
        if !declared {
            let known: Vec<&String> = object
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
                .collect();
            return Err(format!(
                "status {status} is not described (described: {known:?})"
            ));
        }
        let (response, value) = self
            .resolve(&format!("{responses}/{status}"))
            .ok_or_else(|| format!("{responses}/{status} does not resolve"))?;
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let content = value["content"].as_object().cloned().unwrap_or_default();
        let media = content
            .keys()
            .find(|m| {
                **m == essence
                    || m.strip_suffix("/*")
                        .is_some_and(|top| essence.split('/').next() == Some(top))
            })
            .ok_or_else(|| {
                format!(
                    "content type {essence:?} is not described (described: {:?})",
                    content.keys().collect::<Vec<_>>()
                )
            })?;
        let (Some(body), true) = (body, media == "application/json") else {
            return Ok(());
        };
        let pointer = format!("{response}/content/{}/schema", escape(media));
        let Some(index) = self.compiled.get(&pointer) else {
            return Err(format!("{pointer}: no schema"));
        };
        self.schemas
            .validate(body, *index)
            .map_err(|e| format!("the body does not match {pointer}: {e:#}\nbody: {body}"))
    }
}

/// `(Spin route, description path)` for every path and the catch-all.
fn spin_routes(doc: &Value) -> Result<Vec<(String, String)>, String> {
    let paths = doc["paths"]
        .as_object()
        .ok_or("openapi.yaml has no paths")?;
    let mut routes = Vec::new();
    for (key, item) in paths {
        let route = match item.get("x-spin-route").and_then(Value::as_str) {
            Some(route) => route.to_owned(),
            None => key
                .split('/')
                .map(
                    |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => format!(":{name}"),
                        None => segment.to_owned(),
                    },
                )
                .collect::<Vec<_>>()
                .join("/"),
        };
        routes.push((route, key.clone()));
    }
    let catch_all = doc[CATCH_ALL]["route"]
        .as_str()
        .ok_or("openapi.yaml has no x-spin-catch-all.route")?;
    routes.push((catch_all.to_owned(), CATCH_ALL.to_owned()));
    Ok(routes)
}

/// Whether the helpers check every response they read (`OPENAPI_VALIDATE=1`).
pub fn validating() -> bool {
    static ON: LazyLock<bool> = LazyLock::new(|| {
        std::env::var("OPENAPI_VALIDATE").is_ok_and(|v| !v.is_empty() && v != "0")
    });
    *ON
}

/// The helpers' hook: when [`validating`], panics unless the response is described.
pub fn observe(
    method: Option<&Method>,
    url: &reqwest::Url,
    status: StatusCode,
    content_type: &str,
    body: Option<&Value>,
) {
    if !validating() {
        return;
    }
    if let Err(problem) = DESCRIPTION.check(
        method.map(Method::as_str),
        url.path(),
        status.as_u16(),
        content_type,
        body,
    ) {
        panic!("the response is not what openapi.yaml describes: {problem}");
    }
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
}

fn manifest_routes() -> BTreeSet<String> {
    let manifest = Manifest::load(&workspace_root().join("spin.toml")).expect("read spin.toml");
    manifest
        .http_triggers
        .iter()
        .filter_map(|t| match &t.route {
            RouteConfig::Route(route) => Some(route.clone()),
            RouteConfig::Private => None,
        })
        .collect()
}

#[test]
fn openapi_description_parses_and_every_response_schema_compiles() {
    let description = &*DESCRIPTION;
    assert_eq!(
        description.doc["openapi"].as_str().map(|v| &v[..4]),
        Some("3.1.")
    );
    assert!(!description.compiled.is_empty());
    let error = &description.doc["components"]["schemas"]["Error"];
    assert_eq!(error["required"], json!(["error"]));
}

#[test]
fn openapi_and_spin_toml_name_the_same_routes() {
    let described: BTreeSet<String> = spin_routes(&DESCRIPTION.doc)
        .expect("routes")
        .into_iter()
        .map(|(route, _)| route)
        .collect();
    let manifest = manifest_routes();
    let undescribed: Vec<&String> = manifest.difference(&described).collect();
    let unrouted: Vec<&String> = described.difference(&manifest).collect();
    assert!(
        undescribed.is_empty() && unrouted.is_empty(),
        "spin.toml routes missing from openapi.yaml: {undescribed:?}\n\
         openapi.yaml paths that spin.toml does not route: {unrouted:?}"
    );
}

#[test]
fn openapi_operator_operations_and_only_they_require_the_bearer_token() {
    let d = &*DESCRIPTION;
    assert_eq!(
        d.doc["components"]["securitySchemes"]["adminBearer"],
        json!({"type": "http", "scheme": "bearer", "description": "The application variable `admin_token`."})
    );
    for key in d.paths() {
        for (pointer, method) in d.operations(&key) {
            let operation = d.doc.pointer(&pointer).expect("operation");
            let tagged = operation["tags"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("operator")));
            let secured = operation["security"] == json!([{"adminBearer": []}]);
            assert_eq!(
                tagged, secured,
                "{method} {key}: operator tag and security disagree"
            );
            if secured {
                for status in ["401", "404"] {
                    assert!(
                        operation["responses"].get(status).is_some(),
                        "{method} {key}: operator operation without {status}"
                    );
                }
            }
        }
    }
}

/// (method, path, status, body, described, case)
type Case = (
    Option<&'static str>,
    &'static str,
    u16,
    Option<Value>,
    bool,
    &'static str,
);

#[test]
fn openapi_check_refuses_undescribed_statuses_and_wrong_bodies() {
    let d = &*DESCRIPTION;
    let ok = json!({"user_id": "0C6A1B1E-1D43-4B3A-9C59-2D7A8E1F2B3C", "overdue_count": 0, "total_count": 2});
    let json = "application/json";
    let cases: [Case; 9] = [
        (
            Some("GET"),
            "/v3/due_counts",
            200,
            Some(ok.clone()),
            true,
            "a described success",
        ),
        (
            None,
            "/v3/due_counts",
            200,
            Some(ok.clone()),
            true,
            "method unknown",
        ),
        (
            Some("GET"),
            "/v3/due_counts",
            201,
            Some(ok),
            false,
            "an undescribed status",
        ),
        (
            Some("GET"),
            "/v3/due_counts",
            200,
            Some(json!({"user_id": "x"})),
            false,
            "keys missing",
        ),
        (
            Some("GET"),
            "/v3/due_counts",
            400,
            Some(json!({"message": "bad"})),
            false,
            "not an Error",
        ),
        (
            Some("DELETE"),
            "/v3/due_counts",
            405,
            Some(json!({"error": "Method not allowed"})),
            true,
            "unlisted method",
        ),
        (
            Some("DELETE"),
            "/v3/due_counts",
            401,
            Some(json!({"error": "no"})),
            false,
            "401 on a public path",
        ),
        (
            Some("PUT"),
            "/api/usage",
            401,
            Some(json!({"error": "no"})),
            true,
            "401 on an operator path",
        ),
        (
            Some("PATCH"),
            "/no/such/path",
            404,
            Some(json!({"error": "Not found"})),
            true,
            "the catch-all",
        ),
    ];
    for (method, path, status, body, expected, case) in cases {
        let result = d.check(method, path, status, json, body.as_ref());
        assert_eq!(result.is_ok(), expected, "{case}: {result:?}");
    }
    assert_eq!(
        d.path_of("/v3/audio/and/or/en").as_deref(),
        Some("/v3/audio/{text}/{language}")
    );
    assert_eq!(
        d.path_of("/v3/users/ABC/preferences").as_deref(),
        Some("/v3/users/{user_id}/preferences")
    );
    assert!(
        d.check(Some("GET"), "/v3/saved_words", 200, "text/html", None)
            .is_err(),
        "an undescribed content type"
    );
}

/// A concrete request path for each route with a `:param` or a wildcard.
const SAMPLES: [(&str, &str); 7] = [
    ("/v3/words/:word_id/details", "/v3/words/1/details"),
    (
        "/v3/words/:word_id/forgetting-curve",
        "/v3/words/1/forgetting-curve",
    ),
    (
        "/v3/users/:user_id/preferences",
        "/v3/users/0C6A1B1E-1D43-4B3A-9C59-2D7A8E1F2B3C/preferences",
    ),
    (
        "/v3/admin/bundles/:bundle_name/words-needing-videos",
        "/v3/admin/bundles/demo/words-needing-videos",
    ),
    ("/v3/videos/:video_id", "/v3/videos/1"),
    ("/v3/audio/...", "/v3/audio/hello/en"),
    ("/...", "/no/such/path"),
];

/// Sends PATCH (no route lists it) to every route of `spin.toml`, with the operator
/// token, and compares the `Allow` header of the 405 with the methods the description
/// lists for that route; the catch-all must answer 404.
#[tokio::test]
async fn every_route_answers_the_methods_the_description_lists() {
    let app = spawn_admin_app().await;
    let d = &*DESCRIPTION;
    let samples: BTreeMap<&str, &str> = SAMPLES.into_iter().collect();
    let mut problems = Vec::new();
    for route in manifest_routes() {
        let path = match samples.get(route.as_str()) {
            Some(path) => (*path).to_owned(),
            None if route.contains(':') || route.ends_with("...") => {
                problems.push(format!("{route}: add a concrete path to SAMPLES"));
                continue;
            }
            None => route.clone(),
        };
        let response = app
            .admin_request(Method::PATCH, &path, Some(ADMIN_TOKEN), None)
            .await;
        let status = response.status();
        let allow = response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .map(|allow| {
                allow
                    .split(',')
                    .map(|m| m.trim().to_owned())
                    .collect::<BTreeSet<_>>()
            });
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body: Option<Value> = response.json().await.ok();
        if let Err(problem) = d.check(
            Some("PATCH"),
            &path,
            status.as_u16(),
            &content_type,
            body.as_ref(),
        ) {
            problems.push(problem);
        }
        let Some(key) = d.path_of(&path) else {
            problems.push(format!("{path}: not described"));
            continue;
        };
        if key == CATCH_ALL {
            if status != StatusCode::NOT_FOUND {
                problems.push(format!(
                    "PATCH {path}: {status}, expected the catch-all's 404"
                ));
            }
            continue;
        }
        let listed = d.methods(&key);
        if status != StatusCode::METHOD_NOT_ALLOWED || allow.as_ref() != Some(&listed) {
            problems.push(format!(
                "PATCH {path}: {status} with Allow {allow:?}; openapi.yaml lists {listed:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One request to most routes, each response checked against the description whether or
/// not `OPENAPI_VALIDATE` is set.
#[tokio::test]
async fn openapi_describes_the_answers_of_a_tour_of_the_api() {
    let app = spawn_app().await;
    let user = crate::helpers::new_user_id();
    let word = json!({"user_id": user, "word": "apple", "learning_language": "en", "native_language": "zh"});
    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/health".into(), None),
        (Method::GET, "/languages".into(), None),
        (Method::GET, format!("/v3/users/{user}/preferences"), None),
        (Method::GET, "/v3/users/not-a-uuid/preferences".into(), None),
        (Method::POST, "/v3/save".into(), Some(word.clone())),
        (
            Method::POST,
            "/v3/save".into(),
            Some(json!({"user_id": user})),
        ),
        (Method::GET, format!("/v3/saved_words?user_id={user}"), None),
        (
            Method::POST,
            "/v3/reviews/submit".into(),
            Some(
                json!({"user_id": user, "word": "apple", "learning_language": "en", "native_language": "zh", "response": true}),
            ),
        ),
        (Method::GET, format!("/v3/due_counts?user_id={user}"), None),
        (
            Method::POST,
            "/v3/unsave".into(),
            Some(json!({"user_id": user, "word_id": 999_999})),
        ),
        (Method::GET, "/test-review-intervals".into(), None),
        (Method::POST, "/v3/fix_next_review_dates".into(), None),
        (Method::GET, "/api/usage".into(), None),
        (
            Method::POST,
            "/v3/feedback".into(),
            Some(json!({"user_id": user, "feedback": "Nice"})),
        ),
        (
            Method::POST,
            "/analytics/track".into(),
            Some(json!({"user_id": user, "action": "app_launch"})),
        ),
        (
            Method::POST,
            "/v3/content/report".into(),
            Some(
                json!({"user_id": user, "word": "apple", "learning_language": "en", "native_language": "zh", "question_type": "mc_definition", "report_type": "Other"}),
            ),
        ),
        (
            Method::GET,
            "/v3/app-version?platform=ios&version=1.0.0".into(),
            None,
        ),
        (Method::GET, "/privacy".into(), None),
        (Method::GET, "/v3/videos/999999".into(), None),
        (
            Method::GET,
            "/v3/api/check-word-videos?word=apple".into(),
            None,
        ),
        (Method::GET, format!("/v3/word?w=zzqx&user_id={user}"), None),
        (Method::GET, "/v3/audio/hello/xx".into(), None),
        (
            Method::POST,
            "/v3/illustration".into(),
            Some(json!({"word": "apple"})),
        ),
        (Method::GET, "/openapi.yaml".into(), None),
        (Method::DELETE, "/v3/save".into(), None),
        (Method::GET, "/v3/nope".into(), None),
    ];
    let mut problems = Vec::new();
    for (method, path, body) in requests {
        let response = app
            .admin_request(method.clone(), &path, None, body.as_ref())
            .await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("read body");
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let path_only = path.split('?').next().unwrap_or_default();
        if let Err(problem) = DESCRIPTION.check(
            Some(method.as_str()),
            path_only,
            status.as_u16(),
            &content_type,
            body.as_ref(),
        ) {
            problems.push(problem);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn get_openapi_yaml_serves_the_description() {
    let app = spawn_app().await;

    let response = app.get("/openapi.yaml").await;

    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/yaml");
    let text = response.text().await.expect("read body");
    assert_eq!(text, include_str!("../../openapi.yaml"));
}

/// The JSON types a schema admits (following `$ref`, `oneOf`, `anyOf`, `const`, `enum`).
fn admitted_types(d: &Description, schema: &Value) -> BTreeSet<String> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => d
            .doc
            .pointer(target.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => schema,
    };
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let mut out = BTreeSet::new();
    match &schema["type"] {
        Value::String(t) => {
            out.insert(t.clone());
        }
        Value::Array(ts) => out.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned)),
        _ => {}
    }
    if let Some(c) = schema.get("const") {
        out.insert(kind(c).to_owned());
    }
    for v in schema["enum"].as_array().into_iter().flatten() {
        out.insert(kind(v).to_owned());
    }
    for alternative in ["oneOf", "anyOf"] {
        for s in schema[alternative].as_array().into_iter().flatten() {
            out.extend(admitted_types(d, s));
        }
    }
    out
}

/// Follows a schema's `$ref`.
fn deref<'a>(d: &'a Description, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => d
            .doc
            .pointer(target.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

/// Every disagreement between a contract field tree and an object schema.
fn disagreements(
    d: &Description,
    fields: &serde_json::Map<String, Value>,
    schema: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    let schema = deref(d, schema);
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (key, rule) in fields {
        let here = format!("{at}.{key}");
        let ty = rule["type"].as_str().unwrap_or_default();
        if ty == "ignored" {
            continue;
        }
        if key.starts_with('<') && key.ends_with('>') {
            // A map keyed by any name (`<TEST_TYPE>`): its values are `additionalProperties`.
            match schema.get("additionalProperties").filter(|v| v.is_object()) {
                Some(values) => {
                    if let Some(nested) = rule["fields"].as_object() {
                        disagreements(d, nested, values, &here, out);
                    }
                }
                None => out.push(format!(
                    "{here}: the client decodes a map; no additionalProperties described"
                )),
            }
            continue;
        }
        let Some(property) = schema["properties"].get(key) else {
            if rule["optional"] != true {
                out.push(format!("{here}: the client requires it; not described"));
            }
            continue;
        };
        let admitted = admitted_types(d, property);
        if rule["optional"] != true {
            if !required.contains(key.as_str()) {
                out.push(format!("{here}: the client requires it; not in `required`"));
            }
            if admitted.contains("null") {
                out.push(format!(
                    "{here}: the client requires it; the schema allows null"
                ));
            }
        }
        let expected: &[&str] = match ty {
            "String" => &["string"],
            "Int" => &["integer"],
            "Double" => &["number", "integer"],
            "Bool" => &["boolean"],
            "[String]" | "[Int]" | "array" => &["array"],
            "[String: Bool]" | "object" | "map" => &["object"],
            t if t.starts_with("enum[") => &["string"],
            _ => &[],
        };
        let wrong: Vec<&String> = admitted
            .iter()
            .filter(|t| *t != "null" && !expected.contains(&t.as_str()))
            .collect();
        if !expected.is_empty() && (!wrong.is_empty() || admitted.is_empty()) {
            out.push(format!(
                "{here}: the client decodes {ty}; the schema admits {admitted:?}"
            ));
        }
        let property = deref(d, property);
        if let Some(values) = ty.strip_prefix("enum[").and_then(|v| v.strip_suffix(']')) {
            let allowed: BTreeSet<&str> = values.split(',').collect();
            let described: BTreeSet<&str> = property["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if described.is_empty() || !described.is_subset(&allowed) {
                out.push(format!(
                    "{here}: the client accepts only {allowed:?}; described {described:?}"
                ));
            }
        }
        match ty {
            "object" => {
                if let Some(nested) = rule["fields"].as_object() {
                    disagreements(d, nested, property, &here, out);
                }
            }
            "array" => {
                if let Some(nested) = rule["items"]["fields"].as_object() {
                    disagreements(d, nested, &property["items"], &format!("{here}[]"), out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn openapi_success_schemas_agree_with_what_the_ios_client_decodes() {
    let d = &*DESCRIPTION;
    let contract: Value =
        serde_json::from_str(include_str!("contract/ios-client-contract.json")).expect("JSON");
    let mut problems = Vec::new();
    let mut compared = 0;
    for endpoint in contract["endpoints"].as_array().into_iter().flatten() {
        let (Some(method), Some(path), Some(fields)) = (
            endpoint["method"].as_str(),
            endpoint["path"].as_str(),
            endpoint["response"].as_object(),
        ) else {
            continue;
        };
        let Some(key) = d.path_of(path).filter(|k| k != CATCH_ALL) else {
            continue;
        };
        let Some((operation, _)) = d
            .operations(&key)
            .into_iter()
            .find(|(_, m)| m.eq_ignore_ascii_case(method))
        else {
            problems.push(format!(
                "{method} {path}: the client calls it; not described"
            ));
            continue;
        };
        let success = ["200", "201"].iter().find_map(|status| {
            d.resolve(&format!("{operation}/responses/{status}"))
                .and_then(|(_, r)| r.pointer("/content/application~1json/schema"))
        });
        let Some(schema) = success else {
            problems.push(format!(
                "{method} {path}: no JSON success response described"
            ));
            continue;
        };
        compared += 1;
        disagreements(
            d,
            fields,
            schema,
            &format!("{method} {path} $"),
            &mut problems,
        );
    }
    assert!(compared >= 10, "only {compared} endpoints compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
