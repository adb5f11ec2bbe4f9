// `refinery::embed_migrations!` reads the repository's `migrations/` folder at
// compile time; rebuild when a migration is added, changed or removed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
