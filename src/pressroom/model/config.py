"""Project configuration: paths and ``[tool.pressroom]`` from pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pressroom.errors import ConfigError

# Reserved codes for pseudo-localisation (see pressroom.messages.pseudo); never configured.
PSEUDO_LANGUAGES = ("qps",)


@dataclass(frozen=True)
class Project:
    root: Path
    source_language: str = "en"
    languages: tuple[str, ...] = ("en", "es", "fr")
    documents: tuple[str, ...] = ("brochure", "standards")
    name: str = "publications"
    options: dict = field(default_factory=dict, hash=False, compare=False)

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
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def pot_path(self) -> Path:
        return self.locales_dir / "messages.pot"

    def asset_files(self) -> list[Path]:
        """The files under content/ that are not content YAML: images, and their
        per-language variants (``map.fr.svg``), in a stable order."""
        return sorted(p for p in self.content_dir.rglob("*")
                      if p.is_file() and p.suffix not in (".yaml", ".yml"))

    def po_path(self, lang: str) -> Path:
        return self.locales_dir / lang / "LC_MESSAGES" / "messages.po"

    def mo_path(self, lang: str) -> Path:
        return self.build_dir / "locale" / lang / "LC_MESSAGES" / "messages.mo"

    def content_path(self, doc: str) -> Path:
        return self.content_dir / f"{doc}.yaml"

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
                    self.rel(self.root / "pyproject.toml"))
        return wanted

    def select_documents(self, doc: str | None) -> list[str]:
        if not doc:
            return list(self.documents)
        wanted = [d.strip() for d in doc.split(",") if d.strip()]
        for name in wanted:
            if name not in self.documents:
                raise ConfigError(
                    f"unknown document '{name}' (configured: {', '.join(self.documents)})",
                    self.rel(self.root / "pyproject.toml"))
        return wanted


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "content").is_dir():
            return candidate
    raise ConfigError("no pressroom project here (looked for pyproject.toml beside content/)",
                      str(here))


def load_project(root: Path | None = None) -> Project:
    root = Path(root) if root else find_root()
    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", "pyproject.toml") from None
    cfg = data.get("tool", {}).get("pressroom", {})
    try:
        source = str(cfg.get("source_language", "en"))
        languages = tuple(str(x) for x in cfg.get("languages", ["en", "es", "fr"]))
        documents = tuple(str(x) for x in cfg.get("documents", ["brochure", "standards"]))
        name = str(cfg.get("project", "publications"))
    except TypeError:
        raise ConfigError("[tool.pressroom]: languages and documents must be lists of strings",
                          "pyproject.toml") from None
    if source not in languages:
        languages = (source, *languages)
    return Project(root=root, source_language=source, languages=languages,
                   documents=documents, name=name, options=dict(cfg))


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


_POLICY_KEYS = {"max_untranslated": int, "max_fuzzy": int, "max_pages": int, "layout": str}


def policy(project: Project, doc: str) -> Policy:
    """The policy of ``doc``: ``[tool.pressroom.policy]`` defaults, then its own table."""
    tables = project.options.get("policy", {})
    if not isinstance(tables, dict):
        raise ConfigError("[tool.pressroom.policy] must be a table", "pyproject.toml")
    values = {}
    for name, table in (("", {k: v for k, v in tables.items() if not isinstance(v, dict)}),
                        (doc, tables.get(doc, {}))):
        for key, value in table.items():
            where = f"[tool.pressroom.policy{'.' + name if name else ''}]"
            kind = _POLICY_KEYS.get(key)
            if kind is None:
                raise ConfigError(f"{where}: unknown rule '{key}' (known: "
                                  f"{', '.join(_POLICY_KEYS)})", "pyproject.toml")
            if not isinstance(value, kind) or isinstance(value, bool) or \
                    (kind is int and value < 0) or (key == "layout" and
                                                    value not in ("error", "warning")):
                expected = "'error' or 'warning'" if key == "layout" else "a whole number ≥ 0"
                raise ConfigError(f"{where}: {key} must be {expected}", "pyproject.toml")
            values[key] = value
    return Policy(doc, **values)
