//! `spin.toml` (manifest version 2) into typed structs.
//!
//! Every key that changes how Spin runs an application is either supported here or rejected
//! with an error that names it: the host never silently ignores behaviour.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use toml::{Table, Value};

use crate::variables::validate_name;

/// A parsed and validated application manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file, as given.
    pub path: PathBuf,
    /// The directory `source` and `build.workdir` paths are relative to.
    pub dir: PathBuf,
    /// `[application]`.
    pub application: Application,
    /// `[variables]`, by name.
    pub variables: BTreeMap<String, VariableDecl>,
    /// `[[trigger.http]]`, in manifest order.
    pub http_triggers: Vec<HttpTrigger>,
    /// `[component.<id>]`, by id.
    pub components: BTreeMap<String, ComponentDecl>,
}

/// `[application]`.
#[derive(Debug, Clone)]
pub struct Application {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// `description`.
    pub description: Option<String>,
}

/// One `[variables]` entry.
#[derive(Debug, Clone, Default)]
pub struct VariableDecl {
    /// `default`.
    pub default: Option<String>,
    /// `required`.
    pub required: bool,
    /// `secret`: the value is never printed.
    pub secret: bool,
}

/// The `route` of an HTTP trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteConfig {
    /// A route pattern such as `/users/:id/...`.
    Route(String),
    /// `route = { private = true }`: reachable only through service chaining.
    Private,
}

/// One `[[trigger.http]]`.
#[derive(Debug, Clone)]
pub struct HttpTrigger {
    /// `route`.
    pub route: RouteConfig,
    /// `component`.
    pub component: String,
}

/// `[component.<id>.build]`.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// `command`: one or more shell commands, run in order.
    pub commands: Vec<String>,
    /// `workdir`, relative to the manifest directory.
    pub workdir: Option<String>,
    /// `watch`: globs for `spin watch` (recorded, not watched by this host).
    pub watch: Vec<String>,
}

/// One `[component.<id>]`.
#[derive(Debug, Clone)]
pub struct ComponentDecl {
    /// The component id.
    pub id: String,
    /// `description`.
    pub description: Option<String>,
    /// `source` as written.
    pub source: String,
    /// `source` resolved against the manifest directory.
    pub source_path: PathBuf,
    /// `allowed_outbound_hosts`, as written (may hold `{{ templates }}`).
    pub allowed_outbound_hosts: Vec<String>,
    /// `[component.<id>.variables]`: component variable name to template.
    pub variables: BTreeMap<String, String>,
    /// `environment`: WASI environment variables.
    pub environment: BTreeMap<String, String>,
    /// `[component.<id>.build]`.
    pub build: Option<BuildConfig>,
}

impl ComponentDecl {
    /// The build command to name in "missing .wasm" errors.
    pub fn build_hint(&self) -> String {
        match &self.build {
            Some(build) if !build.commands.is_empty() => build.commands.join(" && "),
            _ => "the component's build".to_owned(),
        }
    }
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> anyhow::Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read manifest {}", path.display()))?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(&text, path, &dir)
            .with_context(|| format!("invalid manifest {}", path.display()))
    }

    /// Parses manifest text; `dir` anchors relative paths.
    pub fn parse(text: &str, path: &Path, dir: &Path) -> anyhow::Result<Manifest> {
        let doc: Table = text.parse().context("not valid TOML")?;
        check_keys(
            &doc,
            "",
            &[
                "spin_manifest_version",
                "application",
                "variables",
                "trigger",
                "component",
            ],
            &[],
        )?;

        match doc.get("spin_manifest_version") {
            Some(Value::Integer(2)) => {}
            Some(Value::String(s)) if s == "2" => {}
            Some(other) => bail!(
                "`spin_manifest_version = {other}` is not supported: this host reads version 2 manifests"
            ),
            None => {
                bail!("missing `spin_manifest_version = 2` (version 1 manifests are not supported)")
            }
        }

        let application =
            parse_application(table_at(&doc, "application")?.unwrap_or(&Table::new()))?;
        let variables = parse_variables(table_at(&doc, "variables")?)?;
        let components = parse_components(table_at(&doc, "component")?, dir)?;
        let http_triggers = parse_triggers(table_at(&doc, "trigger")?)?;

        for trigger in &http_triggers {
            if !components.contains_key(&trigger.component) {
                bail!(
                    "[[trigger.http]] route {:?} uses component `{}`, which has no [component.{}] section",
                    trigger.route,
                    trigger.component,
                    trigger.component
                );
            }
        }
        for component in components.values() {
            for template in component.variables.values() {
                check_template_refs(template, &variables)
                    .with_context(|| format!("in [component.{}.variables]", component.id))?;
            }
            for host in &component.allowed_outbound_hosts {
                check_template_refs(host, &variables).with_context(|| {
                    format!("in [component.{}] allowed_outbound_hosts", component.id)
                })?;
            }
        }

        Ok(Manifest {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            application,
            variables,
            http_triggers,
            components,
        })
    }
}

