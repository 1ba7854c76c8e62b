"""Share: Binder-ready files written from the spec, and a launch link pinned to the commit."""

from .binder import BinderOptions, BinderResult, share_binder

__all__ = ["BinderOptions", "BinderResult", "share_binder"]
