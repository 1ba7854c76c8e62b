"""One secret policy (secret_files.py), the same at inspect, render, --include and binder time: one
case per built-in pattern, plus REST (a spec or an include cannot add a secret) and the admin's list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize import secret_files
from jupyterlab_containerize.cli import main as cli_main
from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.share import BinderOptions, share_binder
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import notebook
from tests.share.conftest import make_repo, make_spec, pkg

from .conftest import BASE, build_and_wait, hello_spec, post

DOCS = Path(__file__).parents[2] / "docs" / "security.md"
SECRET = b"SECRET-CONTENT"  # what every planted secret holds; no context may hold it

# One file each built-in pattern must keep out, as a notebook would name it.
SAMPLES = {
    ".aws": ".aws/credentials", ".azure": ".azure/msal_token_cache.json", ".gcloud": ".gcloud/creds",
    ".config": ".config/gcloud/credentials.db",
    "application_default_credentials.json": "gcp/application_default_credentials.json",
    "credentials": "aws/credentials", "credentials.json": "credentials.json", "*-sa.json": "keys/project-sa.json",
    "*service-account*.json": "my-service-account-key.json", "client_secret*.json": "client_secret_123.json",
    ".boto": ".boto", ".s3cfg": ".s3cfg", "rclone.conf": "rclone.conf", ".oci": ".oci/config",
    "kaggle.json": "kaggle.json", ".kaggle": ".kaggle/settings", ".huggingface": ".huggingface/token",
    "huggingface/token": "cache/huggingface/token", "huggingface/stored_tokens": "cache/huggingface/stored_tokens",
    ".netrc": ".netrc", "_netrc": "_netrc", ".databrickscfg": ".databrickscfg", ".wandb": ".wandb/settings",
    "gh/hosts.yml": "gh/hosts.yml",
    ".pypirc": ".pypirc", "pip.conf": "pip/pip.conf", "pip.ini": "pip.ini", ".npmrc": ".npmrc",
    ".yarnrc": ".yarnrc", ".yarnrc.yml": ".yarnrc.yml", ".condarc": ".condarc", ".m2/settings.xml": ".m2/settings.xml",
    ".m2/settings-security.xml": ".m2/settings-security.xml",
    ".gradle/gradle.properties": ".gradle/gradle.properties", ".cargo/credentials*": ".cargo/credentials.toml",
    ".composer/auth.json": ".composer/auth.json",
    ".pgpass": ".pgpass", ".my.cnf": ".my.cnf", ".mylogin.cnf": ".mylogin.cnf", ".ssh": ".ssh/config",
    "id_rsa*": "id_rsa", "id_dsa*": "id_dsa", "id_ecdsa*": "id_ecdsa", "id_ed25519*": "deploy/id_ed25519",
    "*.pem": "server.pem", "*.key": "tls/server.key", "*.p12": "cert.p12", "*.pfx": "cert.pfx", "*.ppk": "putty.ppk",
    ".gnupg": ".gnupg/pubring.kbx", "secring.*": "secring.gpg", "*.kdbx": "vault.kdbx",
    ".docker": ".docker/config.json", ".dockercfg": ".dockercfg", ".kube": ".kube/config", "kubeconfig": "kubeconfig",
    "*.kubeconfig": "prod.kubeconfig", "*.tfstate": "infra/terraform.tfstate",
    "*.tfstate.*": "terraform.tfstate.backup", "*.tfvars": "prod.tfvars", "*.tfvars.json": "prod.tfvars.json",
    ".terraform": ".terraform/environment", ".terraformrc": ".terraformrc", "terraform.rc": "terraform.rc",
    ".vault-token": ".vault-token",
    "*.jks": "keystore.jks", "*.keystore": "release.keystore", "*.jceks": "keys.jceks", "*.bks": "trust.bks",
    ".env": ".env", ".env.*": ".env.production", "*.env": "prod.env", ".envrc": ".envrc",
    ".git/config": "vendored/.git/config", ".git-credentials": ".git-credentials", ".gitconfig": ".gitconfig",
    "jupyter_*_config.json": "jupyter_server_config.json", "jupyter_*_config.py": "jupyter_lab_config.py",
    "*cookie_secret": "jupyter_cookie_secret", "*.token": "api.token", "jpserver-*": "jpserver-1234.json",
    "nbserver-*": "nbserver-99.json", "kernel-*.json": "kernel-4f2a.json",
    "secrets.json": "secrets.json", "secrets.toml": ".streamlit/secrets.toml", "secrets.yaml": "secrets.yaml",
    "secrets.yml": "conf/secrets.yml", ".secrets": ".secrets", ".htpasswd": ".htpasswd", "token.json": "token.json",
    "token.pickle": "token.pickle",
    # round two
    "*accesskeys*.csv": "aws/my_accessKeys.csv", "*credentials*.csv": "new_user_credentials.csv",
    "rootkey.csv": "rootkey.csv", "*access_keys*.csv": "access_keys_prod.csv",
    "gcloud-service-key.json": "ci/gcloud-service-key.json", "*-credentials.json": "bq-credentials.json",
    "kubeconfig*.yaml": "kubeconfig.yaml", "kubeconfig*.yml": "kubeconfig-prod.yml",
    "kubeconfig-*": "kubeconfig-staging",
    ".terraform.d": ".terraform.d/plugins/x", "credentials.tfrc.json": "credentials.tfrc.json",
    "*.tfrc.json": "app.tfrc.json", ".env-*": ".env-prod", ".env_*": ".env_staging", "*.env.local": "web.env.local",
    ".env*.local": ".env.development.local", ".*_history": ".bash_history", ".history": ".history",
    ".zhistory": ".zhistory", "fish_history": ".local/share/fish/fish_history", ".lesshst": ".lesshst",
    ".viminfo": ".viminfo", ".gitlab-runner": ".gitlab-runner/config.toml",
    ".circleci/config.local.yml": ".circleci/config.local.yml", ".travis/*.enc": ".travis/deploy_key.enc",
    "credentials.xml": "jenkins/credentials.xml", "secrets/master.key": "jenkins/secrets/master.key",
    "hudson.util.secret": "secrets/hudson.util.Secret", ".gem/credentials": ".gem/credentials",
    ".sentryclirc": ".sentryclirc", ".git-credentials*": ".git-credentials.bak",
    ".buildkite-agent": ".buildkite-agent/hooks/env", "*.ovpn": "vpn/client.ovpn", "profiles.yml": "profiles.yml",
    ".dbt": ".dbt/profiles.yml",
}
CASES = sorted(SAMPLES.items())
IDS = [pattern for pattern, _ in CASES]


def plant(folder: Path, relative: str) -> None:
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_bytes(SECRET)


def project_with(tmp_path: Path, secret: str) -> Path:
    """nb.ipynb naming `secret` (planted beside it and under cfg/), with plain data beside both."""
    project = tmp_path / "project"
    plant(project, secret)
    plant(project, f"cfg/{secret}")
    (project / "cfg" / "plain.csv").write_text("a\n1\n")
    (project / "data.csv").write_text("a\n1\n")
    (project / "nb.ipynb").write_text(json.dumps(notebook(f"x = open({secret!r}).read()", "d = open('data.csv')")))
    return project


def rendered(project: Path, spec: EnvironmentSpec, out: Path, include: list[str]) -> tuple[list[str], list[str]]:
    """(files copied into the context, warnings), rendered as a REST build (the project is the root)."""
    ctx = render_context(spec, project / "nb.ipynb", BuildOptions(base_image=BASE, include=include), out,
                         root=project)
    holding = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and SECRET in p.read_bytes()}
    assert holding == {f"work/{f}" for f in include if f in ctx.files}  # only a secret named on its own
    return ctx.files, ctx.warnings


def test_every_pattern_has_a_case_and_is_documented():
    assert set(SAMPLES) == set(secret_files.BUILTIN_PATTERNS)
    docs = DOCS.read_text()
    assert [p for p in secret_files.BUILTIN_PATTERNS if f"`{p}`" not in docs] == []
    assert all(secret_files.secret_pattern(sample) is not None for sample in SAMPLES.values())


@pytest.mark.parametrize("pattern, secret", CASES, ids=IDS)
def test_kept_out_at_inspect_render_and_include_time(tmp_path: Path, pattern: str, secret: str):
    project = project_with(tmp_path, secret)
    # inspect: the notebook names it, the spec does not list it, and a note says why
    found = analyze_notebook(json.loads((project / "nb.ipynb").read_text()), project)
    assert "data.csv" in found.files
    assert not any(secret == f or secret.startswith(f + "/") for f in found.files)
    assert any(p.kind == "secret-file" and secret in p.message for p in found.problems)
    # render: a spec that names it (as one sent over REST may) does not get it copied
    spec = EnvironmentSpec.from_dict(hello_spec(files=[secret, "data.csv"]))
    files, warnings = rendered(project, spec, tmp_path / "a", include=[])
    assert "data.csv" in files and secret not in files
    assert any(secret in w and "looks like a secret" in w for w in warnings)
    # --include cfg: cfg/plain.csv comes, cfg/<secret> stays out, and a warning lists it
    files, warnings = rendered(project, EnvironmentSpec.from_dict(hello_spec()), tmp_path / "b", include=["cfg"])
    assert "cfg/plain.csv" in files and f"cfg/{secret}" not in files
    assert any(w.startswith("left out of cfg") and f"cfg/{secret}" in w for w in warnings)
    # ... unless it is named on its own
    files, _ = rendered(project, EnvironmentSpec.from_dict(hello_spec()), tmp_path / "c",
                        include=["cfg", f"cfg/{secret}"])
    assert f"cfg/{secret}" in files


@pytest.mark.parametrize("pattern, secret", CASES, ids=IDS)
def test_binder_never_advises_committing_it(tmp_path: Path, pattern: str, secret: str):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    plant(repo, f"notes/{secret}")
    # a package installed from the repository's root makes every untracked file "needed" by the launch
    spec = make_spec(pkg("six", "1.16.0"), pkg("mylib", "0.1", kind="editable", path=str(repo)))
    spec.files = [f"notes/{secret}"]
    (repo / "pyproject.toml").write_text("[project]\nname = 'mylib'\nversion = '0.1'\n")
    result = share_binder(repo / "analysis.ipynb", spec, BinderOptions(dry_run=True))
    advice = [*result.warnings, *result.next_steps]
    commit_advice = [a for a in advice if "Commit" in a or "commit them" in a or "git add" in a]
    assert not any(secret in a for a in commit_advice), commit_advice
    assert "pyproject.toml" in " ".join(commit_advice)  # a plain untracked file is still advised
    never = [a for a in advice if "never commit" in a]
    assert any(f"notes/{secret}" in a for a in never)


# --- REST: neither a spec nor an include adds a secret; --include DIR on the CLI says what it left out ---


@pytest.fixture
def served_secrets(jp_root_dir: Path) -> Path:
    project = jp_root_dir / "project"
    for secret in SAMPLES.values():
        plant(project, secret)
        plant(project, f"cfg/{secret}")
    (project / "cfg" / "plain.csv").write_text("a\n1\n")
    (project / "nb.ipynb").write_text(json.dumps(notebook("print(1)")))
    return project


async def test_rest_spec_naming_every_secret_copies_none(jp_fetch, served_secrets, manager, engine):
    spec = hello_spec(files=sorted(SAMPLES.values()))
    view = await build_and_wait(jp_fetch, manager, {"path": "project/nb.ipynb", "spec": spec,
                                                    "options": {"base_image": BASE, "include": ["cfg"]}})
    assert view["status"] == "succeeded", view.get("error")
    assert "work/cfg/plain.csv" in engine.sent
    assert engine.leaked(SECRET) == []
    assert any("left out of cfg" in w for w in view["result"]["warnings"])


@pytest.mark.parametrize("include", [".env", "cfg/.ssh", "cfg/kaggle.json", ".aws/credentials"])
async def test_rest_include_naming_a_secret_is_refused(jp_fetch, served_secrets, manager, engine, include):
    code, answer = await post(jp_fetch, "builds", {"path": "project/nb.ipynb", "spec": hello_spec(),
                                                   "options": {"base_image": BASE, "include": [include]}})
    assert code == 400 and answer["code"] == "secret-file" and answer["hint"], answer
    assert engine.sent == {}


def test_cli_include_dir_warns_and_named_secrets_come_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    project = project_with(tmp_path, ".env")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(hello_spec()))
    args = ["build", str(project / "nb.ipynb"), "--spec", str(spec_file), "--base", BASE]
    assert cli_main([*args, "--context-only", str(tmp_path / "a"), "--include", "cfg"]) == 0
    assert "warning: left out of cfg: cfg/.env" in capsys.readouterr().err
    assert not (tmp_path / "a" / "work" / "cfg" / ".env").exists()
    assert cli_main([*args, "--context-only", str(tmp_path / "b"), "--include", "cfg", "--include", "cfg/.env"]) == 0
    assert (tmp_path / "b" / "work" / "cfg" / ".env").read_bytes() == SECRET


# --- the admin extends the list ---


@pytest.fixture
def jp_server_config() -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"extra_secret_patterns": ["*.vault", "corp/token"]}}


@pytest.fixture(autouse=True)
def builtin_policy_after():
    yield
    secret_files.configure([])


async def test_admin_patterns_keep_more_out(jp_fetch, served_secrets, manager, engine):
    plant(served_secrets, "x.vault")
    plant(served_secrets, "tools/corp/token")
    view = await build_and_wait(jp_fetch, manager, {"path": "project/nb.ipynb", "options": {"base_image": BASE},
                                                    "spec": hello_spec(files=["x.vault", "tools"])})
    assert view["status"] == "succeeded", view.get("error")
    assert engine.leaked(SECRET) == [] and "work/tools/corp/token" not in engine.sent


def test_admin_patterns_are_checked():
    assert Containerize(extra_secret_patterns=["/keys/*.age/"]).extra_secret_patterns == ["keys/*.age"]
    for bad in ("!keep-me", "", "a\nb"):
        with pytest.raises(Exception, match="extra_secret_patterns"):
            Containerize(extra_secret_patterns=[bad])
