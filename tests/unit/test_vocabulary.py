"""The vocabulary is spelled once: ``core/vocab.py`` and ``macros/utils/vocabulary.sql``.

- the tuples are the ``Literal`` types' arguments (so a field typed with the ``Literal`` and
  the tuple checked at run time cannot drift);
- no list, tuple, set or SQL ``in (...)`` of statuses, answers, verdicts, registration
  sources or dbt commands is spelled anywhere else in ``tessera_dbt/``, ``macros/`` or
  ``models/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from tessera_dbt.core import vocab

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_FILES = {
    ROOT / "tessera_dbt" / "core" / "vocab.py",
    ROOT / "macros" / "utils" / "vocabulary.sql",
}

# Words whose lists must come from the vocabulary. "new", "run", "test", "ref" and the like
# are ordinary words too; they count only inside a list that also holds a distinctive word.
DISTINCTIVE = {
    *vocab.PROPOSAL_STATUSES,
    *vocab.RESPONSES,
    "auto_approved",
    "unchanged",
    "retired",
    "snapshot",
    "seed",
    "retry",
    "clone",
    "incremental",
}
VOCABULARY_WORDS = {
    *vocab.PROPOSAL_STATUSES,
    *vocab.RESPONSES,
    *vocab.VERDICTS,
    *vocab.RUN_VERDICTS,
    *vocab.REGISTRATION_SOURCES,
    *vocab.GATED_COMMANDS,
    *vocab.PASS_THROUGH_COMMANDS,
    *vocab.ENFORCING_MATERIALIZATIONS,
}
COMMANDS = {*vocab.GATED_COMMANDS, *vocab.PASS_THROUGH_COMMANDS}
# A bracketed sequence of at least two quoted words: Python/Jinja lists, tuples, sets and
# SQL `in ('a', 'b')`.
SEQUENCE = re.compile(
    r"""[\[({]\s*(?:["'][A-Za-z_-]+["']\s*,\s*)+["'][A-Za-z_-]+["']\s*,?\s*[\])}]"""
)
WORD = re.compile(r"""["']([A-Za-z_-]+)["']""")


def _vocabulary_lists(text: str) -> list[str]:
    found = []
    for m in SEQUENCE.finditer(text):
        words = WORD.findall(m.group(0))
        vocab_words = [w for w in words if w in VOCABULARY_WORDS]
        distinctive = any(w in DISTINCTIVE for w in vocab_words)
        only_commands = len(words) >= 2 and all(w in COMMANDS for w in words)
        if (len(vocab_words) >= 2 and distinctive) or only_commands:
            found.append(m.group(0))
    return found


def _sources() -> list[Path]:
    paths = [*(ROOT / "tessera_dbt").rglob("*.py")]
    paths += [*(ROOT / "macros").rglob("*.sql"), *(ROOT / "models").rglob("*.sql")]
    return sorted(p for p in paths if p not in ALLOWED_FILES)


def test_no_vocabulary_list_is_spelled_outside_the_vocabulary() -> None:
    offenders = {
        str(p.relative_to(ROOT)): hits
        for p in _sources()
        if (hits := _vocabulary_lists(p.read_text(encoding="utf-8")))
    }
    assert not offenders, (
        "use tessera_dbt.core.vocab / tessera.vocabulary() instead of spelling these lists: "
        f"{offenders}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "OPEN = ('pending', 'approved', 'rejected')",
        'x in {"approved", "migrating"}',
        "where status in ('pending', 'approved')",
        "{%- if flags.WHICH not in ['build', 'run', 'seed'] -%}",
        "frozenset({'table', 'incremental'})",
        "flags.WHICH not in ['build', 'run']",
    ],
)
def test_the_check_finds_spelled_lists(text: str) -> None:
    assert _vocabulary_lists(text)


@pytest.mark.parametrize(
    "text",
    [
        "['created', 'updated']",
        "('text', 'json', 'markdown')",
        "['build', '--select', 'x']",  # a dbt argv, not a command class
        "('model', 'new')",
    ],
)
def test_the_check_leaves_other_lists_alone(text: str) -> None:
    assert not _vocabulary_lists(text)


def test_tuples_are_the_literal_types_arguments() -> None:
    pairs = [
        (vocab.OPEN_STATUSES, vocab.OpenStatus),
        (vocab.CLOSED_STATUSES, vocab.ClosedStatus),
        (vocab.PROPOSAL_STATUSES, vocab.ProposalStatus),
        (vocab.RESPONSES, vocab.Response),
        (vocab.AGREEING_RESPONSES, vocab.AgreeingResponse),
        (vocab.VERDICTS, vocab.Verdict),
        (vocab.ALLOWED_VERDICTS, vocab.AllowedVerdict),
        (vocab.REGISTRATION_SOURCES, vocab.RegistrationSource),
        (vocab.DERIVED_SOURCES, vocab.DerivedSource),
        (vocab.GATED_COMMANDS, vocab.GatedCommand),
        (vocab.PASS_THROUGH_COMMANDS, vocab.PassThroughCommand),
        (vocab.ENFORCING_MATERIALIZATIONS, vocab.EnforcingMaterialization),
        (vocab.REGISTRY_TABLES, vocab.RegistryTable),
    ]
    for values, literal in pairs:
        assert values == get_args(literal)
    assert set(vocab.OPEN_STATUSES).isdisjoint(vocab.CLOSED_STATUSES)
    assert set(vocab.AGREEING_RESPONSES) < set(vocab.RESPONSES)
    assert set(vocab.GATED_COMMANDS).isdisjoint(vocab.PASS_THROUGH_COMMANDS)
    assert set(vocab.PUBLISHING_COMMANDS) <= set(vocab.GATED_COMMANDS)
    assert len(vocab.REGISTRY_TABLES) >= 12


def test_readers_refuse_words_outside_the_vocabulary() -> None:
    assert vocab.as_status("pending") == "pending"
    with pytest.raises(ValueError, match="unknown proposal status 'pendng'"):
        vocab.as_status("pendng")
    with pytest.raises(ValueError, match="unknown response"):
        vocab.as_response("ok")
    with pytest.raises(ValueError, match="unknown registration source"):
        vocab.as_source("")


def _documented_transitions() -> list[tuple[str, str, str]]:
    text = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
    block = text.split("<!-- transitions: start -->", 1)[1].split("<!-- transitions: end -->")[0]
    rows = []
    for line in block.strip().splitlines()[2:]:  # skip the header and the rule
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0].strip("`"), cells[1].strip("`"), cells[2]))
    return rows


def test_the_documented_transitions_are_the_vocabulary_s() -> None:
    assert _documented_transitions() == list(vocab.TRANSITIONS)
    for old, new, _ in vocab.TRANSITIONS:
        assert old in vocab.PROPOSAL_STATUSES and new in vocab.PROPOSAL_STATUSES
        assert vocab.allowed_transition(old, new)
    # Closed proposals stay closed, except that a shipping change is published once it ships.
    for old, new, _ in vocab.TRANSITIONS:
        if old in vocab.CLOSED_STATUSES:
            assert old in vocab.SHIPPING_STATUSES and new == "published", (old, new)
    assert not vocab.allowed_transition("withdrawn", "pending")
