//! Whole runs of the commands, snapshotted: what a planner sees in a
//! table and what a spreadsheet gets in each CSV dialect. A change here
//! is a change to what users and scripts read: review it as such.

use crate::peakplan_snapshot;
use crate::util::{data, peakplan};

fn forecast(extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.arg("forecast")
        .arg("--history")
        .arg(data("forecast_history.csv"))
        .arg("--events")
        .arg(data("forecast_events.csv"))
        .args(["--no-config", "--calendar", "none", "--interval", "60m"])
        .args(extra);
    cmd
}

#[test]
fn forecast_table() {
    peakplan_snapshot!(&mut forecast(&["--from", "2025-02-10", "--to", "2025-02-12"]), @r#"
        exit_code: 0
        ----- stdout -----
        date        day  queue      contacts  p10  p90  60m slots  events
        ----------  ---  ---------  --------  ---  ---  ---------  --------
        2025-02-10  Mon  commandes       137  115  160          9
        2025-02-11  Tue  commandes       116   97  136          9
        2025-02-12  Wed  commandes       105   87  124          9
        2025-02-10  Mon  sav              58   42   76          9
        2025-02-11  Tue  sav              71   52   92          9  Appli v3
        2025-02-12  Wed  sav              46   32   60          9
        ----------  ---  ---------  --------  ---  ---  ---------  --------
        total       3d   commandes       358                   27
        total       3d   sav             175                   27
        total       6d   all             534                   54
        ----- stderr -----
    "#);
}

#[test]
fn forecast_csv_en() {
    peakplan_snapshot!(&mut forecast(&["--from", "2025-02-11", "--to", "2025-02-11", "--queue", "sav", "--format", "csv"]), @r#"
        exit_code: 0
        ----- stdout -----
        interval_start,queue,forecast,p10,p50,p90,aht_s,events
        2025-02-11T09:00:00+01:00,sav,6.838,3.437,6.423,10.772,420,Appli v3
        2025-02-11T10:00:00+01:00,sav,11.11,6.424,10.643,16.395,425,Appli v3
        2025-02-11T11:00:00+01:00,sav,10.543,6.019,10.083,15.658,430,Appli v3
        2025-02-11T12:00:00+01:00,sav,9.097,4.996,8.654,13.765,435,Appli v3
        2025-02-11T13:00:00+01:00,sav,7.28,3.738,6.859,11.362,440,Appli v3
        2025-02-11T14:00:00+01:00,sav,7.61,3.964,7.185,11.802,445,Appli v3
        2025-02-11T15:00:00+01:00,sav,7.475,3.871,7.052,11.623,450,Appli v3
        2025-02-11T16:00:00+01:00,sav,6.155,2.979,5.748,9.854,455,Appli v3
        2025-02-11T17:00:00+01:00,sav,5.056,2.258,4.663,8.357,460,Appli v3
        ----- stderr -----
    "#);
}

#[test]
fn forecast_csv_fr() {
    peakplan_snapshot!(&mut forecast(&["--from", "2025-02-11", "--to", "2025-02-11", "--queue", "sav", "--format", "csv", "--csv-dialect", "fr"]), @r#"
        exit_code: 0
        ----- stdout -----
        [BOM]interval_start;queue;forecast;p10;p50;p90;aht_s;events
        2025-02-11T09:00:00+01:00;sav;6,838;3,437;6,423;10,772;420;Appli v3
        2025-02-11T10:00:00+01:00;sav;11,11;6,424;10,643;16,395;425;Appli v3
        2025-02-11T11:00:00+01:00;sav;10,543;6,019;10,083;15,658;430;Appli v3
        2025-02-11T12:00:00+01:00;sav;9,097;4,996;8,654;13,765;435;Appli v3
        2025-02-11T13:00:00+01:00;sav;7,28;3,738;6,859;11,362;440;Appli v3
        2025-02-11T14:00:00+01:00;sav;7,61;3,964;7,185;11,802;445;Appli v3
        2025-02-11T15:00:00+01:00;sav;7,475;3,871;7,052;11,623;450;Appli v3
        2025-02-11T16:00:00+01:00;sav;6,155;2,979;5,748;9,854;455;Appli v3
        2025-02-11T17:00:00+01:00;sav;5,056;2,258;4,663;8,357;460;Appli v3
        ----- stderr -----
    "#);
}

fn calendar(extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = peakplan();
    cmd.args(["calendar", "--no-config", "--year", "2026", "--events"])
        .arg(data("events_company.csv"))
        .args(extra);
    cmd
}

#[test]
fn calendar_table() {
    peakplan_snapshot!(&mut calendar(&[]), @r#"
        exit_code: 0
        ----- stdout -----
        name                    kind             start       end
        ----------------------  ---------------  ----------  ----------
        Jour de l'an            closure          2026-01-01  2026-01-01
        Soldes d'hiver          sale             2026-01-07  2026-02-03
        Saint-Valentin          holiday          2026-02-14  2026-02-14
        Mardi Gras              holiday          2026-02-17  2026-02-17
        Fête des grands-mères   holiday          2026-03-01  2026-03-01
        Lancement gamme Jardin  launch           2026-03-10  2026-03-16
        Pâques                  holiday          2026-04-05  2026-04-05
        Lundi de Pâques         closure          2026-04-06  2026-04-06
        Fête du Travail         closure          2026-05-01  2026-05-01
        Victoire 1945           closure          2026-05-08  2026-05-08
        Ascension               closure          2026-05-14  2026-05-14
        Lundi de Pentecôte      closure          2026-05-25  2026-05-25
        Fête des mères          holiday          2026-05-31  2026-05-31
        Fête des pères          holiday          2026-06-21  2026-06-21
        Soldes d'été            sale             2026-07-01  2026-07-28
        Fête nationale          closure          2026-07-14  2026-07-14
        Assomption              closure          2026-08-15  2026-08-15
        Mise à jour appli v7    software_update  2026-09-15  2026-09-17
        Toussaint               closure          2026-11-01  2026-11-01
        Armistice               closure          2026-11-11  2026-11-11
        Black Friday            black_friday     2026-11-27  2026-11-27
        Cyber Monday            sale             2026-11-30  2026-11-30
        Christmas               closure          2026-12-25  2026-12-25
        ----- stderr -----
    "#);
}

#[test]
fn calendar_csv_en() {
    peakplan_snapshot!(&mut calendar(&["--format", "csv"]), @r#"
        exit_code: 0
        ----- stdout -----
        name,kind,start,end
        Jour de l'an,closure,2026-01-01,2026-01-01
        Soldes d'hiver,sale,2026-01-07,2026-02-03
        Saint-Valentin,holiday,2026-02-14,2026-02-14
        Mardi Gras,holiday,2026-02-17,2026-02-17
        Fête des grands-mères,holiday,2026-03-01,2026-03-01
        Lancement gamme Jardin,launch,2026-03-10,2026-03-16
        Pâques,holiday,2026-04-05,2026-04-05
        Lundi de Pâques,closure,2026-04-06,2026-04-06
        Fête du Travail,closure,2026-05-01,2026-05-01
        Victoire 1945,closure,2026-05-08,2026-05-08
        Ascension,closure,2026-05-14,2026-05-14
        Lundi de Pentecôte,closure,2026-05-25,2026-05-25
        Fête des mères,holiday,2026-05-31,2026-05-31
        Fête des pères,holiday,2026-06-21,2026-06-21
        Soldes d'été,sale,2026-07-01,2026-07-28
        Fête nationale,closure,2026-07-14,2026-07-14
        Assomption,closure,2026-08-15,2026-08-15
        Mise à jour appli v7,software_update,2026-09-15,2026-09-17
        Toussaint,closure,2026-11-01,2026-11-01
        Armistice,closure,2026-11-11,2026-11-11
        Black Friday,black_friday,2026-11-27,2026-11-27
        Cyber Monday,sale,2026-11-30,2026-11-30
        Christmas,closure,2026-12-25,2026-12-25
        ----- stderr -----
    "#);
}

#[test]
fn calendar_csv_fr() {
    peakplan_snapshot!(&mut calendar(&["--format", "csv", "--csv-dialect", "fr"]), @r#"
        exit_code: 0
        ----- stdout -----
        [BOM]name;kind;start;end
        Jour de l'an;closure;2026-01-01;2026-01-01
        Soldes d'hiver;sale;2026-01-07;2026-02-03
        Saint-Valentin;holiday;2026-02-14;2026-02-14
        Mardi Gras;holiday;2026-02-17;2026-02-17
        Fête des grands-mères;holiday;2026-03-01;2026-03-01
        Lancement gamme Jardin;launch;2026-03-10;2026-03-16
        Pâques;holiday;2026-04-05;2026-04-05
        Lundi de Pâques;closure;2026-04-06;2026-04-06
        Fête du Travail;closure;2026-05-01;2026-05-01
        Victoire 1945;closure;2026-05-08;2026-05-08
        Ascension;closure;2026-05-14;2026-05-14
        Lundi de Pentecôte;closure;2026-05-25;2026-05-25
        Fête des mères;holiday;2026-05-31;2026-05-31
        Fête des pères;holiday;2026-06-21;2026-06-21
        Soldes d'été;sale;2026-07-01;2026-07-28
        Fête nationale;closure;2026-07-14;2026-07-14
        Assomption;closure;2026-08-15;2026-08-15
        Mise à jour appli v7;software_update;2026-09-15;2026-09-17
        Toussaint;closure;2026-11-01;2026-11-01
        Armistice;closure;2026-11-11;2026-11-11
        Black Friday;black_friday;2026-11-27;2026-11-27
        Cyber Monday;sale;2026-11-30;2026-11-30
        Christmas;closure;2026-12-25;2026-12-25
        ----- stderr -----
    "#);
}

#[test]
fn validate_table_in_either_dialect() {
    let mut cmd = peakplan();
    cmd.args(["validate", "--no-config", "--history"])
        .arg(data("history_good.csv"));
    peakplan_snapshot!(&mut cmd, @r#"
        exit_code: 0
        ----- stdout -----
        history       [ROOT]/tests/data/history_good.csv
        zone          Europe/Paris
        span          2025-03-17 to 2025-04-11 (26 days)
        rows          226
        intervals     30m
        queues        2: commandes, sav
        contacts      2570
        DST days      2025-03-30 (23 h, no rows)

        queue commandes
          1026 contacts in 114 intervals, 2025-03-17 to 2025-04-11, mean AHT 324.2 s
          days: 18 open, 1 at zero, 7 closed (no rows)
          weekday  days  open  first slot  last slot
          -------  ----  ----  ----------  ---------
          Mon         4     4  09:00       11:30
          Tue         4     3  09:00       11:30
          Wed         4     4  09:00       11:30
          Thu         4     4  09:00       11:30
          Fri         4     3  09:00       11:30
          Sat         3     0  -           -
          Sun         3     0  -           -
          closed on a usually open weekday: 1: 2025-04-01
          at zero on a usually open weekday: 1: 2025-03-21
          gaps inside opening hours: none

        queue sav
          1544 contacts in 112 intervals, 2025-03-17 to 2025-04-11, mean AHT 324 s
          days: 19 open, 0 at zero, 7 closed (no rows)
          weekday  days  open  first slot  last slot
          -------  ----  ----  ----------  ---------
          Mon         4     4  09:00       11:30
          Tue         4     3  09:00       11:30
          Wed         4     4  09:00       11:30
          Thu         4     4  09:00       11:30
          Fri         4     4  09:00       11:30
          Sat         3     0  -           -
          Sun         3     0  -           -
          closed on a usually open weekday: 1: 2025-04-01
          gaps inside opening hours: 2 missing intervals in 1 run
            2025-03-19 10:00-11:00 (2 intervals)
          spikes above 5x the median of the same weekday and time: 1
            2025-04-07T10:00:00+02:00  90 (median 16.5), line 176

        verdict: usable
        ----- stderr -----
    "#);
    // validate writes no CSV: the dialect changes nothing.
    let en = cmd.output().unwrap();
    let fr = cmd.args(["--csv-dialect", "fr"]).output().unwrap();
    assert_eq!(en.stdout, fr.stdout);
}

#[test]
fn backtest_table() {
    let mut cmd = peakplan();
    cmd.args(["backtest", "--no-config", "--interval", "60m", "--history"])
        .arg(data("forecast_history.csv"))
        .args(["--calendar", "none", "--origins", "2"]);
    peakplan_snapshot!(&mut cmd, @r#"
        exit_code: 0
        ----- stdout -----
        window 1: 2025-01-04 .. 2025-01-17
        window 2: 2025-01-18 .. 2025-01-31

        queue      scope  method     intervals  contacts  wape (%)  daily wape (%)  mase  bias (%)  p10-p90 cover (%)  noise floor (%)
        ---------  -----  ---------  ---------  --------  --------  --------------  ----  --------  -----------------  ---------------
        commandes  all    peakplan         216      2552      23.1             6.7  0.68       0.6               81.9             23.0
        commandes  all    last_week        216      2552      30.0             7.1  0.88       1.0                n/a              n/a
        sav        all    peakplan         216      1064      38.4            14.4  0.75       8.0               84.3             36.9
        sav        all    last_week        216      1064      50.0            14.3  0.98       3.0                n/a              n/a
        ---------  -----  ---------  ---------  --------  --------  --------------  ----  --------  -----------------  ---------------
        all        all    peakplan         432      3616      27.6             9.0  0.71       2.8               83.1             27.0
        all        all    last_week        432      3616      35.9             9.2  0.93       1.6                n/a              n/a
        ----- stderr -----
    "#);
}
