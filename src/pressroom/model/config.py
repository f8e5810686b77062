"""Project configuration: every path, and ``[tool.pressroom]`` from pyproject.toml.

:class:`Project` is the one place that knows where things are: the sources
(content, layouts, catalogues) and every artefact under ``build/`` (PDFs, build
records, layout data, manifests, previews, proofs, screenshots).

``[tool.pressroom]`` is read once, by :func:`load_project`, into typed, frozen
values (:class:`Settings`, one :class:`Policy` per document). Every key is
checked there: an unknown key, a value of the wrong type, a document or language
that is not configured is a :class:`ConfigError` that names the key
(``tool.pressroom.policy.brochure.max_pages``) at its line of pyproject.toml, so
a typo is never silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressroom.errors import ConfigError
from pressroom.text import formatting

# Reserved codes for pseudo-localisation (see pressroom.messages.pseudo); never configured.
PSEUDO_LANGUAGES = ("qps", "qps-plocm")  # accented and longer; the same, right to left
PYPROJECT = "pyproject.toml"  # as shown in messages: relative to the project root
TABLE = ("tool", "pressroom")
_TOML_POSITION = re.compile(r" \(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Policy:
    """What a print run of one document accepts (``[tool.pressroom.policy.<doc>]``)."""

    doc: str
    max_untranslated: int = 0
    max_fuzzy: int = 0
    max_pages: int | None = None
    layout: str = "error"  # or "warning": layout problems only warn

    def table(self) -> str:
        return f"[tool.pressroom.policy.{self.doc}]"


@dataclass(frozen=True)
class Settings:
    """What ``[tool.pressroom]`` says beyond the languages and documents (which are
    :class:`Project`'s own fields). Defaults are those of an empty table."""

    release_languages: tuple[str, ...] | None = None  # None: every configured language
    cmyk_profile: str | None = None  # None: pressroom.render.printmarks' default
    crop_marks: bool = True
    bleed_mm: float = 3.0
    max_page_difference: int = 0
    page_multiples: tuple[tuple[str, int], ...] = ()  # (document, multiple)
    policies: tuple[Policy, ...] = ()  # one per configured document
    # (language, Pyphen dictionary): the hyphenation patterns a language is set with,
    # where they are not Pyphen's own choice for its code (en: en_GB's)
    hyphenation: tuple[tuple[str, str], ...] = ()

    def page_multiple(self, doc: str) -> int:
        """The number ``doc``'s page count must be a multiple of (1: any count)."""
        return dict(self.page_multiples).get(doc, 1)

    def policy(self, doc: str) -> Policy:
        """``doc``'s print-run policy: its own table over ``[tool.pressroom.policy]``."""
        for rules in self.policies:
            if rules.doc == doc:
                return rules
        return Policy(doc)


@dataclass(frozen=True)
class Project:
    root: Path
    source_language: str = "en"
    languages: tuple[str, ...] = ("en", "es", "fr")
    documents: tuple[str, ...] = ("brochure", "standards")
    name: str = "publications"
    # The raw [tool.pressroom] table, only for fingerprints and manifests (hashed as
    # it is written, so build records stay valid); settings are read from `settings`.
    options: dict = field(default_factory=dict, hash=False, compare=False)
    settings: Settings = field(default_factory=Settings)

    # ----------------------------------------------------------------- sources
    @property
    def pyproject_path(self) -> Path:
        """pyproject.toml: ``[tool.pressroom]``."""
        return self.root / PYPROJECT

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def pot_path(self) -> Path:
        return self.locales_dir / "messages.pot"

    def language_stylesheet(self, lang: str) -> Path | None:
        """The layouts' stylesheet for one language (``layouts/lang/<lang>.css``, or
        that of the language without its region): its script's fonts and type
        rules. None when the language needs nothing beyond the shared layouts."""
        for code in dict.fromkeys((lang, formatting.base_language(lang))):
            path = self.layouts_dir / "lang" / f"{code}.css"
            if path.is_file():
                return path
        return None

    def asset_files(self) -> list[Path]:
        """The files under content/ that are not content YAML: images, and their
        per-language variants (``map.fr.svg``), in a stable order."""
        return sorted(p for p in self.content_dir.rglob("*")
                      if p.is_file() and p.suffix not in (".yaml", ".yml"))

    def po_path(self, lang: str) -> Path:
        return self.locales_dir / lang / "LC_MESSAGES" / "messages.po"

    def content_path(self, doc: str) -> Path:
        return self.content_dir / f"{doc}.yaml"

    # ----------------------------------------------------------------- build/
    @property
    def build_dir(self) -> Path:
        """Everything pressroom writes (``invoke clean`` removes it whole)."""
        return self.root / "build"

    @property
    def cache_dir(self) -> Path:
        """Results kept between runs (:mod:`pressroom.diskcache`, decoded fonts)."""
        return self.build_dir / ".cache"

    def mo_path(self, lang: str) -> Path:
        return self.build_dir / "locale" / lang / "LC_MESSAGES" / "messages.mo"

    def pdf_path(self, lang: str, doc: str, profile: str = "print") -> Path:
        suffix = ".pdf" if profile == "print" else f".{profile}.pdf"
        return self.build_dir / lang / f"{doc}{suffix}"

    @staticmethod
    def record_path(pdf: Path) -> Path:
        """A PDF's build record (fingerprint, pages, warnings): ``<pdf>.json``."""
        return pdf.with_name(pdf.name + ".json")

    @staticmethod
    def layout_path(pdf: Path) -> Path:
        """Where a build keeps what the layout analysis found: ``<pdf>.layout.json``."""
        return pdf.with_name(pdf.name + ".layout.json")

    @staticmethod
    def manifest_path(pdf: Path) -> Path:
        """A print PDF's manifest: ``<doc>.manifest.json`` beside it."""
        return pdf.with_name(pdf.name[: -len(".pdf")] + ".manifest.json")

    @property
    def preview_root(self) -> Path:
        """``invoke watch``'s page images: ``build/preview/``."""
        return self.build_dir / "preview"

    def preview_dir(self, lang: str, doc: str) -> Path:
        """The preview pages of one PDF: ``build/preview/<lang>/<doc>/page-NN.png``."""
        return self.preview_root / lang / doc

    def preview_record_path(self, lang: str, doc: str) -> Path:
        """What a preview was drawn from (PDF hash, dpi, pages): ``preview.json``."""
        return self.preview_dir(lang, doc) / "preview.json"

    @property
    def proof_dir(self) -> Path:
        """``invoke proof``'s output: ``build/proof/``."""
        return self.build_dir / "proof"

    def proof_sheet_path(self, doc: str) -> Path:
        """A document's contact sheet, languages side by side: ``build/proof/<doc>.png``."""
        return self.proof_dir / f"{doc}.png"

    @staticmethod
    def _proof_folder(lang: str, profile: str) -> str:
        """Each profile keeps its own baseline (a screen page has no bleed)."""
        return lang if profile == "print" else f"{lang}.{profile}"

    def proof_pages_dir(self, doc: str, lang: str, profile: str = "print") -> Path:
        """The pages of the last proof, the baseline of the next comparison:
        ``build/proof/pages/<doc>/<lang>[.<profile>]/page-NN.png``."""
        return self.proof_dir / "pages" / doc / self._proof_folder(lang, profile)

    def proof_diff_dir(self, doc: str, lang: str, profile: str = "print") -> Path:
        """The diff images of ``proof --compare``, one per changed page:
        ``build/proof/diff/<doc>/<lang>[.<profile>]/page-NN.png``."""
        return self.proof_dir / "diff" / doc / self._proof_folder(lang, profile)

    @property
    def proof_changes_path(self) -> Path:
        """What the last ``proof --compare`` found: ``build/proof/diff/changes.json``."""
        return self.proof_dir / "diff" / "changes.json"

    def context_dir(self, lang: str) -> Path:
        """``invoke screenshots``' output for a language: ``build/context/<lang>/``."""
        return self.build_dir / "context" / lang

    def context_image_path(self, lang: str, key: str) -> Path:
        """One message in its page, outlined: ``build/context/<lang>/<key>.png``."""
        return self.context_dir(lang) / f"{key}.png"

    def context_index_path(self, lang: str) -> Path:
        """The screenshots' page for translators: ``build/context/<lang>/index.html``."""
        return self.context_dir(lang) / "index.html"

    def context_json_path(self, lang: str) -> Path:
        """The screenshots' data for scripts: ``build/context/<lang>/screenshots.json``."""
        return self.context_dir(lang) / "screenshots.json"

    # ----------------------------------------------------------------- settings
    @property
    def release_languages(self) -> tuple[str, ...]:
        """The languages the print-run gate applies to (default: every language)."""
        released = self.settings.release_languages
        return self.languages if released is None else released

    def rel(self, path: Path) -> str:
        """A path as shown to people and written in catalogues: relative, with '/'."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def select_languages(self, lang: str | None) -> list[str]:
        if not lang:
            return list(self.languages)
        wanted = [code.strip() for code in lang.split(",") if code.strip()]
        for code in wanted:
            if code not in self.languages and code not in PSEUDO_LANGUAGES:
                raise ConfigError(
                    f"unknown language '{code}' (configured: {', '.join(self.languages)}); "
                    "add it to [tool.pressroom] languages in pyproject.toml",
                    self.rel(self.pyproject_path))
        return wanted

    def select_documents(self, doc: str | None) -> list[str]:
        if not doc:
            return list(self.documents)
        wanted = [d.strip() for d in doc.split(",") if d.strip()]
        for name in wanted:
            if name not in self.documents:
                raise ConfigError(
                    f"unknown document '{name}' (configured: {', '.join(self.documents)})",
                    self.rel(self.pyproject_path))
        return wanted


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / PYPROJECT).is_file() and (candidate / "content").is_dir():
            return candidate
    raise ConfigError("no pressroom project here (looked for pyproject.toml beside content/)",
                      str(here))


def load_project(root: Path | None = None) -> Project:
    """The project at ``root`` (default: found from the current directory), with
    ``[tool.pressroom]`` parsed and checked (:func:`parse_settings`)."""
    root = Path(root) if root else find_root()
    try:
        text = (root / PYPROJECT).read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_POSITION.search(str(exc))
        message = _TOML_POSITION.sub("", str(exc)) if where else str(exc)
        raise ConfigError(f"invalid TOML: {message}", PYPROJECT,
                          int(where.group(1)) if where else None,
                          int(where.group(2)) if where else None) from None
    tool = data.get("tool", {})
    cfg = tool.get("pressroom", {}) if isinstance(tool, dict) else {}
    return parse_settings(root, cfg, key_lines(text))


# --------------------------------------------------------------------------- checking
class _Bad(Exception):
    """A value's problem, raised by a check; the reader adds the key and its line."""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _Bad(f"must be a non-empty string, not {_show(value)}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise _Bad(f"must be a list of strings, not {_show(value)}")
    return tuple(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_show(value)}")
    return value


def _length(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _Bad(f"must be a number ≥ 0 (millimetres), not {_show(value)}")
    return float(value)


def _whole(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _Bad(f"must be a whole number ≥ {minimum}, not {_show(value)}")
        return value
    return check


def _layout_rule(value: Any) -> str:
    if value not in ("error", "warning"):
        raise _Bad(f"must be 'error' or 'warning', not {_show(value)}")
    return str(value)


_TOP_KEYS: dict[str, Callable[[Any], Any]] = {
    "source_language": _string, "languages": _strings, "documents": _strings,
    "project": _string, "release_languages": _strings, "cmyk_profile": _string,
    "crop_marks": _bool, "bleed_mm": _length, "max_page_difference": _whole(0),
    "page_multiple": dict, "policy": dict, "hyphenation": dict,  # tables, own readers
}
_POLICY_KEYS: dict[str, Callable[[Any], Any]] = {
    "max_untranslated": _whole(0), "max_fuzzy": _whole(0), "max_pages": _whole(1),
    "layout": _layout_rule,
}


class _Reader:
    """Reads one table of pyproject.toml; every error names the dotted key and its line."""

    def __init__(self, lines: dict[tuple[str, ...], int]):
        self.lines = lines

    def error(self, path: tuple[str, ...], problem: str) -> ConfigError:
        return ConfigError(f"{'.'.join(path)}: {problem}", PYPROJECT, line_of(self.lines, path))

    def table(self, path: tuple[str, ...], value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"must be a table, not {_show(value)}")
        return value

    def read(self, path: tuple[str, ...], table: dict[str, Any],
             checks: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
        """The entries of ``table`` that are not tables, each checked; an unknown key
        is an error. Sub-tables are the caller's (``checks`` maps them to ``dict``)."""
        out = {}
        for key, value in table.items():
            check = checks.get(key)
            if check is None:
                raise self.error((*path, key), f"unknown key (known: {', '.join(checks)})")
            if check is dict:
                continue
            try:
                out[key] = check(value)
            except _Bad as bad:
                raise self.error((*path, key), str(bad)) from None
        return out

    def known(self, path: tuple[str, ...], name: str, allowed: tuple[str, ...],
              what: str) -> None:
        if name not in allowed:
            raise self.error(path, f"unknown {what} '{name}' (configured: {', '.join(allowed)})")


def parse_settings(root: Path, cfg: Any, lines: dict[tuple[str, ...], int]) -> Project:
    """The project that ``cfg`` (the ``[tool.pressroom]`` table) describes; ``lines``
    (from :func:`key_lines`) places each error on its key's line."""
    reader = _Reader(lines)
    cfg = reader.table(TABLE, cfg)
    top = reader.read(TABLE, cfg, _TOP_KEYS)
    source = top.get("source_language", "en")
    languages = top.get("languages", ("en", "es", "fr"))
    if source not in languages:
        languages = (source, *languages)
    documents = top.get("documents", ("brochure", "standards"))
    released = top.get("release_languages")
    for code in released or ():
        reader.known((*TABLE, "release_languages"), code, languages, "language")
    settings = Settings(
        release_languages=released, cmyk_profile=top.get("cmyk_profile"),
        crop_marks=top.get("crop_marks", True), bleed_mm=top.get("bleed_mm", 3.0),
        max_page_difference=top.get("max_page_difference", 0),
        page_multiples=_page_multiples(reader, cfg.get("page_multiple", {}), documents),
        policies=_policies(reader, cfg.get("policy", {}), documents),
        hyphenation=_hyphenation(reader, cfg.get("hyphenation", {})))
    return Project(root=root, source_language=source, languages=languages,
                   documents=documents, name=top.get("project", "publications"),
                   options=dict(cfg), settings=settings)


def _page_multiples(reader: _Reader, value: Any,
                    documents: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    path = (*TABLE, "page_multiple")
    table = reader.table(path, value)
    checks = dict.fromkeys(table, _whole(1))
    for doc in table:
        reader.known((*path, doc), doc, documents, "document")
    return tuple(reader.read(path, table, checks).items())


def _hyphenation(reader: _Reader, value: Any) -> tuple[tuple[str, str], ...]:
    """``[tool.pressroom.hyphenation]``: language code = Pyphen dictionary ("en_US")."""
    import pyphen

    path = (*TABLE, "hyphenation")
    table = reader.table(path, value)
    known = sorted(pyphen.LANGUAGES)
    for lang, name in table.items():
        if not isinstance(name, str) or name not in pyphen.LANGUAGES:
            near = [k for k in known if k.split("_")[0] == str(lang).split("_")[0]] or known
            raise reader.error((*path, lang), f"unknown hyphenation dictionary {_show(name)} "
                               f"(Pyphen has: {', '.join(near[:12])})")
    return tuple((str(lang), str(name)) for lang, name in table.items())


def _policies(reader: _Reader, value: Any, documents: tuple[str, ...]) -> tuple[Policy, ...]:
    """One Policy per document: ``[tool.pressroom.policy]``'s own rules are every
    document's defaults, and ``[tool.pressroom.policy.<doc>]`` overrides them."""
    path = (*TABLE, "policy")
    tables = reader.table(path, value)
    defaults = reader.read(path, tables, {**_POLICY_KEYS, **{
        name: dict for name, rules in tables.items() if isinstance(rules, dict)}})
    own = {}
    for doc, rules in tables.items():
        if isinstance(rules, dict):
            reader.known((*path, doc), doc, documents, "document")
            own[doc] = reader.read((*path, doc), rules, _POLICY_KEYS)
    return tuple(Policy(doc, **{**defaults, **own.get(doc, {})}) for doc in documents)


def policy(project: Project, doc: str) -> Policy:
    """The policy of ``doc``: ``[tool.pressroom.policy]`` defaults, then its own table."""
    return project.settings.policy(doc)


# --------------------------------------------------------------------------- key lines
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"\s*({_DOTTED})\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(_KEY_PART, text)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of every table header and ``key =`` of a TOML text, by dotted path
    (``("tool", "pressroom", "policy", "brochure", "max_pages")``). A small scanner,
    not a parser: the text has been parsed already (tomllib keeps no positions);
    it skips the inside of multi-line strings."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    open_string = None  # the quotes of a multi-line string being skipped
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string:
            if open_string in line:
                open_string = None
            continue
        header = _HEADER.match(line)
        if header:
            table = _split_key(header.group(1))
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            lines.setdefault(table + _split_key(assign.group(1)), number)
            rest = line[assign.end():]
            open_string = next((q for q in ('"""', "'''") if rest.count(q) == 1), None)
    return lines


def line_of(lines: dict[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    """The line of ``path``, else of the nearest table or key that holds it."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None
