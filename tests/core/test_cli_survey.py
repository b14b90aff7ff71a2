"""`scrutiny survey inspect` and `scrutiny survey import` (shared/spec/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from scrutiny.cli import main
from scrutiny.core.bundle import dump_bundle, parse_bundle
from scrutiny.core.demo import make_demo

DATA = Path(__file__).parent.parent / "data" / "surveys"
SYNTHETIC = DATA / "synthetic"  # the children's survey's questions, in the tools' layouts
SURVEY = "children_and_young_people"


def demo(tmp_path: Path) -> Path:
    path = tmp_path / "bundle.json"
    path.write_bytes(dump_bundle(make_demo(seed=3, records=10)))
    return path


def test_inspect_with_a_survey_proposes_a_column_per_item(capsys):
    assert main(["survey", "inspect", str(DATA / "odk-central-submissions.csv"), "--survey",
                 SURVEY, "--json"]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["mapping"]["feel_safe"] == {"column": "views-feel_safe", "confidence": 1.0}
    assert (result["rows"], result["rejected"], result["on_hold"], result["returns"]) == (
        5,
        1,
        1,
        3,
    )


def test_inspect_prints_text_without_json(capsys):
    assert main(["survey", "inspect", str(DATA / "qualtrics-three-heading-rows.csv")]) == 0
    out = capsys.readouterr().out
    assert "made by Qualtrics" in out and "heading rows: 3" in out and "responses: 1" in out
    assert main(["survey", "inspect", str(SYNTHETIC / "limesurvey-full-text.csv")]) == 0
    assert "not finished: 2" in capsys.readouterr().out


def test_inspect_refuses_what_is_not_an_export_with_exit_2(tmp_path, capsys):
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert main(["survey", "inspect", str(png)]) == 2
    err = capsys.readouterr().err
    assert "This file is a PNG image, not a survey export" in err
    assert "Traceback" not in err
    assert main(["survey", "inspect", str(DATA / "odk-central-submissions.csv"), "--survey",
                 "nope"]) == 2  # fmt: skip
    assert "--survey: no survey 'nope'" in capsys.readouterr().err


def test_import_adds_only_the_counted_responses_unless_told(tmp_path, capsys):
    bundle = demo(tmp_path)
    before = parse_bundle(bundle.read_bytes())
    out = tmp_path / "out.json"
    lime = str(SYNTHETIC / "limesurvey-full-text.csv")
    assert main(["survey", "import", str(bundle), lime, "--survey", SURVEY, "-o", str(out)]) == 0
    after = parse_bundle(out.read_bytes())
    added = len(after.survey_responses) - len(before.survey_responses)
    assert added == 4
    assert "4 returns added" in capsys.readouterr().err
    assert main(["survey", "import", str(bundle), lime, "--survey", SURVEY,
                 "--include-incomplete", "-o", str(out)]) == 0  # fmt: skip
    assert len(parse_bundle(out.read_bytes()).survey_responses) - len(before.survey_responses) == 5


def test_import_refuses_while_a_column_or_answer_is_unmapped_and_writes_nothing(tmp_path, capsys):
    bundle = demo(tmp_path)
    out = tmp_path / "out.json"
    codes = str(SYNTHETIC / "limesurvey-r-data-file.csv")
    assert main(["survey", "import", str(bundle), codes, "--survey", SURVEY, "-o", str(out)]) == 2
    assert "Confirm the column mapping" in capsys.readouterr().err
    assert not out.exists()

    mapping = tmp_path / "mapping.json"
    columns = {"items": {"feelsafe": "feel_safe", "anything": "anything_else"}, "respondent": "id"}
    mapping.write_bytes(orjson.dumps(columns))
    assert main(["survey", "import", str(bundle), codes, "--survey", SURVEY, "--mapping",
                 str(mapping), "-o", str(out)]) == 2  # fmt: skip
    err = capsys.readouterr().err.splitlines()
    # Every problem listed, each naming its row and column: the R file holds answer codes.
    assert any(
        line.startswith(f"{codes}: Row 2, column I (feelsafe): '1' is not one") for line in err
    )
    assert not out.exists()

    answers = {"feel_safe": {"1": "yes", "2": "mostly", "3": "no", "4": "not sure"}}
    mapping.write_bytes(orjson.dumps({"columns": columns, "answers": answers}))
    assert main(["survey", "import", str(bundle), codes, "--survey", SURVEY, "--mapping",
                 str(mapping), "-o", str(out)]) == 0  # fmt: skip
    added = [r for r in parse_bundle(out.read_bytes()).survey_responses if r.respondent in
             {"11", "12", "15", "16"}]  # fmt: skip
    assert len(added) == 4 and added[0].answers["feel_safe"] == "yes"


def test_import_refuses_a_respondent_the_bundle_already_has(tmp_path, capsys):
    bundle = demo(tmp_path)
    out = tmp_path / "out.json"
    forms = str(SYNTHETIC / "microsoft-forms.csv")
    assert main(["survey", "import", str(bundle), forms, "--survey", SURVEY, "-o", str(out)]) == 0
    again = tmp_path / "again.json"
    assert main(["survey", "import", str(out), forms, "--survey", SURVEY, "-o", str(again)]) == 2
    assert "already has a response from respondent '1'" in capsys.readouterr().err
    assert not again.exists()
