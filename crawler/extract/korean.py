"""Korean news text conventions applied to body blocks.

From the walked blocks this layer takes out, in order: the ``[AI요약]`` summary, a wire
dateline (``[서울=뉴시스] 홍길동 기자 =``), photo captions with their credits
(``(이미지=메타)``, ``[사진=…]``, ``… 제공``), byline lines (``류정민 기자``, an email
on its own line), boilerplate (copyright, ``기자의 다른 기사보기``, ▶/☞ link lists,
``※ 이 기사는 …``, share labels) and broadcast speaker markers. What remains is the body.
These rules read text, not class names, so they hold on themes nobody here has seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.extract.blocks import Block
from crawler.items import Image, RelatedLink
from crawler.normalize.boilerplate import classify_line, is_copyright_line, strip_broadcast_marker
from crawler.normalize.captions import is_caption_line, split_credit
from crawler.normalize.people import (
    EMAIL,
    Byline,
    find_emails,
    is_byline_line,
    parse_byline,
    split_tail_byline,
    strip_dateline,
)
from crawler.normalize.summary import split_summary_marker
from crawler.normalize.text import clean_line, squash

import re

_AUTHOR_HEADING = re.compile(
    r"^\s*(?:about\s+the\s+(?:author|writer|reporter)s?|meet\s+the\s+author|author\s+bio|"
    r"(?:기자|필자|저자|글쓴이|작성자)\s*소개|이\s*기자의\s*다른\s*기사)\s*:?\s*$",
    re.I,
)
_RELATED_PREFIX = re.compile(r"^\s*[▶☞►▷➤]?\s*(?:[\[【(<]\s*관련\s*기사\s*[\]】)>]\s*|관련\s*기사\s*[:：]?\s*)?")


@dataclass(slots=True)
class CleanBody:
    """The body split into what it is made of."""

    paragraphs: list[str] = field(default_factory=list)
    summary: str | None = None
    bylines: list[Byline] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


def _take_summary(blocks: list[Block], out: CleanBody) -> list[Block]:
    for i, block in enumerate(blocks[:8]):
        if block.kind == "image":
            continue
        is_marker, rest = split_summary_marker(block.text)
        if not is_marker:
            continue
        if rest:
            out.summary = rest
            return blocks[:i] + blocks[i + 1:]
        following = [j for j in range(i + 1, min(i + 4, len(blocks))) if blocks[j].kind != "image"]
        if following:
            j = following[0]
            # A bullet summary is several short items in a row.
            items = [j]
            while items[-1] + 1 < len(blocks) and blocks[items[-1] + 1].kind == "item" and blocks[j].kind == "item":
                items.append(items[-1] + 1)
            out.summary = "\n".join(blocks[k].text for k in items)
            return [b for k, b in enumerate(blocks) if k != i and k not in items]
    return blocks


def _attach_caption(blocks: list[Block], i: int, out: CleanBody, image_index: dict[int, int]) -> bool:
    """Give caption text at ``blocks[i]`` to the image just before or after it."""
    for j in (i - 1, i + 1, i - 2):
        if 0 <= j < len(blocks) and blocks[j].kind == "image" and j in image_index:
            image = out.images[image_index[j]]
            if image.caption is None and image.credit is None:
                image.caption, image.credit = split_credit(blocks[i].text)
                return True
    return False


def clean_blocks(
    blocks: list[Block],
    *,
    same_site: Callable[[str], bool],
    title: str | None = None,
) -> CleanBody:
    """Split body blocks into paragraphs, summary, bylines, images and related links.

    Args:
        blocks: the walked body.
        same_site: tells whether a link points at this site (▶ links to the site's own
            articles become related links; other ▶ links are dropped).
        title: the headline; a body line repeating it is dropped.
    """
    out = CleanBody()
    blocks = _take_summary(blocks, out)
    image_index: dict[int, int] = {}
    for i, block in enumerate(blocks):
        if block.kind == "image" and block.image_url:
            caption, credit = split_credit(block.caption) if block.caption else (None, None)
            if not any(img.url == block.image_url for img in out.images):
                image_index[i] = len(out.images)
                out.images.append(Image(url=block.image_url, caption=caption, credit=credit))

    squashed_title = squash(title) if title else ""
    first_text = True
    after_copyright = False
    in_author_section = False
    tail_start = int(len(blocks) * 0.6)
    for i, block in enumerate(blocks):
        if block.kind == "image":
            continue
        text = block.text
        if block.kind == "heading" or block.bold:
            in_author_section = bool(_AUTHOR_HEADING.match(text))
        if in_author_section:
            out.dropped["author-section"] += 1
            continue
        if squashed_title and squash(text) == squashed_title:
            out.dropped["title"] += 1
            continue
        if after_copyright:
            out.dropped["after-copyright"] += 1
            continue
        if first_text:
            first_text = False
            stripped, people = strip_dateline(text)
            if stripped != text:
                out.bylines.extend(people)
                text = stripped
                if not text:
                    continue
        near_image = ((i >= 1 and blocks[i - 1].kind == "image") or (i + 1 < len(blocks) and blocks[i + 1].kind == "image")
                      or (i >= 2 and blocks[i - 2].kind == "image"))
        if is_caption_line(text, near_image=near_image) and (near_image or len(text) < 200) and not is_copyright_line(text):
            _attach_caption(blocks, i, out, image_index)
            out.dropped["caption"] += 1
            continue
        reason = classify_line(text, has_link=block.link_ratio > 0.5)
        if reason == "copyright":
            out.dropped[reason] += 1
            after_copyright = i >= tail_start
            continue
        if reason == "link-list":
            for href, anchor in block.links:
                link_title = _RELATED_PREFIX.sub("", anchor).strip() or None
                if same_site(href) and link_title and not any(r.url == href for r in out.related):
                    out.related.append(RelatedLink(url=href, title=link_title))
            out.dropped[reason] += 1
            continue
        if reason:
            out.dropped[reason] += 1
            continue
        if is_byline_line(text):
            people = parse_byline(text)
            if people:
                out.bylines.extend(people)
            else:
                # Emails printed on their own line belong, in order, to the reporters named before.
                for email in find_emails(text):
                    k = next((k for k, b in enumerate(out.bylines) if b.email is None), None)
                    if k is None:
                        out.bylines.append(Byline("", email, None))
                    else:
                        out.bylines[k] = Byline(out.bylines[k].name, email, out.bylines[k].role)
            out.dropped["byline"] += 1
            continue
        if i >= tail_start and block.link_ratio >= 0.9 and len(text) <= 100:
            out.dropped["link-tail"] += 1
            continue
        if i >= tail_start:
            text, people = split_tail_byline(text)
            out.bylines.extend(people)
        text = strip_broadcast_marker(text)
        if not text:
            out.dropped["broadcast-marker"] += 1
            continue
        if out.paragraphs and out.paragraphs[-1] == text:
            continue
        out.paragraphs.append(clean_line(text))
    out.bylines = _merge_bylines(out.bylines)
    return out


def _merge_bylines(bylines: list[Byline]) -> list[Byline]:
    """Join email-only entries to the person before them; drop duplicates."""
    merged: list[Byline] = []
    for person in bylines:
        if not person.name:
            if merged and merged[-1].email is None:
                merged[-1] = Byline(merged[-1].name, person.email, merged[-1].role)
            continue
        existing = next((k for k, m in enumerate(merged) if m.name == person.name), None)
        if existing is None:
            merged.append(person)
        elif merged[existing].email is None and person.email:
            old = merged[existing]
            merged[existing] = Byline(old.name, person.email, old.role or person.role)
    return merged


def email_only(text: str) -> bool:
    """True for a line that is only an email address."""
    return bool(EMAIL.fullmatch(clean_line(text).strip("()<>[] ")))
