"""Inspect: read what a notebook needs from its code and from the environment that ran it."""

from .inspection import StaticChoices, inspect_notebook, inspect_notebook_async

__all__ = ["StaticChoices", "inspect_notebook", "inspect_notebook_async"]
