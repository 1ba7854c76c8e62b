"""The touch record, kernel side: an audit hook that notes what the notebook's code touches.

Standalone on purpose, like probe_script.py: its text is exec'd in a throwaway namespace inside the
user's kernel (`inspect --execute` and the panel's recording), so it imports only the standard
library and runs on Python 3.8+. It is also imported as a module by the server, which reuses
`command_parts` to read commands the same way.

Recorded for the rest of the kernel's life, in bounded containers held by one module object in
sys.modules (the marker that makes `install` idempotent):
- paths first touched by reading (`open`, `sqlite3.connect`), by listing (`os.listdir`,
  `os.scandir`, `glob.glob` roots) or by writing (then they are the notebook's own output);
- commands started (`subprocess.Popen`, `os.system`, `os.exec*`, `os.posix_spawn`, `os.spawn*`);
- top-level names of modules imported, to find those loaded from outside the environment.
The hook never prints, warns or raises, and does no I/O per event except one stat per
`sqlite3.connect` (does the database exist yet?).
"""

import os
import re
import shlex
import sys
import time

NAME = "__containerize_touch__"
RECORD_VERSION = 1
MAX_PATHS = 4000
MAX_COMMANDS = 200
MAX_MODULES = 2000
MAX_ARGS = 32  # per command
MAX_ARG_CHARS = 400
SYSTEM_DIRS = ("/usr/", "/proc/", "/sys/", "/dev/", "/etc/", "/lib/", "/lib64/", "/bin/", "/sbin/")
WATCHED = frozenset([
    "open", "sqlite3.connect", "os.listdir", "os.scandir", "glob.glob", "os.mkdir",
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "import",
])
SHELLS = frozenset(["sh", "bash", "dash", "zsh", "ksh"])
WRAPPERS = frozenset(["env", "sudo", "nohup", "time", "nice", "exec", "command", "timeout", "stdbuf", "xargs"])
PYTHON = re.compile(r"python(\d+(\.\d+)?)?[mw]?")  # fullmatch
PYTHON_FLAGS_WITH_VALUE = frozenset(["-W", "-X", "-Q"])
SHELL_OPERATORS = frozenset([";", "&&", "||", "|", "&", "(", ")", "\n", ";;", "|&"])
REDIRECTIONS = frozenset(["<", ">", ">>", "<<", "<<<", ">&", "<&", "&>", ">|"])


def environment_prefixes():
    """Paths of the environment and the system: files there are never the notebook's data."""
    import site

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, getattr(sys, "base_exec_prefix", sys.prefix)}
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except Exception:
        pass
    prefixes = [os.path.join(os.path.abspath(r), "") for r in roots if r and os.path.abspath(r) != "/"]
    return tuple(sorted(set(prefixes) | set(SYSTEM_DIRS)))


def new_state():
    import types

    state = types.ModuleType(NAME, "containerize: what the notebook's code touched")
    state.version = RECORD_VERSION
    state.since = time.time()
    state.pid = os.getpid()
    state.paused = 0  # > 0 while our own probes run: their reads and commands are not the notebook's
    state.touched = {}  # absolute path -> 'r' read, 'l' listed, 'w' written (the first touch wins)
    state.commands = {}  # (cwd, arg0, arg1, ...) -> None, in the order first seen
    state.imported = set()  # top-level names of modules imported
    state.dropped = {"paths": 0, "commands": 0, "modules": 0}
    state.skip = environment_prefixes()
    state.ldd = {}  # extension file -> its shared libraries, filled by the system probe
    return state


