"""One secret policy (secret_files.py), the same at inspect, render, --include and binder time: one
case per built-in pattern, plus REST (a spec or an include cannot add a secret) and the admin's list,
which the server hands to every inspection, build, context download and binder request."""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from jupyterlab_containerize import secret_files
from jupyterlab_containerize.cli import main as cli_main
from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.errors import InvalidRequest
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.secret_files import DEFAULT_POLICY, SecretPolicy
from jupyterlab_containerize.share import BinderOptions, share_binder
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import notebook
from tests.share.conftest import git, make_repo, make_spec, pkg

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
    assert all(DEFAULT_POLICY.secret_pattern(sample) is not None for sample in SAMPLES.values())


@pytest.mark.parametrize("pattern, secret", CASES, ids=IDS)
def test_kept_out_at_inspect_render_and_include_time(tmp_path: Path, pattern: str, secret: str):
    project = project_with(tmp_path, secret)
    # inspect: the notebook names it, the spec does not list it, and a note says why
    found = analyze_notebook(json.loads((project / "nb.ipynb").read_text()), project, DEFAULT_POLICY)
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

ADMIN_PATTERNS = ["*.vault", "corp/token"]  # neither is a built-in: only the server's policy keeps them out
ADMIN_SECRETS = ("x.vault", "tools/corp/token")


@pytest.fixture
def jp_server_config() -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"extra_secret_patterns": ADMIN_PATTERNS}}


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


def test_the_policy_is_a_value_with_no_module_state():
    admin = Containerize(extra_secret_patterns=ADMIN_PATTERNS).secret_policy()
    assert admin == SecretPolicy(("*.vault", "corp/token")) and admin.patterns()[-2:] == ("*.vault", "corp/token")
    assert admin.secret_pattern("a/b/corp/token") == "corp/token" and admin.is_secret("deep/X.VAULT")
    assert not DEFAULT_POLICY.is_secret("x.vault") and DEFAULT_POLICY.extra == ()
    assert admin.secret_pattern(".env") == ".env"  # the built-ins always apply
    assert Containerize().secret_policy() == DEFAULT_POLICY
    assert not hasattr(secret_files, "configure") and not hasattr(secret_files, "_extra")
    with pytest.raises(ValueError):
        SecretPolicy(("!keep-me",))


def test_build_options_carry_the_policy_but_never_take_it_from_a_request():
    options = BuildOptions(secret_policy=SecretPolicy(("*.vault",)))
    assert replace(options, base_image=BASE).secret_policy == options.secret_policy  # plan steps keep it
    assert "secret_policy" not in options.to_dict()  # a build record's options keep their shape
    with pytest.raises(InvalidRequest, match="Unknown field in 'options': secret_policy"):
        BuildOptions.from_dict({"secret_policy": {"extra": []}})
    assert BuildOptions.from_dict({}).secret_policy == DEFAULT_POLICY


@pytest.fixture
def vaulted(jp_root_dir: Path) -> Path:
    """A notebook that reads the admin's secrets and a plain data file, in a git repository with a remote."""
    project = make_repo(jp_root_dir / "vaulted", "https://github.com/octo/vaulted.git", notebook="nb.ipynb")
    for secret in ADMIN_SECRETS:
        plant(project, secret)
    (project / "data.csv").write_text("a\n1\n")
    (project / "nb.ipynb").write_text(json.dumps(notebook(
        *(f"s = open({secret!r}).read()" for secret in ADMIN_SECRETS), "d = open('data.csv')")))
    git(project, "add", "nb.ipynb")
    git(project, "commit", "-q", "-m", "reads")
    return project


def none_listed(files: list[str]) -> bool:
    return not any(secret == f or secret.startswith(f.rstrip("/") + "/") for f in files for secret in ADMIN_SECRETS)


