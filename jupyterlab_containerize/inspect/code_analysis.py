"""Walk the Python AST of one cell (or module) and record what it needs.

IPython magics arrive here already turned into `get_ipython().run_line_magic(...)` calls
(see notebook_source.to_python); their literal arguments are read back out of the AST.
"""

from __future__ import annotations

import ast
import glob
import re
import shlex
from dataclasses import dataclass, field
from typing import Optional

from ..spec import InstallCommand
from .touch_hook import command_parts, shell_commands
from .written_paths import FIRST_USE_OTHER, FIRST_USE_WRITE, path_literal, target_nodes, written_target

# Line/cell magics whose argument or body is Python code that can import things.
PYTHON_LINE_MAGICS = {"time", "timeit", "prun", "capture", "debug", "memit", "mprun", "lprun", "snakeviz"}
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python", "python3", "ipython", "memit",
                      "snakeviz", "heat", "pixie_debugger"}
# Cell magics whose body is Cython: its (c)imports of Python packages are imports too (numpy's headers).
CYTHON_CELL_MAGICS = {"cython", "cython_inline", "cython_pyximport"}
CYTHON_IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+c?import|c?import\s+([A-Za-z_][\w.]*))", re.M)
CYTHON_OWN_MODULES = {"cython", "libc", "libcpp", "cpython", "posix", "openmp"}
SHELL_CELL_MAGICS = {"bash", "sh", "script", "system"}
# IPython's own extensions; `%load_ext` of anything else imports a module.
BUILTIN_EXTENSIONS = {"autoreload", "storemagic"}
# Options of %timeit / %prun that take a value, to find where the statement starts.
MAGIC_OPTIONS_WITH_VALUE = {"-n", "-r", "-p", "-s", "-T", "-D", "-l"}

PERCENT_FIELD = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
INSTALL_TOOLS = {
    "pip": "pip",
    "pip3": "pip",
    "conda": "conda",
    "mamba": "mamba",
    "micromamba": "mamba",
    "apt-get": "apt",
    "apt": "apt",
    "uv": "uv",
}
OPTIONS_WITH_VALUE = {
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--channel",
    "-n",
    "--name",
    "-p",
    "-o",
    "--python",
    "--no-binary",
    "--only-binary",
}


@dataclass
class ImportUse:
    cells: set[int] = field(default_factory=set)
    optional: bool = True  # stays True only while every import of it is guarded by try/except
    sources: set[str] = field(default_factory=set)  # local module files that import it


@dataclass
class CodeFindings:
    imports: dict[str, ImportUse] = field(default_factory=dict)
    install_commands: list[InstallCommand] = field(default_factory=list)
    strings: set[str] = field(default_factory=set)
    called_names: set[str] = field(default_factory=set)
    magics: set[tuple[str, str]] = field(default_factory=set)
    written_files: dict[str, str] = field(default_factory=dict)  # %%writefile path -> body
    run_files: set[str] = field(default_factory=set)  # %run / %load targets
    sys_path_additions: set[str] = field(default_factory=set)
    script_files: set[str] = field(default_factory=set)  # scripts run as a subprocess: python x.py
    programs: set[str] = field(default_factory=set)  # programs started: `!dot ...`, subprocess.run(["dot", ...])
    built_modules: set[str] = field(default_factory=set)  # modules the notebook compiles: `!f2py -c x.f90 -m NAME`
    keyword_strings: set[tuple[str, str]] = field(default_factory=set)  # f(win_type="gaussian") -> (kw, value)
    # path literal -> how the code first uses it, "write" or "other" (written_paths.py); names bound to one
    first_use: dict[str, str] = field(default_factory=dict)
    path_names: dict[str, str] = field(default_factory=dict)

    @property
    def output_paths(self) -> set[str]:
        """Paths the code writes before anything else touches them: outputs, never inputs."""
        return {path for path, use in self.first_use.items() if use == FIRST_USE_WRITE}

    # strings handed to a call: BeautifulSoup(html, "lxml") -> ("BeautifulSoup", "", "lxml"),
    # read_excel(f, engine="openpyxl") -> ("read_excel", "engine", "openpyxl"): back-ends named by a string
    call_strings: set[tuple[str, str, str]] = field(default_factory=set)

    def add_import(self, module: str, cell: Optional[int], optional: bool, source: Optional[str]) -> None:
        use = self.imports.setdefault(module, ImportUse())
        if cell is not None:
            use.cells.add(cell)
        if source:
            use.sources.add(source)
        use.optional = use.optional and optional


