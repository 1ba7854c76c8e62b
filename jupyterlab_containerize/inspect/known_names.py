"""Curated knowledge for when the kernel cannot tell us: import names, implicit back-ends, Jupyter's own parts.

With a live kernel, the kernel's own metadata always wins; these tables only serve static-only
mode, suggestions for unresolved imports, and the split between the code's and Jupyter's packages.
"""

from __future__ import annotations

import re

# Import name -> distribution name on PyPI, where they differ (the classic pipreqs mistakes).
IMPORT_TO_DISTRIBUTION: dict[str, str] = {
    "sklearn": "scikit-learn",
    "pyximport": "Cython",  # compiles .pyx on import: a C compiler and Python headers (inspect/toolchains.py)
    "fortranmagic": "fortran-magic",  # %load_ext fortranmagic + %%fortran: f2py, gfortran
    "mesonbuild": "meson",  # f2py's build back-end on numpy >= 2 and Python >= 3.12
    "ninja": "ninja",
    "skimage": "scikit-image",
    "cv2": "opencv-python",
    "PIL": "pillow",
    "yaml": "PyYAML",
    "bs4": "beautifulsoup4",
    "attr": "attrs",
    "dateutil": "python-dateutil",
    "dotenv": "python-dotenv",
    "jwt": "PyJWT",
    "Crypto": "pycryptodome",
    "OpenSSL": "pyOpenSSL",
    "google.protobuf": "protobuf",
    "serial": "pyserial",
    "usb": "pyusb",
    "git": "GitPython",
    "docx": "python-docx",
    "pptx": "python-pptx",
    "magic": "python-magic",
    "Bio": "biopython",
    "MySQLdb": "mysqlclient",
    "psycopg2": "psycopg2-binary",
    "win32api": "pywin32",
    "zmq": "pyzmq",
    "tables": "tables",
    "fitz": "PyMuPDF",
    "sentencepiece": "sentencepiece",
    "umap": "umap-learn",
    "lightgbm": "lightgbm",
    "xgboost": "xgboost",
    "catboost": "catboost",
    "statsmodels": "statsmodels",
    "mpl_toolkits": "matplotlib",
    "pylab": "matplotlib",
    "tensorflow_hub": "tensorflow-hub",
    "tf_keras": "tf-keras",
    "gym": "gym",
    "igraph": "python-igraph",
    "community": "python-louvain",
    "slugify": "python-slugify",
    "telegram": "python-telegram-bot",
    "socketio": "python-socketio",
    "engineio": "python-engineio",
    "markdown": "Markdown",
    "jinja2": "Jinja2",
    "markupsafe": "MarkupSafe",
    "sqlalchemy": "SQLAlchemy",
    "flask": "Flask",
    "werkzeug": "Werkzeug",
    "pygments": "Pygments",
    "IPython": "ipython",
    "ipywidgets": "ipywidgets",
    "nltk": "nltk",
    "spacy": "spacy",
    "torchvision": "torchvision",
    "torchaudio": "torchaudio",
    "pyarrow": "pyarrow",
    "fastparquet": "fastparquet",
    "lxml": "lxml",
    "html5lib": "html5lib",
    "openpyxl": "openpyxl",
    "xlrd": "xlrd",
    "odf": "odfpy",
    "pyxlsb": "pyxlsb",
    "h5py": "h5py",
    "netCDF4": "netCDF4",
    "shapely": "shapely",
    "osgeo": "GDAL",
    "fiona": "fiona",
    "pyproj": "pyproj",
    "geopandas": "geopandas",
    "plotly": "plotly",
    "bokeh": "bokeh",
    "altair": "altair",
    "seaborn": "seaborn",
    "scipy": "scipy",
    "numpy": "numpy",
    "pandas": "pandas",
    "matplotlib": "matplotlib",
    "requests": "requests",
    "tqdm": "tqdm",
    "sympy": "sympy",
    "networkx": "networkx",
    "torch": "torch",
    "tensorflow": "tensorflow",
    "jax": "jax",
    "cupy": "cupy-cuda12x",
    "transformers": "transformers",
    "datasets": "datasets",
    "pydantic": "pydantic",
    "sql": "ipython-sql",
    "wx": "wxPython",
    "gi": "PyGObject",
    "cairo": "pycairo",
    "Levenshtein": "python-Levenshtein",
    "sentence_transformers": "sentence-transformers",
    "ruamel": "ruamel.yaml",
    "pkg_resources": "setuptools",
    "setuptools": "setuptools",
    "past": "future",
    "builtins": "future",
    "googleapiclient": "google-api-python-client",
    "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "azure.storage.blob": "azure-storage-blob",
    "boto3": "boto3",
    "botocore": "botocore",
    "jose": "python-jose",
    "multipart": "python-multipart",
    "ldap": "python-ldap",
    "nacl": "PyNaCl",
    "pysqlite2": "pysqlite",
    "snappy": "python-snappy",
    "zstd": "zstd",
    "Image": "pillow",
}

