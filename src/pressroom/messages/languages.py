"""``invoke init-lang de``: a new language in one step."""

from __future__ import annotations

from pathlib import Path

from babel.core import Locale, UnknownLocaleError

from pressroom.errors import ConfigError
from pressroom.fsutil import atomic_write_bytes
from pressroom.messages.catalogs import update
from pressroom.messages.extract import extract
from pressroom.model.config import PSEUDO_LANGUAGES, Project


def init_language(project: Project, code: str) -> Path:
    """Create ``locales/<code>/LC_MESSAGES/messages.po`` from the template (with the
    language's plural forms) and add the code to ``[tool.pressroom] languages``.
    The language is not added to ``release_languages``: until someone does, its
    builds fall back to English and are not refused by the print-run gate."""
    import tomlkit

    code = code.strip().replace("-", "_")
    if code in PSEUDO_LANGUAGES:
        raise ConfigError(f"'{code}' is reserved for pseudo-localisation")
    try:
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(f"'{code}' is not a locale Babel knows (e.g. de, pt_BR, sw)") from None
    if code in project.languages:
        raise ConfigError(f"'{code}' is already configured", "pyproject.toml")
    pyproject = project.root / "pyproject.toml"
    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    settings = document.setdefault("tool", tomlkit.table()).setdefault("pressroom", tomlkit.table())

    if not project.pot_path.exists():
        extract(project)
    update(project, [code])

    languages = settings.get("languages")
    if languages is None:
        settings["languages"] = [*project.languages, code]
    else:
        languages.append(code)
    if "release_languages" not in settings:
        settings["release_languages"] = list(project.languages)
    atomic_write_bytes(pyproject, tomlkit.dumps(document).encode("utf-8"))
    return project.po_path(code)
