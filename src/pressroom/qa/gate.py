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

Every decision of a run is made here, on in-memory inputs (:func:`judge`,
:func:`decide`, :class:`PrintRunPlan`, :func:`judge_layout`); the functions that
read the catalogue and the layout data from disk (:func:`blockers`,
:func:`evaluate`, :func:`judge_languages`, :func:`layout_gate`) feed them, and the
CLI only shows their lines, builds, and ends the run with the plan's failure.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from pressroom.errors import PressroomError
from pressroom.messages.catalogs import plural_setup, read_catalog_readonly, untranslated
from pressroom.messages.check import (
    ERROR,
    WARNING,
    CatalogErrors,
    Finding,
    msgid_of,
    read_catalog_errors,
    untranslated_reason,
)
from pressroom.model.config import PSEUDO_LANGUAGES, Policy, Project, policy
from pressroom.qa.layout_qa import findings as layout_findings
from pressroom.qa.preflight import PreflightFailed

UNTRANSLATED, FUZZY, CHECK_ERROR = "untranslated", "fuzzy", "error"
GATE_LISTED = 40  # blockers listed per language; the rest are counted


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


def _broken_rules(rules: Policy, mine: list[Blocker]) -> list[str]:
    """One sentence per rule of a document's policy that its blockers break."""
    doc = rules.doc
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
    return broken


def judge(lang: str, found: list[Blocker], policies: Sequence[Policy]) -> Verdict:
    """Apply each document's policy to the blockers of ``lang`` (in memory)."""
    verdict = Verdict(lang, found)
    for rules in policies:
        broken = _broken_rules(rules, [b for b in found if rules.doc in b.docs])
        if broken:
            verdict.refusals += broken
            verdict.refused_docs.add(rules.doc)
    return verdict


def evaluate(project: Project, lang: str, docs: list[str]) -> Verdict:
    """Apply each document's policy to the catalogue of ``lang`` (read from disk)."""
    found = blockers(project, lang, docs)
    return judge(lang, found, [policy(project, doc) for doc in docs])


def count_strings(found: Iterable[Blocker]) -> int:
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


def _entry_blockers(message, used: frozenset[str], shown: str, count: int,
                    errors: CatalogErrors) -> list[Blocker]:
    """The blockers of one entry printed in ``used``: fuzzy, untranslated, or its
    check errors (from ``errors``)."""
    line = message.lineno or 0
    msgid = msgid_of(message)
    key = (message.context, msgid)
    preview = msgid if len(msgid) <= 50 else msgid[:47] + "…"
    if message.fuzzy:
        return [Blocker(shown, line, f"fuzzy: \"{preview}\"", FUZZY, used, key)]
    if untranslated(message, count):
        at, reason = untranslated_reason(message, count)
        return [Blocker(shown, at, f"{reason}: \"{preview}\"", UNTRANSLATED, used, key)]
    entry = errors.get(key)
    return [Blocker(shown, at, text, CHECK_ERROR, used, key)
            for at, text in (entry.errors if entry else ())]


def catalog_blockers(catalog: Iterable, shown: str, errors: CatalogErrors, docs: list[str],
                     documents: tuple[str, ...]) -> list[Blocker]:
    """The blockers of an in-memory catalogue (``shown``: its path, as blockers name
    it; ``errors``: its :func:`~pressroom.messages.check.catalog_errors`) for
    ``docs`` (of the project's ``documents``), in catalogue order."""
    _, count = plural_setup(catalog, shown)
    found = []
    for message in catalog:
        used = _docs_of(message, docs, documents) if message.id else frozenset()
        if used:
            found += _entry_blockers(message, used, shown, count, errors)
    return found


def blockers(project: Project, lang: str, docs: list[str]) -> list[Blocker]:
    """The blockers of ``lang``'s catalogue for ``docs``, read from disk; its check
    errors are those the lookup takes out (:func:`read_catalog_errors`, one pass)."""
    if lang == project.source_language:
        return []
    path = project.po_path(lang)
    shown = project.rel(path)
    if not path.exists():
        return [Blocker(shown, 0, "no catalogue (run `invoke update`)", CHECK_ERROR,
                        frozenset(docs))]
    errors = read_catalog_errors(project, lang)
    catalog = read_catalog_readonly(path, shown, lang, project.cache_dir)
    return catalog_blockers(catalog, shown, errors, docs, project.documents)


def release_languages(project: Project) -> set[str]:
    return set(project.release_languages)


# --------------------------------------------------------------------------- print policy
@dataclass(frozen=True)
class LanguageDecision:
    """What a run does about one language's blockers: the lines to show (stderr),
    and the documents it refuses with the sentence saying why."""

    lang: str
    lines: tuple[str, ...]
    refused_docs: frozenset[str] = frozenset()
    refusal: str | None = None  # "fr: brochure has …" when documents are refused


def _why_printed(profile: str, allow_incomplete: bool, released: bool,
                 failing: bool) -> str:
    """Why incomplete strings print (in English, or highlighted) rather than refuse."""
    return ("--allow-incomplete" if allow_incomplete else
            f"{profile} profile" if profile != "print" else
            "not released for print" if not released else
            "within each document's policy" if not failing else
            "within the policy of the documents built")


def _listed(verdict: Verdict, failing: bool) -> list[str]:
    """The blockers, those that refuse a document first, the others as warnings;
    at most GATE_LISTED, then a count of the rest."""
    refusing = [b for b in verdict.blockers if failing and b.docs & verdict.refused_docs]
    others = [b for b in verdict.blockers if b not in refusing]
    listed = [str(b) for b in refusing] + [f"warning: {b}" for b in others]
    if len(listed) > GATE_LISTED:
        return [*listed[:GATE_LISTED], f"… and {len(listed) - GATE_LISTED} more"]
    return listed


