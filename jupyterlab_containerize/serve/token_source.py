"""Where the bearer token comes from, and how it is kept out of every place a kernel can read.

The kernels run the notebook's code as the server's own uid, so whatever the server exposes through
/proc, they can read: its environment (`/proc/<ppid>/environ`; `/proc/1/environ` in a container,
where the server is PID 1), its command line, its memory. Hence:
- the token is never on a command line; it comes from a file (`--token-file`, CONTAINERIZE_TOKEN_FILE,
  default /run/secrets/serve-token) or from CONTAINERIZE_TOKEN;
- from the variable, the server re-executes itself at once with an environment without it and the
  token written into a pipe it inherits: /proc/<pid>/environ shows the environment a process was
  *started* with, so deleting the variable in-process would not clean it;
- the server then marks itself non-dumpable: /proc/<pid>/{environ,mem,...} of a non-dumpable process
  are closed to processes without CAP_SYS_PTRACE, even of the same uid;
- the kernels' own environment never has these variables (worker.kernel_environment).
A file stays readable to the kernels (same uid), see docs/serve.md "The token".
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import sys
from pathlib import Path
from typing import Mapping, MutableMapping, Optional

log = logging.getLogger("containerize.serve")

TOKEN_ENV = "CONTAINERIZE_TOKEN"
TOKEN_FILE_ENV = "CONTAINERIZE_TOKEN_FILE"
TOKEN_FD_ENV = "CONTAINERIZE_TOKEN_FD"  # set only by the re-exec below: the pipe holding the token
DEFAULT_TOKEN_FILE = Path("/run/secrets/serve-token")
TOKEN_VARIABLES = (TOKEN_ENV, TOKEN_FILE_ENV, TOKEN_FD_ENV)
MAX_TOKEN_BYTES = 4096  # fits a pipe's buffer, so the write never waits for a reader
# RFC 6750's b64token: what an `Authorization: Bearer` header can carry
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_PR_SET_DUMPABLE = 4


class TokenError(SystemExit):
    """A token that cannot be used: the service must not start (exit status 1, this one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"serve: {message}")


def reexec_without_token(environ: Optional[MutableMapping[str, str]] = None) -> None:
    """If the token is in the environment, exec this same command again without it; the token
    travels through an inherited pipe. Returns only when there is nothing to do."""
    environ = os.environ if environ is None else environ
    token = environ.get(TOKEN_ENV)
    if token is None:
        return
    if not token:  # set but empty: nothing secret to hide, only a variable to drop
        environ.pop(TOKEN_ENV, None)
        return
    check_token(token)
    read_end, write_end = os.pipe()
    os.write(write_end, token.encode())
    os.close(write_end)
    os.set_inheritable(read_end, True)
    clean = {k: v for k, v in environ.items() if k != TOKEN_ENV}
    clean[TOKEN_FD_ENV] = str(read_end)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, relaunch_argv(), clean)  # noqa: S606  our own command line, again


def relaunch_argv() -> list[str]:
    """This process's command line: `python -m pkg ...` or `python FOLDER ...` (the image's form)."""
    original = getattr(sys, "orig_argv", None)  # Python 3.10+: exactly what was run
    if original:
        return [sys.executable, *original[1:]]
    return [sys.executable, *sys.argv]


def load_token(token_file: Optional[Path], environ: MutableMapping[str, str]) -> Optional[str]:
    """The token, from the re-exec's pipe or from a file; None when none is configured.

    Two sources at once is an error: a token in the environment and a mounted file would leave the
    operator guessing which one the service checks.
    """
    from_env = _read_pipe(environ)
    direct = environ.pop(TOKEN_ENV, None) or None  # in-process use: a real start re-executed first
    from_env = from_env if from_env is not None else direct
    named = token_file or (Path(environ[TOKEN_FILE_ENV]) if environ.get(TOKEN_FILE_ENV) else None)
    path = named or (DEFAULT_TOKEN_FILE if DEFAULT_TOKEN_FILE.exists() else None)
    if from_env is not None and path is not None:
        raise TokenError(f"a token is set in {TOKEN_ENV} and in the file {path}: keep one "
                         f"(the file, e.g. a mounted Secret, is the usual choice).")
    if from_env is not None:
        return check_token(from_env)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TokenError(f"cannot read the token file {path}: {getattr(err, 'strerror', None) or err}. "
                         "Mount the Secret there, or point --token-file at it.") from None
    return check_token(text.strip())


def check_token(token: str) -> str:
    if not token:
        raise TokenError("the token is empty: put a random string in it, e.g. `openssl rand -hex 32`.")
    if len(token.encode()) > MAX_TOKEN_BYTES or not _TOKEN.fullmatch(token):
        raise TokenError(f"the token must be 1 to {MAX_TOKEN_BYTES} characters of A-Z a-z 0-9 - . _ ~ + / "
                         "(what a Bearer header can carry), e.g. `openssl rand -hex 32`.")
    return token


def forbid_inspection() -> bool:
    """Make this process non-dumpable (Linux): its /proc files are closed to same-uid processes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError) as err:
        log.warning("could not make the server non-dumpable (%s): kernels may read its memory", err)
        return False


def without_token_variables(environ: Mapping[str, str]) -> dict[str, str]:
    """An environment for a child (a kernel): none of the variables that hold or locate the token."""
    return {k: v for k, v in environ.items() if k not in TOKEN_VARIABLES}


def _read_pipe(environ: MutableMapping[str, str]) -> Optional[str]:
    raw = environ.pop(TOKEN_FD_ENV, None)
    if raw is None:
        return None
    try:
        fd = int(raw)
    except ValueError:
        raise TokenError(f"{TOKEN_FD_ENV}={raw!r} is not a file descriptor.") from None
    chunks = []
    try:
        while True:
            chunk = os.read(fd, MAX_TOKEN_BYTES + 1)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as err:
        raise TokenError(f"cannot read the token from file descriptor {fd}: {err.strerror}") from None
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
    return b"".join(chunks).decode("utf-8", "replace")
