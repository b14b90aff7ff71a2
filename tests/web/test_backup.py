"""`scrutiny backup` and `scrutiny restore`, run as an operator would: separate processes,
each installation its own data folder. Back up, restore into a new empty one, and the
bundles export byte for byte and every attachment and template hashes the same; a cut-short
or tampered archive, or a non-empty installation, is refused with nothing written."""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRUTINY = str(Path(sys.executable).with_name("scrutiny"))

SETUP = """
from pathlib import Path
import docx
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.services import attachment_add
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports.services import template_upload
work = Path({work!r})
for reference in ("JI-A", "JI-B"):
    note = Evidence.objects.filter(inspection__reference=reference).first()
    for i in range(2):
        staged = work / f"{{reference}}-{{i}}.pdf"
        staged.write_bytes(b"%PDF-1.4\\n" + f"{{reference}} {{i}}".encode() * 500 + b"\\n%%EOF\\n")
        attachment_add(actor="test", evidence=note, path=staged, file_name=staged.name)
template = docx.Document()
template.add_paragraph("Care Agency", style="Title")
template.add_paragraph("{{{{title}}}}")
template.save(work / "house.docx")
template_upload(actor="test", inspection=Inspection.objects.get(reference="JI-B"),
                path=work / "house.docx", file_name="house.docx")
# A document the partnership sent (kept in the attachments folder's partnership/).
from scrutiny.web.evidence.services import Upload
from scrutiny.web.partnership.services import sent_document_create
sent = work / "minutes.pdf"
sent.write_bytes(b"%PDF-1.4\\n" + b"case conference minutes " * 300 + b"\\n%%EOF\\n")
sent_document_create(actor="test", inspection=Inspection.objects.get(reference="JI-A"),
                     kind="document", title="Minutes", upload=Upload(path=sent, file_name="minutes.pdf"))
"""


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SCRUTINY_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'scrutiny.sqlite3'}",
        "SCRUTINY_ATTACHMENTS_DIR": str(data_dir / "attachments"),
        "SCRUTINY_REPORT_TEMPLATES_DIR": str(data_dir / "report-templates"),
    }