def analyze_python(code: str, findings: CodeFindings, cell: Optional[int], source: Optional[str] = None) -> None:
    """Parse and walk; raises SyntaxError for the caller to report."""
    try:
        tree = ast.parse(code)
        _Visitor(findings, cell, source).visit(tree)
    except (RecursionError, MemoryError) as err:  # what CPython's parser raises for code nested thousands deep
        raise SyntaxError("the code is nested too deeply to analyse") from err


def analyze_fragment(code: str, findings: CodeFindings, cell: Optional[int]) -> None:
    """Like analyze_python for magic arguments: a fragment that does not parse is simply skipped."""
    try:
        analyze_python(code, findings, cell)
    except (SyntaxError, ValueError):
        pass


class _Visitor(ast.NodeVisitor):
    def __init__(self, findings: CodeFindings, cell: Optional[int], source: Optional[str]):
        self.f = findings
        self.cell = cell
        self.source = source
        self.guarded = 0  # depth of try-blocks that catch ImportError
        self.neutral: set[int] = set()  # ids of nodes that name a written path or bind a name to one

    def visit_Try(self, node: ast.Try) -> None:
        catches = any(_catches_import_error(h) for h in node.handlers)
        self.guarded += catches
        for stmt in node.body:
            self.visit(stmt)
        self.guarded -= catches
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try  # type: ignore[assignment]

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.f.add_import(alias.name, self.cell, self.guarded > 0, self.source)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            self.f.add_import(node.module, self.cell, self.guarded > 0, self.source)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """f"data/part{i}.csv" names files too: kept as the glob data/part*.csv."""
        parts = [
            glob.escape(v.value) if isinstance(v, ast.Constant) and isinstance(v.value, str) else "*"
            for v in node.values
        ]
        self._add_pattern("".join(parts))
        self._used("".join(parts), node)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        """OUT = "results.csv": a later df.to_csv(OUT) writes that path; binding it is no use of it.
        pd.options.plotting.backend = "plotly", pd.set_option's twin: a back-end named by assignment."""
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            literal = path_literal(node.value, self.f.path_names, _func_name(node.value))
            if literal:
                self.f.path_names[node.targets[0].id] = literal
                self.neutral.update(id(n) for n in target_nodes(node.value))
        for target in node.targets:
            name = _call_name(target) if isinstance(target, ast.Attribute) else None
            if name and _is_str(node.value) and len(node.value.value) < 40:  # type: ignore[attr-defined]
                self.f.call_strings.add(("=", name.rsplit(".", 1)[-1], node.value.value))  # type: ignore[attr-defined]
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.f.path_names:
            self._used(self.f.path_names[node.id], node)

    def _used(self, path: str, node: ast.AST) -> None:
        if id(node) not in self.neutral:
            self.f.first_use.setdefault(path, FIRST_USE_OTHER)

    def _written(self, call: ast.Call, name: Optional[str]) -> None:
        target = written_target(call, name)
        literal = path_literal(target, self.f.path_names, _func_name(target)) if target is not None else None
        if target is not None and literal:
            self.f.first_use.setdefault(literal, FIRST_USE_WRITE)
            self.neutral.update(id(n) for n in target_nodes(target))

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            self._add_pattern(PERCENT_FIELD.sub("*", glob.escape(node.left.value)).replace("%%", "%"))
        self.generic_visit(node)

    def _add_pattern(self, pattern: str) -> None:
        # a pattern of wildcards alone ("*", "*.*") would name every file: it must say something
        if len(pattern.replace("*", "").strip("./")) >= 4 and "\n" not in pattern and len(pattern) < 260:
            self.f.strings.add(pattern)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and 0 < len(node.value) < 260 and "\n" not in node.value:
            self.f.strings.add(node.value)
            self._used(node.value, node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node.func)
        if name:
            self.f.called_names.add(name.rsplit(".", 1)[-1])
        self._written(node, name)
        literal_args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format" and _is_str(node.func.value):
            self._add_pattern(FORMAT_FIELD.sub("*", glob.escape(node.func.value.value)))  # type: ignore[attr-defined]
        if name in ("importlib.import_module", "import_module", "__import__") and literal_args:
            self.f.add_import(literal_args[0], self.cell, self.guarded > 0, self.source)
        elif name in ("sys.path.append", "sys.path.insert") and literal_args:
            self.f.sys_path_additions.add(literal_args[-1])
        elif name and name.startswith("get_ipython()."):
            self._ipython_call(name.split(".", 1)[1], literal_args)
        elif name in COMMAND_CALLS and node.args:
            self._command_call(node)
        elif name and name.endswith("f2py.compile"):  # numpy.f2py.compile(source, modulename="NAME")
            named = [k.value for k in node.keywords if k.arg == "modulename"] + node.args[1:2]
            self.f.built_modules.update(n.value for n in named if _is_str(n))  # type: ignore[attr-defined]
        self.f.keyword_strings.update((k.arg, k.value.value) for k in node.keywords if k.arg and _is_str(k.value))  # type: ignore[attr-defined]
        callee = (name or "").rsplit(".", 1)[-1]
        self.f.call_strings.update((callee, "", v) for v in literal_args[:3] if len(v) < 40)
        self.f.call_strings.update((callee, k.arg, k.value.value) for k in node.keywords  # type: ignore[attr-defined]
                                   if k.arg and _is_str(k.value) and len(k.value.value) < 40)  # type: ignore[attr-defined]
        self.generic_visit(node)

    def _command_call(self, node: ast.Call) -> None:
        """subprocess.run([sys.executable, "scripts/x.py"]), os.system("dot -Tpng g.dot"): what they start."""
        first = node.args[0]
        if _is_str(first) and "." in (_call_name(node.func) or ""):  # a bare run("text") may be anything
            for words in shell_commands(first.value):  # type: ignore[attr-defined]
                self._command_words(words)
        elif isinstance(first, (ast.List, ast.Tuple)):
            words = [_command_word(e) for e in first.elts]
            if words and words[0]:
                self._command_words([w or "" for w in words])

    def _command_words(self, words: list[str]) -> None:
        add_command_parts(self.f, words, self.cell, self.source)

    def _ipython_call(self, method: str, args: list[str]) -> None:
        if method == "run_line_magic" and len(args) >= 2:
            self._line_magic(args[0], args[1])
        elif method == "run_cell_magic" and len(args) >= 3:
            self._cell_magic(args[0], args[1], args[2])
        elif method in ("system", "getoutput") and args:
            self._shell_line(args[0])

    def _line_magic(self, name: str, arg: str) -> None:
        self.f.magics.add((name, arg.strip()))
        if name in PYTHON_LINE_MAGICS:
            setup, statement = split_magic_options(arg)
            for code in [*setup, statement]:
                analyze_fragment(code, self.f, self.cell)
        elif name in ("pip", "conda", "mamba", "uv"):
            self.f.install_commands.extend(parse_install_line(f"{name} {arg}", self.cell))
        elif name in ("matplotlib", "pylab"):  # both import matplotlib; %pylab numpy too
            for module in ("matplotlib", "numpy") if name == "pylab" else ("matplotlib",):
                self.f.add_import(module, self.cell, False, self.source)
        elif name in ("load_ext", "reload_ext") and arg.split():
            ext = arg.split()[0]
            if ext not in BUILTIN_EXTENSIONS:
                self.f.add_import(ext, self.cell, False, self.source)
        elif name in ("run", "load") and arg.split():
            self.f.run_files.add(arg.split()[-1] if name == "load" else _first_path(arg))
        elif name in ("system", "sx"):
            self._shell_line(arg)

    def _shell_line(self, line: str) -> None:
        """`!ls data`, `%%bash` lines: install commands, and words that may name files to copy."""
        self.f.install_commands.extend(parse_install_line(line, self.cell))
        self.f.strings.update(shell_words(line))
        for words in shell_commands(line):
            self._command_words(words)

    def _cell_magic(self, name: str, line: str, body: str) -> None:
        self.f.magics.add((name, line.strip()))
        if name in PYTHON_CELL_MAGICS:
            if name in ("timeit", "prun"):
                setup, statement = split_magic_options(line)
                for code in [*setup, statement]:
                    analyze_fragment(code, self.f, self.cell)
            analyze_fragment(body, self.f, self.cell)
        elif name in CYTHON_CELL_MAGICS:
            for match in CYTHON_IMPORT.finditer(body):
                module = match.group(1) or match.group(2)
                if module.split(".")[0] not in CYTHON_OWN_MODULES:
                    self.f.add_import(module, self.cell, False, self.source)
        elif name in SHELL_CELL_MAGICS:
            for shell_line in body.splitlines():
                self._shell_line(shell_line)
        elif name in ("writefile", "file") and line.split():
            self.f.written_files[line.split()[-1]] = body
            if "-a" not in line.split()[:-1]:  # %%writefile -a appends to a file that may be an input
                self.f.first_use.setdefault(line.split()[-1], FIRST_USE_WRITE)


