//! `daz-bot` as an operator runs it: time from start to joined, and idle
//! memory, of `daz-bot run` against a local Socket.IO server playing a
//! recorded CyTube channel, and of `daz-bot console`. The baseline is the
//! same binary printing its version and exiting: the cost of starting any
//! process of this size.
//!
//! Run with: `cargo bench -p daz-bot --bench startup` (add `-- --quick`
//! for one round instead of seven).

#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

#[path = "../../../daz-cytube/tests/support/server.rs"]
mod server;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use server::{Options, Replay, TestServer};

const BOT: &str = env!("CARGO_BIN_EXE_daz-bot");

/// Resident and peak memory of `pid`, in KiB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn spawn(args: &[&str], dir: &Path) -> Fallible<Child> {
    Ok(Command::new(BOT)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?)
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// Start to joined (ms) and idle memory (KiB) of one `daz-bot run`.
async fn run_once(server: &TestServer, dir: &Path) -> Fallible<(f64, (u64, u64))> {
    let before = server
        .received()
        .iter()
        .filter(|(n, _)| n == "login")
        .count();
    let started = Instant::now();
    let child = spawn(&["--config", "bench.toml", "run"], dir)?;
    loop {
        let logins = server
            .received()
            .iter()
            .filter(|(n, _)| n == "login")
            .count();
        if logins > before {
            break;
        }
        if started.elapsed() > Duration::from_secs(20) {
            stop(child);
            return Err("daz-bot run never joined".into());
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    let joined = started.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mem = memory(child.id());
    stop(child);
    Ok((joined, mem))
}

/// Idle memory (KiB) of `daz-bot console`, and its start to banner (ms).
fn console_once(dir: &Path) -> Fallible<(f64, (u64, u64))> {
    let started = Instant::now();
    let mut child = spawn(&["--database", "sqlite://console.db", "console"], dir)?;
    let mut banner = String::new();
    let stdout = child.stdout.as_mut().ok_or("no stdout")?;
    BufReader::new(stdout).read_line(&mut banner)?;
    let ready = started.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(Duration::from_secs(2));
    let mem = memory(child.id());
    stop(child);
    Ok((ready, mem))
}

fn version_once() -> Fallible<f64> {
    let started = Instant::now();
    let out = Command::new(BOT).arg("--version").output()?;
    if !out.status.success() {
        return Err("daz-bot --version failed".into());
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Fallible {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 1 } else { 7 };
    let server = TestServer::start(
        Replay::from_capture("guest-basic-raw-ws.jsonl", "guest"),
        Options::default(),
    )
    .await;
    let dir = std::env::temp_dir().join(format!("daz-bot-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("bench.toml"),
        format!(
            "[sql]\nurl = \"sqlite://bench.db\"\n[logger]\nchat = true\nusers = true\nmedia = true\n\
             [[cytube.rooms]]\nchannel = \"testchan\"\nuser = \"RawGuestbtt2\"\nsocket = \"{}\"\n",
            server.url()
        ),
    )?;

    let (fresh, _) = run_once(&server, &dir).await?;
    let mut joined = Vec::new();
    let mut run_rss = Vec::new();
    let mut run_peak = Vec::new();
    let mut console_ready = Vec::new();
    let mut console_rss = Vec::new();
    let mut version = Vec::new();
    for _ in 0..rounds {
        version.push(version_once()?);
        let (ms, (rss, peak)) = run_once(&server, &dir).await?;
        joined.push(ms);
        run_rss.push(mib(rss));
        run_peak.push(mib(peak));
        let (ms, (rss, _)) = console_once(&dir)?;
        console_ready.push(ms);
        console_rss.push(mib(rss));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (joined, version) = (median(joined), median(version));
    println!("daz-bot startup ({rounds} rounds, medians)");
    println!("  baseline: daz-bot --version, start to exit   {version:>8.1} ms");
    println!("  daz-bot run: start to joined (database made)  {fresh:>8.1} ms");
    println!(
        "  daz-bot run: start to joined                  {joined:>8.1} ms   (target < 100; {:.1}x the baseline)",
        joined / version
    );
    println!(
        "  daz-bot run: idle RSS after joining           {:>8.1} MiB  (target < 20; peak {:.1} MiB)",
        median(run_rss),
        median(run_peak)
    );
    println!(
        "  daz-bot console: start to prompt              {:>8.1} ms",
        median(console_ready)
    );
    println!(
        "  daz-bot console: idle RSS                     {:>8.1} MiB  (target < 20)",
        median(console_rss)
    );
    Ok(())
}
