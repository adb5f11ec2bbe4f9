//! The tests' fake AI provider as a standalone server, for offline development:
//!
//! ```sh
//! cargo run -p api-tests --example fake-provider            # listens on 127.0.0.1:11435
//! cargo run -p api-tests --example fake-provider -- 127.0.0.1:9000
//! ```
//!
//! Then run the app with `ai_base_url=http://127.0.0.1:11435/v1` and
//! `ai_host=127.0.0.1:11435` (any model names work).

#[path = "../api/fake_provider.rs"]
mod fake_provider;

#[tokio::main]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:11435".to_owned());
    let address = match address.parse() {
        Ok(address) => address,
        Err(e) => {
            eprintln!("{address:?} is not an address such as 127.0.0.1:11435: {e}");
            std::process::exit(2);
        }
    };
    let provider = fake_provider::FakeProvider::start_on(address).await;
    println!("fake AI provider on {}", provider.base_url());
    println!(
        "  --variable ai_base_url={} --variable ai_host={}",
        provider.base_url(),
        provider.host()
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("cannot wait for Ctrl-C");
    }
}
