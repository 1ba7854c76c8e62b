from pathlib import Path

from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec, NotebookInfo
from tests.notebooks import notebook

from .fake_probe import dist, probe


def run(tmp_path: Path, nb: dict, probe_answer=None, source="kernel", with_extras=False) -> EnvironmentSpec:
    static = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    return resolve(
        ResolveInput(
            static=static,
            notebook=NotebookInfo(path="nb.ipynb"),
            source=source,
            probe=probe_answer,
            notebook_python="3.11.4",
            with_extras=with_extras,
        )
    )


KERNEL = probe(
    [
        dist("scikit-learn", "1.4.2", ["numpy>=1.19.5", "scipy>=1.6.0"], top=["sklearn"]),
        dist("numpy", "1.26.4"),
        dist("scipy", "1.13.0"),
        dist("pandas", "2.2.2", ["numpy>=1.23.2; python_version == '3.11'"]),
        dist("pyarrow", "16.0.0"),
        dist("ipykernel", "6.29.4", ["tornado>=6"]),
        dist("tornado", "6.4"),
        dist("jupyterlab", "4.2.0"),
        dist("mylib", "0.1", direct_url={"url": "file:///src/mylib", "dir_info": {"editable": True}}),
    ],
    modules=["sklearn", "numpy", "pandas", "pyarrow", "ipykernel", "tornado", "os", "zmq"],
)


def test_kernel_resolution(tmp_path: Path):
    spec = run(
        tmp_path, notebook("import os\nimport sklearn\nimport pandas as pd\nimport skimage\nimport mylib"), KERNEL
    )
    kinds = {i.module: (i.kind, i.distribution) for i in spec.imports if not i.runtime}
    assert kinds == {
        "os": ("stdlib", None),
        "sklearn": ("package", "scikit-learn"),
        "pandas": ("package", "pandas"),
        "skimage": ("unresolved", None),
        "mylib": ("package", "mylib"),
    }
    pins = {p.name: p.version for p in spec.packages}
    assert pins == {
        "scikit-learn": "1.4.2",
        "numpy": "1.26.4",
        "scipy": "1.13.0",
        "pandas": "2.2.2",
        "pyarrow": "16.0.0",
        "mylib": "0.1",
    }
    # skimage is never turned into a guessed distribution; it gets a suggestion instead
    skimage = next(i for i in spec.imports if i.module == "skimage")
    assert skimage.suggestion == "scikit-image"
    # pyarrow was loaded by pandas at run time, not imported by name
    pyarrow = next(i for i in spec.imports if i.module == "pyarrow")
    assert pyarrow.runtime and spec.package("pyarrow").reason == "runtime"
    assert [p.name for p in spec.frontend_packages] == ["ipykernel", "jupyterlab", "tornado"]
    assert spec.package("mylib").reproducible is False
    assert any(p.kind == "not-reproducible" for p in spec.problems)
    assert spec.python.version == "3.11.7" and spec.source == "kernel"


def test_interpreter_mode_ignores_sys_modules(tmp_path: Path):
    spec = run(tmp_path, notebook("import pandas"), KERNEL, source="interpreter")
    assert spec.package("pyarrow") is None


def test_implicit_backend_from_calls(tmp_path: Path):
    spec = run(
        tmp_path,
        notebook("import pandas as pd\npd.read_parquet('x.parquet')\npd.read_excel('x.xlsx')"),
        probe([dist("pandas", "2.2.2"), dist("pyarrow", "16.0.0")]),
        source="interpreter",
    )
    assert spec.package("pyarrow").reason == "implicit"
    assert any(p.kind == "implicit-missing" and "openpyxl" in p.message for p in spec.problems)


def test_static_only_uses_the_table_and_never_guesses(tmp_path: Path):
    spec = run(
        tmp_path,
        notebook(
            "import sklearn, cv2, yaml, skimage\nimport somethingodd\nimport json\n"
            "try:\n    import ujson\nexcept ImportError:\n    pass"
        ),
        None,
        source="static",
    )
    assert {p.name: p.version for p in spec.packages} == {
        "scikit-learn": None,
        "opencv-python": None,
        "PyYAML": None,
        "scikit-image": None,
    }  # somethingodd: never installed on a guess (a same-named PyPI package may be anyone's)
    assert next(i for i in spec.imports if i.module == "ujson").kind == "unresolved"  # optional: not added
    assert any(p.kind == "unmapped-import" and "somethingodd" in p.message for p in spec.problems)
    assert spec.python.version == "3.11.4"
    assert any(p.kind == "static-only" for p in spec.problems)


