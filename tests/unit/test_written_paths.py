"""Files the notebook writes are its outputs, not inputs to copy into the image."""

from pathlib import Path

import pytest

from jupyterlab_containerize.inspect.code_analysis import CodeFindings, analyze_python
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from tests.notebooks import notebook


def outputs(*cells: str) -> set[str]:
    found = CodeFindings()
    for index, code in enumerate(cells):
        analyze_python(code, found, index)
    return found.output_paths


@pytest.mark.parametrize("code, written", [
    ("plt.savefig('fig.png')", {"fig.png"}),
    ("fig.savefig(fname='plots/fig.svg', dpi=200)", {"plots/fig.svg"}),
    ("df.to_csv('out/result.csv', index=False)", {"out/result.csv"}),
    ("df.to_parquet(path='x.parquet')\ndf.to_excel('x.xlsx')", {"x.parquet", "x.xlsx"}),
    ("with open('log.txt', 'w') as f:\n    f.write('x')", {"log.txt"}),
    ("open('log.txt', mode='ab')", {"log.txt"}),
    ("from pathlib import Path\nPath('notes.md').write_text('x')", {"notes.md"}),
    ("Path('r.json').open('w')", {"r.json"}),
    ("np.save('arr.npy', a)\nnp.savetxt('a.txt', a)", {"arr.npy", "a.txt"}),
    ("torch.save(model.state_dict(), 'model.pt')\njoblib.dump(clf, 'clf.joblib')", {"model.pt", "clf.joblib"}),
    ("for i in range(3):\n    plt.savefig(f'fig_{i}.png')", {"fig_*.png"}),
    ("OUT = 'summary.csv'\ndf.to_csv(OUT)", {"summary.csv"}),
    ("plt.savefig(os.path.join('figures', 'a.png'))", {"figures/a.png"}),
    ("get_ipython().run_cell_magic('writefile', 'config.yaml', 'a: 1')", {"config.yaml"}),
    ("os.makedirs('out', exist_ok=True)\nplt.savefig('out/a.png')", {"out", "out/a.png"}),
    ("Path('reports').mkdir(parents=True, exist_ok=True)", {"reports"}),
])
def test_written_paths_are_outputs(code: str, written: set[str]):
    assert outputs(code) == written


@pytest.mark.parametrize("cells", [
    ("df = pd.read_csv('data.csv')", "df.to_csv('data.csv')"),  # read first: an input it updates
    ("open('data.csv')", "open('data.csv', 'w')"),
    ("if os.path.exists('cache.pkl'):\n    pass", "joblib.dump(x, 'cache.pkl')"),
    ("PATH = 'data.csv'\ndf = pd.read_csv(PATH)", "df.to_csv(PATH)"),
    ("open('data.csv', 'r')",),
    ("files = os.listdir('out')", "os.makedirs('out', exist_ok=True)"),  # listed first: an input
    ("get_ipython().run_cell_magic('writefile', '-a log.txt', 'more')",),  # appends: may be an input
])
def test_paths_read_before_they_are_written_stay_inputs(cells: tuple[str, ...]):
    assert outputs(*cells) == set()


def test_an_output_left_from_the_last_run_is_not_offered(tmp_path: Path):
    (tmp_path / "data.csv").write_text("a\n1\n")
    (tmp_path / "fig.png").write_bytes(b"\x89PNG")
    (tmp_path / "summary.csv").write_text("a\n")
    (tmp_path / "kept.csv").write_text("a\n")
    nb = notebook(
        "import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.read_csv('data.csv')",
        "df.plot()\nplt.savefig('fig.png')\ndf.describe().to_csv('summary.csv')",
        "old = pd.read_csv('kept.csv')\nold.to_csv('kept.csv')",
    )
    found = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    assert sorted(found.files) == ["data.csv", "kept.csv"]
