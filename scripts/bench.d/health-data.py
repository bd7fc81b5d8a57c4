"""Writes N customer accounts into a migrated Tenure database, each with what a health evaluation reads: a manual
contract with its `new` MRR movement, an executive and a user with a call each, 30 days of usage before 2026-06-01,
and for some a support case and an NPS response.

Rows go straight into SQLite (the benchmark measures evaluation, not the write path); every account follows the rules
(won and paid on its start date, so it is a customer from then on).
"""
import random
import sqlite3
import sys

db, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(11)
day = 86_400_000
start = 1_735_689_600_000  # 2025-01-01
as_of = 1_780_272_000_000  # 2026-06-01
segments = ["smb", "mid_market", "enterprise"]
with sqlite3.connect(db) as conn:
    for n in range(count):
        account = f"acc_health{n:07d}"
        since = start + rng.randrange(0, 400) * day
        amount = rng.randrange(100, 5_000) * 100
        conn.execute(
            "INSERT INTO accounts (id, name, segment, owner, created_at, updated_at, won_at, paid_at, converted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account, f"Health {n}", rng.choice(segments), f"owner{n % 20}", since, since, since, since, since),
        )
        conn.execute(
            "INSERT INTO contracts (id, account_id, source, start_date, billing_interval, recurring_amount, currency, auto_renew, "
            "created_at, updated_at) VALUES (?, ?, 'manual', ?, 'month', ?, 'usd', 1, ?, ?)",
            (f"ctr_health{n:07d}", account, since - since % day, amount, since, since),
        )
        conn.execute(
            "INSERT INTO mrr_movements (account_id, kind, at, amount, from_mrr, to_mrr) VALUES (?, 'new', ?, ?, 0, ?)",
            (account, since - since % day, amount, amount),
        )
        for role, title in (("executive", "VP Sales"), ("user", "Analyst")):
            contact = f"con_health{n:07d}{role[0]}"
            conn.execute(
                "INSERT INTO contacts (id, account_id, name, title, role, relationship_strength, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (contact, account, title, title, role, rng.choice(["weak", "medium", "strong", "very_strong"]), since, since),
            )
            at = as_of - rng.randrange(1, 90) * day
            conn.execute(
                "INSERT INTO activities (id, account_id, type, occurred_at, contact_id, created_at) VALUES (?, ?, 'call', ?, ?, ?)",
                (f"act_health{n:07d}{role[0]}", account, at, contact, at),
            )
        seats = rng.randrange(5, 500)
        level = rng.random()
        conn.executemany(
            "INSERT INTO usage_records (account_id, day, active_users, licensed_seats, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(account, as_of - d * day, int(seats * max(0.0, min(1.0, level + rng.uniform(-0.1, 0.1)))), seats, as_of) for d in range(1, 31)],
        )
        if n % 5 == 0:
            opened = as_of - rng.randrange(1, 60) * day
            conn.execute(
                "INSERT INTO cases (id, account_id, subject, priority, opened_at, status, created_at, updated_at) "
                "VALUES (?, ?, 'Help', ?, ?, 'open', ?, ?)",
                (f"case_health{n:07d}", account, rng.choice(["low", "normal", "high", "urgent"]), opened, opened, opened),
            )
        if n % 3 == 0:
            at = as_of - rng.randrange(1, 150) * day
            conn.execute(
                "INSERT INTO surveys (id, account_id, kind, score, responded_at, created_at) VALUES (?, ?, 'nps', ?, ?, ?)",
                (f"srv_health{n:07d}", account, rng.randrange(0, 11), at, at),
            )
