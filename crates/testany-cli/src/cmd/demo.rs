//! `testany demo`: the whole product in one command, without an account. Starts the
//! emulator in-process on a free loopback port (shop scenario, sped up), writes the
//! embedded `examples/shop` project to a temporary directory, runs the pipeline its
//! testany.toml watches (SHP-0603: pytest, Playwright, Postman and Maven projects, no
//! markers) with a progress bar, prints the `status` report (failing tests at their
//! lines) and the `tests` report (every test linked to its definition), then what to do
//! next. Everything it starts or writes is gone when it returns.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use testany_core::config::Config;
use testany_mock::MockConfig;

use crate::common::{self, Failure, OK};
use crate::out::{self, BOLD, CYAN, DIM, paint};

/// The example project, embedded so the demo works from any directory. A copy of
/// examples/shop inside the crate (kept equal by tests/shipped_assets.rs), so the crate
/// packages and installs from crates.io.
const SHOP: &[(&str, &str)] = &[
    (
        "README.md",
        include_str!("../../assets/demo/shop/README.md"),
    ),
    (
        "testany.toml",
        include_str!("../../assets/demo/shop/testany.toml"),
    ),
    (
        "shop/__init__.py",
        include_str!("../../assets/demo/shop/shop/__init__.py"),
    ),
    (
        "src/main/java/com/acme/shop/Order.java",
        include_str!("../../assets/demo/shop/src/main/java/com/acme/shop/Order.java"),
    ),
    (
        "src/test/java/com/acme/shop/OrderTest.java",
        include_str!("../../assets/demo/shop/src/test/java/com/acme/shop/OrderTest.java"),
    ),
    (
        "api/shop-api.postman_collection.json",
        include_str!("../../assets/demo/shop/api/shop-api.postman_collection.json"),
    ),
    ("pom.xml", include_str!("../../assets/demo/shop/pom.xml")),
    (
        "shop/api_client.py",
        include_str!("../../assets/demo/shop/shop/api_client.py"),
    ),
    (
        "src/main/java/com/acme/shop/PriceCalculator.java",
        include_str!("../../assets/demo/shop/src/main/java/com/acme/shop/PriceCalculator.java"),
    ),
    (
        "src/test/java/com/acme/shop/PriceCalculatorTest.java",
        include_str!("../../assets/demo/shop/src/test/java/com/acme/shop/PriceCalculatorTest.java"),
    ),
    (
        "tests/api/conftest.py",
        include_str!("../../assets/demo/shop/tests/api/conftest.py"),
    ),
    (
        "tests/api/test_orders.py",
        include_str!("../../assets/demo/shop/tests/api/test_orders.py"),
    ),
    (
        "tests/api/test_refunds.py",
        include_str!("../../assets/demo/shop/tests/api/test_refunds.py"),
    ),
    (
        "web/tests/e2e/storefront.spec.ts",
        include_str!("../../assets/demo/shop/web/tests/e2e/storefront.spec.ts"),
    ),
];

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Speed factor of the emulator (the shop run takes 27 s at 1).
    #[arg(long, default_value_t = 25.0, value_parser = parse_speed)]
    pub speed: f64,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=1000.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a speed factor between 0.01 and 1000")),
    }
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let rt = common::runtime()?;
    rt.block_on(async {
        let mock = testany_mock::start(MockConfig::shop()?.speed(args.speed))
            .await
            .map_err(|e| Failure::service(format!("cannot start the emulator ({e})")))?;
        let url = mock.mcp_url_localhost();
        let result = demo(&url).await;
        mock.shutdown().await;
        result
    })?;
    Ok(common::exit(OK))
}

async fn demo(url: &str) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("testany-demo-")
        .tempdir()
        .map_err(|e| Failure::usage(format!("cannot create a temporary directory ({e})")))?;
    let root = dir.path();
    write_project(root, url)?;
    let config_path = root.join("testany.toml");
    let text = std::fs::read_to_string(&config_path)?;
    // The user's TESTANY_* variables must not point the demo elsewhere.
    let config = Config::resolve(Some((&text, "testany.toml")), |_| None)?;
    let client = common::client(&config, &|_| None)?;
    let mut out = out::stdout();
    writeln!(out, "{}", paint(BOLD, "Testany demo"))?;
    writeln!(
        out,
        "  emulator   {url} {}",
        paint(DIM, "(in this process, loopback only)")
    )?;
    writeln!(
        out,
        "  project    examples/shop, written to {}",
        root.display()
    )?;
    writeln!(out)?;
    // The pipeline the shop watches: its tests carry no marker (one `[cases]` entry).
    let pipeline = config
        .pipelines
        .first()
        .ok_or_else(|| Failure::usage("the demo project's testany.toml names no pipeline"))?;
    let suites = run_pipeline(&client, &mut out, pipeline).await?;
    writeln!(out)?;
    writeln!(out, "{}", paint(BOLD, "$ testany status"))?;
    let cache = root.join(".cache");
    let report =
        super::status::build_in(&client, &config, root, Some(&config_path), &cache).await?;
    super::status::render(&mut out, &report, root)?;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(BOLD, &format!("$ testany tests {}", suites.key))
    )?;
    let report = super::tests::build(
        &client,
        &config,
        root,
        Some(&config_path),
        Some(&suites.key),
        &cache,
    )
    .await?;
    super::tests::render(&mut out, &report)?;
    writeln!(out)?;
    next_steps(&mut out)?;
    out.flush()?;
    dir.close().map_err(|e| {
        Failure::usage(format!(
            "cannot remove the demo's temporary directory ({e})"
        ))
    })?;
    Ok(())
}

