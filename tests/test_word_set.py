"""WordSet answers what testing each word would: on random word lists and texts, and on the lists it groups."""

from __future__ import annotations

import random

from backend_lint.analysis.app_conventions import _AMBIENT_WORDS, _INBOUND_AUTH_WORDS
from backend_lint.analysis.word_lines import WordSet


def test_the_answer_is_the_plain_test_on_random_words_and_texts() -> None:
    rng = random.Random(7)
    for _trial in range(400):
        words = ["".join(rng.choice("abcde_.") for _ in range(rng.randint(1, 7))) for _ in range(rng.randint(1, 30))]
        found = WordSet(words, size=rng.randint(2, 5))
        for _text in range(20):
            text = "".join(rng.choice("abcde_. ") for _ in range(rng.randint(0, 60)))
            assert found.any_in(text) == any(word in text for word in words), (words, text)


def test_every_listed_word_is_found_alone_and_groups_are_fewer() -> None:
    for words in (_INBOUND_AUTH_WORDS, _AMBIENT_WORDS):
        found = WordSet(words)
        assert len(found.groups) < len(words)
        assert all(found.any_in(f"x {word} y") for word in words)
        assert not found.any_in("nothing to see here")
