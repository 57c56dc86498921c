"""The wheel ships everything a report needs, and renders the demo report once installed.

The wheel is built from a copy of the sources, installed (without dependencies: CI has no
internet) into a fresh virtual environment outside the repository that reuses the
dependencies of the test environment, and `collab fetch --offline` + `collab report` run
from a temporary folder outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BLEKINGE = REPO / "params" / "blekinge-unga-lyfter.yaml"
SOURCES = ("collab_metrics", "notebooks", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (nothing is written into the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip, "--no-index", "-q", "-w", str(out), str(source)], check=True)
    (built,) = out.glob("collab_metrics-*.whl")
    return built


def test_wheel_ships_every_file_of_the_package_and_the_notebooks(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "collab_metrics"
    expected = {
        path.relative_to(REPO).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    expected |= {f"collab_metrics/notebooks/{p.name}" for p in (REPO / "notebooks").glob("*.ipynb")}
    assert expected - names == set(), "files missing from the wheel"
    assert {"collab_metrics/py.typed", "collab_metrics/model/data/areas.csv"} <= names
    assert any(n.startswith("collab_metrics/report/templates/collab/") for n in names)
    assert any(n.startswith("collab_metrics/text/messages/") for n in names)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the repository with the wheel installed."""
    home = tmp_path_factory.mktemp("env") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / "bin" / "python"
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    subprocess.run([*install, "--no-index", "-q", str(wheel)], check=True)
    # The dependencies come from the test environment; added after the install, so pip
    # saw an environment holding only the wheel.
    target = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(target, "collab_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return home


def test_installed_wheel_renders_the_demo_report(
    venv: Path, shared_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "follow-up"  # outside the repository; the framework copied in
    work.mkdir()
    params = work / BLEKINGE.name
    shutil.copy2(BLEKINGE, params)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLAB_")}
    env["COLLAB_OFFLINE_DATA"] = str(shared_data / "kolada-ddf")  # no ../shared beside it
    # nbconvert's templates are data files of the reused dependencies, in their prefix;
    # only they are lent, so the kernel is the installed one (`ensure_kernel` adds it).
    lent = tmp_path / "jupyter"
    lent.mkdir()
    (lent / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    env["JUPYTER_PATH"] = str(lent)
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _WHERE], cwd=work, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert all(Path(p).is_relative_to(venv) for p in where), where
    collab = str(venv / "bin" / "collab")

    def run(*args: str) -> None:
        done = subprocess.run([collab, *args], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr

    run("fetch", params.name, "--offline", "--store", "store.duckdb")
    run("report", params.name, "--as-of", "2017", "--store", "store.duckdb", "--out", "out",
        "--format", "html")  # fmt: skip
    report = work / "out" / "blekinge-unga-lyfter" / "2017"
    html = (report / "joint_followup.html").read_text(encoding="utf-8")
    assert "Blekinges unga lyfter" in html and 'src="data:image/png;base64,' in html
    assert (report / "notebooks" / "joint_followup.ipynb").is_file()
    kernel = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _KERNEL], cwd=work, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert Path(kernel).parent == venv / "bin", "the notebooks ran in the installed package"


# The package and the notebooks the installed `collab` uses: both inside the venv.
_WHERE = (
    "import collab_metrics\n"
    "from collab_metrics.report.render import default_notebooks_dir\n"
    "print(collab_metrics.__file__, default_notebooks_dir())\n"
)
# The interpreter of the kernel the notebooks ran in.
_KERNEL = (
    "from jupyter_client.kernelspec import KernelSpecManager\n"
    "print(KernelSpecManager().get_kernel_spec('collab-metrics').argv[0])\n"
)
