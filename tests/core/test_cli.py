"""The `scrutiny` command line, run as a user runs it: a real process."""

import json
import subprocess
import sys

from .builders import bundle, readings


def scrutiny(*args, stdin: bytes | None = None):
    return subprocess.run(
        [sys.executable, "-m", "scrutiny.cli", *args], input=stdin, capture_output=True, timeout=120
    )


def test_demo_is_deterministic_for_a_seed_and_differs_between_seeds(tmp_path):
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    assert scrutiny("demo", "-o", str(a), "--seed", "7").returncode == 0
    assert scrutiny("demo", "-o", str(b), "--seed", "7").returncode == 0
    assert scrutiny("demo", "-o", str(c), "--seed", "8").returncode == 0
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_the_demo_is_a_realistic_inspection(tmp_path):
    path = tmp_path / "demo.json"
    scrutiny("demo", "-o", str(path))
    data = json.loads(path.read_text())
    records = {r["record"] for r in data["record_readings"]}
    assert len(records) == 100
    assert len(data["record_readings"]) - len(records) == 10  # a tenth read twice
    assert {r["care_group"] for r in data["record_readings"]} >= {
        None,
        "looked_after_at_home",
        "kinship_care",
        "foster_care",
        "residential",
        "short_breaks",
        "aftercare",
    }
    assert len(data["survey_responses"]) >= 200
    assert {q for e in data["evidence"] for q in e["questions"]} == {1, 2, 3, 4, 5}
    assert scrutiny("validate", str(path)).stdout == b"ok\n"


def test_evaluate_json_follows_the_contract(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle(record_readings=readings(weak=24, other=76))))
    result = scrutiny("evaluate", str(path), "--json")
    assert result.returncode == 0
    out = json.loads(result.stdout)
    assert out["indicators"]["2.1"]["final"] == "weak"
    assert out["statistics"]["immediate_response"] == {
        "rated": 100,
        "weak_or_unsatisfactory": 24,
        "share": 0.24,
    }


def test_evaluate_prints_a_readable_table_with_the_cap_explained(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle(record_readings=readings(weak=24, other=76))))
    out = scrutiny("evaluate", str(path)).stdout.decode()
    assert "Impact on children" in out and "Very good" in out and "Weak" in out
    assert "immediate-response" in out


def test_invalid_bundle_exits_2_naming_the_path_without_traceback():
    data = bundle(
        record_readings=[{"record": "R", "reader": "a", "ratings": {"immediate_response": "goood"}}]
    )
    result = scrutiny("validate", "-", stdin=json.dumps(data).encode())
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "record_readings[0].ratings.immediate_response: 'goood' is not a point of the six-point scale\n"
    )
    assert b"Traceback" not in result.stderr and result.stdout == b""


def test_unreadable_file_and_unknown_programme_exit_2(tmp_path):
    missing = scrutiny("evaluate", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and b"cannot read" in missing.stderr
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle(programme="no-such")))
    unknown = scrutiny("evaluate", str(path))
    assert unknown.returncode == 2 and b"unknown programme 'no-such'" in unknown.stderr
    assert b"Traceback" not in missing.stderr + unknown.stderr


def test_not_json_exits_2():
    result = scrutiny("validate", "-", stdin=b"\x89PNG\r\n")
    assert result.returncode == 2 and result.stderr.startswith(b"(document): not valid JSON")


def test_schema_bundle_is_a_json_schema_naming_the_fields():
    schema = json.loads(scrutiny("schema", "bundle").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"format", "programme", "inspection", "record_readings"} <= set(schema["properties"])


def test_report_md_carries_the_questions_and_evaluations(tmp_path):
    demo, out = tmp_path / "d.json", tmp_path / "r.md"
    scrutiny("demo", "-o", str(demo))
    assert scrutiny("report", str(demo), "--format", "md", "-o", str(out)).returncode == 0
    text = out.read_text()
    assert "How good is collaborative leadership?" in text
    assert "Impact on children and young people" in text


def test_report_by_default_shows_the_same_figures_wording_and_caps_as_evaluate(tmp_path):
    """cli.md: the report shows the same figures, wording and caps as `evaluate`."""
    demo, out = tmp_path / "d.json", tmp_path / "r.md"
    scrutiny("demo", "-o", str(demo), "--seed", "3")
    evaluation = json.loads(scrutiny("evaluate", str(demo), "--json").stdout)
    assert scrutiny("report", str(demo), "--format", "md", "-o", str(out)).returncode == 0
    text = " ".join(out.read_text().split())
    for indicator in evaluation["indicators"].values():
        for limiter in indicator["limiters"]:
            assert limiter["detail"] in text
        if indicator["final"]:
            assert indicator["final"].capitalize() in text
    for check in evaluation["indicators"]["2.1"]["checks"]:
        if check["rule"] == "immediate-response":
            assert check["detail"] in text


def test_it_writes_a_demo_for_any_programme(tmp_path):
    out = tmp_path / "demo.json"
    done = scrutiny("demo", "--programme", "children-at-risk-of-harm-2021", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    data = json.loads(out.read_bytes())
    assert data["programme"] == "children-at-risk-of-harm-2021"
    assert [q["question"] for q in data["report"]["questions"]] == [1, 2, 3, 4]
    assert scrutiny("validate", str(out)).stdout.strip() == b"ok"
    refused = scrutiny("demo", "--programme", "nonsense", "-o", str(out))
    assert refused.returncode == 2
    assert "--programme: unknown programme 'nonsense'" in refused.stderr.decode()