fn check_template_refs(
    template: &str,
    variables: &BTreeMap<String, VariableDecl>,
) -> anyhow::Result<()> {
    let parsed = crate::variables::Template::parse(template)
        .map_err(|e| anyhow::anyhow!("invalid template {template:?}: {e}"))?;
    for name in parsed.references() {
        if !variables.contains_key(name) {
            bail!("template {template:?} refers to `{name}`, which is not declared in [variables]");
        }
    }
    Ok(())
}

/// Rejects keys outside `supported`; `unsupported` lists known Spin keys with the reason
/// this host refuses them.
fn check_keys(
    table: &Table,
    prefix: &str,
    supported: &[&str],
    unsupported: &[(&str, &str)],
) -> anyhow::Result<()> {
    for key in table.keys() {
        if supported.contains(&key.as_str()) {
            continue;
        }
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if let Some((_, why)) = unsupported.iter().find(|(k, _)| k == key) {
            bail!("`{full}` is not supported by the development host: {why}");
        }
        bail!("unknown or unsupported manifest key `{full}`");
    }
    Ok(())
}

fn table_at<'a>(table: &'a Table, key: &str) -> anyhow::Result<Option<&'a Table>> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::Table(t)) => Ok(Some(t)),
        Some(_) => bail!("`{key}` must be a table"),
    }
}

fn opt_string(table: &Table, key: &str, ctx: &str) -> anyhow::Result<Option<String>> {
    match table.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => bail!("`{ctx}.{key}` must be a string"),
    }
}

fn string_list(table: &Table, key: &str, ctx: &str) -> anyhow::Result<Vec<String>> {
    match table.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => bail!("`{ctx}.{key}` must be a list of strings"),
            })
            .collect(),
        Some(_) => bail!("`{ctx}.{key}` must be a list of strings"),
    }
}

fn string_map(table: &Table, key: &str, ctx: &str) -> anyhow::Result<BTreeMap<String, String>> {
    match table.get(key) {
        None => Ok(BTreeMap::new()),
        Some(Value::Table(t)) => t
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => bail!("`{ctx}.{key}.{k}` must be a string"),
            })
            .collect(),
        Some(_) => bail!("`{ctx}.{key}` must be a table of strings"),
    }
}

fn parse_application(table: &Table) -> anyhow::Result<Application> {
    check_keys(
        table,
        "application",
        &[
            "name",
            "version",
            "description",
            "authors",
            "targets",
            "trigger",
        ],
        &[(
            "tool",
            "tooling metadata belongs under [component.<id>.tool]",
        )],
    )?;
    let name =
        opt_string(table, "name", "application")?.context("`application.name` is required")?;
    if let Some(triggers) = table_at(table, "trigger")? {
        for (kind, value) in triggers {
            if kind != "http" {
                bail!(
                    "`application.trigger.{kind}` is not supported by the development host: it serves only HTTP triggers"
                );
            }
            let Value::Table(http) = value else {
                bail!("`application.trigger.http` must be a table");
            };
            check_keys(http, "application.trigger.http", &["base"], &[])?;
            if let Some(base) = opt_string(http, "base", "application.trigger.http")? {
                if base == "/" {
                    tracing::warn!(
                        "This application has the deprecated trigger 'base' set to the default value '/'. This may be an error in the future!"
                    );
                } else {
                    bail!(
                        "This application is using the deprecated trigger 'base' field. The base must be prepended to each [[trigger.http]]'s 'route'."
                    );
                }
            }
        }
    }
    Ok(Application {
        name,
        version: opt_string(table, "version", "application")?,
        description: opt_string(table, "description", "application")?,
    })
}