def make_hook(state):
    """The audit hook, closed over `state`; every branch is cheap and nothing escapes it."""
    fsdecode, abspath, isabs, getframe = os.fsdecode, os.path.abspath, os.path.isabs, sys._getframe
    write_flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_TRUNC

    def path_of(raw):
        if raw is None or isinstance(raw, int):
            return None
        text = fsdecode(raw)
        if not text:
            return None
        path = text if isabs(text) and ".." not in text else abspath(text)
        if path.startswith(state.skip) or path.endswith((".pyc", ".pyo")):
            return None
        return path

    def touch(path, kind):
        if path is None or path in state.touched:
            return
        if len(state.touched) >= MAX_PATHS:
            state.dropped["paths"] += 1
            return
        state.touched[path] = kind

    def command(cwd, argv):
        if os.getpid() != state.pid:
            return  # a forked child about to exec: its memory is not ours
        if isinstance(argv, (str, bytes)) or hasattr(argv, "__fspath__"):
            argv = [argv]
        items = tuple(fsdecode(a)[:MAX_ARG_CHARS] for a in list(argv or ())[:MAX_ARGS])
        if not items:
            return
        key = (fsdecode(cwd) if cwd is not None else os.getcwd(),) + items
        if key in state.commands:
            return
        if len(state.commands) >= MAX_COMMANDS:
            state.dropped["commands"] += 1
            return
        state.commands[key] = None

    def on_open(args):
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if isinstance(mode, str):
            writing = "w" in mode or "a" in mode or "x" in mode
        else:
            writing = bool(flags & write_flags)
        touch(path_of(args[0]), "w" if writing else "r")

    def on_sqlite(args):
        raw = fsdecode(args[0]) if args and not isinstance(args[0], int) else ""
        if raw.startswith("file:"):  # an SQLite URI: file:data/app.db?mode=ro
            raw = raw[5:].split("?", 1)[0]
            raw = raw[2:] if raw.startswith("///") else raw
        if raw in ("", ":memory:") or raw.startswith(":memory:"):
            return
        path = path_of(raw)
        if path is not None:
            touch(path, "r" if os.path.exists(path) else "w")

    def on_listing(args):
        caller = getframe(3).f_code.co_filename  # hook <- dispatch <- this <- the code that listed
        if caller.startswith("<frozen importlib") or caller.endswith(os.sep + "glob.py"):
            return  # the import system filling its caches; glob's own walk (its root is recorded)
        touch(path_of(args[0] if args and args[0] is not None else "."), "l")

    def on_glob(args):
        pattern = fsdecode(args[0])
        parts = []
        for part in pattern.split(os.sep):
            if any(c in part for c in "*?["):
                break
            parts.append(part)
        root = os.sep.join(parts) if len(parts) < len(pattern.split(os.sep)) else os.path.dirname(pattern)
        root_dir = args[2] if len(args) > 2 and args[2] is not None else None
        if root_dir is not None:
            root = os.path.join(fsdecode(root_dir), root)
        touch(path_of(root or "."), "l")

    def on_mkdir(args):
        touch(path_of(args[0]), "w")

    def on_popen(args):
        command(args[2] if len(args) > 2 else None, args[1] if len(args) > 1 else args[0])

    def on_system(args):
        command(None, ["/bin/sh", "-c", fsdecode(args[0])])

    def on_exec(args):
        command(None, args[1] if len(args) > 1 and args[1] else [args[0]])

    def on_spawn(args):
        command(None, args[2] if len(args) > 2 and args[2] else [args[1]])

    def on_import(args):
        top = str(args[0]).partition(".")[0]
        if top in state.imported:
            return
        if len(state.imported) >= MAX_MODULES:
            state.dropped["modules"] += 1
            return
        state.imported.add(top)

    handlers = {
        "open": on_open, "sqlite3.connect": on_sqlite, "os.listdir": on_listing, "os.scandir": on_listing,
        "glob.glob": on_glob, "os.mkdir": on_mkdir, "subprocess.Popen": on_popen, "os.system": on_system,
        "os.exec": on_exec, "os.posix_spawn": on_exec, "os.spawn": on_spawn, "import": on_import,
    }

    def dispatch(event, args):
        handlers[event](args)

    def containerize_touch_hook(event, args):
        if event not in WATCHED or state.paused:
            return
        try:
            dispatch(event, args)
        except Exception:
            pass  # never change what the user's code sees

    return containerize_touch_hook


def install():
    """Install the hook once per process; later calls only answer the summary."""
    state = sys.modules.get(NAME)
    if state is None or getattr(state, "version", None) != RECORD_VERSION:
        state = new_state()
        sys.modules[NAME] = state
        sys.addaudithook(make_hook(state))
    return summary()