# Calls whose library loads an optional back-end by name at run time: name -> distributions (any of).
# With a kernel, installed members of the imported package's extras are locked anyway (marked optional,
# see lock.installed_extras); these tables add what extras cannot say: which back-end the code needs for
# sure (not optional), one that is missing from the kernel, versions that declared no extras
# (pandas < 2), and the code-only (static) mode.
IMPLICIT_BY_CALL: dict[str, list[str]] = {
    "to_excel": ["openpyxl"],
    "ExcelWriter": ["openpyxl"],
    "read_parquet": ["pyarrow", "fastparquet"],
    "to_parquet": ["pyarrow", "fastparquet"],
    "read_feather": ["pyarrow"],
    "to_feather": ["pyarrow"],
    "read_orc": ["pyarrow"],
    "read_hdf": ["tables"],
    "to_hdf": ["tables"],
    "HDFStore": ["tables"],
    "read_html": ["lxml", "beautifulsoup4", "html5lib"],
    "read_xml": ["lxml"],
    "to_xml": ["lxml"],
    "to_markdown": ["tabulate"],
    "read_sql": ["SQLAlchemy"],
    "to_sql": ["SQLAlchemy"],
    "read_spss": ["pyreadstat"],
    "read_gbq": ["pandas-gbq"],
    "style": ["Jinja2"],
    "to_latex": ["Jinja2"],
    "plot": ["matplotlib"],
    "hist": ["matplotlib"],
    "boxplot": ["matplotlib"],
    "scatter_matrix": ["matplotlib"],
}

# pd.read_excel picks its reader by the file's suffix.
EXCEL_READERS: dict[str, list[str]] = {
    ".xls": ["xlrd"],
    ".xlsx": ["openpyxl"],
    ".xlsm": ["openpyxl"],
    ".xlsb": ["pyxlsb"],
    ".ods": ["odfpy"],
}
# String arguments that make pandas import scipy: plot(kind="kde"), corr(method="kendall"), ...
SCIPY_BY_ARGUMENT = {
    "kde",
    "density",
    "kendall",
    "spearman",
    "barycentric",
    "krogh",
    "pchip",
    "akima",
    "cubicspline",
    "spline",
    "piecewise_polynomial",
    "from_derivatives",
}
# Keywords whose string value (any) makes pandas import scipy: rolling(win_type="gaussian").
SCIPY_BY_KEYWORD = {"win_type"}
# Extras that serve the package's developers, not its users: never followed into the lock.
DEV_EXTRAS = re.compile(
    r"(tests?|testing|dev|develop(ment)?|docs?|documentation|lint(ing)?|typing|mypy|type-?check(ing)?|"
    r"benchmarks?|bench|examples?|build|cov(erage)?|style|format(ting)?|release|ci|all|complete|full)"
)

