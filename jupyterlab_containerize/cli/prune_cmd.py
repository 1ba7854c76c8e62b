"""`jupyter containerize prune`: the environment images builds left on the engine, and their removal,
least recently used first, never one a tagged image needs (builder/environment_prune.py)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..builder.environment_prune import GB, LIMIT_VARIABLE, environment_limit, list_environments, plan_prune, prune
from ..errors import InvalidRequest


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "prune", help="Show and remove the environment images builds left on the engine.",
        description="List the environment images (localhost/containerize-env:*) with their size, last use and "
        "the tagged images and notebooks that use each; remove the least recently used until the rest fit "
        f"under --max-gb (default ${LIMIT_VARIABLE}; with neither, every one no tagged image needs). "
        "One a tagged image needs is never removed. Run with --dry-run first.")
    parser.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    parser.add_argument("--max-gb", type=float, metavar="GB", help="keep at most this many GB of them")
    parser.add_argument("--json", action="store_true", help="print the plan (and what was removed) as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    if args.max_gb is not None and not 0 <= args.max_gb <= 100_000:
        raise InvalidRequest("--max-gb must be a number of GB, 0 to 100000.")
    from ..builder.engines import make_engine

    engine = make_engine()
    limit = environment_limit(args.max_gb)
    plan = plan_prune(list_environments(engine), None if limit is None else int(limit * GB))
    removed: list[str] = []
    problems = [] if args.dry_run else prune(engine, plan, removed.append)
    if args.json:
        print(json.dumps({**plan.to_dict(), "dry_run": args.dry_run, "removed": removed, "problems": problems},
                         indent=2))
        return 1 if problems else 0
    going = {image.tag for image in plan.remove}
    for image in plan.images:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(image.last_used)) if image.last_used else "?"
        mark = ("would remove" if args.dry_run else "removed") if image.tag in going else "kept"
        users = ", ".join(image.used_by[:3]) + (" ..." if len(image.used_by) > 3 else "")
        why = f"needed by {image.needed_by}" if image.needed_by else (f"used by {users}" if users
                                                                      else "no tagged image")
        print(f"{mark:<12} {image.tag}  {image.size / GB:6.2f} GB  last used {when}  {why}")
        if image.notebooks:
            print(f"{'':<12}   notebooks: {', '.join(image.notebooks[:5])}")
    limit_text = f"limit {plan.limit / GB:g} GB" if plan.limit is not None else "no limit: every unneeded one goes"
    verb = "would free" if args.dry_run else "freed"
    print(f"{len(plan.images)} environment images, {plan.total / GB:.2f} GB ({limit_text}); "
          f"{verb} {plan.freed / GB:.2f} GB in {len(plan.remove)}")
    if plan.limit is not None and plan.total - plan.freed > plan.limit:
        print("still over the limit: the rest are needed by tagged images (remove those with `docker rmi`)")
    for problem in problems:
        print(f"not removed: {problem}", file=sys.stderr)
    return 1 if problems else 0
