"""The translation catalogues are complete: every message of the code has a Spanish and a
Brazilian Portuguese translation, none is fuzzy, none drops a placeholder, and the compiled files
say what the catalogues say (``accountteam.catalogues``)."""

import shutil
import textwrap

import pytest

from accountteam import catalogues


def test_the_catalogues_are_translated_whole_and_compiled(tmp_path):
    assert catalogues.check(extract_code=False, scratch=tmp_path) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (apt install gettext)")
def test_every_message_in_the_code_has_its_translations(tmp_path):
    problems = catalogues.check(extract_code=True, scratch=tmp_path)

    assert problems == [], f"{len(problems)} problems; run `make messages` and translate:\n" + "\n".join(problems[:60])


def test_a_fuzzy_an_untranslated_and_a_dropped_placeholder_are_each_caught(tmp_path):
    po = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(textwrap.dedent('''\
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

        msgid "Escalation #%(number)s raised."
        msgstr "Escalamiento #%(number)s registrado."

        msgid "Assigned to %(name)s."
        msgstr "Asignado."

        #, fuzzy
        msgid "Due soon"
        msgstr "Vence pronto"

        msgid "Overdue"
        msgstr ""

        msgid "%(counter)s item"
        msgid_plural "%(counter)s items"
        msgstr[0] "un elemento"
        msgstr[1] "%(counter)s elementos"
        '''), encoding="utf-8")

    found = {(p.msgid, p.what) for p in catalogues.problems_in(po)}

    assert found == {("Assigned to %(name)s.", "placeholders differ"), ("Due soon", "fuzzy"),
                     ("Overdue", "not translated")}


def test_every_date_format_of_the_templates_is_a_message():
    """A ``|date:"…"`` format outside ``accountteam.dates.FORMATS`` would not be extracted, and
    so never written the reader's way."""
    import re
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation

    from accountteam.dates import FORMATS

    root = Path(settings.BASE_DIR)
    used = set()
    for path in root.glob("**/templates/**/*"):
        if ".venv" in path.parts or not path.is_file() or path.suffix not in (".html", ".txt"):
            continue
        used |= set(re.findall(r'\|date:"([^"]+)"', path.read_text(encoding="utf-8")))
    with translation.override("en"):
        listed = {str(f) for f in FORMATS}
    assert {f for f in used if not f.isupper()} - listed == set()