# Calls that start a program; their first argument is an argv list or a shell line.
COMMAND_CALLS = {
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "subprocess.Popen", "subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen",
    "sp.run", "sp.call", "sp.check_call", "sp.check_output", "sp.Popen",
    "run", "call", "check_call", "check_output", "Popen", "getoutput",
}
# Programs that are install tools or Jupyter itself: handled as install commands, never as system programs.
NOT_PROGRAMS = {"pip", "pip3", "uv", "conda", "mamba", "micromamba", "apt", "apt-get", "sudo", "jupyter",
                "ipython", "source", "cd", "export", "echo", "set", "exit", "true", "false", "test", "["}
# `python -m X` of these installs or makes environments: not an import of the notebook's.
NOT_MODULES = {"pip", "ensurepip", "venv", "virtualenv", "uv", "ipykernel", "ipykernel_launcher", "jupyter",
               "notebook", "nbconvert", "site", "http.server", "json.tool", "pydoc", "timeit", "this"}
F2PY_PROGRAMS = {"f2py", "f2py3"}
PROGRAM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")  # fullmatch


def add_command_parts(findings: CodeFindings, words: list[str], cell: Optional[int], source: Optional[str]) -> None:
    """Record what one command runs: a python script or module, python code, or a program."""
    parts = command_parts(words)
    if any(v.rsplit("/", 1)[-1] in F2PY_PROGRAMS if k == "program" else (k, v) == ("module", "numpy.f2py")
           for k, v in parts):
        built = [words[i + 1] for i in range(len(words) - 1) if words[i] == "-m"]  # the last: python -m numpy.f2py
        if built and built[-1].isidentifier():
            findings.built_modules.add(built[-1])
    for kind, value in parts:
        if kind == "script" and value and "{" not in value and "$" not in value:
            findings.script_files.add(value)
        elif kind == "module" and value.split(".")[0] not in NOT_MODULES and value not in NOT_MODULES:
            findings.add_import(value, cell, False, source)
        elif kind == "code":
            analyze_fragment(value, findings, cell)
        elif kind == "program":
            name = value.rsplit("/", 1)[-1]
            if PROGRAM_NAME.fullmatch(name) and name not in NOT_PROGRAMS and not value.startswith(("./", "../")):
                findings.programs.add(name)


