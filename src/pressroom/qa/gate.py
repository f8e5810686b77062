"""The print-run gate: a print build of a language refuses an incomplete catalogue.

Untranslated or fuzzy messages used by the documents being built, and every
``check`` error in them, are listed as ``file:line: reason``. Each document has a
policy (:class:`Policy`, from ``[tool.pressroom.policy]`` and
``[tool.pressroom.policy.<doc>]``): how many of its strings may print in English
because they are untranslated or fuzzy (default: none), its page limit, and
whether layout problems (``check --layout``) refuse the run. A check error always
refuses. Each document is judged on its own: a print run builds those within
their policy and refuses the others by name. ``--allow-incomplete`` builds anyway
(those strings print in English, and so does every translation ``check``
rejects: see :func:`pressroom.messages.check.without_rejected`); the screen and proof
profiles only warn. Languages that are not yet released for print
(``release_languages`` in ``[tool.pressroom]``, default: every configured
language) always only warn, so a language added with ``invoke init-lang`` builds
in English until translated. :func:`print_run` is what a print manifest records
of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pressroom.errors import PressroomError
from pressroom.messages.catalogs import plural_setup, read_catalog_readonly, untranslated
from pressroom.messages.check import (
    ERROR,
    entry_findings,
    load_glossary,
    qa_flags,
    template_flags,
    untranslated_reason,
)
from pressroom.model.config import PSEUDO_LANGUAGES, Project, policy

UNTRANSLATED, FUZZY, CHECK_ERROR = "untranslated", "fuzzy", "error"


@dataclass(frozen=True)
class Blocker:
    path: str
    line: int
    reason: str
    kind: str = CHECK_ERROR
    docs: frozenset[str] = frozenset()
    key: tuple[str | None, str] | None = None  # (msgctxt, msgid); None: the whole catalogue

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class Verdict:
    """The gate's view of one language: what is incomplete, and which rules refuse."""

    lang: str
    blockers: list[Blocker] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # one sentence per broken rule
    refused_docs: set[str] = field(default_factory=set)


def evaluate(project: Project, lang: str, docs: list[str]) -> Verdict:
    """Apply each document's policy to the catalogue of ``lang``."""
    found = blockers(project, lang, docs)
    verdict = Verdict(lang, found)
    for doc in docs:
        rules = policy(project, doc)
        mine = [b for b in found if doc in b.docs]
        counts = {kind: count_strings(b for b in mine if b.kind == kind)
                  for kind in (UNTRANSLATED, FUZZY, CHECK_ERROR)}
        broken = []
        if counts[CHECK_ERROR]:
            broken.append(f"{doc} has {counts[CHECK_ERROR]} string(s) with errors, which "
                          "always refuse a print run")
        for kind, limit in ((UNTRANSLATED, rules.max_untranslated), (FUZZY, rules.max_fuzzy)):
            if counts[kind] > limit:
                broken.append(f"{doc} has {counts[kind]} {kind} string(s) and its policy allows "
                              f"{limit} (max_{kind} in {rules.table()})")
        if broken:
            verdict.refusals += broken
            verdict.refused_docs.add(doc)
    return verdict


def count_strings(found) -> int:
    """How many strings (distinct messages) ``found`` blockers are about: a string
    with three check errors is one string."""
    return len({(b.path, b.key if b.key is not None else b.line) for b in found})


def _docs_of(message, docs: list[str], documents: tuple[str, ...]) -> frozenset[str]:
    """The documents (of ``docs``) that print ``message``: its content file, its
    document's own template folder, or every document for the shared layouts."""
    used = set()
    for name, _ in message.locations:
        if name.startswith("layouts/"):
            folder = name.split("/")[1] if name.count("/") >= 2 else None
            used |= ({folder} if folder in documents else set(docs)) & set(docs)
        elif name.startswith("content/") and name.endswith(".yaml"):
            used |= {name[len("content/"):-len(".yaml")]} & set(docs)
    return frozenset(used)


