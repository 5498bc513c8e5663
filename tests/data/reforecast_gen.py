"""Writes the plan folder tests/data/reforecast/ and its actuals.

The forecast is a double hump per queue with a 10 % day-level spread plus
Poisson noise (p10/p90 = mean -/+ 1.2816 sd). Pass 1 (no argument) writes
intervals.csv with zero agents; pass 2 (`staff REFORECAST.csv`) takes the
required agents `peakplan reforecast` finds with no actuals (the plan's
own rule) as the plan's required and scheduled agents, and writes
shifts.csv covering them.
"""
import csv, math, sys

DIR = "tests/data/reforecast/"
DAY = "2025-11-28"
SLOTS = [f"{9 + k // 2:02d}:{30 * (k % 2):02d}" for k in range(16)]  # 09:00-16:30
BASE = {"commandes": 900.0, "sav": 260.0}
AHT = {"commandes": 240, "sav": 420}

def shape(k):
    t = 9 + k / 2 + 0.25
    w = math.exp(-0.5 * ((t - 10.5) / 1.0) ** 2) + 0.8 * math.exp(-0.5 * ((t - 14.5) / 1.2) ** 2)
    return 0.15 + w

def means(q):
    s = [shape(k) for k in range(16)]
    tot = sum(s)
    return [float(round(BASE[q] * x / tot)) for x in s]

def band(m):
    sd = math.sqrt(m + (0.1 * m) ** 2)
    return max(0.0, round(m - 1.2816 * sd, 2)), round(m + 1.2816 * sd, 2)

def write_intervals(required):
    with open(DIR + "intervals.csv", "w") as f:
        f.write("interval_start,queue,forecast,p10,p90,aht_s,required_agents,"
                "scheduled_agents,partner_agents\n")
        for q in BASE:
            for k, m in enumerate(means(q)):
                p10, p90 = band(m)
                n = required.get((q, k), 0)
                f.write(f"{DAY}T{SLOTS[k]}:00+01:00,{q},{m},{p10},{p90},{AHT[q]},"
                        f"{n},{n},0\n")

def write_actuals(name, factor, upto="12:00"):
    with open(DIR + name, "w") as f:
        f.write("interval_start,queue,volume\n")
        for q in BASE:
            for k, m in enumerate(means(q)):
                if SLOTS[k] < upto:
                    f.write(f"{DAY} {SLOTS[k]},{q},{round(m * factor)}\n")

if len(sys.argv) == 1:
    write_intervals({})
else:
    req = {}
    for r in csv.DictReader(open(sys.argv[2])):
        k = SLOTS.index(r["interval_start"][11:16])
        req[(r["queue"], k)] = int(r["required_agents"])
    write_intervals(req)
    with open(DIR + "shifts.csv", "w") as f:
        f.write("date,queue,source,contract,shift,start,end,people,on_phone\n")
        for q in BASE:
            n = [req[(q, k)] for k in range(16)]
            base = min(n)
            morning = max(x - base for x in n[:8])
            afternoon = max(x - base for x in n[8:])
            for shift, start, end, on in [("day", "09:00", "17:00", base),
                                          ("morning", "09:00", "13:00", morning),
                                          ("afternoon", "13:00", "17:00", afternoon)]:
                people = math.ceil(on / 0.7)
                f.write(f"{DAY},{q},in_house,35h,{shift},{start},{end},{people},{on}\n")
    write_actuals("actuals_on_forecast.csv", 1.0)
    write_actuals("actuals_high.csv", 1.3)
    with open(DIR + "actuals_none.csv", "w") as f:
        f.write("interval_start,queue,volume\n")