async def test_admin_patterns_keep_files_out_of_the_rest_inspection(jp_fetch, vaulted):
    code, spec = await post(jp_fetch, "inspect", {"path": "vaulted/nb.ipynb"})
    assert code == 200, spec
    assert "data.csv" in spec["files"] and none_listed(spec["files"]), spec["files"]
    assert any(p["kind"] == "secret-file" and "x.vault" in p["message"] for p in spec["problems"])
    code, folder = await post(jp_fetch, "inspect/folder", {"path": "vaulted"})
    assert code == 200, folder
    assert "data.csv" in folder["files"] and none_listed(folder["files"]), folder["files"]


async def test_admin_patterns_keep_files_out_of_a_build_that_inspects(jp_fetch, vaulted, manager, engine):
    view = await build_and_wait(jp_fetch, manager, {"path": "vaulted/nb.ipynb", "options": {"base_image": BASE}})
    assert view["status"] == "succeeded", view.get("error")
    assert "work/data.csv" in engine.sent and engine.leaked(SECRET) == []
    assert "**/*.vault" in engine.sent[".dockerignore"].decode()
    # the build's own inspection never listed them: the render had nothing to leave out
    assert not any(s in w for w in view["result"]["warnings"] for s in ADMIN_SECRETS), view["result"]["warnings"]


async def test_admin_patterns_refuse_an_include_and_an_options_policy(jp_fetch, vaulted, manager, engine):
    code, answer = await post(jp_fetch, "builds", {"path": "vaulted/nb.ipynb", "spec": hello_spec(),
                                                   "options": {"base_image": BASE, "include": ["x.vault"]}})
    assert code == 400 and answer["code"] == "secret-file", answer
    code, answer = await post(jp_fetch, "builds", {"path": "vaulted/nb.ipynb", "spec": hello_spec(),
                                                   "options": {"base_image": BASE, "secret_policy": {"extra": []}}})
    assert code == 400 and "secret_policy" in answer["message"], answer
    assert engine.sent == {}


@pytest.mark.parametrize("with_spec", [True, False], ids=["spec", "inspected"])
async def test_admin_patterns_keep_files_out_of_the_context_download(jp_fetch, vaulted, with_spec):
    body = {"path": "vaulted/nb.ipynb", "options": {"base_image": BASE}}
    if with_spec:
        body["spec"] = hello_spec(files=[*ADMIN_SECRETS, "tools", "data.csv"])
    response = await jp_fetch("containerize", "context", method="POST", body=json.dumps(body))
    with tarfile.open(fileobj=io.BytesIO(response.body)) as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
    assert "nb-context/work/data.csv" in files
    assert [name for name, data in files.items() if SECRET in data] == []
    assert "**/*.vault" in files["nb-context/.dockerignore"].decode()
    code, answer = await post(jp_fetch, "context", {"path": "vaulted/nb.ipynb", "spec": hello_spec(),
                                                    "options": {"base_image": BASE, "include": ["tools/corp/token"]}})
    assert code == 400 and answer["code"] == "secret-file", answer


async def test_admin_patterns_keep_files_out_of_the_binder_advice(jp_fetch, vaulted):
    code, answer = await post(jp_fetch, "binder", {"path": "vaulted/nb.ipynb", "dry_run": True})
    assert code == 200, answer
    advice = [*answer["warnings"], *answer["next_steps"]]
    never = " ".join(a for a in advice if "never commit" in a)
    assert all(secret in never for secret in ADMIN_SECRETS), advice
    others = [a for a in advice if "never commit" not in a]
    assert not any(secret in a for a in others for secret in ADMIN_SECRETS), others
    assert any("data.csv" in a for a in others)  # a plain untracked file the notebook reads is still advised


def test_binder_outside_the_server_takes_the_policy_it_is_given(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    plant(repo, "notes/x.vault")
    spec = make_spec(pkg("six", "1.16.0"))
    spec.files = ["notes/x.vault"]
    admin = SecretPolicy(tuple(ADMIN_PATTERNS))
    result = share_binder(repo / "analysis.ipynb", spec, BinderOptions(dry_run=True, secret_policy=admin))
    assert any("notes/x.vault" in w and "never commit" in w for w in result.warnings)
    builtin = share_binder(repo / "analysis.ipynb", spec, BinderOptions(dry_run=True))
    assert not any("never commit" in w for w in builtin.warnings)  # the CLI's policy: the built-ins only
