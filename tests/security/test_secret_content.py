"""Secrets found by content (secret_content.py): every rule on a sample, property tests that put a
generated token in any file, any folder (included .git, .ipynb_checkpoints, through a symlink) and any
surrounding text and check it never reaches a context; placeholders and common data stay in; a false
positive is let in per file by spec.allowed_secret_files; the notebook itself is checked too.

Tokens are assembled at run time (no real-looking token is committed)."""

from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jupyterlab_containerize import secret_content
from jupyterlab_containerize.errors import SecretNotAllowed
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.share.writer import write_files as write_binder_files
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import notebook

from .conftest import BASE, hello_spec

ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + "234567"
B64 = ALNUM + "+/"


def body(alphabet: str, n: int, seed: int = 7) -> str:
    return "".join(alphabet[(seed * 31 + i * 17 + i * i) % len(alphabet)] for i in range(n))


# rule -> a sample that must be found (built here, not committed as a literal token)
SAMPLES: dict[str, str] = {
    "private key": "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow\n",
    "PuTTY private key": "PuTTY-User-" + "Key-File-3: ssh-ed25519\n",
    "Google service-account key": json.dumps({"type": "service_" + "account", "project_id": "p"}),
    "Google OAuth refresh token": '{"refresh_token": "1//' + body(ALNUM, 40) + '"}',
    "Google API key": "key = AIza" + body(ALNUM, 35),
    "Google OAuth client secret": "GOCSPX-" + body(ALNUM, 28),
    "AWS access key": "id: AKIA" + body(UPPER, 16),
    "AWS secret key": "aws_secret_access_key = " + body(B64, 40),
    "Azure storage key": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + body(B64, 86) + "==",
    "Azure SAS signature": "https://a.blob.core.windows.net/c?sv=2022&sig=" + body(ALNUM, 44),
    "GitHub token": "token = 'gh" + "p_" + body(ALNUM, 36) + "'",
    "GitLab token": "glpat" + "-" + body(ALNUM, 20),
    "GitLab runner token": "GR1348941" + body(ALNUM, 20),
    "Slack token": "xox" + "b-1234567890-" + body(ALNUM, 24),
    "Slack webhook": "https://hooks.slack.com/services/T000/B000/" + body(ALNUM, 24),
    "Hugging Face token": "HF_TOKEN = 'hf" + "_" + body(ALNUM, 34) + "'",
    "OpenAI key": "sk-" + body(ALNUM, 20) + "T3Blbk" + "FJ" + body(ALNUM, 20),
    "OpenAI project key": "sk-pr" + "oj-" + body(ALNUM, 48),
    "Anthropic key": "sk-an" + "t-api03-" + body(ALNUM, 90),
    "Stripe key": "sk_li" + "ve_" + body(ALNUM, 24),
    "Stripe webhook secret": "whsec" + "_" + body(ALNUM, 32),
    "PyPI token": "pypi-" + "AgEIcHlwaS5vcmc" + body(ALNUM, 60),
    "npm token": "//registry.npmjs.org/:_authToken=npm_" + body(ALNUM, 36),
    "SendGrid key": "SG." + body(ALNUM, 22) + "." + body(ALNUM, 43),
    "Databricks token": "dapi" + body("0123456789abcdef", 32),
    "Terraform Cloud token": json.dumps({"credentials": {"app.terraform.io": {
        "token": body(ALNUM, 14) + ".atlas" + "v1." + body(ALNUM, 70)}}}),
    "Vault token": "hv" + "s." + body(ALNUM, 30),
    "Doppler token": "dp" + ".st." + body(ALNUM, 44),
    "Telegram bot token": "123456789" + ":AA" + body(ALNUM, 33),
    "JSON web token": "ey" + "J" + body(ALNUM, 20) + ".eyJ" + body(ALNUM, 20) + "." + body(ALNUM, 20),
    "registry login (auths)": '{"auths": {"ghcr.io": {"auth": "' + body(B64, 24) + '"}}}',
    "Kubernetes credential": "users:\n- name: u\n  user:\n    token: " + body(ALNUM, 40) + "\n",
    "connection string with a password": "create_engine('postgresql://bob:" + "Tr0ub4dor3x@db.internal:5432/x')",
}