def _command_word(node: ast.expr) -> Optional[str]:
    """A literal word of an argv list; `sys.executable` stands for the kernel's python."""
    if _is_str(node):
        return node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.Attribute) and node.attr == "executable" and isinstance(node.value, ast.Name) \
            and node.value.id == "sys":
        return "python"
    return None


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def shell_words(line: str) -> set[str]:
    """Words of a shell line that could be paths (options, variables and redirections left out)."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    return {w.rstrip(";") for w in words if w and w[0] not in "-$|&;<>" and "{" not in w and len(w) < 260}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else list(handler.type.elts)
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError", "Exception") for n in names)


def _func_name(node: Optional[ast.expr]) -> Optional[str]:
    return _call_name(node.func) if isinstance(node, ast.Call) else None


def _call_name(func: ast.expr) -> Optional[str]:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    elif isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "get_ipython":
        parts.append("get_ipython()")
    else:
        return parts[0] if parts else None
    return ".".join(reversed(parts))


OPTION = re.compile(r"""\s*-([a-zA-Z])(\S*)""")
OPTION_VALUE = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)""")


def split_magic_options(arg: str) -> tuple[list[str], str]:
    """`-n10 -s "import x" f(x)` -> (["import x"], "f(x)"): setup code of %timeit's -s, and the statement."""
    setup: list[str] = []
    rest = arg
    while True:
        option = OPTION.match(rest)
        if not option:
            break
        flag, attached = f"-{option.group(1)}", option.group(2)
        rest = rest[option.end() :]
        if flag in MAGIC_OPTIONS_WITH_VALUE and not attached:
            value = OPTION_VALUE.match(rest)
            if not value:
                break
            attached, rest = value.group(1), rest[value.end() :]
        elif flag not in MAGIC_OPTIONS_WITH_VALUE and attached and not attached.isalpha():
            break  # `-1` in `-1 + x` is an expression, not an option
        if flag == "-s" and attached:
            setup.append(_unquote(attached))
    return setup, rest.strip()


