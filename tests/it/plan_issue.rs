//! The scenario keys of issue 15 exactly as the issue writes them, in
//! place of the bundled scenario's team, hiring, overtime and partner: the
//! plan is accepted and every rule holds on its files.

use crate::plan::{plan_on_forecast, read_csv, write_forecast};
use crate::plan_optimal::{Rules, check_rules};
use crate::util::data;

/// The issue's example, character for character.
const ISSUE_EXAMPLE: &str = r#"[team]
weekly_hours = 35
fte = { commandes = 60, sav = 45 }
days_per_week = 5                 # working days per person and week (default 5)
shifts = ["jour"]                 # templates the in-house team works

[shifts.jour]
hours = 7                         # paid length, breaks included (shrinkage covers breaks)
starts = "08:00-13:00"            # earliest and latest start, on the interval grid

[shifts.renfort]
hours = 4
starts = "09:00-16:00"

[hiring]
recruit_weeks = 3
train_weeks = 2
ramp = [0.6, 0.8, 1.0]
cost_per_hour = 21.0
min_contract_weeks = 6
max_hires = 80
queues = ["commandes"]
contracts = [
  { name = "temps plein", weekly_hours = 35, shifts = ["jour"] },
  { name = "renfort", weekly_hours = 24, shifts = ["renfort", "jour"] },
]

[overtime]
max_hours_per_week = 4            # per in-house person
max_hours_per_day = 2             # placed right before or after that person's shift
premium = 1.25

[[partners]]
name = "Atlas"
queues = ["commandes"]
max_fte = 40                      # most partner agents on the phones at once
hours = "08:00-20:00"             # when the partner answers (default: the queue's opening hours)
cost_per_hour = 27.0              # or cost_per_contact = 1.9
min_hours_per_week = 0            # minimum commitment, paid even when unused
notice_weeks = 4
"#;

/// The issue's rules, as [`crate::plan_optimal::check_rules`] reads them.
pub(crate) fn rules() -> Rules {
    let s = |x: &str| x.to_string();
    Rules {
        on_phone: 0.7,
        fte: [(s("commandes"), 60.0), (s("sav"), 45.0)].into(),
        days_per_week: 5.0,
        weekly_hours: 35.0,
        templates: vec![
            (s("jour"), 7 * 60, 8 * 60, 13 * 60),
            (s("renfort"), 4 * 60, 9 * 60, 16 * 60),
        ],
        team_shifts: vec![s("jour")],
        overtime: Some((2.0, 4.0)),
        partner: Some((
            s("Atlas"),
            vec![s("commandes")],
            40.0,
            8 * 60,
            20 * 60,
        )),
        contracts: vec![
            (s("temps plein"), 35.0, vec![s("jour")]),
            (s("renfort"), 24.0, vec![s("renfort"), s("jour")]),
        ],
        ramp: vec![0.6, 0.8, 1.0],
        step: 30,
    }
}

#[test]
fn the_issue_example_as_written_plans_and_keeps_every_rule() {
    let bundled =
        std::fs::read_to_string(data("../../data/scenario.toml")).unwrap();
    assert!(!bundled.contains("[shifts"), "the bundled scenario changed");
    let from = bundled.find("[team]").unwrap();
    let to = bundled.find("[[whatif]]").unwrap();
    let text =
        format!("{}{ISSUE_EXAMPLE}\n{}", &bundled[..from], &bundled[to..]);
    let dir = tempfile::tempdir().unwrap();
    for f in ["history.csv", "events.csv"] {
        std::fs::copy(data("../../data").join(f), dir.path().join(f)).unwrap();
    }
    let scenario = dir.path().join("scenario.toml");
    std::fs::write(&scenario, text).unwrap();
    // The generated forecast surges from 2025-11-17 and doubles commandes
    // on Black Friday: at 2.2 times its volumes, beyond what the team and
    // the partner cover, so that the team, overtime and the partner are
    // all used. Whether it hires depends on its days' service-level
    // floors, so the hire rules are also checked on the shifts fixture
    // without a partner (`roster::hires_keep_their_contracts_…`).
    let forecast = write_forecast(dir.path(), 2.2);
    let out = dir.path().join("out");
    plan_on_forecast(&scenario, &forecast, &out)
        .args(["--from", "2025-11-03", "--to", "2025-11-30"])
        .assert()
        .success();
    let intervals = read_csv(&out.join("intervals.csv"));
    let shifts = read_csv(&out.join("shifts.csv"));
    let hires = read_csv(&out.join("hires.csv"));
    assert!(!intervals.is_empty());
    check_rules(&rules(), &intervals, &shifts, &hires);
    let sources: Vec<&str> =
        shifts.iter().map(|r| r["source"].as_str()).collect();
    for s in ["in_house", "overtime", "partner"] {
        assert!(sources.contains(&s), "no {s} shift in the plan");
    }
    for f in ["days.csv", "weeks.csv", "summary.json", "plan.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}
