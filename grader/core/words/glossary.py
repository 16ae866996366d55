"""The course's glossary: one Korean word per English term, and the variants that are wrong.

The language table (:mod:`grader.core.words.ko`), each week's check titles and hints and the
source notebooks use the word (``tests/test_glossary.py`` checks it). Picked from what the
texts used most; a term the texts use only one way needs no entry until a variant appears.
"""
from __future__ import annotations

# English term -> (the Korean word, the variants that must not appear)
GLOSSARY: dict[str, tuple[str, tuple[str, ...]]] = {
    "label": ("라벨", ("레이블",)),
    "epoch": ("에포크", ("에폭",)),
    "pixel": ("픽셀", ("화소",)),
    "overflow": ("오버플로", ("넘침",)),
    "expected": ("기댓값", ("기대값",)),
    "received": ("받은 값", ("받은값",)),
    "reference": ("참조 구현", ("모범 답안", "기준 답", "참고 답안", "참조 답안")),
    "grader": ("채점기", ("채점 도구",)),
    "hidden checks": ("숨은 검사", ("숨겨진 검사", "숨긴 검사")),
    "public checks": ("공개 검사", ("공개된 검사",)),
    "test cell": ("테스트 셀", ("시험 셀",)),
    "overfitting": ("과대적합", ("과적합",)),
    "hidden layer": ("은닉층", ("히든 레이어", "숨은 층")),
    "bias": ("편향", ("바이어스",)),
    "weight": ("가중치", ("웨이트",)),
    "gradient": ("기울기", ("그래디언트", "그라디언트")),
    "learning rate": ("학습률", ("러닝 레이트", "학습 속도")),
    "training data": ("훈련 데이터", ("학습 데이터",)),
    "element": ("원소", ("요소",)),
    "shape": ("모양", ("형상",)),
    "dtype": ("자료형", ("데이터 타입", "데이터형")),
    "demo": ("시연", ("데모",)),
    "exception": ("예외", ("익셉션",)),
}


def wrong_variants(text: str) -> list[tuple[str, str, str]]:
    """``(variant, English term, the right word)`` for each wrong variant ``text`` uses."""
    return [(variant, term, word) for term, (word, variants) in GLOSSARY.items()
            for variant in variants if variant in text]
