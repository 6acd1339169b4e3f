"""The bundled data ships inside the wheel, not only in the repository."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_bundled_series_load_from_an_installed_wheel(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--no-build-isolation", "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("skrnn-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--target", str(site), str(wheel)],
        check=True,
    )  # fmt: skip
    # Run from elsewhere with the installed copy first on the path: the
    # repository's data folder is out of reach.
    code = (
        "import skrnn.datasets as d; print(d.__file__); "
        "print(d.load_sp500().shape, d.load_sp500(ohlcv=True).shape, "
        "d.load_sunspots().shape, d.load_elnino().shape, d.load_wiki_stocks().shape, "
        "d.load_lynx().shape, d.load_nasdaq().shape)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    location, shapes = result.stdout.strip().splitlines()
    assert location.startswith(str(site))
    assert shapes == "(5031, 1) (5031, 6) (309, 1) (732, 1) (12154, 6) (114, 1) (5031, 1)"
