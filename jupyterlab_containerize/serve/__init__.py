"""The serving runtime: the notebook as an HTTP service, run INSIDE the `serve` image.

Self-contained on purpose: these modules import only the standard library, tornado, jupyter_client
and nbformat (and relative imports among themselves), because the image's venv has those but not
jupyterlab_containerize. `bundle.write_runtime` copies them into a build context.
"""