/// Starts `pipeline`, waits for it with a progress bar and prints its outcome.
async fn run_pipeline(
    client: &testany_client::Client,
    out: &mut impl Write,
    pipeline: &str,
) -> anyhow::Result<testany_core::model::Execution> {
    let started = client.execute_pipeline(pipeline).await?;
    writeln!(
        out,
        "Running pipeline {} as {} ...",
        paint(BOLD, pipeline),
        paint(BOLD, &started.key)
    )?;
    let clock = Instant::now();
    let done = super::run::wait(client, &started.key, Duration::from_millis(100)).await?;
    let outcome = out::execution_outcome(&done);
    writeln!(
        out,
        "{} finished: {} ({})",
        done.key,
        paint(outcome.style, &outcome.text),
        out::plural(done.cases.len(), "case", "cases")
    )?;
    tracing::debug!(
        pipeline,
        elapsed_ms = clock.elapsed().as_millis() as u64,
        "demo run"
    );
    Ok(done)
}

/// Writes the embedded project with `testany.toml` pointing at the running emulator.
fn write_project(root: &Path, url: &str) -> anyhow::Result<()> {
    for (rel, text) in SHOP {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = if *rel == "testany.toml" {
            text.lines()
                .map(|l| {
                    if l.starts_with("url =") {
                        format!("url = \"{url}\"")
                    } else {
                        l.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            (*text).to_owned()
        };
        std::fs::write(&path, text)?;
    }
    Ok(())
}

/// Where to go from here: how to install `testany` (from a checkout until the first
/// release is published: the release lines would fetch nothing today), then a real
/// deployment and the editors.
fn next_steps(out: &mut impl Write) -> std::io::Result<()> {
    let h = |s: &str| paint(BOLD, s);
    let c = |s: &str| paint(CYAN, s);
    writeln!(out, "{}", h("What next"))?;
    writeln!(
        out,
        "  No release is published yet; until the first one, build testany in a checkout of testany-editor:"
    )?;
    writeln!(out, "    {}", c("cargo install --path crates/testany-cli"))?;
    writeln!(
        out,
        "  Once the first release is published (prebuilt: no Rust or Node needed):"
    )?;
    writeln!(
        out,
        "    Linux, macOS: {}",
        c(
            "curl --proto '=https' --tlsv1.2 -LsSf https://github.com/testany/testany-editor/releases/latest/download/testany-cli-installer.sh | sh"
        )
    )?;
    writeln!(
        out,
        "    Windows:      {}",
        c(
            "powershell -ExecutionPolicy Bypass -c \"irm https://github.com/testany/testany-editor/releases/latest/download/testany-cli-installer.ps1 | iex\""
        )
    )?;
    writeln!(
        out,
        "    with Rust:    {} (the release archive, nothing compiled)",
        c("cargo binstall testany-cli")
    )?;
    writeln!(out, "  With your Testany deployment, in your project:")?;
    writeln!(
        out,
        "    1. create {} with {}, {} and {}",
        c("testany.toml"),
        c("url = \"https://testany.com.cn/api/v2/mcp/\""),
        c("workspace = \"Y2K\""),
        c("pipelines = [\"Y2K-0601\"]")
    )?;
    writeln!(
        out,
        "    2. export {} (the token never goes in the file)",
        c("TESTANY_TOKEN=...")
    )?;
    writeln!(
        out,
        "    3. run {}, {}, {} or {}",
        c("testany status"),
        c("testany tests"),
        c("testany executions list"),
        c("testany health Y2K-0601")
    )?;
    writeln!(
        out,
        "       tests link to their definitions without markers; a comment {} (or [cases]) overrides",
        c("# testany: A1B2C3D4")
    )?;
    writeln!(
        out,
        "  VS Code: the Testany extension ({}) is not on the Marketplace or Open VSX yet; build it",
        c("testany.testany")
    )?;
    writeln!(
        out,
        "    in the checkout with {}, install the .vsix it writes in target/ with {}",
        c("cargo xtask vsix"),
        c("code --install-extension")
    )?;
    writeln!(
        out,
        "    and open the project: lenses, diagnostics and logs appear on its tests."
    )?;
    writeln!(
        out,
        "  Neovim 0.11+: testany on PATH as above, then the plugin in editors/nvim of the checkout"
    )?;
    writeln!(
        out,
        "    (lazy.nvim, rocks.nvim or the runtimepath) and {}.",
        c("vim.lsp.enable('testany')")
    )?;
    writeln!(
        out,
        "  Keep playing locally: {} then open the checkout's examples/shop in your editor.",
        c("testany mock --port 7357")
    )?;
    Ok(())
}