def blockers(project: Project, lang: str, docs: list[str]) -> list[Blocker]:
    if lang == project.source_language:
        return []
    path = project.po_path(lang)
    shown = project.rel(path)
    if not path.exists():
        return [Blocker(shown, 0, "no catalogue (run `invoke update`)", CHECK_ERROR,
                        frozenset(docs))]
    glossary = load_glossary(project.locales_dir / "glossary.csv")
    from_template = template_flags(project)
    found = []
    catalog = read_catalog_readonly(path, shown, lang)
    rule, count = plural_setup(catalog, shown)
    for message in catalog:
        used = _docs_of(message, docs, project.documents) if message.id else frozenset()
        if not used:
            continue
        line = message.lineno or 0
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        key = (message.context, msgid)
        preview = msgid if len(msgid) <= 50 else msgid[:47] + "…"
        if message.fuzzy:
            found.append(Blocker(shown, line, f"fuzzy: \"{preview}\"", FUZZY, used, key))
        elif untranslated(message, count):
            at, reason = untranslated_reason(message, count)
            found.append(Blocker(shown, at, f"{reason}: \"{preview}\"", UNTRANSLATED, used,
                                 key))
        else:
            for at, level, text in entry_findings(message, qa_flags(message, from_template),
                                                  lang, glossary, rule):
                if level == ERROR:
                    found.append(Blocker(shown, at, text, CHECK_ERROR, used, key))
    return found


def release_languages(project: Project) -> set[str]:
    return set(project.release_languages)


class GateRefused(PressroomError):
    pass


# --------------------------------------------------------------------------- the record
def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fallbacks(project: Project, doc: str, lang: str, profile: str = "print") -> list[dict]:
    """The strings the last build of ``doc`` in ``lang`` printed in English instead of
    a translation, from its layout data (the strings it printed) and the catalogue:
    each with its context, its English (short form), its message key (as in the
    layout data and screenshots), its catalogue line and why (untranslated, fuzzy,
    check error: …, or not in the catalogue), in catalogue order."""
    if lang == project.source_language or lang in PSEUDO_LANGUAGES:
        return []
    from pressroom.messages.catalogs import load_translations
    from pressroom.messages.check import without_rejected
    from pressroom.qa.layout_qa import load_layout

    data = load_layout(project, lang, doc, profile) or {}
    tx = without_rejected(project, load_translations(project, lang))
    out = []
    for key, (context, msgid) in (data.get("strings") or {}).items():
        message = (context, msgid)
        if tx.table.get(message):
            continue
        if message in tx.rejected:
            why = "check error: " + "; ".join(tx.rejected[message])
        elif message in tx.fuzzy:
            why = FUZZY
        elif message in tx.lines:
            why = UNTRANSLATED
        else:
            why = "not in the catalogue (run `invoke extract update`)"
        line = tx.lines.get(message)
        out.append({"msgctxt": context, "msgid": _short(msgid), "key": key,
                    "line": f"{tx.path}:{line}" if line else None, "why": why})
    return sorted(out, key=lambda f: (f["line"] is None, int(f["line"].rsplit(":", 1)[1])
                                      if f["line"] else 0, f["msgid"]))


def print_run(project: Project, doc: str, lang: str, allow_incomplete: bool) -> dict:
    """What a print manifest records of the run: built with ``--allow-incomplete`` or
    not, whether what it printed is within the document's policy, and every string
    that fell back to English."""
    fell_back = fallbacks(project, doc, lang)
    rules = policy(project, doc)
    counts = {kind: sum(1 for f in fell_back if f["why"].startswith(kind) or
                        (kind == UNTRANSLATED and f["why"].startswith("not in")))
              for kind in (UNTRANSLATED, FUZZY, "check error")}
    within = (not counts["check error"] and counts[UNTRANSLATED] <= rules.max_untranslated
              and counts[FUZZY] <= rules.max_fuzzy)
    return {"allow_incomplete": bool(allow_incomplete), "within_policy": within,
            "fallbacks": fell_back}
