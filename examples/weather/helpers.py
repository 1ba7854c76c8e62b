"""Helpers the notebook imports: a local module that must travel with it into the image."""

import numpy as np


def warmest_month(frame):
    """The month with the highest mean temperature, per city."""
    idx = frame.groupby("city")["temp_c"].idxmax()
    return frame.loc[idx, ["city", "month", "temp_c"]].reset_index(drop=True)


def seasonal_range(frame):
    return frame.groupby("city")["temp_c"].agg(lambda s: float(np.round(s.max() - s.min(), 1)))
