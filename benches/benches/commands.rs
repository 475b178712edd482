//! Command routing benchmarks: a chat line that is not a command against a
//! bare `str::starts_with`, and a command's dispatch (recognize, check,
//! read its arguments, send it to the owning module) against a bare
//! `EventBus::send` of the same invocation, with 200 registered commands.
//!
//! Run with: `cargo bench -p daz-bench --bench commands` (add `-- --quick`
//! for a smoke run, `-- --events N`, `-- --rounds N`, or
//! `-- --only plain|dispatch`).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use daz_bench::{Options, compare, median, percentile};
use daz_core::chat::{ChatMessage, Rank};
use daz_core::command::{
    ArgError, CommandSpec, Decision, FromArgs, Invocation, Router, RouterConfig, UserName,
};
use daz_core::{Config, Event, EventBus, Format, Manifest, SubscribeOptions, Subscription};

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

const MODULES: usize = 10;
const PER_MODULE: usize = 20;
/// Distinct messages routed over and over.
const POOL: usize = 1_000;

/// The arguments half of the commands take: `<user> <amount>`.
fn check_give(text: &str) -> Result<(), ArgError> {
    let mut args = daz_core::command::Args::new(text);
    UserName::from_args(&mut args)?;
    u64::from_args(&mut args)?;
    args.finish()
}

fn router() -> Fallible<Router> {
    // A flood limit no bench user reaches, so every command is routed.
    let config: RouterConfig = Config::parse(
        "[commands.flood]\nburst = 1000000000\ninterval = \"1ms\"",
        Format::Toml,
    )?
    .section("commands")?;
    let mut modules = Vec::new();
    for m in 0..MODULES {
        let manifest = Manifest::builder(format!("module{m}")).build()?;
        let mut specs = Vec::new();
        for c in 0..PER_MODULE {
            let mut spec = CommandSpec::builder(format!("cmd{m}x{c}"))
                .aliases([format!("alias{m}x{c}")])
                .description("A command.");
            if c % 2 == 0 {
                spec = spec.usage("<user> <amount>").check(check_give);
            }
            specs.push(spec.build()?);
        }
        modules.push((manifest, specs));
    }
    Ok(Router::new(config, modules)?)
}

const LINES: [&str; 8] = [
    "hello everyone",
    "lol",
    "did anyone see the last episode? it was wild!",
    "brb",
    "this song is a banger, who queued it",
    "can we skip this one please",
    "haha yes!! !!",
    "ok so the thing about the playlist is that it keeps repeating the same three videos over and over",
];

fn plain_pool() -> Vec<ChatMessage> {
    (0..POOL)
        .map(|i| {
            let text = format!("{} {i}", LINES[i % LINES.len()]);
            ChatMessage::new("lobby", &format!("user{}", i % 97), Rank::REGISTERED, &text)
        })
        .collect()
}

fn command_pool() -> Vec<ChatMessage> {
    (0..POOL * 10)
        .map(|i| {
            let (m, c) = (i % MODULES, (i / MODULES) % PER_MODULE);
            let word = if i % 3 == 0 { "alias" } else { "cmd" };
            let args = if c % 2 == 0 { " some_user 25" } else { "" };
            let text = format!("!{word}{m}x{c}{args}");
            ChatMessage::new(
                "lobby",
                &format!("user{}", i % 1000),
                Rank::REGISTERED,
                &text,
            )
        })
        .collect()
}

/// Nanoseconds per message of `route` over the pool, `rounds` times.
fn time_plain(router: &mut Router, pool: &[ChatMessage], repeat: usize) -> (f64, f64) {
    let prefix = String::from("!");
    let now = tokio::time::Instant::now();
    let n = (pool.len() * repeat) as f64;
    let started = Instant::now();
    let mut hits = 0u64;
    for _ in 0..repeat {
        for message in pool {
            if black_box(message)
                .text
                .starts_with(black_box(prefix.as_str()))
            {
                hits += 1;
            }
        }
    }
    let bare = started.elapsed().as_nanos() as f64 / n;
    let started = Instant::now();
    for _ in 0..repeat {
        for message in pool {
            if !matches!(router.route(black_box(message), now), Decision::Ignore) {
                hits += 1;
            }
        }
    }
    let daz = started.elapsed().as_nanos() as f64 / n;
    assert_eq!(hits, 0, "plain chat was taken for a command");
    (daz, bare)
}