def summary():
    state = sys.modules.get(NAME)
    if state is None:
        return {"recording": False}
    kinds = list(state.touched.values())
    return {
        "recording": True,
        "since": state.since,
        "counts": {
            "files": kinds.count("r"),
            "folders": kinds.count("l"),
            "written": kinds.count("w"),
            "commands": len(state.commands),
            "modules": len(state.imported),
        },
        "dropped": dict(state.dropped),
    }


def snapshot(system_facts=None):
    """The whole record, plus `system_facts(programs)` when given (run while recording is paused)."""
    state = sys.modules.get(NAME)
    if state is None:
        return {"recording": False}
    state.paused += 1
    try:
        commands = [list(key) for key in list(state.commands)]
        programs = sorted({value for key in commands for kind, value in command_parts(key[1:])
                           if kind == "program"})
        record = summary()
        record.update({
            "version": RECORD_VERSION,
            "pid": os.getpid(),
            "cwd": os.getcwd(),
            "executable": sys.executable,
            "read": sorted(p for p, kind in list(state.touched.items()) if kind == "r"),
            "listed": sorted(p for p, kind in list(state.touched.items()) if kind == "l"),
            "commands": commands,
            "modules": outside_modules(state),
            "sys_path": [os.path.abspath(p) for p in sys.path if isinstance(p, str)],
        })
        if system_facts is not None:
            record["system"] = system_facts(programs, state)
        return record
    finally:
        state.paused -= 1


def outside_modules(state):
    """Top-level modules loaded from files outside the environment and the standard library."""
    found = {}
    tops = set(state.imported) | {name.partition(".")[0] for name in list(sys.modules)}
    for top in sorted(tops):
        module = sys.modules.get(top)
        where = getattr(module, "__file__", None)
        if not where:
            paths = list(getattr(module, "__path__", None) or [])[:1]  # a namespace package
            where = paths[0] if paths else None
        if not isinstance(where, str) or where.startswith("<"):
            continue
        where = os.path.abspath(where)
        if not where.startswith(state.skip) and top != NAME:
            found[top] = where
        if len(found) >= MAX_MODULES:
            break
    return found


def command_parts(argv, depth=0):
    """What one command runs: [('program', name-or-path) | ('script', path) | ('module', name) |
    ('code', text)], through shells (`sh -c`), wrappers (`env X=1`, `sudo`, `timeout 5`) and python."""
    argv = [a for a in argv if isinstance(a, str)]
    while argv and (os.path.basename(argv[0]) in WRAPPERS or _is_assignment(argv[0])):
        wrapper = os.path.basename(argv[0])
        argv = argv[1:]
        while argv and (argv[0].startswith("-") or _is_assignment(argv[0])):
            argv = argv[1:]
        if wrapper == "timeout" and argv:
            argv = argv[1:]  # the duration
    if not argv:
        return []
    name = os.path.basename(argv[0])
    if name in SHELLS:
        if "-c" not in argv[1:] or depth > 1:
            return [("program", argv[0])] if len(argv) > 1 and not argv[1].startswith("-") else []
        index = argv.index("-c", 1)
        script = argv[index + 1] if index + 1 < len(argv) else ""
        return [part for words in shell_commands(script) for part in command_parts(words, depth + 1)]
    if PYTHON.fullmatch(name) or argv[0] == sys.executable:
        return _python_parts(argv[1:])
    return [("program", argv[0])]


def _is_assignment(word):
    return bool(re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word))


def _python_parts(args):
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in ("-m", "-c"):
            value = args[index + 1] if index + 1 < len(args) else ""
            return [("module" if arg == "-m" else "code", value)] if value else []
        elif arg in PYTHON_FLAGS_WITH_VALUE:
            skip = True
        elif arg == "-" or arg.startswith("-"):
            continue
        else:
            return [("script", arg)]
    return []


def shell_commands(script):
    """A shell line as lists of words, one per simple command (operators and redirections dropped)."""
    try:
        lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        tokens = script.split()
    commands, words, redirect = [], [], False
    for token in tokens:
        if redirect:
            redirect = False
        elif token in SHELL_OPERATORS:
            commands.append(words)
            words = []
        elif token in REDIRECTIONS:
            redirect = True
            if words and words[-1].isdigit():
                words.pop()  # the file descriptor of `2> file`
        else:
            words.append(token)
    commands.append(words)
    return [c for c in commands if c]
