"""Helpers for the file-size report."""

import humanize


def fmt_size(n_bytes):
    """Format a byte count for people: 1234567 -> '1.2 MB'."""
    return humanize.naturalsize(n_bytes)


def summarize(df):
    return df.groupby("kind")["bytes"].agg(["count", "sum"]).assign(human=lambda t: t["sum"].map(fmt_size))
