//! Application variables and `{{ name }}` templates, resolved as Spin's default providers do.
//!
//! Precedence, highest first: explicit overrides (`--variable`, [`crate::HostConfig::variables`]),
//! the `SPIN_VARIABLE_<NAME>` environment variable, the same key in a `.env` file in the
//! working directory, then the manifest `default`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::bail;

use crate::manifest::VariableDecl;

/// Checks a variable name as Spin's `Key` does.
pub fn validate_name(key: &str) -> Result<(), String> {
    let reason = if key.is_empty() {
        Some("must not be empty".to_owned())
    } else if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        Some(format!(
            "invalid character {c:?}. Variable names may contain only lower-case letters, numbers, and underscores."
        ))
    } else if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        Some("must start with a lowercase ASCII letter".to_owned())
    } else if !key.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        Some("must end with a lowercase ASCII letter or digit".to_owned())
    } else if key.contains("__") {
        Some("must not contain multiple consecutive underscores".to_owned())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(format!("{key:?}: {reason}")),
        None => Ok(()),
    }
}

/// A parsed `"text {{ name }} text"` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable(String),
}

impl Template {
    /// Parses a template; `{{` must be closed by `}}` around a valid variable name.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Literal(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err("unclosed `{{`".to_owned());
            };
            let name = after[..end].trim();
            validate_name(name)?;
            parts.push(Part::Variable(name.to_owned()));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// True when the template has no `{{ }}` expression.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    /// The variable names the template refers to.
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Substitutes application variable values.
    pub fn render(&self, values: &HashMap<String, String>) -> anyhow::Result<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Variable(name) => match values.get(name) {
                    Some(value) => out.push_str(value),
                    None => bail!("no value for variable `{name}`"),
                },
            }
        }
        Ok(out)
    }
}

/// Renders a template string against resolved application variables.
pub fn render(template: &str, values: &HashMap<String, String>) -> anyhow::Result<String> {
    Template::parse(template)
        .map_err(|e| anyhow::anyhow!("invalid template {template:?}: {e}"))?
        .render(values)
}

/// Where application variable values come from, besides the manifest defaults.
#[derive(Debug, Default, Clone)]
pub struct VariableSources {
    /// Highest precedence: `--variable name=value`.
    pub overrides: HashMap<String, String>,
    /// `SPIN_VARIABLE_<NAME>` values, keyed by the upper-case env name.
    pub env: HashMap<String, String>,
    /// `.env` file entries, keyed like `env`.
    pub dotenv: HashMap<String, String>,
}

impl VariableSources {
    /// Collects the process environment and `./.env`.
    pub fn from_process(overrides: HashMap<String, String>) -> VariableSources {
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("SPIN_VARIABLE_"))
            .collect();
        let dotenv = read_dotenv(Path::new(".env"));
        VariableSources {
            overrides,
            env,
            dotenv,
        }
    }

    fn lookup(&self, name: &str) -> Option<String> {
        if let Some(v) = self.overrides.get(name) {
            return Some(v.clone());
        }
        let env_key = format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase());
        self.env
            .get(&env_key)
            .or_else(|| self.dotenv.get(&env_key))
            .cloned()
    }
}

/// Resolves every declared application variable, failing on a required one without a value.
pub fn resolve_application(
    decls: &BTreeMap<String, VariableDecl>,
    sources: &VariableSources,
) -> anyhow::Result<HashMap<String, String>> {
    for name in sources.overrides.keys() {
        if !decls.contains_key(name) {
            bail!("--variable `{name}` is not declared in the manifest's [variables]");
        }
    }
    let mut values = HashMap::new();
    for (name, decl) in decls {
        let value = match (sources.lookup(name), &decl.default) {
            (Some(v), _) => v,
            (None, Some(default)) => default.clone(),
            (None, None) => bail!(
                "required variable `{name}` has no value: set SPIN_VARIABLE_{} or pass --variable {name}=VALUE",
                name.to_ascii_uppercase()
            ),
        };
        values.insert(name.clone(), value);
    }
    Ok(values)
}

/// A component's own variables, rendered from their templates at start-up.
#[derive(Debug, Clone, Default)]
pub struct ComponentVariables {
    component_id: String,
    values: HashMap<String, String>,
}

/// Why a guest's `variables.get` failed; mirrors the WIT `error` variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetError {
    /// `invalid-name`.
    InvalidName(String),
    /// `undefined`.
    Undefined(String),
}

