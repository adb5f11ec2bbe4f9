//! The start-up fixture: an application of `count` components, each a copy of one
//! component `.wasm` under its own route. Every copy gets a distinct custom section, so a
//! compile cache sees `count` different binaries and a cold start compiles each of them.

use std::fmt::Write as _;
use std::path::Path;

/// Writes `spin.toml` and `c01.wasm`.. into `dir` (which must exist): `count` copies of
/// `source` (a component that needs `db_url`, like the application's) under `/c01`...
pub fn write_copies(dir: &Path, source: &Path, count: usize) -> anyhow::Result<()> {
    let wasm = std::fs::read(source)?;
    let mut manifest = format!(
        "spin_manifest_version = 2\n\n[application]\nname = \"startup-{count}\"\n\
         version = \"0.1.0\"\n\n[variables]\n\
         db_url = {{ default = \"postgres://postgres@127.0.0.1:5432/unused\" }}\n\
         db_host = {{ default = \"127.0.0.1:5432\" }}\n"
    );
    let width = count.to_string().len();
    for i in 1..=count {
        let name = format!("c{i:0width$}");
        std::fs::write(dir.join(format!("{name}.wasm")), tagged(&wasm, &name))?;
        write!(
            manifest,
            "\n[[trigger.http]]\nroute = \"/{name}\"\ncomponent = \"{name}\"\n\n\
             [component.{name}]\nsource = \"{name}.wasm\"\n\
             allowed_outbound_hosts = [\"postgres://{{{{ db_host }}}}\"]\n\
             [component.{name}.variables]\ndb_url = \"{{{{ db_url }}}}\"\n"
        )?;
    }
    std::fs::write(dir.join("spin.toml"), manifest)?;
    Ok(())
}

/// `wasm` with a custom section named `copy` holding `tag` appended.
fn tagged(wasm: &[u8], tag: &str) -> Vec<u8> {
    let mut payload = leb128(4);
    payload.extend_from_slice(b"copy");
    payload.extend_from_slice(tag.as_bytes());
    let mut out = wasm.to_vec();
    out.push(0);
    out.extend(leb128(payload.len()));
    out.extend(payload);
    out
}

fn leb128(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_unsigned_leb128() {
        assert_eq!(leb128(0), [0]);
        assert_eq!(leb128(127), [0x7f]);
        assert_eq!(leb128(128), [0x80, 0x01]);
        assert_eq!(leb128(300), [0xac, 0x02]);
    }

    #[test]
    fn a_copy_is_the_module_followed_by_one_custom_section() {
        let copy = tagged(b"\0asm", "c7");
        assert_eq!(copy, b"\0asm\0\x07\x04copyc7");
    }
}
