"""What the user passes on the command line, read strictly: numbers of seconds and --spec files.

A bad value stops with one line (argparse's usage error, or a typed error the CLI prints), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Callable

from ..errors import InvalidSpec
from ..spec import EnvironmentSpec

SPEC_HINT = "Write a spec with `jupyter containerize inspect NOTEBOOK --json > spec.json`."


def seconds(text: str) -> float:
    """argparse type: a finite number of seconds above 0 (`nan`, `inf` and `-1` are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds greater than 0")
    return value


def whole_seconds(low: int, high: int) -> Callable[[str], int]:
    """argparse type: a whole number of seconds from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text!r} must be from {low} to {high} seconds")
        return value

    parse.__name__ = "whole seconds"  # argparse names the type in its message
    return parse


def read_spec_file(path: Path) -> EnvironmentSpec:
    """A saved spec (`inspect --json`), or InvalidSpec saying what is wrong with the file."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InvalidSpec(f"No spec file at '{path}'.", hint=SPEC_HINT) from None
    except UnicodeDecodeError as err:
        raise InvalidSpec(f"The spec file '{path}' is not UTF-8 text (byte {err.start}).", hint=SPEC_HINT) from err
    except OSError as err:
        raise InvalidSpec(f"The spec file '{path}' cannot be read: {err.strerror or err}.", hint=SPEC_HINT) from err
    try:
        data = json.loads(text)
    except RecursionError:
        raise InvalidSpec(f"The spec file '{path}' is nested too deeply to be a spec.", hint=SPEC_HINT) from None
    except ValueError as err:
        raise InvalidSpec(f"The spec file '{path}' is not JSON: {err}", hint=SPEC_HINT) from err
    try:
        return EnvironmentSpec.from_dict(data)
    except InvalidSpec as err:
        raise InvalidSpec(f"The spec file '{path}': {err.message}", hint=err.hint) from err
