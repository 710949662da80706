"""Keys: the same for both Kazakh scripts, Russian word forms, case and diacritics."""

from __future__ import annotations

from search import text


def test_kazakh_cyrillic_and_latin_share_exact_keys() -> None:
    assert text.exact_keys("Қазақ әдебиеті") == text.exact_keys("qazaq ädebietı") == ["qazaq", "adebieti"]


def test_russian_word_forms_share_stem_keys() -> None:
    assert text.stem_key("библиотеки") == text.stem_key("библиотека") == text.stem_key("Библиотекой")
    assert text.stem_key("Ёлка") == text.stem_key("елки")


def test_folding_drops_case_and_diacritics() -> None:
    assert text.exact_key("ÉCOLE") == text.exact_key("ecole")
    assert text.exact_key("İstanbul") == text.exact_key("istanbul")


def test_english_stemming() -> None:
    assert text.stem_key("Libraries") == text.stem_key("library")


def test_punctuation_is_not_a_word() -> None:
    assert text.exact_keys("— «Абай», 1947!") == ["abai", "1947"]


def test_isbn_forms_cover_both_lengths() -> None:
    assert text.isbn_forms("5-02-013850-9") == ["5020138509", "9785020138506"]
    assert text.isbn_forms("978-5-02-013850-6") == ["9785020138506", "5020138509"]
    assert text.isbn_forms("0-8044-2957-X") == ["080442957X", "9780804429573"]
    assert text.isbn_forms("---") == []


def test_sort_key_ignores_script_and_punctuation() -> None:
    assert text.sort_key("«Абай жолы»") == text.sort_key("Abai joly")
