"""The image layout: where things are inside every image we build, the port, the user and our label
keys. A contract that render/, builder/, verify/, deploy/ and evidence/ all read; it imports nothing
of this package."""

from pathlib import Path

VENV = "/opt/venv"
MANAGED_PYTHON = "/opt/python"  # where uv puts a Python for bases without one
BUILD_ONLY = "/tmp/containerize-build"  # CA bundle, index URLs, install.sh: never in the image
SCRIPTS = "/opt/containerize"
SBOM_PATH = f"{SCRIPTS}/sbom.cdx.json"  # the environment's, written by install.sh
IMAGE_SBOM = f"{SCRIPTS}/image.cdx.json"  # the whole image's: environment, base, notebook (evidence/)
IMAGE_SBOM_FILE = "containerize/image.cdx.json"  # where it is in the context
GPU_CHECK = f"{SCRIPTS}/gpu_check.py"
PROGRAM_CHECK = f"{SCRIPTS}/program_check.py"
SERVE_RUNTIME = f"{SCRIPTS}/serve"  # python SERVE_RUNTIME NOTEBOOK: see serve/bundle.py
SERVE_PORT = 8080
HOME = "/home/jovyan"
WORK = f"{HOME}/work"
OUT = f"{HOME}/out"
USER_UID = 1000
LABEL_PREFIX = "io.jupyter.containerize"
NOTEBOOK_SHA_LABEL = f"{LABEL_PREFIX}.notebook.sha256"
KEPT_CA_PATH = "/etc/ssl/certs/containerize-extra-ca.pem"
IMAGE_FILES = Path(__file__).parent / "render" / "files"  # the scripts copied into images and build containers
CONTEXT_FOLDER = ".containerize-build"  # the build-only folder of a build context (lock, scripts, CA)
STEP_MARK = "containerize-step:"  # install.sh's phase markers: the environment step names the failing phase
# Every time a build writes (useradd's password date, bytecode, file times): a fixed one, so the same
# lock gives the same layer. 1980-01-01, the earliest a zip (a wheel) can hold.
SOURCE_DATE_EPOCH = 315532800
APT_STATUS_ENV = "CONTAINERIZE_APT_STATUS"  # set when install-user.sh runs beside install.sh
OCI = "org.opencontainers.image"  # the OCI annotation keys, as image labels
OCI_BASE_NAME = f"{OCI}.base.name"
OCI_BASE_DIGEST = f"{OCI}.base.digest"
