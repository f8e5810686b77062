"""The print policy decided by the gate (issue 14), on in-memory inputs: which
documents a run refuses per language and why, what it warns about, and how the
run ends. No PDF is built (the CLI's text is pinned end to end in test_cli.py,
test_fallbacks.py and test_translator.py)."""

from __future__ import annotations

from pressroom.messages import check
from pressroom.messages.check import ERROR, WARNING, Finding
from pressroom.messages.pofile import PoCatalog
from pressroom.model.config import Policy
from pressroom.qa import gate
from pressroom.qa.gate import CHECK_ERROR, FUZZY, UNTRANSLATED, Blocker, Verdict
from pressroom.qa.preflight import PreflightFailed

PO = "locales/fr/LC_MESSAGES/messages.po"
BOTH = frozenset({"brochure", "report"})


def blocker(line: int, kind: str, docs=BOTH, reason: str | None = None) -> Blocker:
    return Blocker(PO, line, reason or f"{kind}: \"string {line}\"", kind, frozenset(docs),
                   (None, f"string {line}"))


def policies(**limits) -> list[Policy]:
    return [Policy("brochure", **limits), Policy("report", **limits)]


# --------------------------------------------------------------------------- judge
def test_each_document_is_judged_by_its_own_policy():
    found = [blocker(3, UNTRANSLATED, {"brochure"}), blocker(5, UNTRANSLATED, {"report"}),
             blocker(7, UNTRANSLATED, {"report"})]
    verdict = gate.judge("fr", found, [Policy("brochure", max_untranslated=1),
                                       Policy("report", max_untranslated=1)])
    assert verdict.refused_docs == {"report"}
    assert verdict.refusals == [("report has 2 untranslated string(s) and its policy allows 1 "
                                "(max_untranslated in [tool.pressroom.policy.report])")]


def test_a_check_error_always_refuses_and_counts_strings_not_problems():
    found = [blocker(3, CHECK_ERROR, {"brochure"}, "msg one"),
             blocker(3, CHECK_ERROR, {"brochure"}, "msg two")]
    verdict = gate.judge("fr", found, [Policy("brochure", max_untranslated=99)])
    assert verdict.refusals == [("brochure has 1 string(s) with errors, which always refuse "
                                "a print run")]
    assert gate.count_strings(found) == 1


# --------------------------------------------------------------------------- decide
def verdict(*found: Blocker, **limits) -> Verdict:
    return gate.judge("fr", list(found), policies(**limits))


def test_a_strict_run_refuses_and_lists_the_refusing_strings_first():
    v = verdict(blocker(9, FUZZY, {"report"}), blocker(4, UNTRANSLATED, {"brochure"}),
                max_fuzzy=1)
    decision = gate.decide(v, "print", allow_incomplete=False, released=True)
    assert decision.refused_docs == {"brochure"}
    assert decision.refusal == ("fr: brochure has 1 untranslated string(s) and its policy "
                                "allows 0 (max_untranslated in [tool.pressroom.policy.brochure])")
    assert decision.lines == (
        f'{PO}:4: untranslated: "string 4"',
        f'warning: {PO}:9: fuzzy: "string 9"',
        ("warning: fr: 1 string(s) incomplete or with errors will print in English "
        "(within the policy of the documents built)"))


def test_nothing_printed_in_english_no_warning_line():
    decision = gate.decide(verdict(blocker(4, UNTRANSLATED)), "print", False, True)
    assert decision.refused_docs == BOTH
    assert decision.lines == (f'{PO}:4: untranslated: "string 4"',)


def test_why_incomplete_strings_print():
    v = verdict(blocker(4, UNTRANSLATED))
    cases = {("print", True, True): "--allow-incomplete",
             ("screen", False, True): "screen profile",
             ("print", False, False): "not released for print"}
    for (profile, allow, released), why in cases.items():
        decision = gate.decide(v, profile, allow, released)
        assert decision.refusal is None and not decision.refused_docs
        assert decision.lines[-1].endswith(f"will print in English ({why})")
    within = gate.decide(verdict(blocker(4, UNTRANSLATED), max_untranslated=1), "print",
                         False, True)
    assert within.lines[-1].endswith("(within each document's policy)")
    proof = gate.decide(v, "proof", False, True)
    assert "print highlighted: the fuzzy ones in orange" in proof.lines[-1]


def test_a_language_without_blockers_says_nothing():
    decision = gate.decide(verdict(), "print", False, True)
    assert decision.lines == () and decision.refusal is None


def test_the_listing_is_capped():
    many = [blocker(n, CHECK_ERROR, reason=f"error {n}") for n in range(1, gate.GATE_LISTED + 6)]
    decision = gate.decide(verdict(*many), "print", False, True)
    assert len(decision.lines) == gate.GATE_LISTED + 1
    assert decision.lines[-1] == "… and 5 more"


# --------------------------------------------------------------------------- the plan
def plan(*decisions: gate.LanguageDecision, profile: str = "print") -> gate.PrintRunPlan:
    return gate.PrintRunPlan(["fr", "es"], ["brochure", "report"], profile, decisions)


