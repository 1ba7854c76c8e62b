"""The image layout: where things are inside every image we build, the port, the user and our label
keys. A contract that render/, builder/, verify/, deploy/ and evidence/ all read; it imports nothing."""

VENV = "/opt/venv"
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
# labels that change with the notebook or its commit: after its COPY, so a new commit rebuilds no other layer
LATE_LABELS = (NOTEBOOK_SHA_LABEL, "org.opencontainers.image.created", "org.opencontainers.image.revision",
               "org.opencontainers.image.version")
KEPT_CA_PATH = "/etc/ssl/certs/containerize-extra-ca.pem"
