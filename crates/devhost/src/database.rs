//! Database set-up: the embedded refinery migrations, `CREATE DATABASE` when missing, and a
//! private PostgreSQL cluster for `up` when nothing listens at the configured address.

use std::net::{SocketAddr, TcpListener as StdTcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio_postgres::NoTls;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// Applies the repository's `migrations/` (embedded at compile time) with refinery: each
/// migration in its own transaction, checksummed, recorded in `refinery_schema_history`.
pub async fn migrate(db_url: &str) -> anyhow::Result<()> {
    let (mut client, connection) = tokio_postgres::connect(db_url, NoTls)
        .await
        .with_context(|| format!("connecting to {}", redact(db_url)))?;
    let driver = tokio::spawn(connection);
    let report = embedded::migrations::runner()
        .run_async(&mut client)
        .await
        .context("applying migrations")?;
    for migration in report.applied_migrations() {
        tracing::info!("applied migration {migration}");
    }
    drop(client);
    let _ = driver.await;
    Ok(())
}

/// Creates the database named in `db_url` if it does not exist, connecting to the `postgres`
/// database of the same server.
pub async fn ensure_database(db_url: &str) -> anyhow::Result<()> {
    let config: tokio_postgres::Config = db_url.parse().context("parsing the database URL")?;
    let Some(dbname) = config.get_dbname().or(config.get_user()).map(str::to_owned) else {
        bail!("the database URL names no database");
    };
    let client = admin_client(&config).await?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&dbname])
        .await?
        .is_some();
    if !exists {
        let create = format!("CREATE DATABASE {}", quote_ident(&dbname));
        match client.batch_execute(&create).await {
            Ok(()) => tracing::info!("created database {dbname}"),
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) => {}
            Err(e) => return Err(e).context(format!("creating database {dbname}")),
        }
    }
    Ok(())
}

/// Drops the database named in `db_url`, closing its other sessions (for test clean-up).
pub async fn drop_database(db_url: &str) -> anyhow::Result<()> {
    let config: tokio_postgres::Config = db_url.parse().context("parsing the database URL")?;
    let Some(dbname) = config.get_dbname().map(str::to_owned) else {
        bail!("the database URL names no database");
    };
    let client = admin_client(&config).await?;
    client
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&dbname)
        ))
        .await
        .with_context(|| format!("dropping database {dbname}"))?;
    Ok(())
}

async fn admin_client(config: &tokio_postgres::Config) -> anyhow::Result<tokio_postgres::Client> {
    let mut admin = config.clone();
    admin.dbname("postgres");
    let (client, connection) = admin
        .connect(NoTls)
        .await
        .context("connecting to the `postgres` database")?;
    tokio::spawn(connection);
    Ok(client)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `db_url` with any password replaced, for messages.
pub fn redact(db_url: &str) -> String {
    match (db_url.find("://"), db_url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &db_url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    format!("{}{user}:***{}", &db_url[..scheme_end + 3], &db_url[at..])
                }
                None => db_url.to_owned(),
            }
        }
        _ => db_url.to_owned(),
    }
}

/// Whether something accepts TCP connections at the host and port of `db_url`.
pub fn server_reachable(db_url: &str) -> bool {
    let Ok(config) = db_url.parse::<tokio_postgres::Config>() else {
        return false;
    };
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        _ => return false,
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let Ok(addrs) = (host.as_str(), port).to_socket_addrs() else {
        return false;
    };
    addrs.into_iter().any(|addr: SocketAddr| {
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
    })
}

/// The newest installed PostgreSQL `bin` directory with `initdb` and `pg_ctl`.
pub fn find_postgres_binaries() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, bin)| bin)
}

/// A PostgreSQL cluster private to the development host, stopped on drop.
#[derive(Debug)]
pub struct LocalCluster {
    bin: PathBuf,
    data: PathBuf,
    owner: Option<String>,
    /// The TCP port it listens on (127.0.0.1).
    pub port: u16,
}

impl LocalCluster {
    /// Initialises (once) and starts a trust-auth cluster under `dir` on a free port.
    ///
    /// PostgreSQL refuses to run as root; then the cluster belongs to the `postgres` user and
    /// its commands run through `runuser`.
    pub fn start(bin: &Path, dir: &Path) -> anyhow::Result<LocalCluster> {
        let owner = running_as_root().then(|| "postgres".to_owned());
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let data = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?
            .join("data");
        let cluster = LocalCluster {
            bin: bin.to_path_buf(),
            data,
            owner,
            port: free_port()?,
        };
        if !cluster.data.join("PG_VERSION").is_file() {
            std::fs::create_dir_all(&cluster.data)?;
            cluster.chown(&cluster.data)?;
            cluster.run(
                "initdb",
                &[
                    "-D",
                    &cluster.data.display().to_string(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-instructions",
                ],
            )?;
        }
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            cluster.port,
            cluster.data.display()
        );
        let log = cluster.data.join("devhost-postgres.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &cluster.data.display().to_string(),
                "-l",
                &log.display().to_string(),
                "-o",
                &options,
                "-w",
                "-t",
                "30",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    /// The connection URL for `dbname` on this cluster.
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{dbname}", self.port)
    }

    fn chown(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(owner) = &self.owner {
            let status = Command::new("chown")
                .args(["-R", owner])
                .arg(path)
                .status()
                .context("running chown")?;
            if !status.success() {
                bail!("chown {owner} {} failed", path.display());
            }
        }
        Ok(())
    }

    fn run(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(tool);
        let mut command = match &self.owner {
            Some(owner) => {
                let mut c = Command::new("runuser");
                c.args(["-u", owner, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        let output = command
            .args(args)
            .current_dir("/")
            .output()
            .with_context(|| format!("running {}", program.display()))?;
        if !output.status.success() {
            bail!(
                "{tool} failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        if let Err(e) = self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]) {
            tracing::warn!("stopping the private PostgreSQL cluster: {e:#}");
        }
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> anyhow::Result<u16> {
    let listener = StdTcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
