//! `peakplan erlang` and the Erlang engine: 50-digit reference values,
//! invariants, a simulation check of Erlang A, and the command line.

use peakplan::erlang::{Measures, Params, Target, evaluate, required_agents};

/// Relative tolerance against the 50-digit reference: the quality bar.
const REFERENCE_RELATIVE: f64 = 1e-9;
/// Below this, a reference probability is "zero" in double precision.
const FLUSH: f64 = 1e-300;

fn close(got: f64, want: f64) -> bool {
    if want.is_infinite() {
        return got == want;
    }
    if want.abs() < FLUSH {
        return got.abs() < FLUSH;
    }
    ((got - want) / want).abs() < REFERENCE_RELATIVE
}

mod reference {
    use super::*;

    struct Row {
        line: usize,
        kind: String,
        params: Params,
        target: Target,
        agents: u64,
        want: [Option<f64>; 5],
    }

    fn num(s: &str) -> Option<f64> {
        if s.is_empty() { None } else { Some(s.parse().expect(s)) }
    }

    fn rows() -> Vec<Row> {
        let text =
            std::fs::read_to_string(crate::util::data("erlang_reference.csv"))
                .unwrap();
        let mut out = vec![];
        for (i, line) in text.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let traffic = num(f[2]).unwrap();
            let aht = num(f[3]).unwrap();
            let mut params = Params::from_traffic(traffic, aht).unwrap();
            if let Some(p) = num(f[4]) {
                params = params.with_patience(p).unwrap();
            }
            let within = num(f[5]).unwrap();
            let mut target = match (num(f[7]), num(f[8])) {
                (Some(sl), _) => Target::service_level(sl, within).unwrap(),
                (None, Some(asa)) => Target::asa(asa).unwrap(),
                (None, None) => Target::asa(1.0).unwrap(),
            };
            if let (Some(_), Some(asa)) = (num(f[7]), num(f[8])) {
                target = target.and_asa(asa).unwrap();
            }
            target = target.reported_within(within).unwrap();
            if let Some(occ) = num(f[9]) {
                target = target.with_max_occupancy(occ).unwrap();
            }
            out.push(Row {
                line: i + 1,
                kind: f[0].to_string(),
                params,
                target,
                agents: f[6].parse().unwrap(),
                want: [
                    num(f[10]),
                    num(f[11]),
                    num(f[12]),
                    num(f[13]),
                    num(f[14]),
                ],
            });
        }
        out
    }

    fn got(m: &Measures) -> [Option<f64>; 5] {
        [
            Some(m.p_wait),
            Some(m.service_level),
            Some(m.asa_s),
            if m.stable { Some(m.occupancy) } else { None },
            m.p_abandon,
        ]
    }

    /// Every row of `tests/data/erlang_reference.csv` (written by
    /// `benches/peers/make_reference.py` with mpmath at 60 digits): each
    /// measure within [`REFERENCE_RELATIVE`], and minimal staffing exact.
    #[test]
    fn reference_table() {
        let names =
            ["p_wait", "service_level", "asa_s", "occupancy", "p_abandon"];
        let rows = rows();
        assert!(rows.len() > 300, "{} rows", rows.len());
        let mut failures = vec![];
        let mut worst = 0.0f64;
        for row in &rows {
            if row.kind == "solve" {
                let s = required_agents(&row.params, &row.target);
                if s.agents != row.agents {
                    failures.push(format!(
                        "line {}: {} agents, want {}",
                        row.line, s.agents, row.agents
                    ));
                }
            }
            let m = evaluate(&row.params, &row.target, row.agents);
            for ((name, g), w) in names.iter().zip(got(&m)).zip(row.want) {
                match (g, w) {
                    (Some(g), Some(w)) => {
                        if w.is_finite() && w.abs() >= FLUSH {
                            worst = worst.max(((g - w) / w).abs());
                        }
                        if !close(g, w) {
                            failures.push(format!(
                                "line {}: {name} = {g:e}, want {w:e} \
                                 (rel {:.1e})",
                                row.line,
                                ((g - w) / w).abs()
                            ));
                        }
                    }
                    (None, None) => {}
                    _ => failures.push(format!(
                        "line {}: {name} = {g:?}, want {w:?}",
                        row.line
                    )),
                }
            }
        }
        eprintln!("worst relative error: {worst:.2e}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn load() -> impl Strategy<Value = (Params, f64)> {
        (
            -2.0f64..3.3,    // log10 of traffic: 0.01 to 2,000 E
            30.0f64..1800.0, // AHT
            proptest::option::of(5.0f64..7200.0), // patience
            0.0f64..120.0,   // SL threshold
        )
            .prop_map(|(lt, aht, patience, within)| {
                let p = Params::from_traffic(10f64.powf(lt), aht).unwrap();
                let p = match patience {
                    Some(pat) => p.with_patience(pat).unwrap(),
                    None => p,
                };
                (p, within)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// More agents never lower the service level nor raise ASA,
        /// P(wait), P(abandon) or occupancy; probabilities stay in [0, 1].
        #[test]
        fn measures_are_monotone_and_bounded(
            (params, within) in load(), offset in 0.0f64..1.0,
        ) {
            let a = params.traffic();
            let first = ((a - 3.0 * a.sqrt()).max(0.0)
                + offset * (6.0 * a.sqrt() + 4.0)) as u64;
            let t = Target::asa(10.0).unwrap().reported_within(within).unwrap();
            let mut prev: Option<Measures> = None;
            for n in first.max(1)..first.max(1) + 12 {
                let m = evaluate(&params, &t, n);
                for p in [m.p_wait, m.service_level, m.p_abandon.unwrap_or(0.0)] {
                    prop_assert!((0.0..=1.0).contains(&p), "{m:?}");
                }
                if m.stable {
                    prop_assert!((0.0..=1.0).contains(&m.occupancy), "{m:?}");
                }
                if let Some(p) = prev {
                    let slack = 1e-12;
                    prop_assert!(m.service_level >= p.service_level - slack,
                        "SL fell: {p:?} -> {m:?}");
                    prop_assert!(m.p_wait <= p.p_wait + slack, "{p:?} -> {m:?}");
                    // (∞ ≤ ∞ while unstable; NaN never appears with N ≥ 1.)
                    prop_assert!(m.asa_s <= p.asa_s * (1.0 + slack),
                        "ASA rose: {p:?} -> {m:?}");
                    prop_assert!(m.occupancy <= p.occupancy * (1.0 + slack));
                    if let (Some(x), Some(y)) = (p.p_abandon, m.p_abandon) {
                        prop_assert!(y <= x + slack);
                    }
                }
                prev = Some(m);
            }
        }

        /// The staffing found meets every target and one agent less does
        /// not.
        #[test]
        fn minimal_staffing_is_minimal(
            (params, within) in load(),
            sl in 0.05f64..0.99,
            asa in proptest::option::of(1.0f64..120.0),
            occ in proptest::option::of(0.5f64..1.0),
        ) {
            let mut t = Target::service_level(sl, within).unwrap();
            if let Some(asa) = asa {
                t = t.and_asa(asa).unwrap();
            }
            if let Some(occ) = occ {
                t = t.with_max_occupancy(occ).unwrap();
            }
            let s = required_agents(&params, &t);
            prop_assert!(t.is_met_by(&s.measures), "{s:?}");
            prop_assert_eq!(s.measures, evaluate(&params, &t, s.agents));
            if s.agents > 0 {
                let below = evaluate(&params, &t, s.agents - 1);
                prop_assert!(!t.is_met_by(&below), "{below:?} meets {t:?}");
            }
        }

        /// Erlang A with callers who (almost) never hang up is Erlang C.
        #[test]
        fn long_patience_tends_to_erlang_c(
            lt in -1.0f64..4.0, aht in 60.0f64..900.0, within in 0.0f64..60.0,
            extra in 0.2f64..4.0,
        ) {
            let a = 10f64.powf(lt);
            let n = (a + extra * a.sqrt()).floor() as u64 + 1;
            let c = Params::from_traffic(a, aht).unwrap();
            let patient = c.with_patience(aht * 1e8).unwrap();
            let t = Target::asa(10.0).unwrap().reported_within(within).unwrap();
            let mc = evaluate(&c, &t, n);
            let ma = evaluate(&patient, &t, n);
            let near = |x: f64, y: f64| (x - y).abs() <= 1e-5 * y.abs().max(1e-300);
            prop_assert!(near(ma.p_wait, mc.p_wait), "{ma:?} {mc:?}");
            prop_assert!(near(ma.service_level, mc.service_level), "{ma:?} {mc:?}");
            prop_assert!(near(ma.asa_s, mc.asa_s), "{ma:?} {mc:?}");
            prop_assert!(ma.p_abandon.unwrap() < 1e-5);
        }
    }
}

/// Erlang A against a discrete-event simulation of M/M/N+M.
mod simulation {
    use super::*;
    use std::collections::VecDeque;

    /// SplitMix64 (Steele, Lea & Flood 2014): tiny, seeded, good enough.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform on (0, 1].
        fn uniform(&mut self) -> f64 {
            ((self.next() >> 11) + 1) as f64 / (1u64 << 53) as f64
        }

        fn exp(&mut self, rate: f64) -> f64 {
            -self.uniform().ln() / rate
        }
    }

    /// Per-batch estimates: P(wait), P(abandon), SL, ASA.
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        lambda: f64,
        n: usize,
        aht: f64,
        patience: f64,
        within: f64,
        batches: usize,
        per_batch: usize,
        seed: u64,
    ) -> Vec<[f64; 4]> {
        let mut rng = SplitMix64(seed);
        let (mu, theta) = (1.0 / aht, 1.0 / patience);
        let mut now = 0.0;
        let mut busy = 0usize;
        let mut queue: VecDeque<f64> = VecDeque::new();
        let mut out = vec![];
        // [arrivals, waited, abandoned, answered within, answered, wait sum]
        let mut acc = [0.0f64; 6];
        let warm_up = per_batch / 2;
        let mut arrivals = 0usize;
        while out.len() < batches {
            let rate = lambda + busy as f64 * mu + queue.len() as f64 * theta;
            now += rng.exp(rate);
            let u = rng.uniform() * rate;
            let counting = arrivals > warm_up;
            if u <= lambda {
                arrivals += 1;
                if counting {
                    acc[0] += 1.0;
                }
                if busy < n {
                    busy += 1;
                    if counting {
                        acc[3] += 1.0;
                        acc[4] += 1.0;
                    }
                } else {
                    if counting {
                        acc[1] += 1.0;
                    }
                    // Mark arrivals before the warm-up end as not counted.
                    queue.push_back(if counting { now } else { -now - 1.0 });
                }
            } else if u <= lambda + busy as f64 * mu {
                match queue.pop_front() {
                    Some(t0) if t0 >= 0.0 => {
                        let wait = now - t0;
                        acc[4] += 1.0;
                        acc[5] += wait;
                        if wait <= within {
                            acc[3] += 1.0;
                        }
                    }
                    Some(_) => {}
                    None => busy -= 1,
                }
            } else {
                // Memoryless patience: any waiting caller is as likely to
                // be the one who hangs up.
                let i = ((rng.uniform() * queue.len() as f64) as usize)
                    .min(queue.len() - 1);
                if queue.remove(i).is_some_and(|t0| t0 >= 0.0) {
                    acc[2] += 1.0;
                }
            }
            if acc[0] >= per_batch as f64 {
                out.push([
                    acc[1] / acc[0],
                    acc[2] / acc[0],
                    acc[3] / acc[0],
                    acc[5] / acc[4],
                ]);
                acc = [0.0; 6];
            }
        }
        out
    }

    /// Each measure within 4.5 standard errors of the batch means (plus
    /// the bias of customers still queued when a batch closes, far below
    /// that): a seeded run, so it is deterministic, and a real check.
    #[test]
    fn erlang_a_matches_simulation() {
        let cases = [
            // (λ per second, agents, AHT, patience, SL threshold)
            (10.0 / 300.0, 10usize, 300.0, 120.0, 20.0), // N = A
            (12.0 / 180.0, 10, 180.0, 60.0, 10.0),       // overloaded
            (4.0 / 240.0, 6, 240.0, 600.0, 30.0),
        ];
        for (k, &(lambda, n, aht, patience, within)) in
            cases.iter().enumerate()
        {
            let b = simulate(
                lambda,
                n,
                aht,
                patience,
                within,
                20,
                10_000,
                42 + k as u64,
            );
            let params = Params::from_traffic(lambda * aht, aht)
                .unwrap()
                .with_patience(patience)
                .unwrap();
            let t =
                Target::asa(10.0).unwrap().reported_within(within).unwrap();
            let m = evaluate(&params, &t, n as u64);
            let exact =
                [m.p_wait, m.p_abandon.unwrap(), m.service_level, m.asa_s];
            for (i, name) in
                ["p_wait", "p_abandon", "SL", "ASA"].iter().enumerate()
            {
                let xs: Vec<f64> = b.iter().map(|r| r[i]).collect();
                let mean = xs.iter().sum::<f64>() / xs.len() as f64;
                let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                    / (xs.len() - 1) as f64;
                let se = (var / xs.len() as f64).sqrt();
                assert!(
                    (mean - exact[i]).abs()
                        <= 4.5 * se + 1e-3 * exact[i].abs(),
                    "case {k} {name}: simulated {mean} ± {se}, exact {}",
                    exact[i]
                );
            }
        }
    }
}

