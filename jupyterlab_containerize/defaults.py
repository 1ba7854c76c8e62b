"""Defaults that the admin's settings (config.py) start from and the features fall back to."""

PROBE_TIMEOUT = 10.0  # seconds a kernel probe may take before inspect falls back to static analysis
BINDERHUB_URL = "https://mybinder.org"  # the BinderHub of launch links and badges
