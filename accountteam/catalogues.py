"""The translation catalogues (``locale/``): extracting the messages, checking that every one is
translated, and compiling them, in pure Python except the extraction.

Extraction is Django's ``makemessages`` (GNU gettext's ``xgettext`` and ``msgmerge``); compiling
uses polib, so a fresh checkout needs no gettext: the compiled ``.mo`` files are committed beside
the ``.po`` files. ``manage.py translations`` runs these; ``tests/test_translations.py`` checks.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

LOCALES = ("es", "pt_BR")
DOMAINS = ("django", "djangojs")
# Where no message of ours lives (or not one shown to a person).
IGNORE = [".venv", "var", "tests", "bench", "node_modules", "static/vendor", "*/migrations/*", "locale"]
# %(name)s, %s, %d, {name}, {0}: what a translation must carry over exactly.
COUNTS = {"%(count)s", "%(counter)s", "%(n)s", "%d", "%s", "{count}"}
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|\{[A-Za-z_0-9]*\}")


def catalogue_path(locale: str, domain: str, root: Path | None = None) -> Path:
    root = root or Path(settings.LOCALE_PATHS[0])
    return root / locale / "LC_MESSAGES" / f"{domain}.po"


def extract(root: Path | None = None) -> None:
    """Merge the messages of the code into the catalogues under ``root`` (``locale/`` by default).

    ``makemessages`` walks the current directory and writes into every ``locale/`` folder it finds
    there, whatever LOCALE_PATHS says: into a copy elsewhere (the check's), it runs from a
    folder of links to the project's sources beside that copy, so the real catalogues are never
    touched."""
    default = Path(settings.LOCALE_PATHS[0])
    root = root or default
    if root.resolve() == default.resolve():
        _makemessages(root)
    else:
        sources = root.parent / "sources"
        sources.mkdir(exist_ok=True)
        for entry in Path(settings.BASE_DIR).iterdir():
            if entry.name not in ("locale", ".git") and not (sources / entry.name).exists():
                (sources / entry.name).symlink_to(entry)
        here = Path.cwd()
        try:
            os.chdir(sources)
            _makemessages(root, symlinks=True)
        finally:
            os.chdir(here)
    for locale in LOCALES:
        for domain in DOMAINS:
            _tidy_header(catalogue_path(locale, domain, root), locale)


def _makemessages(root: Path, **options) -> None:
    with override_settings(LOCALE_PATHS=[root]):
        for domain in DOMAINS:
            extra = {"extensions": ["js"]} if domain == "djangojs" else {"extensions": ["html", "txt", "py"]}
            call_command("makemessages", locale=list(LOCALES), domain=domain, ignore_patterns=IGNORE,
                         no_obsolete=True, verbosity=0, **extra, **options)


def _tidy_header(path: Path, locale: str) -> None:
    """The catalogue's header says whose it is, and is not fuzzy (a fuzzy header is ignored when
    compiled, and its plural rule with it)."""
    if not path.exists():
        return
    po = polib.pofile(str(path), wrapwidth=100)
    po.metadata_is_fuzzy = False
    po.header = "Account Team Portal: the carrier's portal in " + {"es": "Spanish (Latin America).",
                                                                  "pt_BR": "Brazilian Portuguese."}[locale]
    po.metadata.update({
        "Project-Id-Version": "Account Team Portal",
        "Language": locale,
        "Language-Team": {"es": "Spanish (Latin America)", "pt_BR": "Portuguese (Brazil)"}[locale],
        "Last-Translator": "Account Team Portal",
        "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
    })
    po.metadata.pop("Report-Msgid-Bugs-To", None)
    po.save()


def compile_all(root: Path | None = None) -> list[Path]:
    """Compile every catalogue to its ``.mo`` (polib, no gettext needed)."""
    written = []
    for locale in LOCALES:
        for domain in DOMAINS:
            path = catalogue_path(locale, domain, root)
            if path.exists():
                polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
                written.append(path.with_suffix(".mo"))
    return written


@dataclass
class Problem:
    path: str
    msgid: str
    what: str

    def __str__(self):
        return f"{self.path}: {self.what}: {self.msgid[:90]!r}"


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems_in(path: Path) -> list[Problem]:
    """What is missing in one catalogue: untranslated or fuzzy messages, and translations whose
    placeholders differ from the English (a dropped ``%(name)s`` would fail or mislead)."""
    found = []
    name = str(path.relative_to(path.parents[3])) if len(path.parents) > 3 else str(path)
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(Problem(name, entry.msgid, "fuzzy"))
            continue
        if not entry.translated():
            found.append(Problem(name, entry.msgid, "not translated"))
            continue
        if entry.msgid_plural:
            wanted = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                got = set(placeholders(form))
                # A singular may say "un elemento" without the number; nothing else may go missing.
                if got - wanted or (wanted - got) - COUNTS:
                    found.append(Problem(name, entry.msgid, "placeholders differ"))
                    break
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            found.append(Problem(name, entry.msgid, "placeholders differ"))
    return found


def stale_compiled(path: Path) -> bool:
    """The ``.mo`` beside ``path`` is missing or does not say what the ``.po`` says."""
    mo = path.with_suffix(".mo")
    if not mo.exists():
        return True
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(mo))}
    source = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
              for e in polib.pofile(str(path)) if e.translated() and not e.obsolete and "fuzzy" not in e.flags}
    compiled.pop((None, ""), None)
    return compiled != source


def check(*, extract_code: bool, scratch: Path) -> list[str]:
    """Everything wrong with the catalogues, as sentences. With ``extract_code`` the messages of
    the code are merged into a copy first (under ``scratch``), so a message added without its
    translations is caught."""
    root = Path(settings.LOCALE_PATHS[0])
    out = []
    if extract_code:
        copy = scratch / "locale"
        shutil.copytree(root, copy)
        extract(copy)
        for locale in LOCALES:
            for domain in DOMAINS:
                out += [str(p) for p in problems_in(catalogue_path(locale, domain, copy))]
    else:
        for locale in LOCALES:
            for domain in DOMAINS:
                out += [str(p) for p in problems_in(catalogue_path(locale, domain))]
    for locale in LOCALES:
        for domain in DOMAINS:
            path = catalogue_path(locale, domain)
            if not path.exists():
                out.append(f"{path}: missing")
            elif stale_compiled(path):
                out.append(f"{path.with_suffix('.mo')}: not compiled from the .po (manage.py translations compile)")
    return out