impl ComponentVariables {
    /// Renders every `[component.<id>.variables]` template.
    pub fn resolve(
        component_id: &str,
        templates: &BTreeMap<String, String>,
        app_values: &HashMap<String, String>,
    ) -> anyhow::Result<ComponentVariables> {
        let mut values = HashMap::new();
        for (name, template) in templates {
            let value = render(template, app_values).map_err(|e| {
                anyhow::anyhow!("component `{component_id}` variable `{name}`: {e}")
            })?;
            values.insert(name.clone(), value);
        }
        Ok(ComponentVariables {
            component_id: component_id.to_owned(),
            values,
        })
    }

    /// The guest-facing lookup, with Spin's error kinds.
    pub fn get(&self, name: &str) -> Result<String, GetError> {
        validate_name(name)
            .map_err(|reason| GetError::InvalidName(format!("invalid variable name: {reason}")))?;
        self.values.get(name).cloned().ok_or_else(|| {
            GetError::Undefined(format!(
                "no variable for {:?}.{:?}",
                self.component_id, name
            ))
        })
    }

    /// All resolved values (used to find database addresses worth warming up).
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.values().map(String::as_str)
    }
}

/// Reads `KEY=VALUE` lines; quotes around the value are removed, `#` starts a comment line.
fn read_dotenv(path: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_owned(), v.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decls() -> BTreeMap<String, VariableDecl> {
        BTreeMap::from([
            (
                "db_url".to_owned(),
                VariableDecl {
                    default: Some("postgres://default".into()),
                    ..Default::default()
                },
            ),
            (
                "api_key".to_owned(),
                VariableDecl {
                    required: true,
                    secret: true,
                    ..Default::default()
                },
            ),
        ])
    }

    #[test]
    fn names_follow_spins_key_rules() {
        for ok in ["a", "db_url", "x1", "a_b_c"] {
            assert!(validate_name(ok).is_ok(), "{ok} should be valid");
        }
        for bad in ["", "Upper", "1abc", "a-b", "a__b", "a_", "_a"] {
            assert!(validate_name(bad).is_err(), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn templates_render_variables_and_keep_literals() {
        let values = HashMap::from([("db_host".to_owned(), "127.0.0.1:5432".to_owned())]);
        assert_eq!(
            render("postgres://{{ db_host }}", &values).expect("renders"),
            "postgres://127.0.0.1:5432"
        );
        assert_eq!(
            render("{{db_host}}", &values).expect("renders"),
            "127.0.0.1:5432"
        );
        assert!(Template::parse("plain").expect("parses").is_literal());
        assert!(Template::parse("{{ open").is_err());
        assert!(Template::parse("{{ Bad }}").is_err());
    }

    #[test]
    fn overrides_beat_env_which_beats_dotenv_which_beats_default() {
        let mut sources = VariableSources {
            overrides: HashMap::from([("api_key".into(), "k".into())]),
            ..Default::default()
        };
        sources
            .dotenv
            .insert("SPIN_VARIABLE_DB_URL".into(), "from-dotenv".into());
        let v = resolve_application(&decls(), &sources).expect("resolves");
        assert_eq!(v["db_url"], "from-dotenv");
        sources
            .env
            .insert("SPIN_VARIABLE_DB_URL".into(), "from-env".into());
        let v = resolve_application(&decls(), &sources).expect("resolves");
        assert_eq!(v["db_url"], "from-env");
        sources
            .overrides
            .insert("db_url".into(), "from-flag".into());
        let v = resolve_application(&decls(), &sources).expect("resolves");
        assert_eq!(v["db_url"], "from-flag");
    }

    #[test]
    fn a_required_variable_without_a_value_fails_naming_the_env_var() {
        let err = resolve_application(&decls(), &VariableSources::default())
            .expect_err("api_key is required");
        assert!(err.to_string().contains("SPIN_VARIABLE_API_KEY"), "{err}");
    }

    #[test]
    fn guest_lookups_report_invalid_and_undefined_names() {
        let vars = ComponentVariables::resolve(
            "web",
            &BTreeMap::from([("db_url".to_owned(), "{{ db_url }}".to_owned())]),
            &HashMap::from([("db_url".to_owned(), "pg".to_owned())]),
        )
        .expect("resolves");
        assert_eq!(vars.get("db_url"), Ok("pg".to_owned()));
        assert!(matches!(vars.get("Nope"), Err(GetError::InvalidName(_))));
        assert!(matches!(vars.get("missing"), Err(GetError::Undefined(_))));
    }
}
