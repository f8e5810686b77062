"""The print-run gate: a print build of a language refuses an incomplete catalogue.

Untranslated or fuzzy messages used by the documents being built, and every
``check`` error in them, are listed as ``file:line: reason``. ``--allow-incomplete``
builds anyway (those strings print in English); the screen profile only warns.
Languages that are not yet released for print (``release_languages`` in
``[tool.pressroom]``, default: every configured language) always only warn, so a
language added with ``invoke init-lang`` builds in English until translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogs import read_catalog_readonly
from .check import ERROR, check_message, load_glossary
from .config import Project
from .errors import PressroomError


@dataclass(frozen=True)
class Blocker:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def _used_by(message, docs: list[str]) -> bool:
    wanted = {f"content/{doc}.yaml" for doc in docs}
    return any(name in wanted or name.startswith("layouts/") for name, _ in message.locations)


def blockers(project: Project, lang: str, docs: list[str]) -> list[Blocker]:
    if lang == project.source_language:
        return []
    path = project.po_path(lang)
    shown = project.rel(path)
    if not path.exists():
        return [Blocker(shown, 0, "no catalogue (run `invoke update`)")]
    glossary = load_glossary(project.locales_dir / "glossary.csv")
    found = []
    for message in read_catalog_readonly(path, shown, lang):
        if not message.id or isinstance(message.id, tuple) or not _used_by(message, docs):
            continue
        line = message.lineno or 0
        preview = message.id if len(message.id) <= 50 else message.id[:47] + "…"
        if message.fuzzy:
            found.append(Blocker(shown, line, f"fuzzy: \"{preview}\""))
        elif not message.string:
            found.append(Blocker(shown, line, f"untranslated: \"{preview}\""))
        else:
            for level, text in check_message(message.id, message.string, set(message.flags),
                                             lang, glossary):
                if level == ERROR:
                    found.append(Blocker(shown, line, text))
    return found


def release_languages(project: Project) -> set[str]:
    return set(project.options.get("release_languages", project.languages))


class GateRefused(PressroomError):
    pass
