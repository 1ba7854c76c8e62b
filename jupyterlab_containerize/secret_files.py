"""One secret policy: the files that never reach an inspection's file list, a build context, an image,
or Binder's commit advice, unless a CLI user names one on purpose.

Inspect, render, `--include DIR`, local package sources and binder all ask a `SecretPolicy`'s
`is_secret`. A pattern is matched, case-insensitively, against every component of a path ('.ssh',
'*.pem': the folder and all under it) or, when it holds a '/', against consecutive components
('.aws/credentials' anywhere). Admins add patterns with `c.Containerize.extra_secret_patterns`
(docs/security.md): the server makes its policy from them (`Containerize.secret_policy()`) and hands
it to each inspection, build, context download and binder request; the CLI uses `DEFAULT_POLICY`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePath
from typing import Optional

# Grouped for docs/security.md, which lists every one of them (a unit test keeps the two in step).
SECRET_GROUPS: dict[str, tuple[str, ...]] = {
    "Cloud CLIs and service accounts": (
        ".aws", ".azure", ".gcloud", ".config", "application_default_credentials.json",
        "credentials", "credentials.json", "*-sa.json", "*service-account*.json", "client_secret*.json",
        ".boto", ".s3cfg", "rclone.conf", ".oci", "*accesskeys*.csv", "*credentials*.csv", "rootkey.csv",
        "*access_keys*.csv", "gcloud-service-key.json", "*-credentials.json",
    ),
    "ML platforms and developer tools": (
        "kaggle.json", ".kaggle", ".huggingface", "huggingface/token", "huggingface/stored_tokens",
        ".netrc", "_netrc", ".databrickscfg", ".wandb", "gh/hosts.yml",
    ),
    "Package managers and registries": (
        ".pypirc", "pip.conf", "pip.ini", ".npmrc", ".yarnrc", ".yarnrc.yml", ".condarc",
        ".m2/settings.xml", ".m2/settings-security.xml", ".gradle/gradle.properties",
        ".cargo/credentials*", ".composer/auth.json",
    ),
    "Databases, SSH and GPG": (
        ".pgpass", ".my.cnf", ".mylogin.cnf", ".ssh", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
        "*.pem", "*.key", "*.p12", "*.pfx", "*.ppk", ".gnupg", "secring.*", "*.kdbx",
    ),
    "Container registries and infrastructure state": (
        ".docker", ".dockercfg", ".kube", "kubeconfig", "*.kubeconfig", "kubeconfig*.yaml", "kubeconfig*.yml",
        "kubeconfig-*", "*.tfstate", "*.tfstate.*", "*.tfvars", "*.tfvars.json", ".terraform", ".terraformrc",
        "terraform.rc", ".terraform.d", "credentials.tfrc.json", "*.tfrc.json", ".vault-token",
    ),
    "Java keystores": ("*.jks", "*.keystore", "*.jceks", "*.bks"),
    "Environment files": (".env", ".env.*", ".env-*", ".env_*", "*.env", ".envrc", "*.env.local", ".env*.local"),
    "Shell and tool history": (".*_history", ".history", ".zhistory", "fish_history", ".lesshst", ".viminfo"),
    "CI and build credentials": (
        ".gitlab-runner", ".circleci/config.local.yml", ".travis/*.enc", "credentials.xml", "secrets/master.key",
        "hudson.util.secret", ".gem/credentials", ".sentryclirc", ".git-credentials*", ".buildkite-agent",
        "*.ovpn", "profiles.yml", ".dbt",
    ),
    "Git credentials": (".git/config", ".git-credentials", ".gitconfig"),
    "Jupyter's own secrets": (
        "jupyter_*_config.json", "jupyter_*_config.py", "*cookie_secret", "*.token", "jpserver-*",
        "nbserver-*", "kernel-*.json",
    ),
    "Other secret stores": (
        "secrets.json", "secrets.toml", "secrets.yaml", "secrets.yml", ".secrets", ".htpasswd",
        "token.json", "token.pickle",
    ),
}
BUILTIN_PATTERNS: tuple[str, ...] = tuple(p for group in SECRET_GROUPS.values() for p in group)


def check_pattern(pattern: object) -> str:
    """A pattern an admin may add: a non-empty glob, '/'-separated, no negation, one line."""
    if not isinstance(pattern, str) or not pattern.strip("/ ") or pattern.startswith("!"):
        raise ValueError(f"{pattern!r} is not a secret pattern: give a glob such as '*.secret' or 'vault/token'.")
    if any(ch in pattern for ch in "\x00\r\n"):
        raise ValueError(f"{pattern!r} holds a control character.")
    return pattern.strip("/")


@dataclass(frozen=True)
class SecretPolicy:
    """The built-in patterns and the admin's `extra` ones (checked by `check_pattern`)."""

    extra: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra", tuple(check_pattern(p) for p in self.extra))

    def patterns(self) -> tuple[str, ...]:
        return BUILTIN_PATTERNS + self.extra

    def secret_pattern(self, path: str | PurePath) -> Optional[str]:
        """The first pattern `path` (relative or absolute, any depth) matches, or None."""
        parts = [p.lower() for p in PurePath(path).parts]
        for pattern in self.patterns():
            if _matches(parts, pattern.lower().split("/")):
                return pattern
        return None

    def is_secret(self, path: str | PurePath) -> bool:
        return self.secret_pattern(path) is not None


DEFAULT_POLICY = SecretPolicy()  # the built-in patterns only: the CLI's, and a server's with no extra ones


def _matches(parts: list[str], pattern: list[str]) -> bool:
    size = len(pattern)
    return any(
        all(fnmatchcase(parts[start + i], pattern[i]) for i in range(size))
        for start in range(len(parts) - size + 1)
    )
