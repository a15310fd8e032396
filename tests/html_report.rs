//! The HTML report rendered by a real browser: headless Chromium takes a screenshot of the matrix
//! for a run with failures, and the picture must show the green cells of passing features and the
//! red cell of the failing one. The screenshot is kept in `target/conformance-report.png`.
//!
//! Chromium comes from Debian (`apt-get install chromium`, done by `.ci/run`). Under CI a missing
//! browser is a failure; on a developer machine without it the test says so and stops.

use std::path::{Path, PathBuf};
use std::process::Command;

use sts_harness::conformance::report::{self, Run};
use sts_harness::conformance::scenario::parse_file;
use sts_harness::conformance::{InProcess, runner, shipped_scenarios_dir, suite};

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// Counts pixels close to `rgb`.
fn count_color(png_path: &Path, rgb: [u8; 3]) -> (usize, u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let close = |a: u8, b: u8| a.abs_diff(b) <= 12;
    let n =
        buf[..info.buffer_size()].chunks(channels).filter(|p| close(p[0], rgb[0]) && close(p[1], rgb[1]) && close(p[2], rgb[2])).count();
    (n, info.width, info.height)
}

/// Renders `run` as HTML, screenshots it in headless Chromium, and counts (green, red) pixels.
fn screenshot(browser: &Path, run: &Run<'_>, name: &str) -> (usize, usize) {
    let target_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let work = target_dir.join(format!("html-report-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let html = work.join("report.html");
    std::fs::write(&html, report::html::render(run)).unwrap();
    let shot = target_dir.join(format!("conformance-report-{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1400,1100",
        ])
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium starts");
    assert!(shot.exists(), "no screenshot; chromium said: {}", String::from_utf8_lossy(&output.stderr));
    let (green, width, height) = count_color(&shot, [0x2d, 0xa4, 0x4e]);
    let (red, _, _) = count_color(&shot, [0xcf, 0x22, 0x2e]);
    assert_eq!((width, height), (1400, 1100));
    let _ = std::fs::remove_dir_all(&work);
    (green, red)
}

#[test]
fn the_html_matrix_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install Debian's chromium (see .ci/run)");
        eprintln!("chromium is not installed: the screenshot test cannot run here");
        return;
    };
    let passing = suite(&shipped_scenarios_dir()).unwrap();
    let mut failing = passing.clone();
    // One scenario that fails on purpose, so the matrix has a red cell.
    failing.extend(
        parse_file(
            "demo/broken",
            "[[scenario]]\nid = \"wrong\"\ndescription = \"expects an error that never comes\"\nfeatures = [\"sigv4\"]\nfidelity = \"inferred\"\n\
             [[scenario.steps]]\ncall = \"GetCallerIdentity\"\nexpect = { status = 403, code = \"AccessDenied\" }",
        )
        .unwrap(),
    );
    let run_of = |scenarios: &[sts_harness::conformance::Scenario]| runner::run(&mut InProcess::new(1), scenarios, |_, _, _| {});
    let (ok_results, bad_results) = (run_of(&passing), run_of(&failing));
    let ok_run =
        Run { target: "built-in mock (in process)".into(), results: passing.iter().zip(ok_results).collect(), elapsed: Default::default() };
    let bad_run = Run {
        target: "built-in mock (in process)".into(),
        results: failing.iter().zip(bad_results).collect(),
        elapsed: Default::default(),
    };
    assert!(ok_run.ok() && !bad_run.ok());

    let (green_ok, red_ok) = screenshot(&browser, &ok_run, "passing");
    let (green_bad, red_bad) = screenshot(&browser, &bad_run, "failing");
    // Dozens of passing cells (each about 40x28 px).
    assert!(green_ok > 20_000 && green_bad > 20_000, "only {green_ok}/{green_bad} green pixels: the matrix did not render");
    // The legend is red in both pictures: only the failing run's extra red is the failing cell.
    assert!(red_bad > red_ok + 500, "the failing cell is not shown: {red_bad} red pixels against {red_ok} without the failure");
}
