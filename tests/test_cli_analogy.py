"""`python -m embdash analogy A B C --model ID --top N`: the nearest words to A − B + C, one "word<TAB>score" line each."""

import subprocess
import sys

from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "embdash", "analogy", *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_king_minus_man_plus_woman_prints_queen_first():
    done = run("king", "man", "woman", "--model", "glove-6b-50d", "--top", "5")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 5
    words = [line.split("\t")[0] for line in lines]
    scores = [float(line.split("\t")[1]) for line in lines]
    assert words[0] == "queen" and scores == sorted(scores, reverse=True)


def test_defaults_are_glove_and_five_words():
    done = run("paris", "france", "italy")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("rome\t")
    assert len(done.stdout.splitlines()) == 5


def test_an_unknown_word_is_one_line_on_stderr():
    done = run("king", "qwzxv", "woman")
    assert done.returncode == 2
    assert "qwzxv" in done.stderr and "Traceback" not in done.stderr