# Back-ends named by a string handed to a call (the name is the evidence): (callee or "*" for any,
# keyword or "" for a positional argument, the string) -> distributions (any of). "=" as callee: an
# attribute assigned the string (pd.options.plotting.backend = "plotly").
BACKEND_BY_STRING: dict[tuple[str, str, str], list[str]] = {
    ("BeautifulSoup", "", "lxml"): ["lxml"],
    ("BeautifulSoup", "", "lxml-xml"): ["lxml"],
    ("BeautifulSoup", "", "xml"): ["lxml"],
    ("BeautifulSoup", "", "html5lib"): ["html5lib"],
    ("BeautifulSoup", "features", "lxml"): ["lxml"],
    ("BeautifulSoup", "features", "html5lib"): ["html5lib"],
    ("*", "engine", "openpyxl"): ["openpyxl"],
    ("*", "engine", "xlsxwriter"): ["XlsxWriter"],
    ("*", "engine", "xlrd"): ["xlrd"],
    ("*", "engine", "xlwt"): ["xlwt"],
    ("*", "engine", "odf"): ["odfpy"],
    ("*", "engine", "pyxlsb"): ["pyxlsb"],
    ("*", "engine", "calamine"): ["python-calamine"],
    ("*", "engine", "pyarrow"): ["pyarrow"],
    ("*", "engine", "fastparquet"): ["fastparquet"],
    ("*", "engine", "numba"): ["numba"],
    ("*", "engine", "netcdf4"): ["netCDF4"],
    ("*", "engine", "h5netcdf"): ["h5netcdf"],
    ("*", "engine", "zarr"): ["zarr"],
    ("*", "engine", "cfgrib"): ["cfgrib"],
    ("*", "engine", "rasterio"): ["rioxarray"],
    ("*", "flavor", "lxml"): ["lxml"],
    ("*", "flavor", "bs4"): ["beautifulsoup4", "html5lib"],
    ("*", "flavor", "html5lib"): ["html5lib"],
    ("read_xml", "parser", "lxml"): ["lxml"],
    ("*", "backend", "plotly"): ["plotly"],
    ("*", "backend", "hvplot"): ["hvplot"],
    ("*", "backend", "bokeh"): ["bokeh"],
    ("*", "backend", "pandas_bokeh"): ["pandas-bokeh"],
    ("=", "backend", "plotly"): ["plotly"],
    ("=", "backend", "hvplot"): ["hvplot"],
    ("set_option", "", "plotly"): ["plotly"],
    ("set_option", "", "hvplot"): ["hvplot"],
    ("use", "", "Qt5Agg"): ["PyQt5"],
    ("use", "", "QtAgg"): ["PyQt5", "PyQt6", "PySide6"],
    ("use", "", "module://ipympl.backend_nbagg"): ["ipympl"],
    ("use", "", "WebAgg"): ["tornado"],
    ("use", "", "cairo"): ["pycairo"],
    ("switch_backend", "", "Qt5Agg"): ["PyQt5"],
    ("*", "renderer", "kaleido"): ["kaleido"],
    ("write_image", "engine", "kaleido"): ["kaleido"],
    ("*", "compression", "zstd"): ["zstandard"],
    ("*", "compression", "lz4"): ["lz4"],
}


def backends_named_by_strings(call_strings: set[tuple[str, str, str]]) -> list[list[str]]:
    """The back-ends BACKEND_BY_STRING finds among a notebook's (callee, keyword, string) triples."""
    found = []
    for callee, keyword, value in sorted(call_strings):
        options = BACKEND_BY_STRING.get((callee, keyword, value)) or BACKEND_BY_STRING.get(("*", keyword, value))
        if options:
            found.append(options)
        if "://" in value and value.split("://", 1)[0] in ("s3", "gs", "gcs", "az", "abfs"):
            found.append(REMOTE_FILESYSTEMS[value.split("://", 1)[0]])
    return found


# fsspec protocols pandas/xarray/dask open by the URL: the filesystem package they import.
REMOTE_FILESYSTEMS: dict[str, list[str]] = {"s3": ["s3fs"], "gs": ["gcsfs"], "gcs": ["gcsfs"],
                                            "az": ["adlfs"], "abfs": ["adlfs"]}

# Database URL schemes -> the driver SQLAlchemy imports for them.
IMPLICIT_BY_URL_SCHEME: dict[str, list[str]] = {
    "postgresql": ["psycopg2-binary", "psycopg2", "psycopg"],
    "postgresql+psycopg2": ["psycopg2-binary", "psycopg2"],
    "postgresql+psycopg": ["psycopg"],
    "postgresql+asyncpg": ["asyncpg"],
    "mysql": ["mysqlclient"],
    "mysql+pymysql": ["PyMySQL"],
    "mysql+mysqlconnector": ["mysql-connector-python"],
    "mssql+pyodbc": ["pyodbc"],
    "oracle": ["cx_Oracle", "oracledb"],
    "oracle+oracledb": ["oracledb"],
    "snowflake": ["snowflake-sqlalchemy"],
    "duckdb": ["duckdb-engine"],
}

