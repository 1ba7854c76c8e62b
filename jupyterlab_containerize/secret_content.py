"""Secrets found by what a file holds, not only by its name (secret_files.py does names).

Every file is scanned before it enters a build context, an image, a binder/ folder or a record:
private keys, cloud and platform tokens, connection strings with a password, and, in config files,
assignments of a secret-looking key to a high-entropy value. A finding names the rule and the line,
never the value. A false positive is allowed per file with `spec.allowed_secret_files`.

Our own module rather than detect-secrets (PyPI, 1.5.0): that one keeps its plugin settings in a
process-wide singleton (a server scanning for several builds at once would share it), scans line by
line with plugins that flag every hash in a lock file, and has no rule for Hugging Face, Google
service-account files, GitLab's newer tokens or Terraform Cloud. The rules below follow its plugins
and gitleaks' rule set, with fixed prefixes so random data does not match them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional

CHUNK = 1 << 20
OVERLAP = 4096  # a token cut by a chunk boundary is seen whole in the next chunk
MAX_LINE = 4096  # a longer "line" is data (minified JSON, base64 blobs): only the fixed-prefix rules read it


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "GitHub token"
    line: int  # 1-based; 0 when unknown

    def reason(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"holds what looks like a {self.rule}{where}"


def _rule(pattern: str, flags: int = 0) -> re.Pattern[bytes]:
    return re.compile(pattern.encode(), flags)


# (name, needles, pattern): a match anywhere in a file is a secret, whatever the file's name or type.
# The needles (lower case) are looked for first with a plain substring search, which is fast enough for
# gigabytes of data: a rule's regex runs only on a chunk that holds one of them.
TOKEN_RULES: tuple[tuple[str, tuple[bytes, ...], re.Pattern[bytes]], ...] = (
    ("private key", (b"private key",), _rule(r"-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----")),
    ("PuTTY private key", (b"putty-user-key-file",), _rule(r"PuTTY-User-Key-File-\d")),
    ("Google service-account key", (b"service_account",),
     _rule(r"[\"']type[\"']\s*:\s*[\"']service_account[\"']")),
    ("Google OAuth refresh token", (b"refresh_token",),
     _rule(r"[\"']refresh_token[\"']\s*:\s*[\"']1//[0-9A-Za-z_-]{20,}")),
    ("Google API key", (b"aiza",), _rule(r"AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])")),
    ("Google OAuth client secret", (b"gocspx-",), _rule(r"GOCSPX-[0-9A-Za-z_-]{28}")),
    ("AWS access key", (b"akia", b"asia", b"abia", b"acca", b"a3t"),
     _rule(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])")),
    ("AWS secret key", (b"secret",),
     _rule(r"aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])", re.IGNORECASE)),
    ("Azure storage key", (b"accountkey=",), _rule(r"AccountKey=[A-Za-z0-9+/]{80,}={0,2}")),
    ("Azure SAS signature", (b"sig=",), _rule(r"[?&]sig=[A-Za-z0-9%+/]{40,}={0,2}")),
    ("GitHub token", (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_"),
     _rule(r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})")),
    ("GitLab token", (b"glpat-", b"gldt-", b"glrt-", b"glptt-", b"glsoat-", b"glcbt-", b"glffct-", b"glimt-"),
     _rule(r"(?:glpat|gldt|glrt|glptt|glsoat|glcbt|glffct|glimt)-[A-Za-z0-9_-]{20,}")),
    ("GitLab runner token", (b"gr1348941",), _rule(r"GR1348941[A-Za-z0-9_-]{20,}")),
    ("Slack token", (b"xox",), _rule(r"xox[abposre]-[A-Za-z0-9-]{10,}")),
    ("Slack webhook", (b"hooks.slack.com",),
     _rule(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,}")),
    ("Hugging Face token", (b"hf_",), _rule(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9_])")),
    ("OpenAI key", (b"t3blbkfj",),
     _rule(r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}")),
    ("OpenAI project key", (b"sk-proj-", b"sk-svcacct-", b"sk-admin-"),
     _rule(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}")),
    ("Anthropic key", (b"sk-ant-",), _rule(r"sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{40,}")),
    ("Stripe key", (b"_live_", b"_test_"), _rule(r"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}")),
    ("Stripe webhook secret", (b"whsec_",), _rule(r"whsec_[A-Za-z0-9]{24,}")),
    ("PyPI token", (b"pypi-age",), _rule(r"pypi-AgE[A-Za-z0-9_-]{50,}")),
    ("npm token", (b"npm_",), _rule(r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")),
    ("SendGrid key", (b"sg.",), _rule(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")),
    ("Databricks token", (b"dapi",), _rule(r"(?<![A-Za-z0-9])dapi[0-9a-f]{32}(?![0-9a-f])")),
    ("Terraform Cloud token", (b".atlasv1.",), _rule(r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}")),
    ("Vault token", (b"hvs.", b"hvb.", b"hvr."), _rule(r"(?<![A-Za-z0-9])hv[sbr]\.[A-Za-z0-9_-]{24,}")),
    ("Doppler token", (b"dp.",), _rule(r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}")),
    ("Telegram bot token", (b":aa",), _rule(r"(?<![0-9])\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])")),
    ("JSON web token", (b"eyj",), _rule(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
    ("registry login (auths)", (b'"auth"', b"'auth'"),
     _rule(r"[\"']auth[\"']\s*:\s*[\"'][A-Za-z0-9+/]{12,}={0,2}[\"']")),
    ("Kubernetes credential", (b"client-key-data", b"token:", b"id-token", b"refresh-token"),
     _rule(r"^\s*(?:client-key-data|token|id-token|refresh-token)\s*:\s*[\"']?[A-Za-z0-9+/._-]{20,}", re.MULTILINE)),
)

# user:password@host right after a "://" (matched at each "://" found with a substring search)
CONNECTION = _rule(r"://([^\s:/@\"'<>`]{1,128}):([^\s/@\"'<>`]{1,256})@[A-Za-z0-9.\[\]_-]")
WINDOW_BEFORE, WINDOW_AFTER = 64, 1024  # around a needle: a token's prefix and body fit in it
MAX_WINDOWS = 20_000
MAX_URLS = 100_000  # per chunk: a file of URLs is read whole, a pathological one up to this many
MAX_CONFIG_BYTES = 4 << 20  # a bigger "config" file is data: only the token rules read it
PLACEHOLDERS = re.compile(
    r"(?i)^(?:\$.*|%.*|\{.*\}|<.*>|\*+|x+|\.+|-+|_+|"
    r"pass|password|passwd|pw|pwd|secret|changeme|change_me|example|placeholder|your[_-]?password|"
    r"mypassword|mysecretpassword|redacted|hidden|token|none|null|\.\.\.)$")

CONFIG_SUFFIXES = {".env", ".ini", ".cfg", ".conf", ".config", ".toml", ".yaml", ".yml", ".json", ".properties",
                   ".tfvars", ".hcl", ".xml", ".rc", ".sh", ".bash", ".zsh", ".tf", ".plist",
                   ".secret", ".secrets", ".creds", ".credentials"}
SECRET_KEY = r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|" \
             r"client[_.-]?secret|auth[_.-]?key|credentials?|session[_.-]?key|signing[_.-]?key|encryption[_.-]?key)"
ASSIGNMENT = re.compile(
    r"""(?ix)(?:^|(?<=[\s{,;]))\s*(?:export\s+|set\s+)?["']?([A-Za-z0-9_.\-]*"""
    + SECRET_KEY + r"""[A-Za-z0-9_.\-]*)["']?\s*(?:=|:|:=|=>)\s*["']?([^\s"'#;,]{6,256})""")
KEYED_VALUE = re.compile(r"""(?:^|(?<=[\s{,;]))\s*["']?([A-Za-z0-9_.\-]{1,80})["']?\s*(?:=|:|:=)\s*["']?"""
                         r"""([A-Za-z0-9+/_\-]{32,200}={0,2})(?:["'\s,;]|$)""")
NOT_SECRET_KEY = re.compile(r"(?i)(?:hash|sha\d*|md5|digest|checksum|integrity|etag|uuid|guid|commit|rev|revision|"
                            r"version|resolved|url|href|path|file|name|id)$")


def scan_file(path: Path) -> Optional[Finding]:
    """The first finding in the file at `path` (read in chunks, whole, links followed: the caller
    decides which files to read), or None."""
    config = is_config_file(path.name)
    offset_lines = 0
    tail = b""
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk and not tail:
                return None
            data = tail + chunk
            found = scan_bytes(data, config=config, first_line=offset_lines + 1)
            if found is not None:
                return found
            if not chunk:
                return None
            tail = data[-OVERLAP:] if len(data) > OVERLAP else data
            # the tail is scanned again: count only the lines before it
            offset_lines += data[: len(data) - len(tail)].count(b"\n")


def scan_text(text: str, name: str = "") -> Optional[Finding]:
    return scan_bytes(text.encode("utf-8", "surrogateescape"), config=is_config_file(name))


def scan_bytes(data: bytes, *, config: bool = False, first_line: int = 1) -> Optional[Finding]:
    """Fixed-prefix token rules and connection strings everywhere; high-entropy assignments in
    config files only (code and notebooks hold too many hashes and patterns to read them there)."""
    best: Optional[tuple[int, str]] = None
    lowered = data.lower()
    for rule, needles, pattern in TOKEN_RULES:
        start = _first_match(data, lowered, needles, pattern)
        if start is not None and (best is None or start < best[0]):
            best = (start, rule)
    position = data.find(b"://")
    for _ in range(MAX_URLS):
        if position < 0 or (best is not None and position > best[0]):
            break
        match = CONNECTION.match(data, position)
        if match and not _placeholder(match.group(2)):
            best = (position, "connection string with a password")
            break
        position = data.find(b"://", position + 3)
    if config and best is None and len(data) <= MAX_CONFIG_BYTES:
        for start, rule in _config_findings(data):
            best = (start, rule)
            break
    if best is None:
        return None
    return Finding(best[1], first_line + data.count(b"\n", 0, best[0]))


def _first_match(data: bytes, lowered: bytes, needles: tuple[bytes, ...], pattern: re.Pattern[bytes]) -> Optional[int]:
    """Where `pattern` first matches, reading only the windows around each needle found."""
    first: Optional[int] = None
    for needle in needles:
        position = lowered.find(needle)
        for _ in range(MAX_WINDOWS):
            if position < 0 or (first is not None and position > first):
                break
            match = pattern.search(data, max(0, position - WINDOW_BEFORE), position + WINDOW_AFTER)
            if match:
                first = match.start() if first is None else min(first, match.start())
                break
            position = lowered.find(needle, position + 1)
        else:  # a pathological number of near misses: read the whole chunk once
            match = pattern.search(data)
            if match:
                first = match.start() if first is None else min(first, match.start())
    return first


def is_config_file(name: str) -> bool:
    """Config by name: a known suffix, or a dotfile / extension-less name (.env-prod, credentials)."""
    lowered = PurePosixPath(name.lower())
    suffixes = set(lowered.suffixes)
    return (bool(suffixes & CONFIG_SUFFIXES) or lowered.name.startswith(".env") or not lowered.suffix
            or lowered.name.startswith("."))


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def _config_findings(data: bytes) -> Iterator[tuple[int, str]]:
    start = 0
    for raw in data.split(b"\n"):
        line = raw[:MAX_LINE].decode("utf-8", "replace")
        if any(_secret_value(m.group(2), 2.5) for m in ASSIGNMENT.finditer(line)):
            yield start, "password or key assigned in a config file"
        elif any(not NOT_SECRET_KEY.search(m.group(1)) and _secret_value(m.group(2), 4.3)
                 for m in KEYED_VALUE.finditer(line)):
            yield start, "high-entropy value in a config file"
        start += len(raw) + 1


def _secret_value(value: str, threshold: float) -> bool:
    value = value.strip("\"'")
    if _placeholder(value) or value.lower() in ("true", "false", "required", "optional", "none", "null"):
        return False
    if re.fullmatch(r"[a-z_-]+(?:\.[a-z_-]+)*", value) or any(c in value for c in "()[]{}<>"):
        return False  # a word, a dotted name or a call: a reference to the value, not the value
    if re.match(r"(?i)sha\d+[-:]", value):
        return False
    return entropy(value) >= threshold


def _placeholder(password: bytes | str) -> bool:
    text = password.decode("utf-8", "replace") if isinstance(password, bytes) else password
    return bool(PLACEHOLDERS.match(text)) or "${" in text or "{{" in text