mod cli {
    use crate::util::{data, peakplan, stdout_of};
    use peakplan::erlang::{Params, Target, required_agents};
    use predicates::prelude::*;
    use serde_json::Value;

    const BASE: [&str; 9] = [
        "erlang",
        "--volume",
        "100",
        "--interval",
        "30m",
        "--aht",
        "3m",
        "--sl",
        "0.8",
    ];

    /// `BASE --target 20s --format json`, with flags in `extra` replacing
    /// the same flags of the base.
    fn json(extra: &[&str]) -> Value {
        let mut args: Vec<&str> = vec![];
        let base: Vec<&str> =
            BASE.iter().copied().chain(["--target", "20s"]).collect();
        let mut i = 1;
        args.push(base[0]);
        while i < base.len() {
            if !extra.contains(&base[i]) {
                args.extend_from_slice(&base[i..i + 2]);
            }
            i += 2;
        }
        args.extend_from_slice(extra);
        let out = stdout_of(peakplan().args(&args).args(["--format", "json"]));
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn textbook_case_as_json() {
        let v = json(&["--shrinkage", "0.3"]);
        assert_eq!(v["agents"], 14);
        assert_eq!(v["traffic_erlangs"], 10.0);
        assert_eq!(v["scheduled_fte"], 20.0);
        // Independently: mpmath gives SL 0.888350019179466884...
        let sl = v["service_level"].as_f64().unwrap();
        assert!((sl - 0.888_350_019_179_466_9).abs() < 1e-12, "{sl}");
        assert!(
            (v["asa_s"].as_f64().unwrap() - 7.835_937_011_777_243).abs()
                < 1e-9
        );
        assert!(
            (v["occupancy"].as_f64().unwrap() - 10.0 / 14.0).abs() < 1e-15
        );
        assert!(v["p_abandon"].is_null());
        for key in
            ["p_wait", "service_level", "asa_s", "occupancy", "scheduled_fte"]
        {
            assert!(v[key].is_number(), "{key}");
        }
    }

    #[test]
    fn asa_target_and_occupancy_cap() {
        let out = peakplan()
            .args(["erlang", "--volume", "100", "--interval", "30m"])
            .args(["--aht", "180", "--asa", "15s", "--format", "json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // mpmath: ASA 17.12 s with 13 agents, 7.84 s with 14.
        assert_eq!(v["agents"], 14);
        assert!(v["asa_s"].as_f64().unwrap() <= 15.0);
        // 10 E at most 60 % busy: 17 agents.
        assert_eq!(json(&["--max-occupancy", "0.6"])["agents"], 17);
        // Both SL and ASA must hold.
        // (ASA 3.67 s with 15 agents, 1.72 s with 16.)
        assert_eq!(json(&["--asa", "3s"])["agents"], 16);
    }

    #[test]
    fn patience_switches_to_erlang_a() {
        let v = json(&["--patience", "2m"]);
        assert_eq!(v["model"], "erlang_a");
        assert_eq!(v["agents"], 12);
        let ab = v["p_abandon"].as_f64().unwrap();
        assert!(ab > 0.0 && ab < 0.2, "{ab}");
    }

    #[test]
    fn agents_flag_evaluates_and_unstable_is_null() {
        let v = json(&["--agents", "13"]);
        assert_eq!(v["agents"], 13);
        assert_eq!(v["meets_target"], false);
        let v = json(&["--agents", "10"]);
        assert_eq!(v["stable"], false);
        assert_eq!(v["p_wait"], 1.0);
        assert_eq!(v["service_level"], 0.0);
        assert!(v["asa_s"].is_null());
        // Erlang A is stable even with fewer agents than traffic.
        let v = json(&["--agents", "8", "--patience", "60"]);
        assert_eq!(v["stable"], true);
        assert!(v["asa_s"].is_number());
    }

    #[test]
    fn unstable_in_csv_and_table() {
        peakplan()
            .args(BASE)
            .args(["--target", "20s", "--agents", "9", "--format", "csv"])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "erlang_c,180,10,9,9,0,20,1,,1,,false,false,",
            ))
            .stdout(predicate::str::contains("NaN").not())
            .stdout(predicate::str::contains("inf").not());
        peakplan()
            .args(BASE)
            .args(["--target", "20s", "--agents", "9"])
            .assert()
            .success()
            .stdout(predicate::str::contains("∞ (unstable)"))
            .stdout(predicate::str::contains("unstable: agents ≤ traffic"));
    }

    #[test]
    fn table_is_the_default_and_csv_honours_the_dialect() {
        peakplan()
            .args(BASE)
            .args(["--target", "20s"])
            .assert()
            .success()
            .stdout(predicate::str::contains("88.84 % within 20 s"))
            .stdout(predicate::str::contains(
                "agents                              14",
            ));
        peakplan()
            .args(["--csv-dialect", "fr"])
            .args(BASE)
            .args(["--target", "20s", "--format", "csv"])
            .assert()
            .success()
            .stdout(predicate::str::starts_with("\u{feff}model;aht_s;"))
            .stdout(predicate::str::contains(";0,888350019;"));
    }

    #[test]
    fn chat_concurrency_divides_slots() {
        let one = json(&["--aht", "12m", "--volume", "300"]);
        let three =
            json(&["--aht", "12m", "--volume", "300", "--concurrency", "3"]);
        let slots = one["agents"].as_u64().unwrap();
        assert_eq!(three["agents"].as_u64().unwrap(), slots.div_ceil(3));
        assert_eq!(three["sessions_per_agent"], 3);
    }

    #[test]
    fn out_writes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.json");
        peakplan()
            .args(BASE)
            .args(["--target", "20s", "--format", "json", "--out"])
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                .unwrap();
        assert_eq!(v["agents"], 14);
    }