fn parse_variables(table: Option<&Table>) -> anyhow::Result<BTreeMap<String, VariableDecl>> {
    let mut out = BTreeMap::new();
    let Some(table) = table else {
        return Ok(out);
    };
    for (name, value) in table {
        validate_name(name).map_err(|e| anyhow::anyhow!("[variables] {e}"))?;
        let ctx = format!("variables.{name}");
        let Value::Table(decl) = value else {
            bail!("`{ctx}` must be a table such as {{ default = \"...\" }}");
        };
        check_keys(
            decl,
            &ctx,
            &["default", "required", "secret", "description"],
            &[],
        )?;
        let default = opt_string(decl, "default", &ctx)?;
        let required = match decl.get("required") {
            None => false,
            Some(Value::Boolean(b)) => *b,
            Some(_) => bail!("`{ctx}.required` must be a boolean"),
        };
        let secret = match decl.get("secret") {
            None => false,
            Some(Value::Boolean(b)) => *b,
            Some(_) => bail!("`{ctx}.secret` must be a boolean"),
        };
        match (&default, required) {
            (Some(_), true) => {
                bail!("variable `{name}` cannot both be required and have a default")
            }
            (None, false) => bail!("variable `{name}` needs a `default` or `required = true`"),
            _ => {}
        }
        out.insert(
            name.clone(),
            VariableDecl {
                default,
                required,
                secret,
            },
        );
    }
    Ok(out)
}

fn parse_components(
    table: Option<&Table>,
    dir: &Path,
) -> anyhow::Result<BTreeMap<String, ComponentDecl>> {
    let mut out = BTreeMap::new();
    let Some(table) = table else {
        return Ok(out);
    };
    for (id, value) in table {
        let ctx = format!("component.{id}");
        let Value::Table(c) = value else {
            bail!("`{ctx}` must be a table");
        };
        check_keys(
            c,
            &ctx,
            &[
                "source",
                "description",
                "allowed_outbound_hosts",
                "variables",
                "environment",
                "build",
                "tool",
                "files",
                "exclude_files",
                "key_value_stores",
                "sqlite_databases",
                "ai_models",
            ],
            &[
                (
                    "allowed_http_hosts",
                    "it is deprecated; list the hosts in `allowed_outbound_hosts` as \"https://host\"",
                ),
                (
                    "dependencies",
                    "component dependencies (composition) are not supported",
                ),
                (
                    "dependencies_inherit_configuration",
                    "component dependencies (composition) are not supported",
                ),
            ],
        )?;
        for key in [
            "files",
            "exclude_files",
            "key_value_stores",
            "sqlite_databases",
            "ai_models",
        ] {
            if let Some(v) = c.get(key) {
                let empty = matches!(v, Value::Array(a) if a.is_empty());
                if !empty {
                    bail!(
                        "`{ctx}.{key}` is not supported by the development host (it provides only Postgres, variables and outbound HTTP)"
                    );
                }
            }
        }
        let source = match c.get("source") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Table(_)) => bail!(
                "`{ctx}.source` must be a local file path: URL and registry sources are not supported"
            ),
            Some(_) => bail!("`{ctx}.source` must be a string"),
            None => bail!("`{ctx}.source` is required"),
        };
        let build = match c.get("build") {
            None => None,
            Some(Value::Table(b)) => {
                let bctx = format!("{ctx}.build");
                check_keys(b, &bctx, &["command", "workdir", "watch"], &[])?;
                let commands = match b.get("command") {
                    Some(Value::String(s)) => vec![s.clone()],
                    Some(Value::Array(_)) => string_list(b, "command", &bctx)?,
                    Some(_) => bail!("`{bctx}.command` must be a string or a list of strings"),
                    None => bail!("`{bctx}.command` is required"),
                };
                Some(BuildConfig {
                    commands,
                    workdir: opt_string(b, "workdir", &bctx)?,
                    watch: string_list(b, "watch", &bctx)?,
                })
            }
            Some(_) => bail!("`{ctx}.build` must be a table"),
        };
        let variables = string_map(c, "variables", &ctx)?;
        for name in variables.keys() {
            validate_name(name).map_err(|e| anyhow::anyhow!("[{ctx}.variables] {e}"))?;
        }
        out.insert(
            id.clone(),
            ComponentDecl {
                id: id.clone(),
                description: opt_string(c, "description", &ctx)?,
                source_path: dir.join(&source),
                source,
                allowed_outbound_hosts: string_list(c, "allowed_outbound_hosts", &ctx)?,
                variables,
                environment: string_map(c, "environment", &ctx)?,
                build,
            },
        );
    }
    Ok(out)
}