def test_pip_install_lines_pin_what_is_installed(tmp_path: Path):
    spec = run(tmp_path, notebook("%pip install scipy==1.12\n!apt-get install -y libgomp1 'bad;name'"), KERNEL)
    assert spec.package("scipy").version == "1.13.0"  # what ran, not what the line asked for
    assert spec.package("scipy").reason == "requested"
    assert spec.apt_packages == ["libgomp1"]


def test_spec_round_trip(tmp_path: Path):
    spec = run(tmp_path, notebook("import sklearn"), KERNEL)
    again = EnvironmentSpec.from_dict(spec.to_dict())
    assert again == spec
    assert again.environment_hash() == spec.environment_hash()


def test_backends_chosen_by_arguments(tmp_path: Path):
    installed = probe(
        [dist("pandas", "2.2.2"), dist("xlrd", "2.0.1"), dist("openpyxl", "3.1.2"), dist("scipy", "1.13.0")]
    )
    spec = run(
        tmp_path,
        notebook("import pandas as pd\ndf = pd.read_excel('old.xls')\ndf.plot(kind='kde')"),
        installed,
        source="interpreter",
    )
    assert spec.package("xlrd").reason == "implicit" and spec.package("scipy").reason == "implicit"
    assert spec.package("openpyxl") is None  # .xls is read by xlrd, not openpyxl


def test_installed_optional_extras_of_imported_packages(tmp_path: Path):
    installed = probe(
        [
            dist(
                "pandas",
                "2.2.2",
                [
                    "openpyxl>=3; extra == 'excel'",
                    "pytest>=7; extra == 'test'",
                    "tabulate; extra == 'output-formatting'",
                    "sqlalchemy; extra == 'sql'",
                ],
            ),
            dist("openpyxl", "3.1.2"),
            dist("pytest", "8.0.0"),
            dist("tabulate", "0.9.0"),
        ]
    )
    spec = run(tmp_path, notebook("import pandas as pd"), installed, source="interpreter")
    assert {p.name: p.reason for p in spec.packages} == {"pandas": "imported"}
    assert [(s.name, s.version) for s in spec.suggestions] == [("openpyxl", "3.1.2"), ("tabulate", "0.9.0")]
    assert spec.suggestions[0].reason == (
        "an extra of pandas ('excel'), installed in the kernel's environment; the notebook never imports it")
    locked = run(tmp_path, notebook("import pandas as pd"), installed, source="interpreter", with_extras=True)
    assert {p.name: p.reason for p in locked.packages} == {
        "pandas": "imported",
        "openpyxl": "implicit",
        "tabulate": "implicit",
    }
    assert locked.suggestions == []


def test_unused_extras_and_what_only_they_need_stay_out(tmp_path: Path):
    installed = probe([
        dist("pandas", "2.2.2", ["numpy>=1.23", "openpyxl>=3; extra == 'excel'", "scipy; extra == 'computation'"]),
        dist("numpy", "1.26.4"),
        dist("openpyxl", "3.1.2", ["et-xmlfile"]), dist("et-xmlfile", "1.1.0"),
        dist("scipy", "1.13.0", ["numpy"]),
    ], modules=["pandas", "numpy", "scipy"])
    spec = run(tmp_path, notebook("import pandas as pd"), installed)
    # scipy was loaded by the kernel: used, so locked; openpyxl never was: only a suggestion, and
    # et-xmlfile (needed by openpyxl alone) is neither locked nor suggested
    assert {p.name: p.reason for p in spec.packages} == {"pandas": "imported", "numpy": "dependency",
                                                          "scipy": "runtime"}
    assert [s.name for s in spec.suggestions] == ["openpyxl"]
    again = EnvironmentSpec.from_dict(spec.to_dict())
    assert again.suggestions == spec.suggestions
