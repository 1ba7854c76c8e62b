"""Tiny notebooks for tests: code cells from source strings, as nbformat v4 dicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def notebook(*sources: str) -> dict[str, Any]:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": source}
        for source in sources
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def write_notebook(path: Path, *sources: str) -> Path:
    path.write_text(json.dumps(notebook(*sources)))
    return path
