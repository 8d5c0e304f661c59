"""Every hostile input through the library and the CLI: a clear one-line message or the right texts."""

import re

import pytest

from embdash.cli import main
from embdash.dataio.corpus import load_corpus
from embdash.errors import CorpusError
from tests.hostile_inputs import ALL_CASES, FOLDER, OVER_LIMIT, SMALL_CASES, HostileCase

LIMIT_BYTES = {OVER_LIMIT.name: 1024}


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: case.write(folder) for case in ALL_CASES if case.big}


def path_of(case: HostileCase, big_files):
    return big_files[case.name] if case.big else case.path()


def test_the_fixture_folder_holds_every_small_case_as_written():
    assert len(ALL_CASES) >= 20
    for case in SMALL_CASES:
        assert case.path().read_bytes() == case.content(), f"{case.filename} is stale: run python -m tests.hostile_inputs"
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(case.filename for case in SMALL_CASES)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_library(case, big_files):
    path = path_of(case, big_files)
    max_bytes = LIMIT_BYTES.get(case.name, 200 * 1024 * 1024)
    if case.error:
        with pytest.raises(CorpusError) as raised:
            load_corpus(path, max_bytes=max_bytes)
        message = str(raised.value)
        assert re.search(case.error, message), message
        assert_plain(message)
    else:
        corpus = load_corpus(path, max_bytes=max_bytes)
        assert case.check(corpus.texts)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_cli(case, big_files, capsys):
    argv = ["inspect", str(path_of(case, big_files))]
    if case.name in LIMIT_BYTES:
        argv += ["--max-mb", str(LIMIT_BYTES[case.name] / 1024**2)]
    code = main(argv)
    out, err = capsys.readouterr()
    if case.error:
        assert code == 2
        assert err.startswith("embdash: ") and err.count("\n") == 1, err
        assert re.search(case.error, err), err
        assert "Traceback" not in err
    else:
        assert code == 0, err
        assert re.search(r"^[\d,]+ documents", out, re.MULTILINE), out


def assert_plain(message: str) -> None:
    assert message[0].isupper() and message.endswith(".")
    assert "Traceback" not in message and "\n" not in message
    assert len(message) < 400