def _unquote(text: str) -> str:
    try:
        return str(shlex.split(text)[0]) if text[:1] in "\"'" else text
    except (ValueError, IndexError):
        return text


def _first_path(arg: str) -> str:
    words = [w for w in arg.split() if not w.startswith("-")]
    return words[0] if words else ""


def parse_install_line(line: str, cell: Optional[int]) -> list[InstallCommand]:
    """Install commands in a shell line: `pip install -q a==1 b`, `sudo apt-get install -y x && ...`."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        words = line.split()
    commands: list[list[str]] = []
    current: list[str] = []
    for word in words:
        if word in ("&&", ";", "||", "|"):
            commands.append(current)
            current = []
        else:
            current.append(word)
    commands.append(current)
    found = []
    for cmd in commands:
        parsed = _install_command(cmd)
        if parsed:
            tool, packages = parsed
            index = cell if cell is not None else -1
            found.append(InstallCommand(cell=index, tool=tool, packages=packages, line=line.strip()))  # type: ignore[arg-type]
    return found


def _install_command(words: list[str]) -> Optional[tuple[str, list[str]]]:
    while words and (words[0] in ("sudo", "!", "%") or "=" in words[0] and not words[0].startswith("-")):
        words = words[1:]  # sudo, env assignments
    if (
        len(words) >= 3
        and re.fullmatch(r"python[\d.]*|\{sys\.executable\}|.*/python[\d.]*", words[0])
        and words[1] == "-m"
    ):
        words = words[2:]
    if not words:
        return None
    tool = INSTALL_TOOLS.get(words[0].lstrip("!%").rsplit("/", 1)[-1])
    rest = words[1:]
    if tool == "uv" and rest[:1] == ["pip"]:
        tool, rest = "uv", rest[1:]
    if not tool or not rest or rest[0] not in ("install", "add"):
        return None
    packages, skip = [], False
    for word in rest[1:]:
        if skip:
            skip = False
        elif word in OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-") and "{" not in word and "$" not in word:
            packages.append(word)
    return tool, packages
