"""Cleaning steps shared by the project's notebooks."""

import pandas as pd


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.dropna(subset=["amount"]).copy()
    out["date"] = pd.to_datetime(out["date"])
    out["category"] = out["category"].str.strip().str.lower()
    return out[out["amount"] > 0]


def monthly(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("date").groupby("category").resample("MS")["amount"].sum().unstack(0).fillna(0)
