"""The inspect benchmark, in parts: environment (venvs), notebook (the generated notebook), timing (our inspect
paths), pipreqs_run (the comparison), accuracy (ground truth and scoring), report (printing), benchmark (the order
of the steps). Run it with `python benchmarks/bench_inspect.py`."""
