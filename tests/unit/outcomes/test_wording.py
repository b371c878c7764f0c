"""parse_wording_file(): a site's licensed wording is checked before anything is stored."""

from __future__ import annotations

import pytest

from livingwell.outcomes import WordingFileError, parse_wording_file

HEADER = "measure,link_id,text\n"


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "wording.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def gad7_rows(skip: str | None = None) -> str:
    # Placeholder sentences written for the test: the real wording is never in the repository.
    return "".join(
        f'gad7,{i},"Site text for item {i}, as licensed"\n' for i in range(1, 8) if str(i) != skip
    )


def test_a_complete_measure_is_returned_by_link_id(tmp_path):
    result = parse_wording_file(write(tmp_path, gad7_rows()))
    assert list(result) == ["gad7"]
    assert result["gad7"]["1"] == "Site text for item 1, as licensed"
    assert len(result["gad7"]) == 7


def test_several_measures_in_one_file(tmp_path):
    body = gad7_rows() + "gbo,1,Goal one prompt\ngbo,2,Goal two prompt\ngbo,3,Goal three prompt\n"
    result = parse_wording_file(write(tmp_path, body))
    assert set(result) == {"gad7", "gbo"}


def test_an_incomplete_measure_is_refused_and_the_items_named(tmp_path):
    with pytest.raises(WordingFileError, match="gad7: no text for item\\(s\\) 4"):
        parse_wording_file(write(tmp_path, gad7_rows(skip="4")))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("honos,1,Some text\n", "line 9: unknown measure 'honos'"),
        ("gad7,8,Some text\n", "line 9: gad7 has no item '8'"),
        ("gad7,1,\n", "line 9: gad7 item 1 has no text"),
        ("gad7,1,Other text\n", "line 9: gad7 item 1 appears twice"),
        ("gad7,1,a,b\n", "line 9: more fields"),
        ("gad7,2,Demonstration item 2 - not the real wording\n", "demonstration wording"),
        ("gad7,3," + "x" * 1001 + "\n", "longer than 1000"),
    ],
)
def test_each_bad_line_is_reported_with_its_number(tmp_path, extra, message):
    with pytest.raises(WordingFileError, match=message):
        parse_wording_file(write(tmp_path, gad7_rows() + extra))


def test_all_problems_are_reported_at_once(tmp_path):
    body = gad7_rows() + "honos,1,a\ngad7,9,b\n"
    with pytest.raises(WordingFileError) as info:
        parse_wording_file(write(tmp_path, body))
    assert "line 9" in str(info.value) and "line 10" in str(info.value)


def test_wrong_header_is_refused(tmp_path):
    with pytest.raises(WordingFileError, match="header must be exactly"):
        parse_wording_file(write(tmp_path, gad7_rows(), header="measure,item,wording\n"))


def test_empty_file_is_refused(tmp_path):
    with pytest.raises(WordingFileError, match="no wording rows"):
        parse_wording_file(write(tmp_path, ""))


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "gad7,1,caf\xe9\n").encode("latin-1"))
    with pytest.raises(WordingFileError, match="not UTF-8"):
        parse_wording_file(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(WordingFileError, match="cannot read"):
        parse_wording_file(tmp_path / "absent.csv")
