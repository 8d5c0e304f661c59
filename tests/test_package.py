"""embdash as an installed package: pyproject.toml, the `embdash` command, a wheel, and a lazy `import embdash`."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
VENV_BIN = REPO / ".venv" / "bin"
SCRIPT = VENV_BIN / "embdash"
HEAVY = ("torch", "sentence_transformers", "streamlit", "pandas")


def requirements(lines) -> dict[str, str]:
    """{canonical name: the whole requirement as written}, for comparing two lists of pins."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            found[canonicalize_name(Requirement(line).name)] = str(Requirement(line))
    return found


def requirements_file(name: str) -> dict[str, str]:
    return requirements((REPO / name).read_text().splitlines())


def run(command, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **kwargs.pop("env", {})}
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, timeout=timeout, env=env,
        **{"cwd": REPO, **kwargs},
    )


def installed_script() -> Path:
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed: scripts/install.sh installs it (pip install --no-deps -e .)")
    return SCRIPT


def commands_listed(help_text: str) -> set[str]:
    """The subcommands in argparse's usage line: {models,embed,...}."""
    match = re.search(r"\{([a-z,_-]+)\}", help_text)
    assert match, help_text
    return set(match.group(1).split(","))


# pyproject.toml


def test_dependencies_are_requirements_txt_without_ray():
    wanted = requirements_file("requirements.txt")
    assert "ray" in wanted
    assert requirements(PROJECT["dependencies"]) == {name: pin for name, pin in wanted.items() if name != "ray"}
    assert requirements(PROJECT["optional-dependencies"]["ray"]) == {"ray": wanted["ray"]}


def test_dev_extra_is_requirements_dev_txt():
    assert requirements(PROJECT["optional-dependencies"]["dev"]) == requirements_file("requirements-dev.txt")


def test_model_packages_installed_without_deps_are_no_dependency():
    declared = set(requirements(PROJECT["dependencies"]))
    for extra in PROJECT["optional-dependencies"].values():
        declared |= set(requirements(extra))
    assert not declared & set(requirements_file("requirements-nodeps.txt"))