fn parse_triggers(table: Option<&Table>) -> anyhow::Result<Vec<HttpTrigger>> {
    let mut out = Vec::new();
    let Some(table) = table else {
        return Ok(out);
    };
    for (kind, value) in table {
        if kind != "http" {
            bail!(
                "`[[trigger.{kind}]]` is not supported by the development host: it serves only HTTP triggers"
            );
        }
        let Value::Array(items) = value else {
            bail!("`trigger.http` must be an array of tables ([[trigger.http]])");
        };
        for item in items {
            let Value::Table(t) = item else {
                bail!("each [[trigger.http]] must be a table");
            };
            check_keys(
                t,
                "trigger.http",
                &["route", "component", "id", "executor"],
                &[(
                    "static_response",
                    "static responses are not supported; route to a component instead",
                )],
            )?;
            let route = match t.get("route") {
                Some(Value::String(r)) => RouteConfig::Route(r.clone()),
                Some(Value::Table(p)) => {
                    check_keys(p, "trigger.http.route", &["private"], &[])?;
                    match p.get("private") {
                        Some(Value::Boolean(true)) => RouteConfig::Private,
                        _ => bail!("route must be a string pattern or '{{ private = true }}'"),
                    }
                }
                Some(_) => bail!("`trigger.http.route` must be a string"),
                None => bail!("[[trigger.http]] needs a `route`"),
            };
            let component = match t.get("component") {
                Some(Value::String(c)) => c.clone(),
                Some(Value::Table(_)) => bail!(
                    "inline `trigger.http.component` tables are not supported; declare [component.<id>] and refer to it by id"
                ),
                Some(_) => bail!("`trigger.http.component` must be a component id"),
                None => bail!("[[trigger.http]] needs a `component`"),
            };
            if let Some(executor) = t.get("executor") {
                let Value::Table(e) = executor else {
                    bail!("`trigger.http.executor` must be a table");
                };
                match e.get("type") {
                    Some(Value::String(kind)) if kind == "http" || kind == "spin" => {}
                    Some(Value::String(kind)) => bail!(
                        "`trigger.http.executor` type `{kind}` is not supported: only WASI HTTP components run here"
                    ),
                    _ => bail!("`trigger.http.executor` needs a `type`"),
                }
            }
            out.push(HttpTrigger { route, component });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Manifest> {
        Manifest::parse(text, Path::new("spin.toml"), Path::new("/app"))
    }

    const MINIMAL: &str = r#"
spin_manifest_version = 2
[application]
name = "demo"
[variables]
db_url = { default = "postgres://x@h/db", secret = true }
db_host = { default = "h:5432" }
[[trigger.http]]
route = "/hello/..."
component = "hello"
[component.hello]
source = "target/hello.wasm"
allowed_outbound_hosts = ["postgres://{{ db_host }}"]
[component.hello.variables]
db_url = "{{ db_url }}"
[component.hello.build]
command = "cargo build -p hello"
watch = ["src/**/*.rs"]
"#;

    #[test]
    fn a_minimal_manifest_parses_into_typed_sections() {
        let m = parse(MINIMAL).expect("valid manifest");
        assert_eq!(m.application.name, "demo");
        assert!(m.variables["db_url"].secret);
        assert_eq!(
            m.http_triggers[0].route,
            RouteConfig::Route("/hello/...".into())
        );
        let c = &m.components["hello"];
        assert_eq!(c.source_path, Path::new("/app/target/hello.wasm"));
        assert_eq!(c.build_hint(), "cargo build -p hello");
        assert_eq!(c.variables["db_url"], "{{ db_url }}");
    }

    #[test]
    fn unsupported_keys_are_rejected_with_their_name() {
        let in_component = |line: &str| {
            MINIMAL.replace(
                "[component.hello]\n",
                &format!("[component.hello]\n{line}\n"),
            )
        };
        let cases = [
            (in_component("files = [\"a\"]"), "component.hello.files"),
            (
                in_component("key_value_stores = [\"default\"]"),
                "component.hello.key_value_stores",
            ),
            (in_component("frobnicate = 1"), "component.hello.frobnicate"),
            (
                format!("{MINIMAL}\n[[trigger.redis]]\nchannel = \"x\"\n"),
                "trigger.redis",
            ),
            (
                MINIMAL.replace(
                    "[variables]",
                    "[application.trigger.http]\nbase = \"/api\"\n[variables]",
                ),
                "deprecated trigger 'base'",
            ),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", parse(&text).expect_err(expected));
            assert!(err.contains(expected), "case {expected}: got {err}");
        }
    }

    #[test]
    fn a_template_naming_an_undeclared_variable_is_an_error() {
        let text = MINIMAL.replace("{{ db_url }}", "{{ nope }}");
        let err = format!("{:#}", parse(&text).expect_err("undeclared variable"));
        assert!(err.contains("`nope`"), "{err}");
    }

    #[test]
    fn a_variable_needs_exactly_one_of_default_and_required() {
        let both = MINIMAL.replace(
            "db_host = { default = \"h:5432\" }",
            "db_host = { default = \"h\", required = true }",
        );
        assert!(parse(&both).is_err());
        let neither = MINIMAL.replace("db_host = { default = \"h:5432\" }", "db_host = {}");
        assert!(parse(&neither).is_err());
    }
}