def test_the_plan_refuses_pairs_in_language_then_document_order():
    es = gate.LanguageDecision("es", (), frozenset({"report", "brochure"}), "es: two")
    fr = gate.LanguageDecision("fr", (), frozenset({"report"}), "fr: one")
    run = plan(es, fr)
    assert run.refused == {("report", "fr"), ("brochure", "es"), ("report", "es")}
    assert run.refused_in_order() == [("report", "fr"), ("brochure", "es"), ("report", "es")]
    assert run.refusal(built_any=True) == (
        "print run refused (strings listed above): es: two | fr: one. Not built: fr report, "
        "es brochure, es report; the other documents were built. Finish the translation, or "
        "build with --allow-incomplete to print those strings in English")
    assert "the other documents were built" not in run.refusal(built_any=False)


def test_how_the_run_ends():
    clean = plan(gate.LanguageDecision("fr", ("warning: …",)))
    assert clean.refusal(True) is None
    assert clean.failure(True, 0, []) is None
    only_preflight = clean.failure(True, 0, ["a problem"])
    assert isinstance(only_preflight, PreflightFailed)
    layout = clean.failure(True, 2, ["a problem"])
    assert isinstance(layout, gate.GateRefused)
    assert str(layout).startswith("print run refused: 2 layout problem(s)")
    assert str(layout).endswith(" | preflight failed: 1 problem(s)")
    refused = plan(gate.LanguageDecision("fr", (), frozenset({"report"}), "fr: one"))
    assert str(refused.failure(False, 0, [])).startswith("print run refused (strings listed")


def test_what_runs_after_the_build():
    assert plan().checks_layout(built_any=True)
    assert not plan(profile="screen").checks_layout(built_any=True)
    assert not plan().checks_layout(built_any=False)
    assert plan().runs_preflight(asked=True, built_any=True, layout_errors=0)
    assert not plan().runs_preflight(asked=True, built_any=True, layout_errors=1)
    assert not plan(profile="proof").runs_preflight(asked=True, built_any=True, layout_errors=0)
    assert not plan().runs_preflight(asked=False, built_any=True, layout_errors=0)


def test_layout_errors_refuse_only_released_languages():
    findings = [Finding("a.po", 3, ERROR, "overflows", "fr"),
                Finding("b.po", 4, ERROR, "overflows", "ar"),
                Finding("a.po", 5, WARNING, "short line", "fr")]
    lines, errors = gate.judge_layout(findings, {"fr"})
    assert errors == 1
    assert lines == ["a.po:3: overflows", "warning: b.po:4: overflows",
                     "a.po:5: warning: short line"]


# --------------------------------------------------------------------------- blockers
def test_blockers_of_an_in_memory_catalogue():
    cat = PoCatalog(locale="fr")
    cat.add("Hello", "", locations=[("content/brochure.yaml", 3)], lineno=10)
    cat.add("Bye", "Au revoir", locations=[("content/report.yaml", 4)], lineno=12,
            flags=("fuzzy",))
    cat.add("In 2019", "En 2018", locations=[("layouts/base.html", 5)], lineno=14)
    cat.add("Unused", "", locations=[("content/annex.yaml", 6)], lineno=16)
    errors = check.catalog_errors(cat, PO, "fr", None)
    found = gate.catalog_blockers(cat, PO, errors, ["brochure", "report"],
                                  ("brochure", "report", "annex"))
    assert [(str(b), b.kind, sorted(b.docs)) for b in found] == [
        (f'{PO}:10: untranslated: "Hello"', UNTRANSLATED, ["brochure"]),
        (f'{PO}:12: fuzzy: "Bye"', FUZZY, ["report"]),
        (f"{PO}:14: number 2019 of the English is missing in the translation", CHECK_ERROR,
         ["brochure", "report"])]


def test_the_gate_and_the_lookup_check_a_catalogue_once(tmp_path, monkeypatch):
    """gate.blockers and check.rejected (which takes translations out of the
    lookup) share one pass of the checks over a catalogue, kept while it and the
    template are unchanged."""
    from conftest import make_project, translated_project
    from fixture_translations import FR, fill

    project = translated_project(make_project(tmp_path / "proj"), {"fr": FR})
    msgid = "Every year at least **330,000 children** are detained.[^global-study]"
    fill(project.po_path("fr"), {msgid: "Chaque année, 340 000 enfants sont détenus."
                                        "[^global-study]"})
    calls = []
    real = check.entry_findings
    monkeypatch.setattr(check, "entry_findings", lambda *a: calls.append(a) or real(*a))
    found = [b for b in gate.blockers(project, "fr", ["brochure"]) if b.kind == CHECK_ERROR]
    checked = len(calls)
    assert checked
    assert check.rejected(project, "fr") == {(None, msgid): [b.reason for b in found]}
    assert [b.reason for b in found] == [
        "bold (**…**) differs from the English: check that every marker is closed",
        "number 330000 of the English is missing in the translation"]
    assert len(calls) == checked  # rejected() did not check again
    fill(project.po_path("fr"), {msgid: FR[msgid]})
    assert check.rejected(project, "fr") == {}  # an edited catalogue is checked again