def run(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, env=_env(data_dir), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def exports(data_dir: Path) -> dict[str, bytes]:
    out = {}
    for reference in ("JI-A", "JI-B"):
        target = data_dir.parent / f"{data_dir.name}-{reference}.json"
        run(data_dir, SCRUTINY, "export", reference, "-o", str(target))
        out[reference] = target.read_bytes()
    return out


def file_hashes(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Every stored file's sha256 and permissions (children's data: the owner's only)."""
    return {
        str(p.relative_to(data_dir)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder",
            oct(p.stat().st_mode & 0o777),
        )
        for folder in ("attachments", "report-templates")
        for p in sorted((data_dir / folder).rglob("*"))
    }


def written(data_dir: Path) -> list[str]:
    """What a refused restore must not have left: a database or any stored file."""
    return sorted(
        str(p.relative_to(data_dir))
        for p in data_dir.rglob("*")
        if p.is_file() and "static" not in p.parts
    )


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two inspections with attachments and a Word template, backed up once."""
    work = tmp_path_factory.mktemp("backup")
    data = work / "original"
    for reference, seed in (("JI-A", 1), ("JI-B", 2)):
        bundle = work / f"{reference}.json"
        run(data, SCRUTINY, "demo", "-o", str(bundle), "--seed", str(seed), "--records", "12")
        data_of = json.loads(bundle.read_text())
        data_of["inspection"]["reference"] = reference
        bundle.write_text(json.dumps(data_of))
        run(data, SCRUTINY, "import", str(bundle))
    run(
        data,
        sys.executable,
        "manage.py",
        "shell",
        "--no-imports",
        "-c",
        SETUP.format(work=str(work)),
    )
    archive = work / "site.tar.gz"
    done = run(data, SCRUTINY, "backup", str(archive))
    assert "Backed up the sqlite database and 6 files" in done.stdout
    assert archive.stat().st_mode & 0o777 == 0o600  # children's data: the owner's only
    return {"work": work, "data": data, "archive": archive}


def test_it_restores_a_backup_into_an_empty_installation_identically(
    installation: dict[str, Any],
) -> None:
    original, archive = installation["data"], installation["archive"]
    before_exports, before_files = exports(original), file_hashes(original)
    # Four attachments, the partnership's document (in its folder) and the Word template.
    assert sum(h != "folder" for h, _ in before_files.values()) == 6
    assert "attachments/partnership" in before_files
    names = tarfile.open(archive).getnames()
    assert names[0] == "manifest.json" and names[-1] == "manifest.sha256"
    assert "database/scrutiny.sqlite3" in names

    fresh = installation["work"] / "restored"
    done = run(fresh, SCRUTINY, "restore", str(archive))
    assert "Restored the backup of" in done.stdout
    assert exports(fresh) == before_exports
    assert file_hashes(fresh) == before_files

    # Restoring again over the data now there is refused, and changes nothing.
    again = run(fresh, SCRUTINY, "restore", str(archive), ok=False)
    assert again.returncode == 2
    assert "the database already holds data" in again.stderr
    assert "the attachments folder is not empty" in again.stderr
    assert exports(fresh) == before_exports


@pytest.mark.parametrize("cut", [0.5, 0.98])
def test_it_refuses_a_truncated_archive_and_writes_nothing(
    installation: dict[str, Any], cut: float
) -> None:
    whole = installation["archive"].read_bytes()
    truncated = installation["work"] / f"truncated-{cut}.tar.gz"
    truncated.write_bytes(whole[: int(len(whole) * cut)])
    empty = installation["work"] / f"empty-{cut}"
    done = run(empty, SCRUTINY, "restore", str(truncated), ok=False)
    assert done.returncode == 2
    assert "scrutiny: nothing was restored:" in done.stderr
    assert "the archive is damaged or incomplete" in done.stderr
    assert "Traceback" not in done.stderr
    assert written(empty) == []


def test_it_refuses_an_archive_whose_part_was_changed(installation: dict[str, Any]) -> None:
    """A whole archive whose attachment no longer matches the manifest's sha256."""
    tampered = installation["work"] / "tampered.tar.gz"
    with tarfile.open(installation["archive"]) as source:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers()]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as out:
        for member, content in members:
            if member.name.startswith("attachments/"):
                content = content.replace(b"JI-A", b"JI-X")
            out.addfile(member, io.BytesIO(content))
    tampered.write_bytes(gzip.compress(buffer.getvalue()))
    empty = installation["work"] / "empty-tampered"
    done = run(empty, SCRUTINY, "restore", str(tampered), ok=False)
    assert done.returncode == 2
    assert "its contents do not match the manifest's sha256" in done.stderr
    assert written(empty) == []


def test_it_refuses_a_file_that_is_not_a_backup(installation: dict[str, Any]) -> None:
    bundle = installation["work"] / "JI-A.json"
    empty = installation["work"] / "empty-bundle"
    done = run(empty, SCRUTINY, "restore", str(bundle), ok=False)
    assert done.returncode == 2 and "damaged or incomplete" in done.stderr
    missing = run(empty, SCRUTINY, "restore", str(installation["work"] / "nope.tar.gz"), ok=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert written(empty) == []


@pytest.mark.django_db  # so that the PostgreSQL pass of `make test` runs it
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="pg_dump and pg_restore: runs in the PostgreSQL pass (with-postgres.sh)",
)
def test_it_backs_up_and_restores_postgresql_with_pg_dump(tmp_path: Path) -> None:
    from urllib.parse import urlparse

    server = urlparse(os.environ["DATABASE_URL"])
    base = f"{server.scheme}://{server.netloc}"
    connect = ["-h", server.hostname or "", "-p", str(server.port), "-U", server.username or ""]
    for name in ("scrutiny_backup_a", "scrutiny_backup_b"):
        subprocess.run(["dropdb", *connect, "--if-exists", name], check=True)
        subprocess.run(["createdb", *connect, name], check=True)

    def env(name: str, data_dir: Path) -> dict[str, str]:
        return {**_env(data_dir), "DATABASE_URL": f"{base}/{name}"}

    def pg(name: str, data_dir: Path, *args: str, ok: bool = True) -> Any:
        done = subprocess.run(
            args, env=env(name, data_dir), cwd=ROOT, capture_output=True, text=True
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    original, restored = tmp_path / "a", tmp_path / "b"
    bundle = tmp_path / "JI-0001.json"
    pg("scrutiny_backup_a", original, SCRUTINY, "demo", "-o", str(bundle), "--records", "12")
    pg("scrutiny_backup_a", original, sys.executable, "manage.py", "migrate", "-v0")
    pg("scrutiny_backup_a", original, SCRUTINY, "import", str(bundle))
    before = pg("scrutiny_backup_a", original, SCRUTINY, "export", "JI-0001").stdout
    archive = tmp_path / "pg.tar.gz"
    done = pg("scrutiny_backup_a", original, SCRUTINY, "backup", str(archive))
    assert "Backed up the postgresql database" in done.stdout
    assert "database/scrutiny.pgdump" in tarfile.open(archive).getnames()
    pg("scrutiny_backup_b", restored, SCRUTINY, "restore", str(archive))
    assert pg("scrutiny_backup_b", restored, SCRUTINY, "export", "JI-0001").stdout == before
    again = pg("scrutiny_backup_b", restored, SCRUTINY, "restore", str(archive), ok=False)
    assert again.returncode == 2 and "already has tables" in again.stderr
