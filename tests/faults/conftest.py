"""The fault tests share the build tests' fixtures: specs, notebooks, venvs and the real engine."""

from tests.builder.conftest import (  # noqa: F401  (fixtures)
    FIXTURES,
    TEST_BASE,
    docker_engine,
    hello_dir,
    hello_python,
    hello_spec,
)
