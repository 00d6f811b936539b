"""Summary blocks printed at the top of Korean articles: ``[AI요약]``, ``[3줄 요약]``."""

from __future__ import annotations

import re

from crawler.normalize.text import clean_line

_MARKER = re.compile(
    r"^\s*(?:[\[【<〈(]\s*)?(?:AI\s*요약|요약|\d\s*줄\s*요약|핵심\s*요약|한\s*줄\s*요약|기사\s*요약|AI\s*summary|summary|TL;?DR)"
    r"\s*(?:[\]】>〉)]\s*)?[:：]?\s*",
    re.I,
)


def split_summary_marker(text: str) -> tuple[bool, str]:
    """(True, rest) when ``text`` starts with a summary marker such as ``[AI요약]``.

    ``rest`` is the summary text after the marker (empty when the marker stands alone
    as a heading and the summary follows in the next paragraph).
    """
    text = clean_line(text)
    m = _MARKER.match(text)
    if not m:
        return False, text
    bracketed = text[: m.end()].strip().startswith(("[", "【", "<", "〈", "(")) or "AI" in text[: m.end()].upper()
    rest = text[m.end():].strip()
    # Unbracketed "요약" must stand alone or be followed by a colon to count as a marker.
    if not bracketed and rest and ":" not in text[: m.end()] and "：" not in text[: m.end()]:
        return False, text
    return True, rest
