#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Bytes the workspace sends per county move, beside the floor (the UTF-8 of the cells that
//! change), at 120×40 and 80×24 on a few hundred counties, in process.
//!
//!     cargo run --release --example move_bytes -- 300

#[path = "../benches/data/mod.rs"]
mod data;

use kaohe::catalog::{self, Catalog};
use kaohe::store::{Reviewer, Seed, Store};
use kaohe::tui::action::Action;
use kaohe::tui::app::App;
use kaohe::tui::backend::Tty;
use kaohe::tui::load;
use kaohe::tui::strings::{Lang, Strings};
use kaohe::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let who = Reviewer {
        name: "基准".into(),
        account: "bench".into(),
    };
    let temp = tempfile::tempdir().unwrap();
    let mut rng = data::Rng::new(2014);
    let catalog = Catalog::embedded_2014().unwrap();
    let counties_text = data::counties_csv(n, &mut rng);
    let submissions = data::submissions_csv(&catalog, &counties_text, &mut rng);
    let counties = catalog::parse_counties(&counties_text, "counties.csv").unwrap();
    let seed = Seed {
        catalog,
        counties,
        submissions: None,
    };
    let mut store = Store::create(&temp.path().join("k.db"), &seed, &who).unwrap();
    let lookup = store.lookup().unwrap();
    let parsed =
        kaohe::formats::import::parse_csv(&submissions, "submissions.csv", &lookup).unwrap();
    store.import_submissions(&parsed, "s.csv", &who).unwrap();
    let theme = Theme::default();
    for (w, h) in [(120, 40), (80, 24)] {
        let mut app = App::new(load(&store, &who).unwrap(), Strings::get(Lang::Zh));
        kaohe::tui::fill(&mut store, &mut app);
        let mut terminal = Terminal::with_options(
            Tty::new(Vec::<u8>::new()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
            },
        )
        .unwrap();
        let mut before: Buffer = terminal
            .draw(|f| kaohe::tui::draw_frame(f, &app, &theme))
            .unwrap()
            .buffer
            .clone();
        terminal.backend_mut().writer_mut().clear();
        let (mut sent, mut floor, mut took) = (Vec::new(), Vec::new(), Vec::new());
        let mut backend_took = Vec::new();
        // A second backend fed the same diffs, timed alone.
        let mut probe = Tty::new(Vec::<u8>::new());
        ratatui::backend::Backend::draw(
            &mut probe,
            Buffer::empty(before.area).diff(&before).into_iter(),
        )
        .unwrap();
        for k in 0..400 {
            let action = if !(200..300).contains(&k) {
                Action::NextCounty
            } else {
                Action::PrevCounty
            };
            app.update(action);
            kaohe::tui::fill(&mut store, &mut app);
            let t = std::time::Instant::now();
            let after = terminal
                .draw(|f| kaohe::tui::draw_frame(f, &app, &theme))
                .unwrap()
                .buffer
                .clone();
            took.push(t.elapsed());
            sent.push(terminal.backend_mut().writer_mut().len());
            if std::env::var_os("PAIRS").is_some() && k < 12 {
                println!(
                    "  move {k}: sent {} floor {}",
                    terminal.backend_mut().writer_mut().len(),
                    before
                        .diff(&after)
                        .iter()
                        .map(|(_, _, c)| c.symbol().len())
                        .sum::<usize>()
                );
            }
            if std::env::var_os("SHOW").is_some() && (k == 100 || k == 3) {
                println!(
                    "{:?}",
                    String::from_utf8_lossy(terminal.backend_mut().writer_mut())
                );
            }
            terminal.backend_mut().writer_mut().clear();
            let diff = before.diff(&after);
            let t = std::time::Instant::now();
            ratatui::backend::Backend::draw(&mut probe, diff.iter().map(|(x, y, c)| (*x, *y, *c)))
                .unwrap();
            ratatui::backend::Backend::flush(&mut probe).unwrap();
            backend_took.push(t.elapsed());
            probe.writer_mut().clear();
            floor.push(
                before
                    .diff(&after)
                    .iter()
                    .map(|(_, _, c)| c.symbol().len())
                    .sum::<usize>(),
            );
            before = after;
        }
        took.sort();
        backend_took.sort();
        println!(
            "  the backend alone: median {:?}, max {:?}",
            backend_took[backend_took.len() / 2],
            backend_took.last().unwrap()
        );
        println!(
            "  frame (view and backend; not a timing to quote from a debug build): median {:?}, max {:?}",
            took[took.len() / 2],
            took.last().unwrap()
        );
        let ratio: Vec<f64> = sent
            .iter()
            .zip(&floor)
            .map(|(s, f)| *s as f64 / (*f).max(1) as f64)
            .collect();
        let median = |mut v: Vec<usize>| {
            v.sort();
            v[v.len() / 2]
        };
        let mut r = ratio.clone();
        r.sort_by(f64::total_cmp);
        println!(
            "{w}×{h}, {n} counties, 400 moves: sent median {} B (mean {:.0}), floor median {} B (mean {:.0}), ratio median {:.2}, sum ratio {:.2}",
            median(sent.clone()),
            sent.iter().sum::<usize>() as f64 / sent.len() as f64,
            median(floor.clone()),
            floor.iter().sum::<usize>() as f64 / floor.len() as f64,
            r[r.len() / 2],
            sent.iter().sum::<usize>() as f64 / floor.iter().sum::<usize>() as f64,
        );
    }
}
