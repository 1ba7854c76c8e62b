"""Kernel-less notebooks: static pins (and --repair) against pipreqs, built and verified on a real engine."""