def test_metadata_version_and_entry_point():
    import embdash

    assert PROJECT["name"] == "embdash"
    assert PROJECT["requires-python"] == ">=3.11"
    assert PROJECT["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "embdash.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", embdash.__version__)
    assert PROJECT["scripts"] == {"embdash": "embdash.cli:main"}


def test_console_script_resolves_to_main_returning_an_exit_status():
    import inspect
    import pkgutil

    main = pkgutil.resolve_name(PROJECT["scripts"]["embdash"])
    assert callable(main)
    assert list(inspect.signature(main).parameters) == ["argv"]
    # The installed distribution names the same function.
    from importlib.metadata import PackageNotFoundError, entry_points, version

    try:
        assert version("embdash") == __import__("embdash").__version__
    except PackageNotFoundError:
        pytest.skip("embdash is not installed in this interpreter: scripts/install.sh installs it")
    (point,) = entry_points(group="console_scripts", name="embdash")
    assert point.load() is main


def test_serve_options_go_to_streamlit_untouched():
    from embdash.cli import build_parser, parse_arguments, run_serve

    options = ["--server.headless", "true", "--server.port", "8600", "--theme.base=dark"]
    args = parse_arguments(build_parser(), ["serve", *options])
    assert args.run is run_serve and args.streamlit_options == options
    assert parse_arguments(build_parser(), ["serve"]).streamlit_options == []


# The wheel: what a non-editable install gets


def project_files(*under: str) -> list[str]:
    """The checkout's files, tracked or new, without what .gitignore leaves out (.venv, caches, outputs)."""
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *under])
    assert listed.returncode == 0, listed.stderr
    return [name for name in listed.stdout.splitlines() if (REPO / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout (the build leaves build/ and *.egg-info where it runs)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in project_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist", source], timeout=600)
    assert built.returncode == 0, built.stderr
    (path,) = (work / "dist").glob("embdash-*.whl")
    return path


def test_wheel_holds_the_package_and_nothing_else(wheel):
    import embdash

    assert wheel.name.startswith(f"embdash-{embdash.__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    code = {name for name in names if ".dist-info/" not in name}
    assert code == set(project_files("embdash"))  # every subpackage, and every data file if one is added
    assert not [name for name in code if name.split("/")[0] in {"tests", "pages", "bench", "scripts", "data"}]
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "embdash = embdash.cli:main" in entry_points


def test_serve_without_the_repository_explains(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel unpacked is an installed package
    env = {"PYTHONPATH": str(site)}
    where = run([sys.executable, "-c", "import embdash; print(embdash.__file__)"], cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()) == site / "embdash" / "__init__.py", where.stderr
    models = run([sys.executable, "-m", "embdash", "models"], cwd=tmp_path, env=env)
    assert models.returncode == 0 and "all-MiniLM-L6-v2" in models.stdout, models.stderr
    served = run([sys.executable, "-m", "embdash", "serve", "--server.headless", "true"], cwd=tmp_path, env=env, timeout=120)
    assert served.returncode == 2
    assert "streamlit_app.py" in served.stderr and "install.sh" in served.stderr
    assert "Traceback" not in served.stderr


# The installed command


def test_installed_command_runs_this_checkout():
    script = installed_script()
    done = run([script.parent / "python", "-c", "import embdash; print(embdash.__file__)"], cwd="/")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == REPO / "embdash" / "__init__.py"


def test_installed_help_lists_every_command_of_python_m():
    script = installed_script()
    module = run([sys.executable, "-m", "embdash", "--help"])
    command = run([script, "--help"])
    assert module.returncode == 0 and command.returncode == 0, module.stderr + command.stderr
    listed = commands_listed(module.stdout)
    assert {"models", "embed", "map", "search", "compare", "serve"} <= listed
    assert commands_listed(command.stdout) == listed


def test_installed_models():
    script = installed_script()
    table = run([script, "models"], cwd="/")
    assert table.returncode == 0, table.stderr
    assert "all-MiniLM-L6-v2" in table.stdout
    listed = run([script, "models", "--json"], cwd="/")
    assert listed.returncode == 0 and {"all-MiniLM-L6-v2", "glove-6b-50d"} <= {m["id"] for m in json.loads(listed.stdout)}


def test_installed_bad_input_exits_2():
    script = installed_script()
    done = run([script, "inspect", "/nonexistent/input.csv"], cwd="/")
    assert done.returncode == 2 and done.stderr.startswith("embdash: "), done.stderr
    assert "Traceback" not in done.stderr


def test_installed_serve_help():
    done = run([installed_script(), "serve", "--help"], cwd="/")
    assert done.returncode == 0, done.stderr
    assert "streamlit run" in " ".join(done.stdout.split())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_serve_answers_health(tmp_path):
    """Started from another folder: the server finds streamlit_app.py beside the package, not in the cwd."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "EMBDASH_DATA_DIR": str(tmp_path / "data")}
    with open(log, "w") as out:
        server = subprocess.Popen(
            [installed_script(), "serve", "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        assert health(f"http://127.0.0.1:{port}/_stcore/health", server) == b"ok", log.read_text()[-2000:]
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)


def health(url: str, server: subprocess.Popen, seconds: float = 120) -> bytes | None:
    """The health endpoint's answer, polled until the server answers, exits, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            time.sleep(0.5)
    return None


# import embdash stays lazy

LAZY_IMPORT = f"""
import json, os, sys
heavy = {HEAVY!r}
before_env, before_modules = dict(os.environ), set(sys.modules)
import embdash
embdash.__version__, dir(embdash)
after_env = dict(os.environ)
print(json.dumps({{
    "file": embdash.__file__,
    "changed": sorted(k for k in before_env.keys() | after_env.keys() if before_env.get(k) != after_env.get(k)),
    "loaded_before": sorted(m for m in heavy if m in before_modules),
    "imported": sorted(m for m in heavy if m in sys.modules),
}}))
"""


def test_import_embdash_changes_no_environment_and_imports_nothing_heavy(tmp_path):
    done = run([sys.executable, "-c", LAZY_IMPORT], cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert Path(seen["file"]) == REPO / "embdash" / "__init__.py"
    assert seen["loaded_before"] == []  # else the check below would prove nothing
    assert seen["changed"] == []
    assert seen["imported"] == []


def test_the_lazy_check_sees_a_heavy_import(tmp_path):
    """The check above can fail: the same script, after a heavy import, reports it."""
    script = LAZY_IMPORT.replace("import embdash\n", "import embdash\nimport pandas\nos.environ['EMBDASH_X'] = '1'\n")
    done = run([sys.executable, "-c", script], cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    seen = json.loads(done.stdout)
    assert seen["imported"] == ["pandas"] and seen["changed"] == ["EMBDASH_X"]
