"""Print a small sales report as a table (run by the notebook as a separate process)."""

import csv
import sys

from tabulate import tabulate

with open(sys.argv[1], newline="") as fh:
    rows = list(csv.reader(fh))
print(tabulate(rows[1:], headers=rows[0], tablefmt="github"))