# `%matplotlib BACKEND` / matplotlib.use(BACKEND) -> the distributions that provide it.
MATPLOTLIB_BACKENDS: dict[str, list[str]] = {
    "widget": ["ipympl"],
    "ipympl": ["ipympl"],
    "qt": ["PyQt5", "PyQt6", "PySide6"],
    "qt5": ["PyQt5"],
    "qt6": ["PyQt6"],
    "inline": ["matplotlib-inline"],
}

# Distributions that make up Jupyter's front end and kernel machinery, not the user's code.
FRONTEND_DISTRIBUTIONS = {
    "jupyterlab",
    "notebook",
    "nbclassic",
    "jupyter",
    "jupyter-server",
    "jupyter-lsp",
    "jupyterlab-server",
    "notebook-shim",
    "jupyter-server-terminals",
    "jupyter-server-fileid",
    "jupyter-server-ydoc",
    "jupyter-collaboration",
    "voila",
    "jupyterlab-widgets",
    "widgetsnbextension",
    "jupyterlab-pygments",
    "jupyterlab-containerize",
    "jupyter-console",
    "qtconsole",
    "jupyter-events",
    "jupyter-ydoc",
    "ipykernel",
    "jupyter-client",
    "jupyter-core",
    "ipython",
    "comm",
    "debugpy",
    "nest-asyncio",
    "matplotlib-inline",
    "pyzmq",
    "tornado",
    "traitlets",
    "psutil",
    "prompt-toolkit",
    "jedi",
    "parso",
    "pexpect",
    "ptyprocess",
    "stack-data",
    "executing",
    "asttokens",
    "pure-eval",
    "wcwidth",
    "decorator",
    "pygments",
    "ipython-pygments-lexers",
    "appnope",
    "platformdirs",
}
FRONTEND_PREFIXES = ("jupyterlab-", "jupyterlab_", "jupyter-", "jupyter_", "nbclassic", "notebook-")

# Top-level modules a kernel loads for itself; seeing them in sys.modules says nothing about the code.
KERNEL_MODULES = {
    "IPython",
    "ipykernel",
    "jupyter_client",
    "jupyter_core",
    "traitlets",
    "zmq",
    "tornado",
    "comm",
    "debugpy",
    "psutil",
    "prompt_toolkit",
    "pygments",
    "jedi",
    "parso",
    "pexpect",
    "ptyprocess",
    "stack_data",
    "executing",
    "asttokens",
    "pure_eval",
    "wcwidth",
    "decorator",
    "matplotlib_inline",
    "nest_asyncio",
    "platformdirs",
    "dateutil",
    "packaging",
    "pkg_resources",
    "setuptools",
    "_distutils_hack",
    "pip",
    "wheel",
    "appnope",
    "backcall",
    "pickleshare",
    "exceptiongroup",
    "typing_extensions",
    "google",
    "sitecustomize",
    "usercustomize",
    "six",
    "jupyter",
    "ipython_genutils",
    "pydev_ipython",
    "pydevd",
    "_pydevd_bundle",
    "_pydev_bundle",
    "pydevconsole",
    "_pydevd_frame_eval",
    "pydevd_plugins",
    "pydevd_file_utils",
    "pydevd_tracing",
    "_pydev_runfiles",
    "ipython_pygments_lexers",
    "colorama",
    "attr",
    "attrs",
    "pytz",
    "pyparsing",
    "cycler",
    "kiwisolver",
    "fontTools",
    "markupsafe",
    "orjson",  # jupyter_client packs messages with it when installed
}


def is_frontend_distribution(canonical_name: str) -> bool:
    return canonical_name in FRONTEND_DISTRIBUTIONS or canonical_name.startswith(FRONTEND_PREFIXES)


