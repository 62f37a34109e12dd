"""The gettext catalogs: complete in every language, in step with the code, compiled the way gettext reads them.

A message in the code without a translation, a translation marked fuzzy, a msgid the code no longer has, a
{field} a translation drops or invents (str.format would fail or print the English field name), or a plural
form missing: each is a failure here rather than a user reading English, or a crash, at the worst moment.
"""
import re
import subprocess
import sys

import pytest

from catalogs import DOMAINS, ROOT, TRANSLATED, entries
from manual_mlp.messages import compile_po, language, translation
from mlp_harness.i18n import LANGS, tr, tr_n

FIELD = re.compile(r"(?<!\{)\{(\w*)[^{}]*\}(?!\})")
PERCENT = re.compile(r"%(?:\((\w+)\))?[rsd]")


def test_every_language_of_the_tools_has_its_catalogs():
    assert LANGS[0] == "en" and "pt" in TRANSLATED
    for lang in TRANSLATED:
        for domain, locale in DOMAINS:
            assert (locale / lang / "LC_MESSAGES" / f"{domain}.po").is_file(), (domain, lang)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalog_is_complete_and_nothing_is_fuzzy(lang):
    left = [f"{path}: {e.msgid!r}" for path, e in entries(lang) if not e.translated]
    assert not left, "untranslated or fuzzy:\n" + "\n".join(left)
    plurals = [e for _, e in entries(lang) if e.plural is not None]
    assert plurals and all(len(e.strings) == 2 for e in plurals)   # nplurals=2 in every catalog so far


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_keeps_the_fields_of_its_msgid(lang):
    """{count}, {path!r}, %(value)r: no name the msgid lacks, so that formatting the translation cannot fail (a
    translation may leave a {field} out: the Portuguese diagnosis does not repeat the mistake's English id)."""
    bad = []
    for path, e in entries(lang):
        wanted = sorted(set(FIELD.findall(e.msgid) + FIELD.findall(e.plural or "")))
        wanted_percent = sorted(set(PERCENT.findall(e.msgid)))
        for text in e.strings.values():
            if not set(FIELD.findall(text)) <= set(wanted) or sorted(set(PERCENT.findall(text))) != wanted_percent:
                bad.append(f"{path}: {e.msgid!r} -> {text!r}")
    assert not bad, "\n".join(bad)


def test_the_templates_and_catalogs_are_in_step_with_the_code():
    """Every msgid of a .po is still in the code, and every message of the code is in the .pot and every .po
    (scripts/extract_messages.py rewrites them; --check changes nothing)."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "extract_messages.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_extractor_sees_a_new_message(tmp_path, monkeypatch):
    """The check above can fail: a message added to the code is one the catalogs lack."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import extract_messages
    module = tmp_path / "new.py"
    module.write_text('from mlp_harness.i18n import _, tr\n_("a brand new message")\ntr("pt", "Loss")\n')
    assert extract_messages.messages_of(module) == [(None, "a brand new message", None), (None, "Loss", None)]


def test_a_note_for_translators_reaches_the_template(tmp_path):
    """A comment from '# Translators:' on, right above the line that marks a message, is the entry's #. line
    (xgettext's --add-comments): "[functions]" is a table's name, written as it is in the teacher's file."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import extract_messages
    module = tmp_path / "new.py"
    module.write_text('from mlp_harness.i18n import _\n# a comment for the code\n_("plain")\n# Translators: keep '
                      '[points]\n# as written\nx = _("[points] is wrong")\n')
    assert extract_messages.notes_of(module) == {(None, "[points] is wrong", None): "Translators: keep [points] as "
                                                                                   "written"}
    template = (ROOT / "mlp_harness" / "locale" / "mlp_harness.pot").read_text(encoding="utf-8")
    assert ("#. Translators: the name of a table in the teacher's file, written as it is there\n"
            '#: mlp_harness/check/assignment.py\nmsgid "[functions]"') in template


def test_plural_forms_follow_the_catalog():
    one, many = "{count} epoch", "{count} epochs"
    assert [tr_n("pt", one, many, n, count=n) for n in (1, 2)] == ["1 época", "2 épocas"]
    assert [tr_n("en", one, many, n, count=n) for n in (1, 2, 0)] == ["1 epoch", "2 epochs", "0 epochs"]


def test_a_catalog_compiled_in_memory_reads_like_msgfmts(tmp_path):
    """compile_po's .mo, read by the standard library: contexts, plurals, fuzzy and empty entries left out."""
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
          'msgid "not found"\nmsgstr "não encontrada"\n\n'
          'msgctxt "class report"\nmsgid "not found"\nmsgstr "não encontradas"\n\n'
          'msgid "{count} file"\nmsgid_plural "{count} files"\nmsgstr[0] "{count} arquivo"\n'
          'msgstr[1] "{count} arquivos"\n\n#, fuzzy\nmsgid "old"\nmsgstr "velho"\n\nmsgid "empty"\nmsgstr ""\n')
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "d.po").write_text(po, encoding="utf-8")
    catalog = translation("d", tmp_path, "xx")
    assert catalog.gettext("not found") == "não encontrada"
    assert catalog.pgettext("class report", "not found") == "não encontradas"
    assert [catalog.ngettext("{count} file", "{count} files", n) for n in (1, 2)] == ["{count} arquivo",
                                                                                        "{count} arquivos"]
    assert catalog.gettext("old") == "old" and catalog.gettext("empty") == "empty"
    assert compile_po(po)[:4] == bytes.fromhex("de120495")   # GNU's magic number, little-endian


def test_a_message_is_raised_in_the_language_set_and_english_after():
    from manual_mlp.validation import as_float_array
    for lang, word in (("pt", "está faltando"), ("en", "is missing")):
        with language(lang), pytest.raises(TypeError, match=word):
            as_float_array(None, "X")
    with pytest.raises(TypeError, match="is missing"):
        as_float_array(None, "X")
    assert tr("pt", "not found", ctx="class report") != tr("pt", "not found")
