"""Randomness per run: gradient noise and mini-batch order from each run's own streams.

A run's streams are seeded by the call's `seed` and the run's identity, its start point and its
learning rate (their float64 bits), never by its position in the call:

    SeedSequence(entropy=(seed, *bits(lr), *bits(x0)), spawn_key=(stream,))   stream 0: noise, 1: order

so a run draws the same numbers whether it runs alone or beside others (a second learning rate
compared, a thousand starts at once), and two optimizers from the same start and rate see the
same noise and the same batches (common random numbers: a fair comparison).

Noise is drawn in blocks of BLOCK steps per run; NumPy fills a block element by element from the
same stream, so a block equals BLOCK draws of one step each (the single-run loop relies on it).
"""

from __future__ import annotations

import numpy as np

NOISE, ORDER = 0, 1
BLOCK = 64


def run_seeds(seed, starts: np.ndarray, lrs, stream: int) -> list[np.random.SeedSequence]:
    """One SeedSequence per run for `stream` (NOISE or ORDER). starts: (n, dim); lrs: a number or (n,).
    seed None draws fresh entropy once for the call (the runs still differ by their identity)."""
    base = np.random.SeedSequence(seed).entropy if seed is None else int(seed)
    starts = np.asarray(starts, dtype=np.float64)
    lrs = np.broadcast_to(np.asarray(lrs, dtype=np.float64), starts.shape[:1])
    ident = np.ascontiguousarray(np.concatenate([lrs[:, None], starts], axis=1)).view(np.uint32)
    return [np.random.SeedSequence([base, *row.tolist()], spawn_key=(stream,)) for row in ident]


class Noise:
    """Standard normal noise, (dim,) per run and step, from each run's own stream."""

    def __init__(self, seeds, dim: int, block: int = BLOCK):
        self.gens = [np.random.Generator(np.random.PCG64(s)) for s in seeds]
        self.dim, self.block = dim, block
        self.buf = np.empty((block, len(self.gens), dim))
        self.t = 0

    def draw(self, rows: np.ndarray) -> np.ndarray:
        """The next step's noise for the runs `rows` (indices into the call's runs): (len(rows), dim)."""
        i = self.t % self.block
        if i == 0:
            for r in rows.tolist():
                self.buf[:, r] = self.gens[r].standard_normal((self.block, self.dim))
        self.t += 1
        return self.buf[i, rows]


class Batches:
    """Mini-batches of k data rows without replacement, every run reshuffled at every epoch from its
    own stream; one epoch is ceil(n / k) steps (the last batch shorter when k does not divide n,
    as torch's DataLoader with drop_last=False)."""

    def __init__(self, n_rows: int, size: int, shuffle: bool, seeds):
        self.n, self.size, self.shuffle = n_rows, size, shuffle
        self.gens = [np.random.Generator(np.random.PCG64(s)) for s in seeds] if shuffle else []
        self.order = np.broadcast_to(np.arange(n_rows), (len(seeds), n_rows)).copy()
        self.epoch, self.pos = 0, n_rows  # a new epoch starts on the first call

    @property
    def per_epoch(self) -> int:
        return -(-self.n // self.size)

    def next(self, rows: np.ndarray) -> tuple[np.ndarray, int]:
        """The data rows of the next batch for the runs `rows`, (len(rows), b) with b <= k, and the
        (1-based) epoch it belongs to. A batch is a set of rows: kept in data order."""
        if self.pos >= self.n:
            self.epoch += 1
            self.pos = 0
            for r in rows.tolist() if self.shuffle else ():
                self.order[r] = self.gens[r].permutation(self.n)
        idx = self.order[rows, self.pos : self.pos + self.size]
        self.pos += self.size
        return (np.sort(idx, axis=1) if self.size > 1 else idx), self.epoch


def batches_for(surface, batch_size, shuffle: bool, seeds):
    """Batches over `surface`'s data rows, or None for full-batch steps (batch_size None)."""
    if batch_size is None:
        return None
    n = surface.n_rows
    if n is None:
        raise ValueError(
            f"batch_size needs a loss built from data rows (such as linreg or logreg); {surface.name} has no data"
        )
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or not 1 <= batch_size <= n
    ):
        raise ValueError(
            f"batch_size must be a whole number from 1 to {n} (the number of rows), got {batch_size!r}"
        )
    return Batches(n, int(batch_size), bool(shuffle), seeds)
