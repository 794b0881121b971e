"""Messages in two languages. A `Said` is the English text (so logs, tests and scripts that
want a str get the stable English) that also carries its Chinese; stderr shows the one the
user's `--lang` asks for."""

from __future__ import annotations

NOTE = {"zh": "提示：", "en": "note: "}
ERROR = {"zh": "npl：错误：", "en": "npl: error: "}


class Said(str):
    """English text with its Chinese in `.zh`."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Said:
        text = super().__new__(cls, en)
        text.zh = zh
        return text


def said(en: str, zh: str) -> Said:
    return Said(en, zh)


def in_lang(text: str, lang: str) -> str:
    """The text in `lang`: a Said's Chinese under zh, else the text itself."""
    if lang == "zh" and isinstance(text, Said):
        return text.zh
    return str(text)