fn plain(options: &Options) -> Fallible {
    let mut router = router()?;
    let pool = plain_pool();
    let repeat = usize::try_from(options.events)? / POOL;
    let (mut daz, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..options.rounds {
        let (d, b) = time_plain(&mut router, &pool, repeat.max(1));
        daz.push(d);
        bare.push(b);
    }
    let (daz, bare) = (median(daz), median(bare));
    let ratio = daz / bare.max(f64::MIN_POSITIVE);
    compare(
        &format!("non-command line, {} msgs, 200 cmds", options.events),
        &format!("{daz:.2} ns"),
        &format!("{bare:.2} ns"),
        ratio,
        "<= 2.0",
        ratio <= 2.0,
    );
    Ok(())
}

fn inboxes(bus: &EventBus) -> Fallible<Vec<Subscription>> {
    (0..MODULES)
        .map(|m| {
            Ok(bus.inbox(
                &format!("module{m}"),
                SubscribeOptions::new().capacity(4096),
            )?)
        })
        .collect()
}

fn drain(inboxes: &mut [Subscription]) -> usize {
    inboxes
        .iter_mut()
        .map(|inbox| std::iter::from_fn(|| inbox.try_recv()).count())
        .sum()
}

fn dispatch(options: &Options) -> Fallible {
    let mut router = router()?;
    let bus = EventBus::new();
    let mut inboxes = inboxes(&bus)?;
    let pool = command_pool();
    let n = usize::try_from(options.events)?;
    let mut daz = Vec::with_capacity(n);
    let mut bare = Vec::with_capacity(n);
    let mut delivered = 0;
    let invocation = Invocation::new(
        "module0",
        "cmd0x0",
        "user1",
        Rank::REGISTERED,
        "lobby",
        "some_user 25",
    );
    let topic = daz_core::Topic::new("command.module0.cmd0x0")?;
    let target: Arc<str> = Arc::from("module0");
    for (i, message) in pool.iter().cycle().take(n).enumerate() {
        let started = Instant::now();
        let now = tokio::time::Instant::now();
        match router.route(message, now) {
            Decision::Route(routed) => {
                if router.deliver(&bus, routed, now).is_some() {
                    return Err("a command could not be delivered".into());
                }
            }
            other => return Err(format!("{} was not routed: {other:?}", message.text).into()),
        }
        daz.push(started.elapsed());
        let started = Instant::now();
        let event = Event::builder(topic.clone())
            .source("commands")
            .target(Arc::clone(&target))
            .room("lobby")
            .payload(invocation.clone());
        bus.send(&target, event)?;
        bare.push(started.elapsed());
        if i % 1000 == 999 {
            delivered += drain(&mut inboxes);
        }
    }
    delivered += drain(&mut inboxes);
    assert_eq!(delivered, 2 * n, "every command reached its module");
    daz.sort_unstable();
    bare.sort_unstable();
    let p = |v: &[Duration], q| percentile(v, q).as_nanos() as f64 / 1000.0;
    for q in [50.0, 99.0] {
        let (d, b) = (p(&daz, q), p(&bare, q));
        let (target, met) = if q > 90.0 {
            ("p99 <= 10 us", d <= 10.0)
        } else {
            ("(informational)", true)
        };
        compare(
            &format!("command dispatch p{q}, {n} cmds"),
            &format!("{d:.2} us"),
            &format!("{b:.2} us"),
            d / b.max(f64::MIN_POSITIVE),
            target,
            met,
        );
    }
    Ok(())
}

fn main() -> Fallible {
    let options = Options::from_args(1_000_000, &["plain", "dispatch"])?;
    println!("command routing: daz against its baseline (ratio = daz / baseline)");
    if options.runs("plain") {
        plain(&options)?;
    }
    if options.runs("dispatch") {
        dispatch(&options)?;
    }
    Ok(())
}