    #[test]
    fn bad_values_name_their_flag() {
        let cases: [(&[&str], &str); 12] = [
            (&["--aht", "0"], "--aht"),
            (&["--aht", "abc"], "--aht"),
            (&["--sl", "1"], "--sl"),
            (&["--sl", "0"], "--sl"),
            (&["--sl", "1.5"], "--sl"),
            (&["--volume", "-5"], "--volume"),
            (&["--volume", "NaN"], "--volume"),
            (&["--shrinkage", "1"], "--shrinkage"),
            (&["--shrinkage", "-0.1"], "--shrinkage"),
            (&["--max-occupancy", "0"], "--max-occupancy"),
            (&["--max-occupancy", "1.2"], "--max-occupancy"),
            (&["--patience", "0"], "--patience"),
        ];
        for (extra, flag) in cases {
            let mut args = vec![
                "erlang",
                "--volume",
                "100",
                "--interval",
                "30m",
                "--aht",
                "3m",
                "--sl",
                "0.8",
                "--target",
                "20s",
            ];
            args.extend_from_slice(extra);
            peakplan()
                .args(&args)
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains(flag));
        }
        // A goal is required, and --sl needs --target.
        peakplan()
            .args([
                "erlang",
                "--volume",
                "1",
                "--interval",
                "30m",
                "--aht",
                "3m",
            ])
            .assert()
            .code(2);
        peakplan()
            .args([
                "erlang",
                "--volume",
                "1",
                "--interval",
                "30m",
                "--aht",
                "3m",
            ])
            .args(["--sl", "0.8"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--target"));
        peakplan()
            .args([
                "erlang",
                "--volume",
                "1",
                "--interval",
                "0",
                "--aht",
                "3m",
            ])
            .args(["--asa", "20"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--interval"));
    }

    #[test]
    fn batch_matches_single_runs() {
        let out = peakplan()
            .args(["erlang", "--input"])
            .arg(data("erlang_forecast.csv"))
            .args(["--interval", "30m", "--aht", "200", "--sl", "0.8"])
            .args(["--target", "20s", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0]["agents"], 14);
        assert_eq!(rows[0]["queue"], "commandes");
        assert_eq!(rows[1]["aht_s"], 200.0); // from --aht
        assert_eq!(rows[2]["agents"], 0); // no contacts
        for row in &rows {
            let single = json(&[
                "--volume",
                &row["volume"].to_string(),
                "--aht",
                &row["aht_s"].to_string(),
            ]);
            assert_eq!(row["agents"], single["agents"]);
            assert_eq!(row["service_level"], single["service_level"]);
        }
    }

    #[test]
    fn batch_csv_to_file_and_french_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staff.csv");
        peakplan()
            .args(["erlang", "--input"])
            .arg(data("erlang_forecast_fr.csv"))
            .args(["--interval", "30m", "--aht", "3m", "--asa", "20s"])
            .args(["--format", "csv", "--out"])
            .arg(&path)
            .assert()
            .success();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with(
            "interval_start,queue,volume,model,aht_s,traffic_erlangs,agents,"
        ));
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("2025-11-28 09:00,commandes,100,")
        );
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("2025-11-28 09:30,commandes,12.5,")
        );
    }

    #[test]
    fn bad_batch_row_names_file_line_column_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staff.csv");
        peakplan()
            .args(["erlang", "--input"])
            .arg(data("erlang_forecast_bad.csv"))
            .args(["--interval", "30m", "--aht", "3m", "--sl", "0.8"])
            .args(["--target", "20s", "--format", "csv", "--out"])
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "erlang_forecast_bad.csv:3: column \"volume\": expected a \
                 number of contacts ≥ 0, found \"douze\"",
            ));
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A load file of `rows` seeded intervals (1–400 calls of 300 s in
    /// 30 minutes), every fifth row without an AHT; `bad` replaces the
    /// volume of that row (from 0) with a word.
    fn big_input(
        dir: &std::path::Path,
        rows: usize,
        bad: Option<usize>,
    ) -> std::path::PathBuf {
        let mut text = String::from("interval_start,queue,volume,aht_s\n");
        let mut x: u64 = 2025;
        for i in 0..rows {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let volume = 1 + (x >> 33) % 400;
            let aht = if i % 5 == 4 { "" } else { "300" };
            if bad == Some(i) {
                text.push_str(&format!("t{i},q{},douze,{aht}\n", i % 3));
            } else {
                text.push_str(&format!("t{i},q{},{volume},{aht}\n", i % 3));
            }
        }
        let path = dir.join("big.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn batch_out(
        input: &std::path::Path,
        format: &str,
        threads: &str,
    ) -> Vec<u8> {
        peakplan()
            .env("RAYON_NUM_THREADS", threads)
            .args(["--csv-dialect", "fr", "erlang", "--input"])
            .arg(input)
            .args(["--interval", "30m", "--aht", "240", "--sl", "0.8"])
            .args(["--target", "20s", "--format", format])
            .output()
            .unwrap()
            .stdout
    }

    /// A file of many pieces, read on one thread and staffed on the others:
    /// the same bytes whatever the thread count, and every row the
    /// single-interval answer.
    #[test]
    fn large_batches_are_the_same_for_any_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let rows = 40_000;
        let input = big_input(dir.path(), rows, None);
        for format in ["csv", "json"] {
            let one = batch_out(&input, format, "1");
            let two = batch_out(&input, format, "2");
            assert!(one == two, "{format} differs between 1 and 2 threads");
            if format == "json" {
                let v: Vec<Value> = serde_json::from_slice(&one).unwrap();
                assert_eq!(v.len(), rows);
                for i in [0, 255, 256, 1_024, 16_383, 16_384, rows - 1] {
                    let volume = v[i]["volume"].as_f64().unwrap();
                    let aht = v[i]["aht_s"].as_f64().unwrap();
                    assert_eq!(aht, if i % 5 == 4 { 240.0 } else { 300.0 });
                    let p = Params::new(volume, 1800.0, aht).unwrap();
                    let t = Target::service_level(0.8, 20.0).unwrap();
                    let want = required_agents(&p, &t).agents;
                    assert_eq!(
                        v[i]["agents"].as_u64().unwrap(),
                        want,
                        "row {i}"
                    );
                    assert_eq!(v[i]["interval_start"], format!("t{i}"));
                }
            } else {
                let text = String::from_utf8(one).unwrap();
                assert_eq!(text.lines().count(), rows + 1);
            }
        }
    }

    /// A bad row after many good ones: the error names it, stdout gets
    /// nothing and an existing `--out` file is left as it was.
    #[test]
    fn a_late_bad_row_leaves_no_partial_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = big_input(dir.path(), 30_000, Some(29_000));
        let out = dir.path().join("staff.csv");
        std::fs::write(&out, "previous\n").unwrap();
        for to_file in [false, true] {
            let mut cmd = peakplan();
            cmd.args(["erlang", "--input"])
                .arg(&input)
                .args(["--interval", "30m", "--aht", "240", "--sl", "0.8"])
                .args(["--target", "20s", "--format", "csv"]);
            if to_file {
                cmd.arg("--out").arg(&out);
            }
            cmd.assert().code(2).stdout("").stderr(predicate::str::contains(
                "big.csv:29002: column \"volume\": expected a number \
                     of contacts ≥ 0, found \"douze\"",
            ));
        }
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Of two bad rows, the first in the file is reported, whichever
    /// thread finds its error first: here an AHT of 0, found when its
    /// piece is staffed, before a volume that is not a number, found when
    /// its piece is read.
    #[test]
    fn the_first_of_two_bad_rows_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let input = big_input(dir.path(), 30_000, Some(25_000));
        let text = std::fs::read_to_string(&input).unwrap();
        let at = text.find("\nt20000,").unwrap() + 1;
        let end = at + text[at..].find('\n').unwrap();
        let line = text[at..end].replace(",300", ",0");
        std::fs::write(&input, [&text[..at], &line, &text[end..]].concat())
            .unwrap();
        for threads in ["1", "2", "3"] {
            peakplan()
                .env("RAYON_NUM_THREADS", threads)
                .args(["erlang", "--input"])
                .arg(&input)
                .args(["--interval", "30m", "--aht", "240", "--sl", "0.8"])
                .args(["--target", "20s", "--format", "csv"])
                .assert()
                .code(2)
                .stdout("")
                .stderr(predicate::str::contains(
                    "big.csv:20002: column \"aht_s\": expected an AHT",
                ));
        }
    }

    /// Past the 16 MB held in memory, `--out` is written in place (a
    /// temporary file beside it, renamed at the end): the same bytes as
    /// stdout when every row is good; with a late bad row, the old file
    /// untouched and no temporary file left.
    #[test]
    fn a_large_batch_streams_into_out_and_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let rows = 180_000;
        let good = big_input(dir.path(), rows, None);
        let run = |input: &std::path::Path, out: Option<&std::path::Path>| {
            let mut cmd = peakplan();
            cmd.args(["erlang", "--input"])
                .arg(input)
                .args(["--interval", "30m", "--aht", "240", "--sl", "0.8"])
                .args(["--target", "20s", "--format", "csv"]);
            if let Some(out) = out {
                cmd.arg("--out").arg(out);
            }
            cmd.assert()
        };
        let stdout = run(&good, None).success().get_output().stdout.clone();
        assert!(stdout.len() > 16 << 20, "{} bytes", stdout.len());
        let out = dir.path().join("staff.csv");
        std::fs::write(&out, "previous\n").unwrap();
        run(&good, Some(&out)).success().stdout("");
        assert!(std::fs::read(&out).unwrap() == stdout);
        std::fs::write(&out, "previous\n").unwrap();
        let bad = big_input(dir.path(), rows, Some(rows - 10));
        run(&bad, Some(&out))
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("big.csv:{}", rows - 8)));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn batch_without_any_aht_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("f.csv");
        std::fs::write(&input, "interval_start,volume\nx,10\n").unwrap();
        peakplan()
            .args(["erlang", "--input"])
            .arg(&input)
            .args(["--interval", "30m", "--asa", "20"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("f.csv:2"))
            .stderr(predicate::str::contains("--aht"));
    }
}

