#[tokio::main]
async fn main() -> anyhow::Result<()> {
    devhost::cli::run().await
}
