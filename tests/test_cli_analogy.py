"""`embdash analogy A B C --model ID --top N` (in-process through embdash.cli.main): the nearest words to
A − B + C, one "word<TAB>score" line each."""


def test_king_minus_man_plus_woman_prints_queen_first(run_cli):
    code, out, err = run_cli("analogy", "king", "man", "woman", "--model", "glove-6b-50d", "--top", "5")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 5
    words = [line.split("\t")[0] for line in lines]
    scores = [float(line.split("\t")[1]) for line in lines]
    assert words[0] == "queen" and scores == sorted(scores, reverse=True)


def test_defaults_are_glove_and_five_words(run_cli):
    code, out, err = run_cli("analogy", "paris", "france", "italy")
    assert code == 0, err
    assert out.splitlines()[0].startswith("rome\t")
    assert len(out.splitlines()) == 5


def test_an_unknown_word_is_one_line_on_stderr(run_cli):
    code, _, err = run_cli("analogy", "king", "qwzxv", "woman")
    assert code == 2
    assert "qwzxv" in err and "Traceback" not in err
