#!/usr/bin/env python3
"""Writes forecast_history.csv and forecast_events.csv, the small fixtures of
the forecast and backtest integration tests.

Two queues of a French web shop, hourly, Monday to Saturday 09:00-18:00,
October 2024 to January 2025: Black Friday doubles orders on the day and
lifts after-sales calls the week after; closed on 25 December and 1 January.
Deterministic: run it again and the files are byte for byte the same.

    python3 tests/data/forecast_gen.py
"""
import datetime as dt
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20241129)


def poisson(mu):
    k, p, u = 0, math.exp(-mu), rng.random()
    cdf = p
    while u > cdf and k < 10000:
        k += 1
        p *= mu / k
        cdf += p
    return k


def last_sunday(year, month):
    return max(dt.date(year, month, d) for d in range(25, 32)
               if dt.date(year, month, d).weekday() == 6)


def offset(day):
    # Paris: summer time from the last Sunday of March to the last Sunday
    # of October (the change happens at night: the shop is closed).
    summer = last_sunday(day.year, 3) <= day < last_sunday(day.year, 10)
    return "+02:00" if summer else "+01:00"


bf = dt.date(2024, 11, 29)
closed = {dt.date(2024, 12, 25), dt.date(2025, 1, 1), dt.date(2024, 11, 1)}
week = [1.3, 1.1, 1.0, 1.0, 0.95, 0.6, 0.0]
shape = [0.8, 1.3, 1.4, 1.1, 0.9, 1.0, 1.0, 0.9, 0.6]
rows = []
day = dt.date(2024, 10, 1)
while day <= dt.date(2025, 1, 31):
    if week[day.weekday()] > 0 and day not in closed:
        for i, h in enumerate(range(9, 18)):
            base = week[day.weekday()] * shape[i]
            orders = 12 * base * (2.0 if day == bf else 1.0)
            lag = (day - bf).days
            sav = 5 * base * (1.6 if 1 <= lag <= 10 else 1.0)
            stamp = f"{day.isoformat()}T{h:02d}:00:00{offset(day)}"
            rows.append(f"{stamp},commandes,{poisson(orders)},{240 + 3 * i}")
            rows.append(f"{stamp},sav,{poisson(sav)},{420 + 5 * i}")
    day += dt.timedelta(days=1)

with open(os.path.join(HERE, "forecast_history.csv"), "w", newline="\n") as f:
    f.write("interval_start,queue,volume,aht_s\n")
    f.write("\n".join(rows) + "\n")

with open(os.path.join(HERE, "forecast_events.csv"), "w", newline="\n") as f:
    f.write("name,kind,start,end,queues,uplift\n")
    f.write("Black Friday,black_friday,2024-11-29,2024-11-29,,\n")
    f.write("Toussaint,closure,2024-11-01,2024-11-01,,\n")
    f.write("Noël,closure,2024-12-25,2024-12-25,,\n")
    f.write("Jour de l'an,closure,2025-01-01,2025-01-01,,\n")
    f.write("Appli v3,launch,2025-02-11,2025-02-11,sav,0.5\n")
