"""Credentials out of every log line, event and error before it is stored or shown.

Build logs echo what the tools print: pip prints the index URL it uses, a proxy error names the
proxy with its user and password, a failing `git clone` its token. Redaction keeps the shape of
the text (scheme, host, token kind) and replaces only the secret with `***`.
"""

from __future__ import annotations

import re
from typing import Any, Callable

MASK = "***"

# scheme://user:password@host or scheme://token@host: the whole userinfo goes, up to its last @.
_USERINFO = re.compile(r"(?P<keep>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#\"'<>]+(?=@)")
# key=value where the key says secret: query parameters, pip/uv options, env assignments. A value
# that is a shell variable ($NAME, "${NAME:?...}") is a placeholder, not a secret: masking it would
# turn a printed command into one that runs with a token of `***`.
_SECRET_PARAM = re.compile(
    r"(?P<keep>(?<![A-Za-z0-9])(?:password|passwd|token|access_token|auth_token|api[_-]?key|secret|"
    r"client_secret|private_token|secret_access_key|sig|signature|x-amz-signature|x-amz-credential|"
    r"x-amz-security-token)=)(?![\"']?\$)[^&\s\"'<>]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
_AUTHORIZATION = re.compile(r"(?P<keep>\bAuthorization:\s*(?:[A-Za-z]+\s+)?)[^\s\"']+", re.IGNORECASE)
# Tokens recognisable by their prefix: the prefix stays, so a reader knows which one leaked.
_TOKENS = [re.compile(rf"\b(?P<keep>{prefix}){tail}") for prefix, tail in (
    ("gh[pousr]_", "[A-Za-z0-9]{30,}"),  # GitHub
    ("github_pat_", "[A-Za-z0-9_]{40,}"),
    ("glpat-", "[A-Za-z0-9_-]{20,}"),  # GitLab
    ("hf_", "[A-Za-z0-9]{30,}"),  # Hugging Face
    ("pypi-", "[A-Za-z0-9_-]{50,}"),  # PyPI upload tokens
    ("npm_", "[A-Za-z0-9]{30,}"),
    ("xox[abprs]-", "[A-Za-z0-9-]{10,}"),  # Slack
    ("sk-(?:proj-)?", "[A-Za-z0-9_-]{20,}"),  # OpenAI and alike
    ("(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)", "[A-Z0-9]{16}\\b"),  # AWS access key ids
)]
_PATTERNS = [_USERINFO, _SECRET_PARAM, _BEARER, _AUTHORIZATION, *_TOKENS]


def redact(text: str) -> str:
    """The text with every credential we recognise replaced by ***."""
    if not isinstance(text, str) or not text:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\g<keep>{MASK}", text)
    return text


def redact_value(value: Any) -> Any:
    """Every string inside a JSON-like value (event data, an error's dict, a result) redacted."""
    return map_strings(value, redact)


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A JSON-like value with `change` applied to every string inside it (tuples become lists)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: map_strings(v, change) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_strings(v, change) for v in value]
    return value


def redact_url(url: str) -> str:
    """https://user:secret@host/simple -> https://***@host/simple (and secret query parameters)."""
    return redact(url)
