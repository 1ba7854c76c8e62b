"""Household budget helpers."""

import pandas as pd


def budget(items):
    df = pd.DataFrame(items, columns=["item", "amount"])
    return df.assign(share=(df.amount / df.amount.sum()).round(3))