def test_every_rule_has_a_sample():
    assert set(SAMPLES) == {rule for rule, _, _ in secret_content.TOKEN_RULES} | {"connection string with a password"}


@pytest.mark.parametrize("rule", sorted(SAMPLES))
def test_each_rule_finds_its_sample_in_any_kind_of_file(rule: str):
    for name in ("analysis.py", "data.csv", "notes.txt", "a.ipynb", "config.yaml", "blob.bin"):
        found = secret_content.scan_text(f"first line\n{SAMPLES[rule]}\nlast\n", name)
        assert found is not None and found.rule == rule and 2 <= found.line <= 5, (name, found)
        assert SAMPLES[rule] not in found.reason()


CONFIG_SECRETS = {
    ".env-prod": "DB_PASSWORD=xK3!pq82Lm",
    "settings.ini": "[db]\npassword = c0rrect-h0rse\n",
    "app.yaml": "api_key: 'Zq81lMx0PkVnE3'\n",
    "profiles.yml": "outputs:\n  dev:\n    pass: S3cur3Pa55w0rd\n",
    "config.toml": 'client_secret = "' + body(B64, 40) + '"\n',
    "settings.json": '{"service": {"signing": "' + body(B64, 44) + '"}}',
}


@pytest.mark.parametrize("name", sorted(CONFIG_SECRETS))
def test_high_entropy_assignments_in_config_files(name: str):
    assert secret_content.scan_text(CONFIG_SECRETS[name], name) is not None


NOT_SECRETS = {
    "a.ipynb": json.dumps(notebook("from sklearn.feature_extraction.text import CountVectorizer",
                                   "v = CountVectorizer(token_pattern=r'(?u)\\b\\w\\w+\\b')")),
    "requirements.txt": "six==1.16.0 --hash=sha256:" + body("0123456789abcdef", 64) + "\n",
    "package-lock.json": '{"integrity": "sha512-' + body(B64, 86) + '=="}',
    "uv.toml": 'sha256 = "' + body("0123456789abcdef", 64) + '"\n',
    "db.yaml": "url: postgresql://user:${DB_PASSWORD}@db/x\npassword: changeme\n",
    "app.cfg": "password = os.environ['DB_PASSWORD']\ntoken = <your token>\n",
    ".env.example": "API_KEY=\nPASSWORD=password\n",
    "data.csv": "id,value,when\n1,2.5,2024-01-01T12:00:00\n" * 200,
    "README.md": "Connect with `postgresql://USER:PASSWORD@HOST/DB`, see https://example.com/a:b\n",
}


@pytest.mark.parametrize("name", sorted(NOT_SECRETS))
def test_placeholders_hashes_and_data_stay_in(name: str):
    assert secret_content.scan_text(NOT_SECRETS[name], name) is None


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from(sorted(SAMPLES)), before=st.text(max_size=200), after=st.text(max_size=200),
       name=st.sampled_from(["x.py", "x.csv", "x.json", "x", "x.ipynb", "x.parquet"]))
def test_a_token_is_found_whatever_surrounds_it(rule: str, before: str, after: str, name: str):
    text = f"{before}\n{SAMPLES[rule]}\n{after}"
    assert secret_content.scan_text(text, name) is not None


@settings(max_examples=25, deadline=None)
@given(rule=st.sampled_from(sorted(SAMPLES)), pad=st.integers(min_value=0, max_value=3 * secret_content.CHUNK))
def test_a_token_across_chunk_boundaries_is_found(tmp_path_factory: pytest.TempPathFactory, rule: str, pad: int):
    path = tmp_path_factory.mktemp("chunks") / "big.dat"
    path.write_bytes(b"a" * pad + b"\n" + SAMPLES[rule].encode() + b"\n")
    found = secret_content.scan_file(path)
    assert found is not None and 2 <= found.line <= 5


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=4096))
def test_random_bytes_are_rarely_a_secret_and_never_crash(data: bytes):
    secret_content.scan_bytes(data, config=True)


# --- in a build context ---

TOKEN = SAMPLES["GitHub token"].encode()


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "plain.csv").write_text("a\n1\n")
    (root / "nb.ipynb").write_text(json.dumps(notebook("import pandas as pd", "pd.read_csv('data/plain.csv')")))
    return root


