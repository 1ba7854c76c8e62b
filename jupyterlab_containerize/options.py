"""What the user chooses about a build: one dataclass for the CLI, the REST API and the panel."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

from .errors import InvalidRequest
from .gpu.plan import parse_gpu_option
from .redact import redact_url
from .secret_files import DEFAULT_POLICY, SecretPolicy
from .typed_json import from_json
from .validate import safe_image_ref, safe_index_url, safe_index_urls

Target = Literal["notebook", "batch", "serve"]
TARGETS: tuple[str, ...] = ("notebook", "batch", "serve")
GPU_FORMS = "none, auto, cuda or cuda:X.Y (for example cuda:12.1)"
VERIFY_TIMEOUT_RANGE = (1, 3600)
# reuse: an environment image that holds the lock (a project's) is used as it is; minimal: the lock alone
ENVIRONMENTS: tuple[str, ...] = ("reuse", "minimal")


@dataclass
class BuildOptions:
    target: Target = "notebook"
    tag: Optional[str] = None
    base_image: Optional[str] = None
    python: Optional[str] = None  # the interpreter to inspect (CLI --python); not the image's
    verify: bool = False
    push: bool = False
    export: Optional[str] = None  # `docker save` the image to this tar path
    # none | auto (follow the kernel) | cuda | cuda:X.Y, see docs/gpu.md
    gpu: str = field(default="auto", metadata={"check": parse_gpu_option, "expect": GPU_FORMS})
    cpu_wheels: bool = False  # a CPU image takes PyTorch's CPU wheels (much smaller)
    # Build-time network settings: used in the builder stage only.
    ca_bundle: Optional[str] = None  # None: detect the host's (PIP_CERT, SSL_CERT_FILE, ...)
    use_host_ca: bool = True
    keep_ca: bool = False  # also trust the CA bundle in the final image
    index_url: Optional[str] = None  # may hold credentials; never written into the final image
    extra_index_url: Optional[str] = None
    proxy: bool = True  # pass the host's HTTP(S)_PROXY / NO_PROXY as build args
    repin: bool = False  # re-resolve pins that refuse the base's Python instead of failing
    include: list[str] = field(default_factory=list)  # extra files, even ones that look secret
    verify_timeout: int = field(default=120, metadata={"range": VERIFY_TIMEOUT_RANGE})  # seconds per cell
    repair: bool = False  # verify, and on a failing cell change the environment and build again
    repair_rounds: int = field(default=3, metadata={"range": (1, 10)})
    no_cache: bool = False  # from nothing: no reused environment, no package cache, no layer cache
    k8s: bool = False  # serve / batch: Kubernetes manifests' YAML in the result (`manifests`), see deploy/
    environment: str = field(default="reuse", metadata={"choices": ENVIRONMENTS})  # see docs/build.md
    package_cache_max_gb: Optional[float] = None  # None: $CONTAINERIZE_PACKAGE_CACHE_MAX_GB, else 10; 0: off
    # environment images pruned past this, least recently used first (None: $CONTAINERIZE_ENVIRONMENT_IMAGES_MAX_GB)
    environment_images_max_gb: Optional[float] = None
    signing_key: Optional[str] = None  # PEM private key file that signs the provenance (the admin's, on the server)
    # the admin's (Containerize.secret_policy(), set by the server's handlers); never read from a request
    secret_policy: SecretPolicy = field(default=DEFAULT_POLICY, metadata={"server_only": True})

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            choices = ", ".join(TARGETS)
            raise InvalidRequest(f"target must be one of {choices}, not {self.target!r}.")
        if self.tag is not None:
            safe_image_ref(self.tag, "tag")
        if self.base_image is not None:
            safe_image_ref(self.base_image, "base image")
        if self.index_url is not None:
            safe_index_url(self.index_url)
        if self.extra_index_url is not None:
            safe_index_urls(self.extra_index_url)
        parse_gpu_option(self.gpu)
        if self.k8s is not False and (self.k8s is not True or self.target not in ("serve", "batch")):
            raise InvalidRequest("k8s (Kubernetes manifests) is true or false, for the serve and batch targets.")
        if self.environment not in ENVIRONMENTS:
            raise InvalidRequest(f"environment must be one of {', '.join(ENVIRONMENTS)}, not {self.environment!r}.")
        if self.package_cache_max_gb is not None and (
                isinstance(self.package_cache_max_gb, bool) or not isinstance(self.package_cache_max_gb, (int, float))
                or not 0 <= self.package_cache_max_gb <= 10_000):
            raise InvalidRequest("package_cache_max_gb must be a number of GB, 0 to 10000 (0 turns the cache off).")
        if self.environment_images_max_gb is not None and (
                isinstance(self.environment_images_max_gb, bool)
                or not isinstance(self.environment_images_max_gb, (int, float))
                or not 0 <= self.environment_images_max_gb <= 100_000):
            raise InvalidRequest("environment_images_max_gb must be a number of GB, 0 to 100000 (0: no limit).")
        low, high = VERIFY_TIMEOUT_RANGE
        if not isinstance(self.verify_timeout, int) or not low <= self.verify_timeout <= high:
            raise InvalidRequest(f"verify_timeout must be a whole number of seconds, {low} to {high}.")
        if isinstance(self.repair_rounds, bool) or not isinstance(self.repair_rounds, int) \
                or not 1 <= self.repair_rounds <= 10:
            raise InvalidRequest("repair_rounds must be a whole number, 1 to 10.")

    @classmethod
    def from_dict(cls, data: Any, where: str = "options") -> BuildOptions:
        """Options from JSON (a REST body's `options`): each field's type checked strictly, unknown
        fields refused, errors naming the field (`'options.push' must be true or false.`)."""
        return from_json(cls, {} if data is None else data, where)

    def to_dict(self, redact: bool = True) -> dict[str, Any]:
        data = asdict(self)
        del data["secret_policy"]  # the admin's setting, not the user's choice: records keep their shape
        if redact:  # index credentials must not reach build records or the panel
            for key in ("index_url", "extra_index_url"):
                if data[key]:
                    data[key] = redact_url(data[key])
        return data

