"""The three classic word benchmarks, fetched once from the gensim wheel's test data (not committed).

    questions-words.txt  Google analogy set (Mikolov et al. 2013): 19,544 questions "a b c d" in 14 sections
    wordsim353.tsv       WordSim-353: word pairs with human relatedness scores
    simlex999.txt        SimLex-999: word pairs with human similarity scores

They ship in gensim's wheel (gensim/test/test_data/); `fetch()` downloads the wheel with pip (no
dependencies, nothing installed) and extracts just these files into <data dir>/word_benchmarks/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from embdash.config import data_dir
from embdash.dataio.atomic import write_atomically
from embdash.errors import EmbdashError

GENSIM_WHEEL = "gensim==4.4.0"
WHEEL_FOLDER = "gensim/test/test_data/"
ANALOGIES = "questions-words.txt"
WORDSIM = "wordsim353.tsv"
SIMLEX = "simlex999.txt"
FILES = (ANALOGIES, WORDSIM, SIMLEX)
FETCH_COMMAND = "python scripts/fetch_word_benchmarks.py"


class WordBenchmarksMissing(EmbdashError):
    """The benchmark files have not been fetched (or the fetch failed)."""


def benchmark_dir() -> Path:
    return data_dir() / "word_benchmarks"


def missing_files(folder: Path | None = None) -> list[str]:
    folder = folder or benchmark_dir()
    return [name for name in FILES if not (folder / name).is_file()]


def benchmark_path(name: str) -> Path:
    """The path of one benchmark file, or WordBenchmarksMissing saying how to fetch it."""
    path = benchmark_dir() / name
    if not path.is_file():
        raise WordBenchmarksMissing(
            f"The word benchmark file {name} has not been fetched yet. Run `{FETCH_COMMAND}` once "
            f"(it downloads the {GENSIM_WHEEL} wheel, 27 MB, and keeps three small files in {benchmark_dir()})."
        )
    return path


def fetch(folder: Path | None = None, wheel: Path | None = None) -> Path:
    """Extract the three files into `folder` (default <data dir>/word_benchmarks) from `wheel`, or from a
    wheel pip downloads. Returns the folder. Raises WordBenchmarksMissing if pip or the wheel fails."""
    folder = folder or benchmark_dir()
    if not missing_files(folder):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as download_dir:
        wheel = wheel or _download_wheel(Path(download_dir))
        try:
            with zipfile.ZipFile(wheel) as archive:
                for name in FILES:
                    # Written beside, then renamed: an interrupted fetch never leaves half a file.
                    write_atomically(folder / name, lambda partial, name=name: _extract(archive, name, partial))
        except (KeyError, zipfile.BadZipFile) as error:
            raise WordBenchmarksMissing(f"The file {wheel} is not a gensim wheel with the benchmark files ({error}).")
    return folder


def _extract(archive: zipfile.ZipFile, name: str, target: Path) -> None:
    with archive.open(WHEEL_FOLDER + name) as source, open(target, "wb") as output:
        shutil.copyfileobj(source, output)


def _download_wheel(download_dir: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", GENSIM_WHEEL, "--no-deps", "--only-binary=:all:",
               "--quiet", "--dest", str(download_dir)]
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(download_dir.glob("gensim-*.whl"))
    if done.returncode != 0 or not wheels:
        last_line = (done.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
        raise WordBenchmarksMissing(
            f"Could not download {GENSIM_WHEEL} to fetch the word benchmarks ({last_line}). "
            f"Check the connection to PyPI and run `{FETCH_COMMAND}` again."
        )
    return wheels[0]
