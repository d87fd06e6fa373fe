"""How long a forger needs to give a second report the same 12-character footer 校验码 as a first.

    uv run python -m benchmarks.bench_forge [--seconds 10]

The footer code is 60 bits of a SHA-256 over the printed content (`core.documents.fingerprint.paper`). Two
reports, each varied in places a reader would not notice, collide after about √(π/2 · 2⁶⁰) ≈ 1.3·10⁹
variants in all (the birthday bound; a second-preimage attack on one fixed code would need 2⁶⁰). This
measures the hash rate a forger gets on this machine with the cheapest method — the hash state of the
unchanging start kept, only the varied tail hashed again — on every core, and prints the expected time.
The external attack this answers made a pair in 52 minutes on 2 cores (2.2·10⁹ hashes).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing
import os
import time

from core.documents.exchange import read_report
from core.documents.fingerprint import _DOMAIN, paper
from tests.conftest import SEED_JSON

FOOTER_BITS = 60


def _rate(seconds: float) -> float:
    """Hashes a second on one core: the seed's paper, its start hashed once, a varied tail after it."""
    data = _DOMAIN + paper(read_report(SEED_JSON))
    split = data.rfind(b'"title"')  # the free slots sit in the last narrative, just before the title
    start, tail = hashlib.sha256(data[:split]), data[split:]
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for i in range(10_000):
            state = start.copy()
            state.update(i.to_bytes(4, "little"))  # the varied slots
            state.update(tail)
            state.digest()
        count += 10_000
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with multiprocessing.Pool(cores) as pool:
        rates = pool.map(_rate, [args.seconds] * cores)
    total = sum(rates)
    needed = math.sqrt(math.pi / 2 * 2**FOOTER_BITS)
    print(f"{cores} cores: {total:,.0f} hashes/s in all ({min(rates):,.0f}–{max(rates):,.0f} per core)")
    print(f"a pair with one footer code: ~{needed:.2g} hashes → ~{needed / total / 60:,.0f} minutes")
    years = 2**FOOTER_BITS / total / 3.15e7
    print(f"one given footer code (second preimage): 2^60 hashes → ~{years:,.0f} years")
    print(f"the full 256-bit code: 2^128 hashes for a pair → ~{2**128 / total / 3.15e7:.1g} years")


if __name__ == "__main__":
    main()
