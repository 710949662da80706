"""``kazneb crosswalk``: converted records on stdout, one stderr line per failure, exit code 1 on any."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from kazneb.cli import main
from tests.crosswalks.conftest import SAMPLES, assert_valid


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("target", ["oai_dc", "marcxml", "mods"])
def test_converts_cp1251_marc_to_valid_xml(runner, target, payload_schema):
    result = runner.invoke(main, ["crosswalk", "--to", target, str(SAMPLES / "pymarc" / "1251.dat")])
    assert result.exit_code == 0, result.stderr
    assert "6 converted, 0 failed" in result.stderr
    collection = etree.fromstring(result.stdout.encode())
    assert len(collection) == 6
    for element in collection:
        assert_valid(payload_schema, etree.tostring(element, encoding="unicode"))
    assert "Основы гидравлического расчета инженерных сетей" in result.stdout


def test_json_output_is_the_canonical_record(runner):
    result = runner.invoke(main, ["crosswalk", "--to", "json", str(SAMPLES / "ingestion3" / "nypl.xml")])
    assert result.exit_code == 0
    record = json.loads(result.stdout.splitlines()[0])
    assert record["titles"][0]["value"] == "Jedediah Buxton [National Calculator, 1705-1780]"
    assert record["kind"] == "image"


def test_failures_reported_with_file_position_and_reason(runner, tmp_path: Path):
    out = tmp_path / "out.xml"
    bad = SAMPLES / "pymarc" / "bad_records.mrc"
    invalid = SAMPLES / "pymarc" / "utf8_invalid.mrc"
    result = runner.invoke(main, ["crosswalk", "--to", "marcxml", "-o", str(out), str(bad), str(invalid)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{bad}: record 4: bad directory: its length is not a multiple of 12" in lines
    assert f"{bad}: record 6: bad leader: base address of data 'f0037' is not a number" in lines
    assert any(line.startswith(f"{invalid}: record 1: field 260") for line in lines)
    assert lines[-1] == "4 converted, 5 failed"
    assert len(etree.parse(str(out)).getroot()) == 4


def test_forced_source_format_and_encoding(runner, tmp_path: Path):
    data = (SAMPLES / "pymarc" / "1251.dat").read_bytes()
    path = tmp_path / "records.bin"
    path.write_bytes(data)
    result = runner.invoke(main, ["crosswalk", "--from", "marc21", "--encoding", "cp1251", "--to", "oai_dc",
                                  str(path)])
    assert result.exit_code == 0 and "Психологический тренинг с подростками" in result.stdout


def test_unknown_target_is_a_usage_error(runner):
    result = runner.invoke(main, ["crosswalk", "--to", "bibtex", str(SAMPLES / "pymarc" / "1251.dat")])
    assert result.exit_code == 2 and "bibtex" in result.stderr


def test_a_file_without_records_is_a_failure_named_with_the_reason(runner):
    identify = SAMPLES / "sickle" / "Identify.xml"
    result = runner.invoke(main, ["crosswalk", "--to", "oai_dc", str(identify)])
    assert result.exit_code == 1
    assert f"{identify}: file: no records found: the OAI-PMH response is Identify" in result.stderr
    assert result.stderr.splitlines()[-1] == "0 converted, 1 failed"


def test_a_bom_only_file_is_a_failure(runner, tmp_path: Path):
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xfe\xff")
    result = runner.invoke(main, ["crosswalk", "--to", "marcxml", str(path)])
    assert result.exit_code == 1 and f"{path}: file: no records found: the file holds no XML element" in result.stderr


def test_an_empty_oai_response_is_no_records_and_no_failure(runner):
    empty = SAMPLES / "sickle" / "noRecordsMatch.xml"
    result = runner.invoke(main, ["crosswalk", "--to", "oai_dc", str(empty)])
    assert result.exit_code == 0
    assert f"{empty}: no records (an empty OAI-PMH response or collection)" in result.stderr
    assert result.stderr.splitlines()[-1] == "0 converted, 0 failed"
