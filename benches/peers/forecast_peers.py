"""Peer forecasts on the bank call data, scored like `peakplan backtest`.

Run through forecast_peers.sh, which installs the peers in a throwaway
virtualenv and writes peakplan's own backtest (JSON) first: the peers are
fitted on exactly the same origins and scored on the same 30-minute
intervals.

The peers see the series as a sequence of open intervals (weekdays,
07:00-21:00 in 30 minutes: 29 a day, 145 a week) and forecast exactly the
intervals present in the test window: they are told which days are open,
which peakplan has to work out itself (Labor Day falls in the first
window). Prophet gets the events file as holidays.
"""
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def load(data_dir):
    df = pd.read_csv(Path(data_dir) / "bank_calls_us_2003_5min.csv")
    ts = pd.to_datetime(df["interval_start"])
    df["ds"] = ts.dt.floor("30min")
    s = df.groupby("ds", as_index=False)["volume"].sum().rename(columns={"volume": "y"})
    return s.sort_values("ds").reset_index(drop=True)


def wape(f, a):
    return float(np.abs(f - a).sum() / a.sum())


def daily_wape(ds, f, a):
    d = pd.DataFrame({"d": ds.dt.date, "f": f, "a": a}).groupby("d").sum()
    return float((d.f - d.a).abs().sum() / d.a.sum())


def main():
    data_dir, report = sys.argv[1], sys.argv[2]
    rep = json.load(open(report))
    series = load(data_dir)
    per_day = int(series.groupby(series.ds.dt.date).size().mode()[0])
    events = pd.read_csv(Path(data_dir) / "bank_calls_us_2003_events.csv")
    holidays = pd.DataFrame({"holiday": events["name"], "ds": pd.to_datetime(events["start"])})

    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS
    from prophet import Prophet
    import logging
    logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
    logging.getLogger("prophet").setLevel(logging.ERROR)

    peers = {"MSTL": [], "AutoETS": [], "Prophet": []}
    actual_all, ds_all = [], []
    seconds = {k: 0.0 for k in peers}
    for first, last in rep["windows"]:
        first, last = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
        train = series[series.ds < first]
        test = series[(series.ds >= first) & (series.ds < last)]
        h = len(test)
        actual_all.append(test.y.to_numpy())
        ds_all.append(test.ds)
        seq = pd.DataFrame({"unique_id": "bank", "ds": np.arange(len(train)), "y": train.y.to_numpy(float)})
        for name, model in [
            ("MSTL", MSTL(season_length=[per_day, 5 * per_day])),
            ("AutoETS", AutoETS(season_length=per_day)),
        ]:
            t = time.time()
            sf = StatsForecast(models=[model], freq=1, n_jobs=1)
            fc = sf.forecast(df=seq, h=h)
            col = [c for c in fc.columns if c not in ("unique_id", "ds")][0]
            peers[name].append(np.clip(fc[col].to_numpy(), 0, None))
            seconds[name] += time.time() - t
        t = time.time()
        m = Prophet(daily_seasonality=True, weekly_seasonality=True, yearly_seasonality=False, holidays=holidays)
        m.fit(train.rename(columns={"y": "y"})[["ds", "y"]])
        fc = m.predict(test[["ds"]])
        peers["Prophet"].append(np.clip(fc["yhat"].to_numpy(), 0, None))
        seconds["Prophet"] += time.time() - t

    a = np.concatenate(actual_all)
    ds = pd.concat(ds_all)
    def ours(method):
        for m in rep["metrics"]:
            if m["queue"] == "all" and m["scope"] == "all" and m["method"] == method:
                return m
    pp, lw = ours("peakplan"), ours("last_week")
    rows = [
        ("peakplan", pp["wape"], pp["wape_daily"], None),
        ("last-week naive", lw["wape"], lw["wape_daily"], None),
    ]
    for name, f in peers.items():
        f = np.concatenate(f)
        rows.append((name, wape(f, a), daily_wape(ds, f, a), seconds[name]))
    print(f"bank_calls_us_2003, 30-minute intervals, {len(rep['windows'])} origins x 14 days "
          f"({rep['windows'][0][0]} .. {rep['windows'][-1][1]}), {len(a)} intervals")
    print(f"{'method':<16} {'WAPE 30m':>9} {'WAPE day':>9} {'vs naive':>9} {'seconds':>8}")
    for name, w, wd, s in rows:
        sec = "" if s is None else f"{s:.1f}"
        print(f"{name:<16} {w:>9.3f} {wd:>9.3f} {w / lw['wape']:>9.3f} {sec:>8}")
    print(f"Poisson noise floor at peakplan's means: {pp['noise_floor']:.3f}")


if __name__ == "__main__":
    main()
