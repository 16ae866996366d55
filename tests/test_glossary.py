"""The glossary (grader/core/words/glossary.py): one Korean word per English term. The language
table, every check title and hint, and the source notebooks (markdown and code comments) use it."""
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from grader.core.engine import available_specs, run_specs
from grader.core.words import ko, label
from grader.core.words.glossary import GLOSSARY, wrong_variants

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "source").rglob("*.ipynb"))


def _table_texts():
    for name, value in vars(ko).items():
        if name.isupper():
            for item in (value.values() if isinstance(value, dict) else [value]):
                yield name, label(item) if isinstance(item, tuple) else item


def _comments(source: str) -> list[str]:
    """The comments of a code cell (a cell that does not parse as Python: every line)."""
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.splitlines()


def _notebook_texts(path: Path):
    for number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
        source = "".join(cell["source"])
        for text in ([source] if cell["cell_type"] == "markdown" else _comments(source)):
            yield f"{path.name} cell {number}", text


def _wrong(texts) -> list[str]:
    return [f"{where}: {variant!r} for {term!r}, say {word!r}" for where, text in texts
            for variant, term, word in wrong_variants(text)]


def test_the_language_table_uses_the_glossary():
    assert not _wrong(_table_texts()), "\n".join(_wrong(_table_texts()))


@pytest.mark.parametrize("scope", ["public", "hidden"])
@pytest.mark.parametrize("spec", available_specs())
def test_check_titles_and_hints_use_the_glossary(spec, scope):
    texts = [(f"{c.target}/{c.name} {field}", getattr(c, field) or "")
             for c in run_specs(spec, {}, scope=scope, collect_only=True) for field in ("description", "hint")]
    assert texts
    wrong = _wrong(texts)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_source_notebooks_use_the_glossary(notebook):
    texts = list(_notebook_texts(notebook))
    assert texts
    wrong = _wrong(texts)
    assert not wrong, "\n".join(wrong)


def test_the_glossary_is_one_word_per_term():
    words = [word for word, _ in GLOSSARY.values()]
    variants = [v for _, vs in GLOSSARY.values() for v in vs]
    assert not set(words) & set(variants), "a glossary word is also listed as wrong"
    for term, (word, _) in GLOSSARY.items():
        assert re.fullmatch(r"[a-z][a-z ]*", term) and re.search("[\uac00-\ud7a3]", word), (term, word)


def test_the_check_finds_a_wrong_variant():
    assert wrong_variants("레이블 (label) 이 모두 0 이면") == [("레이블", "label", "라벨")]
    assert not wrong_variants("라벨 (label) 이 모두 0 이면")
    assert _comments("x = 1  # 에폭마다\n'# 화소 in a string'\n") == ["# 에폭마다"]