def suggestion_for(module: str) -> str:
    """The distribution to suggest for an import nobody could resolve."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        if name in IMPORT_TO_DISTRIBUTION:
            return IMPORT_TO_DISTRIBUTION[name]
    return parts[0]

# Import names that are also their distribution's name on PyPI (PEP 503-normalised), for static mode:
# only names in a curated table are ever installed without a kernel (the dependency-confusion guard).
SAME_NAME_DISTRIBUTIONS = frozenset("""
    accelerate aiohttp altair anndata anthropic arviz astropy asyncpg attrs autograd black bokeh boto3
    botocore bqplot cachetools cartopy catboost category_encoders certifi cffi chardet click cloudpickle
    colorama colorcet contextily coverage cryptography cvxpy cycler cython dash dask datasets datashader
    dill diffusers distributed docutils duckdb einops emoji et_xmlfile evaluate faker fastapi fastparquet
    filelock flake8 folium fsspec ftfy gcsfs gensim geopandas geopy gradio graphviz greenlet gym gymnasium
    h5py holoviews httpx huggingface_hub hvplot hyperopt idna imageio importlib_metadata
    iniconfig ipyleaflet ipympl ipython ipywidgets isodate jax jaxlib jieba jinja2 jmespath joblib
    jsonschema jupytext keras kiwisolver langchain lightgbm lightning librosa lifelines llvmlite lmfit
    loguru mapclassify markdown matplotlib mlflow mlxtend more_itertools mpmath msgpack multiprocess
    mypy nbformat netCDF4 networkx nltk numba numexpr numpy numpyro onnx onnxruntime openai openpyxl
    optax optuna orjson packaging pandas pandas_datareader panel param paramiko parso patsy pdf2image
    pendulum pexpect pillow pingouin platformdirs plotly plotnine pluggy polars prettytable prophet
    psutil py4j pyarrow pycparser pydantic pydeck pydot pyLDAvis pymc pymc3 pymongo pyparsing pyproj
    pyspark pystan pytesseract pytest pytorch_lightning pytz pyvis quandl rasterio ray redis
    regex requests rich rpy2 rtree ruptures safetensors scanpy scipy scrapy seaborn selenium sentencepiece
    shap shapely simplejson six sktime slicer smart_open spacy sqlalchemy sqlparse statsmodels
    streamlit sympy tabulate tenacity tensorboard tensorflow tensorflow_datasets tensorflow_probability
    termcolor textblob theano threadpoolctl tifffile tiktoken timm tokenizers toml tomli toolz torch
    torchaudio torchmetrics torchtext torchvision tornado tqdm traitlets transformers typer
    typing_extensions tzdata ujson unidecode urllib3 uvicorn vaex vega_datasets wandb
    websockets wordcloud wrapt xarray xgboost xlrd xlsxwriter xmltodict yellowbrick yfinance zarr
    version_information line_profiler memory_profiler watermark snakeviz nb_black ipyparallel
""".split())  # the last line: IPython extensions notebooks %load_ext

# Differing names that only static mode needs (with a kernel, its metadata says).
IMPORT_TO_DISTRIBUTION.update({
    "imblearn": "imbalanced-learn", "pywt": "PyWavelets", "websocket": "websocket-client",
    "snowflake.connector": "snowflake-connector-python", "sentence_transformers": "sentence-transformers",
    "google.generativeai": "google-generativeai", "llama_index": "llama-index", "skopt": "scikit-optimize",
    "sklearn_pandas": "sklearn-pandas", "pandas_profiling": "pandas-profiling", "ydata_profiling": "ydata-profiling",
    "tensorflow_addons": "tensorflow-addons", "autotime": "ipython-autotime", "keras_tuner": "keras-tuner",
    "pytorch_lightning": "pytorch-lightning",
})


def distribution_for_import(module: str) -> str | None:
    """The distribution a curated table names for an import, or None: never a guess."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        if name in IMPORT_TO_DISTRIBUTION:
            return IMPORT_TO_DISTRIBUTION[name] or None
    top = parts[0]
    if top.lower().replace("-", "_") in _SAME_NAME_LOWER:
        return top
    return None


_SAME_NAME_LOWER = frozenset(n.lower() for n in SAME_NAME_DISTRIBUTIONS)
