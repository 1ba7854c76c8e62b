"""Jupyter server configuration of the UI tests (`jlpm start`).

Never use it outside tests: it disables authentication and XSRF checks.
"""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# Everything runs as root on the CI machines.
c.ServerApp.allow_root = True  # noqa: F821
c.ServerApp.port = int(os.environ.get("UI_TESTS_PORT", "8888"))  # noqa: F821
# The engine-down server of tests/engine-down.spec.ts: an engine address where nothing answers.
if os.environ.get("CONTAINERIZE_UI_ENGINE_URL"):
    c.Containerize.engine_url = os.environ["CONTAINERIZE_UI_ENGINE_URL"]  # noqa: F821
# Uncomment to set server log level to debug level
# c.ServerApp.log_level = "DEBUG"