def decide(verdict: Verdict, profile: str, allow_incomplete: bool,
           released: bool) -> LanguageDecision:
    """The print policy for one language: a strict run (a print build of a released
    language without --allow-incomplete) refuses the documents whose policy its
    blockers break; otherwise, and for the documents built, a warning counts the
    strings that print in English (or highlighted, in a proof)."""
    if not verdict.blockers:
        return LanguageDecision(verdict.lang, ())
    strict = profile == "print" and released and not allow_incomplete
    failing = bool(strict and verdict.refusals)
    lines = _listed(verdict, failing)
    printed = [b for b in verdict.blockers  # in a document that is built
               if not failing or b.docs - verdict.refused_docs]
    if printed:
        why = _why_printed(profile, allow_incomplete, released, failing)
        fate = ("print highlighted: the fuzzy ones in orange, the others in English in magenta"
                if profile == "proof" else "will print in English")
        lines.append(f"warning: {verdict.lang}: {count_strings(printed)} string(s) incomplete "
                     f"or with errors {fate} ({why})")
    if not failing:
        return LanguageDecision(verdict.lang, tuple(lines))
    return LanguageDecision(verdict.lang, tuple(lines), frozenset(verdict.refused_docs),
                            f"{verdict.lang}: " + "; ".join(verdict.refusals))


def judge_languages(project: Project, langs: list[str], docs: list[str], profile: str,
                    allow_incomplete: bool) -> Iterator[LanguageDecision]:
    """:func:`decide` for each of ``langs``, its catalogue read from disk when its
    turn comes (so that a caller can show a language's lines before the next is read)."""
    released = release_languages(project)
    for lang in langs:
        yield decide(evaluate(project, lang, docs), profile, allow_incomplete,
                     lang in released)


LAYOUT_REFUSAL = (
    "print run refused: {} layout problem(s) (listed above; the PDFs were "
    "written so that you can look at them). Shorten the translations named, or change "
    "the layout; `layout = \"warning\"` in [tool.pressroom.policy.<doc>] lets them pass")


@dataclass(frozen=True)
class PrintRunPlan:
    """The gate's decision on a run of ``langs`` × ``docs``: what it refuses before
    building, what it checks after, and why it fails."""

    langs: list[str]
    docs: list[str]
    profile: str
    decisions: tuple[LanguageDecision, ...] = ()

    @property
    def refused(self) -> set[tuple[str, str]]:
        """The (document, language) pairs not built."""
        return {(doc, d.lang) for d in self.decisions for doc in d.refused_docs}

    def refused_in_order(self) -> list[tuple[str, str]]:
        refused = self.refused
        return [(doc, lang) for lang in self.langs for doc in self.docs
                if (doc, lang) in refused]

    def checks_layout(self, built_any: bool) -> bool:
        """Layout problems refuse a print run only: checked after a print build."""
        return self.profile == "print" and built_any

    def runs_preflight(self, asked: bool, built_any: bool, layout_errors: int) -> bool:
        """Preflight the PDFs built, but not proofs nor PDFs whose layout is refused."""
        return asked and self.profile != "proof" and built_any and not layout_errors

    def refusal(self, built_any: bool) -> str | None:
        """The sentence refusing the documents not built, or None."""
        if not self.refused:
            return None
        listed = ", ".join(f"{lang} {doc}" for doc, lang in self.refused_in_order())
        others = "; the other documents were built" if built_any else ""
        reasons = [d.refusal for d in self.decisions if d.refusal]
        return ("print run refused (strings listed above): " + " | ".join(reasons) +
                f". Not built: {listed}{others}. Finish the translation, or build "
                "with --allow-incomplete to print those strings in English")

    def failure(self, built_any: bool, layout_errors: int,
                problems: list) -> PressroomError | None:
        """The error that ends the run after building (refused documents, layout
        errors, preflight problems), or None when it passes."""
        messages = [m for m in (self.refusal(built_any),
                                LAYOUT_REFUSAL.format(layout_errors) if layout_errors else None)
                    if m]
        if problems and not messages:
            return PreflightFailed(problems)
        if problems:
            messages.append(str(PreflightFailed(problems)))
        return GateRefused(" | ".join(messages)) if messages else None


def judge_layout(findings: Iterable[Finding], released: set[str]) -> tuple[list[str], int]:
    """The lines to show (stderr) for layout findings, and how many are errors that
    refuse the run: an error in a language released for print; the others warn."""
    lines, errors = [], 0
    for finding in findings:
        if finding.level == ERROR and finding.lang in released:
            errors += 1
            lines.append(str(finding))
        else:
            lines.append(str(finding) if finding.level == WARNING else f"warning: {finding}")
    return lines, errors


def layout_gate(project: Project, results: Sequence, documents: dict | None
                ) -> Iterator[tuple[list[str], int]]:
    """:func:`judge_layout` on the layout findings (pressroom.qa.layout_qa) of the
    PDFs just built, one language at a time: text that does not fit its frame, a
    heading alone at the foot of a page, a document over its page limit."""
    released = release_languages(project)
    for lang in dict.fromkeys(r.lang for r in results):
        mine = [r.doc for r in results if r.lang == lang]
        yield judge_layout(layout_findings(project, [lang], mine, documents), released)


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
