//! A throwaway PostgreSQL cluster: `initdb` into a temporary directory, served on a free
//! loopback port with trust auth, stopped and deleted on drop. Tests stop and start it freely.
//!
//! As root, the server runs as the `postgres` user through `runuser` (Postgres refuses to run
//! as root). The binaries come from `$PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`,
//! else `$PATH`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, bail};

pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// Creates and starts a cluster with `max_connections`.
    pub fn start(max_connections: u32) -> anyhow::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        sweep_abandoned();
        let dir = std::env::temp_dir().join(format!(
            "bench-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let as_postgres = is_root();
        let cluster = Self {
            bin: pg_bin()?,
            port: free_port()?,
            as_postgres,
            dir,
        };
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(&cluster.dir))?;
        }
        run(cluster
            .pg("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(cluster.data()))?;
        let conf = format!(
            "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             max_connections = {max_connections}\nfsync = off\nsynchronous_commit = off\n\
             full_page_writes = off\n",
            cluster.port,
            cluster.dir.display()
        );
        let conf_path = cluster.data().join("postgresql.auto.conf");
        std::fs::write(&conf_path, conf)?;
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(&conf_path))?;
        }
        cluster.resume()?;
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// `host:port` as written in `allowed_outbound_hosts`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Connection URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn resume(&self) -> anyhow::Result<()> {
        run(self
            .pg("pg_ctl")
            .args(["-w", "-t", "30", "-l"])
            .arg(self.dir.join("server.log"))
            .arg("-D")
            .arg(self.data())
            .arg("start"))
    }

    /// Stops the server (`fast`: disconnects every client, as a crash or failover would).
    pub fn stop(&self) -> anyhow::Result<()> {
        run(self
            .pg("pg_ctl")
            .args(["-w", "-t", "30", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("stop"))
    }

    /// The server's log so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    fn pg(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Stops and deletes the clusters of earlier test processes that were killed before their
/// `Drop` ran (`bench-pg-<pid>-<n>` whose process is gone).
fn sweep_abandoned() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for dir in entries.flatten().map(|e| e.path()) {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(pid) = name
            .strip_prefix("bench-pg-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() {
            continue;
        }
        if let Ok(bin) = pg_bin() {
            let cluster = Cluster {
                dir,
                bin,
                port: 0,
                as_postgres: is_root(),
            };
            drop(cluster);
        }
    }
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let output = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !output.status.success() {
        bail!(
            "{cmd:?} failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn pg_bin() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
    });
    if let Some(newest) = versions.pop() {
        return Ok(newest);
    }
    let found = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .context("looking for initdb")?;
    let path = PathBuf::from(String::from_utf8_lossy(&found.stdout).trim());
    match path.parent() {
        Some(dir) if found.status.success() => Ok(dir.to_path_buf()),
        _ => bail!("no PostgreSQL server binaries: set PG_BIN to the directory holding initdb"),
    }
}
