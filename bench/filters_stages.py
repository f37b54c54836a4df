"""Per-stage time of the scan stage from our verdict records ({DataPath}/filters/verdicts.db): p50/p99 milliseconds
of each check over every message recorded, and the verdict counts.

usage: filters_stages.py VERDICTS_DB
"""
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
stages, actions = {}, {}
for action, checks in db.execute("SELECT action, checks FROM verdicts"):
    actions[action] = actions.get(action, 0) + 1
    for check in json.loads(checks):
        stages.setdefault(check["name"], []).append(check["milliseconds"])
for name, values in sorted(stages.items()):
    s = sorted(values)
    pct = lambda p: s[min(len(s) - 1, int(p / 100 * len(s)))]
    print(f"stage {name}: n={len(s)} p50_ms={pct(50)} p99_ms={pct(99)} max_ms={s[-1]}")
print("verdicts " + " ".join(f"{k}={v}" for k, v in sorted(actions.items())))
