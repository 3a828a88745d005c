"""A seeded transaction log shaped as the handbook's simulated one (customers, terminals, days,
transactions per customer per day; frauds: large amounts, compromised terminals and customers),
written to Parquet for bench:features. usage: make_log.py <out.parquet> <customers> <terminals> <days> <seed>
"""
import sys
import numpy as np, pandas as pd

out, customers, terminals, days, seed = sys.argv[1], *[int(a) for a in sys.argv[2:6]]
rng = np.random.default_rng(seed)
per_day = rng.uniform(0, 4, customers)                      # mean transactions a day
counts = rng.poisson(per_day[:, None] * np.ones(days)).ravel()
cust = np.repeat(np.repeat(np.arange(customers), days), counts)
day = np.repeat(np.tile(np.arange(days), customers), counts)
n = len(cust)
ms = day.astype(np.int64) * 86_400_000 + rng.integers(0, 86_400_000, n)
home = rng.integers(0, terminals, customers)
term = (home[cust] + rng.integers(-50, 51, n)) % terminals   # nearby terminals
amount = np.round(rng.gamma(2.0, rng.uniform(5, 100, customers)[cust] / 2.0), 2)
label = (amount > 220).astype(np.int8)
bad_term_until = np.full(terminals, -1)
for d in range(days):                                        # 2 terminals a day, for 28 days
    bad_term_until[rng.choice(terminals, 2, replace=False)] = d + 28
label |= (bad_term_until[term] >= day) & (bad_term_until[term] - 28 <= day)
order = np.argsort(ms, kind="stable")
pd.DataFrame({
    "tx_id": np.arange(n)[order], "entity_id": cust[order], "counterparty_id": term[order],
    "time": ms[order], "amount": amount[order], "label": label[order].astype(np.int64),
}).to_parquet(out, index=False)
print(n)
