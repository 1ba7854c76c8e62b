"""Helpers of bench_project.py: the kernel venv, cold and warm builds, layer bytes, Dockerfile baselines."""
