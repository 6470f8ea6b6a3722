"""Signed texts are the seed's, word for word: every form text the system stores when a paper is
signed is compared with the seed's passage (tests/seed/, copied from the seed)."""

from __future__ import annotations

from pathlib import Path
import re
import unicodedata

import pytest

from tests.support import application_body

SEED_COPIES = Path(__file__).resolve().parents[1] / "seed"
SEED = Path("/work/shared/seed/000_bb5859c5d9ad9e82.txt")  # the original, when this machine has it
BLANK = re.compile(r"\s+政务服务局")  # the seed's blank (spaces) before 政务服务局: 附件6 opening line and obligation 七
NUMERALS = "一二三四五六七"


def same_words(text: str) -> str:
    """Compare as words: the seed's text came out of a PDF with half-width ,;: where the paper prints
    full-width ones; NFKC folds both to one form and changes no character otherwise."""
    return unicodedata.normalize("NFKC", text)


def seed_commitment() -> tuple[str, list[str]]:
    lines = (SEED_COPIES / "attachment6_commitment.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "区本级“帮您办”代办帮办服务承诺书"
    preamble, numbered = lines[1], lines[2:]
    assert [line[:2] for line in numbered] == [f"{n}、" for n in NUMERALS]
    return preamble, [line[2:].rstrip(";；。") for line in numbered]


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not on this machine; the copy in tests/seed is used")
def test_the_seed_copy_is_the_seed_byte_for_byte():
    copy = (SEED_COPIES / "attachment6_commitment.txt").read_text(encoding="utf-8").splitlines()
    seed = [line for line in SEED.read_text(encoding="utf-8").splitlines()[672:689] if line.strip()]
    assert copy == seed


@pytest.mark.parametrize("in_park, authority", [(False, "区政务服务局"), (True, "工业园区管委会")])
def test_commitment_text_is_the_seeds_word_for_word_with_its_blank_filled(api, in_park, authority):
    """承诺书 (seed 附件6, lines 673–689): the seven obligations as printed, obligation 七 with
    "在 ___ 政务服务局提出终止帮办代办服务时" kept and its blank filled by the serving department
    (区政务服务局, or 工业园区管委会 for a park case, seed 三(一) 属地服务)."""
    r = api.post("/intake/applications", "applicant", json=application_body(project__in_industrial_park=in_park))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    r = api.post(f"/intake/applications/{case_id}/commitment", "applicant", json={"signed_by": "李晓明"})
    assert r.status_code == 201, r.text
    stored = api.get(f"/intake/applications/{case_id}", "applicant").json()["commitment"]

    preamble, obligations = seed_commitment()
    assert len(stored["obligations"]) == 7
    assert BLANK.search(obligations[6]) and BLANK.search(preamble)  # the blanks this test fills are there
    filled = [same_words(BLANK.sub(authority, o)) for o in obligations]
    assert [same_words(o) for o in stored["obligations"]] == filled
    assert same_words(stored["preamble"]) == same_words(BLANK.sub(authority, preamble))
    assert stored["addressed_to"] == authority
    assert f"在{authority}提出终止帮办代办服务时" in stored["obligations"][6]
    assert "《帮您办代办帮办服务办结单》、《帮您办代办帮办服务评价表》" in stored["obligations"][5]