def render(root: Path, out: Path, include: list[str], **spec_fields: object) -> tuple[dict[str, bytes], list[str]]:
    spec = EnvironmentSpec.from_dict(hello_spec(**spec_fields))
    ctx = render_context(spec, root / "nb.ipynb", BuildOptions(base_image=BASE, include=include), out, root=root)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    return files, ctx.warnings


@pytest.mark.parametrize("folder", ["data", ".git", ".ipynb_checkpoints", "data/.git", "link-to-git"])
def test_no_include_folder_or_symlink_turns_the_filter_off(tmp_path: Path, folder: str):
    root = project(tmp_path)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://x:' + "tok3nValue@github.com/o/r\n")
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "link-to-git").symlink_to(root / ".git")
    (root / "data" / ".git").mkdir()
    (root / "data" / ".git" / "notes.txt").write_bytes(TOKEN)
    (root / "data" / "keys.txt").write_bytes(b"keys\n" + TOKEN)
    (root / ".ipynb_checkpoints").mkdir()
    (root / ".ipynb_checkpoints" / "nb-checkpoint.ipynb").write_bytes(TOKEN)
    files, warnings = render(root, tmp_path / "out", include=[folder])
    leaked = [name for name, data in files.items() if TOKEN in data or b"tok3nValue" in data]
    assert leaked == []
    if folder == "data":
        assert "work/data/plain.csv" in files
        assert any("data/keys.txt" in w and "GitHub token" in w for w in warnings)
    else:  # what was kept out of a folder asked for by name is said
        assert any(w.startswith(f"left out of {folder}") for w in warnings), warnings


def test_a_symlinked_file_is_checked_by_its_content(tmp_path: Path):
    root = project(tmp_path)
    (root / "secret.bin").write_bytes(TOKEN)
    (root / "data" / "innocent.csv").symlink_to(root / "secret.bin")
    files, _ = render(root, tmp_path / "out", include=["data/innocent.csv"])
    assert not any(TOKEN in data for data in files.values())


def test_a_false_positive_is_allowed_per_file_in_the_spec(tmp_path: Path):
    root = project(tmp_path)
    (root / "data" / "fixture.txt").write_bytes(b"test fixture\n" + TOKEN)
    files, warnings = render(root, tmp_path / "a", include=[], files=["data/fixture.txt"])
    assert "work/data/fixture.txt" not in files
    assert any("allowed_secret_files" in w for w in warnings)
    files, _ = render(root, tmp_path / "b", include=[], files=["data/fixture.txt"],
                      allowed_secret_files=["data/fixture.txt"])
    assert "work/data/fixture.txt" in files


def test_a_notebook_holding_a_token_stops_the_build_unless_allowed(tmp_path: Path):
    root = project(tmp_path)
    (root / "nb.ipynb").write_text(json.dumps(notebook(f"token = {TOKEN.decode()!r}")))
    with pytest.raises(SecretNotAllowed) as err:
        render(root, tmp_path / "a", include=[])
    assert "\n" not in err.value.message and "GitHub token" in err.value.message
    assert TOKEN.decode() not in str(err.value)
    files, _ = render(root, tmp_path / "b", include=[], allowed_secret_files=["nb.ipynb"])
    assert "nb.ipynb" in files


def test_generated_binder_files_with_credentials_are_not_written(tmp_path: Path):
    binder = tmp_path / "binder"
    with pytest.raises(SecretNotAllowed):
        write_binder_files(binder, {"requirements.txt": "--index-url https://u:s3cretPass@pypi.corp/simple\nsix\n"})
    assert not binder.exists()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=st.sampled_from(sorted(SAMPLES)),
       relative=st.lists(st.text(st.sampled_from(string.ascii_lowercase + "._-"), min_size=1, max_size=8),
                         min_size=1, max_size=3))
def test_any_file_holding_a_token_stays_out_of_the_context(tmp_path: Path, rule: str, relative: list[str]):
    assume(all(part not in (".", "..") for part in relative))
    base = tmp_path / os.urandom(6).hex()
    root = project(base)
    path = root / "data" / Path(*relative)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SAMPLES[rule])
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        return
    files, _ = render(root, base / "out", include=["data"])
    assert not any(SAMPLES[rule].encode() in data for data in files.values())
