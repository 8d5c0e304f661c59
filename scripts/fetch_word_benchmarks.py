"""Fetch the word benchmarks (Google analogies, WordSim-353, SimLex-999) into <data dir>/word_benchmarks/.

    python scripts/fetch_word_benchmarks.py [--wheel PATH_TO_GENSIM_WHEEL]

Done once, by scripts/install.sh; does nothing if the files are already there.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from embdash.errors import EmbdashError  # noqa: E402
from embdash.learn import word_benchmarks  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="a gensim wheel already downloaded (skips pip download)")
    args = parser.parse_args()
    try:
        folder = word_benchmarks.fetch(wheel=args.wheel)
    except EmbdashError as error:
        print(f"embdash: {error}", file=sys.stderr)
        return 1
    print(f"Word benchmarks in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
