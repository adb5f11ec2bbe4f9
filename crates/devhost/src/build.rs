//! `[component.<id>.build]` commands, run like `spin build`.

use std::process::Command;

use anyhow::{Context, bail};

use crate::manifest::Manifest;

/// Runs every component's build commands in manifest order; stops at the first failure.
pub fn build_all(manifest: &Manifest) -> anyhow::Result<()> {
    let mut built = 0;
    for component in manifest.components.values() {
        let Some(build) = &component.build else {
            tracing::info!(component = %component.id, "no build command; skipping");
            continue;
        };
        let workdir = match &build.workdir {
            Some(dir) => manifest.dir.join(dir),
            None => manifest.dir.clone(),
        };
        for command in &build.commands {
            println!("Building component {} with `{command}`", component.id);
            let status = shell(command)
                .current_dir(&workdir)
                .status()
                .with_context(|| format!("running `{command}` in {}", workdir.display()))?;
            if !status.success() {
                bail!(
                    "build command for component `{}` failed ({status}): {command}",
                    component.id
                );
            }
        }
        built += 1;
    }
    println!("Finished building {built} component(s)");
    Ok(())
}

fn shell(command: &str) -> Command {
    if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", command]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", command]);
        c
    }
}
