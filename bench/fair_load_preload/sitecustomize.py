"""An experiment of bench/bench_fair_load.py, not part of embdash: put this folder on the server's PYTHONPATH
(`--env PYTHONPATH=<checkout>:bench/fair_load_preload`) and the server reads the GloVe table when it starts, as a
long-running server would have before a hostile visitor came. Python imports `sitecustomize` at start-up."""

import sys

if "--server.headless" in sys.argv:  # the dashboard's server (tests.browser.conftest.running_server), nothing else
    try:
        from embdash.learn import words

        words._glove_table()
        words._plain_word_rows()
        sys.stderr.write("preloaded the GloVe table\n")
    except Exception as error:
        sys.stderr.write(f"preload failed: {error}\n")