/// Why peakplan integrates the incomplete gamma itself: statrs'
/// `gamma_lr` forms `exp(a·ln x − x − ln Γ(a))`, whose rounding grows with
/// the shape `a` (here `N·AHT/patience`): about `a·5e−16`, so 1e−11 at
/// 10⁵ and 1e−9 (the quality bar) at 2·10⁶, reached by 60,000 agents with
/// a patience 30 times the AHT. Reference values: mpmath, 40 digits. This
/// test records the loss; it fails if statrs gets exact enough to use.
#[test]
fn statrs_precision() {
    use statrs::function::gamma::gamma_lr;
    let cases = [
        (100.0, 100.0, 0.5132987982791487),
        (1e4, 1e4, 0.5013298083399552),
        (1e5, 1.003e5, 0.8286363112512076),
        (1e6, 1e6, 0.5001329807608725),
        (2e6, 2.001e6, 0.7602865609469363),
    ];
    let mut worst = 0.0f64;
    for (a, x, want) in cases {
        let rel = ((gamma_lr(a, x) - want) / want).abs();
        eprintln!("statrs gamma_lr({a}, {x}): relative error {rel:.1e}");
        worst = worst.max(rel);
    }
    assert!(worst > 1e-10, "statrs is now exact: {worst:e}");
}
