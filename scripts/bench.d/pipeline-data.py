"""Writes N opportunities with 5 stage changes each (created + 4 moves) into a migrated Tenure database.

Rows go straight into SQLite (a read benchmark needs data, not the write path); every deal follows the rules
(changes in time order, closed stages last, lost reasons given).
"""
import random
import sqlite3
import sys

db, account, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
day = 86_400_000
start = 1_735_689_600_000  # 2025-01-01
stages = ["prospecting", "discovery", "solution_fit", "proposal"]
with sqlite3.connect(db) as conn:
    for n in range(count):
        opp = f"opp_bench{n:08d}"
        created = start + rng.randrange(0, 600) * day
        conn.execute(
            "INSERT INTO opportunities (id, account_id, name, amount, currency, type, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, 'usd', 'new_business', ?, ?)",
            (opp, account, f"Deal {n}", rng.randrange(1_000, 500_000) * 100, created, created),
        )
        at = created
        changes = [("prospecting", at, None)]
        for _ in range(4):
            at += rng.randrange(1, 30) * day
            changes.append((rng.choice(stages), at, None))
        if rng.random() < 0.6:
            changes[-1] = ("closed_won", at, None) if rng.random() < 0.5 else ("closed_lost", at, rng.choice(["price", "timing", "competitor"]))
        conn.executemany(
            "INSERT INTO stage_changes (opportunity_id, stage, at, lost_reason) VALUES (?, ?, ?, ?)",
            [(opp, stage, when, reason) for stage, when, reason in changes],
        )
