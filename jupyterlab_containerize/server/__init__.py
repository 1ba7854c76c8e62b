"""The Jupyter server extension: thin REST handlers over the pipeline."""
