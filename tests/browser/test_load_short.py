"""A short load test CI can afford: eight concurrent browser sessions for ~20 s against one real server
(bench/bench_load.py runs the two-minute version). Every request is answered without an exception box,
and the cache is whole afterwards."""

import pytest

from bench.bench_load import cache_is_consistent, check_cache, run_load, server_errors
from tests.browser.conftest import running_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # ~100 s on a shared 2-core machine


def test_eight_sessions_are_all_answered_and_the_cache_stays_whole(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with running_server(data_dir) as url:
        # A cold server: all eight race to load the model, embed the corpus and build each map.
        result = run_load(url, sessions=8, seconds=20, warm=False, timeout_s=600)
    assert result["all"]["sent"] >= 8, result
    assert result["all"]["answered"] == result["all"]["sent"], result["unanswered"]
    assert result["all"]["exceptions"] == 0
    assert result["search"]["answered"] >= 8  # every session got at least one search through
    assert server_errors(data_dir) == []
    check = check_cache(data_dir)
    assert cache_is_consistent(check), check
