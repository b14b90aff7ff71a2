"""`scrutiny backup FILE` and `scrutiny restore FILE`: one consistent archive of an
installation, and its restoration into an empty one.

The archive is a gzip-compressed tar holding, in this order:

- ``manifest.json``: the format, when and by which version it was made, the database
  engine, and every other part with its size and sha256;
- ``database/scrutiny.sqlite3`` (SQLite's online backup API: a consistent copy while the
  site runs) or ``database/scrutiny.pgdump`` (``pg_dump --format=custom``);
- ``attachments/<stored name>``, ``attachments/partnership/<stored name>`` (documents
  the partnership sent) and ``report-templates/<stored name>``: every file the database
  refers to;
- ``manifest.sha256``: the sha256 of manifest.json, written last, so an archive cut short
  anywhere lacks it.

Restore reads the whole archive and checks every part against the manifest *before*
writing anything; a damaged, partial or foreign archive is refused with the reason, and
an installation that already holds data is refused too. Only then are the database and
the files written, each under a temporary name first.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection

FORMAT = "scrutiny-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SEAL = "manifest.sha256"
SQLITE_MEMBER = "database/scrutiny.sqlite3"
PG_MEMBER = "database/scrutiny.pgdump"
# Files are read and hashed in chunks; nothing is held whole in memory.
CHUNK = 1024 * 1024


class BackupRefused(Exception):
    """The archive cannot be restored here, for the reasons given; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Part:
    name: str
    source: Path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _file_dirs() -> dict[str, Path]:
    return {
        "attachments": Path(settings.ATTACHMENTS_DIR),
        "report-templates": Path(settings.REPORT_TEMPLATES_DIR),
    }


def _referenced_files() -> dict[str, set[str]]:
    """The stored names the database refers to, per folder: what a restore needs."""
    from scrutiny.web.evidence.models import EvidenceAttachment
    from scrutiny.web.partnership.models import SentDocument
    from scrutiny.web.reports.models import ReportTemplate

    return {
        "attachments": set(EvidenceAttachment.objects.values_list("stored_name", flat=True))
        | {
            f"partnership/{name}"  # as partnership.services.sent_documents_dir keeps them
            for name in SentDocument.objects.values_list("stored_name", flat=True)
        },
        "report-templates": set(ReportTemplate.objects.values_list("stored_name", flat=True)),
    }


def _snapshot_database(work: Path) -> Part:
    """A consistent copy of the database, taken while the site may be writing."""
    connection.ensure_connection()
    if _engine() == "sqlite":
        target = work / "scrutiny.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return Part(SQLITE_MEMBER, target)
    target = work / "scrutiny.pgdump"
    _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
    return Part(PG_MEMBER, target)


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run_pg(program: str, *args: str) -> None:
    connection_args, env = _pg_environment()
    done = subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [program, *connection_args, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{program} failed: {done.stderr.strip()}")


def backup_write(target: Path) -> dict[str, Any]:
    """Write the archive to ``target`` (through a temporary file, renamed when whole)."""
    target = target.resolve()
    with tempfile.TemporaryDirectory(prefix="scrutiny-backup-") as tmp:
        work = Path(tmp)
        # The database first: the files it names are copied after, and attachments are
        # never rewritten in place (a new upload is a new stored name), so every file the
        # snapshot refers to is still there unless it was removed in the meantime.
        database = _snapshot_database(work)
        referenced = _referenced_files()
        parts = [database]
        missing = []
        for folder, directory in _file_dirs().items():
            for name in sorted(referenced[folder]):
                path = directory / name
                if path.is_file():
                    parts.append(Part(f"{folder}/{name}", path))
                else:
                    missing.append(f"{folder}/{name}")
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": _engine(),
            "database": database.name,
            # Files the database names but the disk lacked when the backup was made: a
            # restore recreates the same gap rather than inventing anything.
            "missing": missing,
            "parts": [
                {"name": p.name, "size": p.source.stat().st_size, "sha256": _sha256(p.source)}
                for p in parts
            ],
        }
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
        partial = target.with_name(f".{target.name}.partial")
        try:
            # Children's data: readable by the owner only, from the first byte.
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as out,
                tarfile.open(fileobj=out, mode="w:gz") as archive,
            ):
                _add_bytes(archive, MANIFEST, manifest_bytes)
                for part in parts:
                    archive.add(part.source, arcname=part.name, recursive=False)
                seal = hashlib.sha256(manifest_bytes).hexdigest().encode()
                _add_bytes(archive, SEAL, seal + b"\n")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


# --- restore ---------------------------------------------------------------------------


def _members(stream: BinaryIO) -> Iterator[tuple[tarfile.TarInfo, BinaryIO | None]]:
    with tarfile.open(fileobj=stream, mode="r:gz") as archive:
        for info in archive:
            yield info, archive.extractfile(info)


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def backup_verify(source: Path) -> dict[str, Any]:
    """Read the whole archive and check it against its manifest; return the manifest.

    Raises BackupRefused naming every problem. Writes nothing.
    """
    problems: list[str] = []
    manifest: dict[str, Any] | None = None
    manifest_bytes = b""
    seen: dict[str, tuple[int, str]] = {}
    seal: bytes | None = None
    try:
        with source.open("rb") as stream:
            for index, (info, data) in enumerate(_members(stream)):
                if index == 0 and info.name != MANIFEST:
                    raise BackupRefused([f"{source}: not a Scrutiny backup (no manifest first)"])
                if not info.isfile() or data is None or not _safe_name(info.name):
                    raise BackupRefused(
                        [f"{source}: unexpected entry {info.name!r} in the archive"]
                    )
                if info.name == MANIFEST:
                    manifest_bytes = data.read()
                    manifest = _parse_manifest(source, manifest_bytes)
                    continue
                if info.name == SEAL:
                    seal = data.read().strip()
                    continue
                digest, size = hashlib.sha256(), 0
                while chunk := data.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                seen[info.name] = (size, digest.hexdigest())
    except FileNotFoundError:
        raise BackupRefused([f"{source}: no such file"]) from None
    except (tarfile.TarError, EOFError, OSError, zlib_error()) as exc:
        raise BackupRefused(
            [f"{source}: the archive is damaged or incomplete ({_why(exc)}); nothing was restored"]
        ) from None
    if manifest is None:
        raise BackupRefused([f"{source}: not a Scrutiny backup (no manifest)"])
    if seal is None:
        problems.append(
            f"{source}: the archive is incomplete: it ends before its closing checksum "
            "(was it cut short while copying?)"
        )
    elif seal.decode(errors="replace") != hashlib.sha256(manifest_bytes).hexdigest():
        problems.append(f"{source}: the manifest does not match its checksum")
    listed = {p["name"]: (p["size"], p["sha256"]) for p in manifest["parts"]}
    for name, (size, digest) in listed.items():
        if name not in seen:
            problems.append(f"{name}: listed in the manifest but missing from the archive")
        elif seen[name] != (size, digest):
            problems.append(f"{name}: its contents do not match the manifest's sha256")
    for name in sorted(set(seen) - set(listed)):
        problems.append(f"{name}: in the archive but not in the manifest")
    if manifest["database"] not in listed:
        problems.append("the manifest names no database part")
    if problems:
        raise BackupRefused(problems)
    return manifest


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _parse_manifest(source: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except ValueError:
        raise BackupRefused([f"{source}: the manifest is not valid JSON"]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused([f"{source}: not a Scrutiny backup"])
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupRefused(
            [f"{source}: backup format {manifest.get('version')!r} is not one this version reads"]
        )
    parts = manifest.get("parts")
    if not isinstance(parts, list) or not all(
        isinstance(p, dict) and {"name", "size", "sha256"} <= set(p) for p in parts
    ):
        raise BackupRefused([f"{source}: the manifest's list of parts is malformed"])
    return manifest


def _installation_problems(manifest: dict[str, Any]) -> list[str]:
    """Restore goes into an empty installation only: never over somebody's data."""
    problems = []
    engine = _engine()
    if manifest["engine"] != engine:
        problems.append(
            f"the backup holds a {manifest['engine']} database; this installation uses {engine}"
        )
    if engine == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if path.exists() and _sqlite_has_data(path):
            problems.append(f"{path}: the database already holds data; restore needs an empty one")
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "select count(*) from information_schema.tables where table_schema = 'public'"
            )
            (tables,) = cursor.fetchone()
        if tables:
            problems.append(
                "the PostgreSQL database already has tables; restore needs an empty one"
            )
    for folder, directory in _file_dirs().items():
        if directory.is_dir() and any(directory.iterdir()):
            problems.append(f"{directory}: the {folder} folder is not empty")
    return problems


def _sqlite_has_data(path: Path) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
        for table in ("inspections_inspection", "accounts_user"):
            if table in tables and db.execute(f"select 1 from {table} limit 1").fetchone():  # noqa: S608
                return True
    return False


def backup_restore(source: Path) -> dict[str, Any]:
    """Check the archive and the installation, then restore; refuse before writing."""
    source = source.resolve()
    manifest = backup_verify(source)
    problems = _installation_problems(manifest)
    if problems:
        raise BackupRefused(problems)
    connection.close()  # the SQLite file is about to be replaced
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="scrutiny-restore-") as tmp:
        work = Path(tmp)
        try:
            with source.open("rb") as stream:
                for info, data in _members(stream):
                    if info.name in (MANIFEST, SEAL) or data is None:
                        continue
                    folder, _, name = info.name.partition("/")
                    if folder == "database":
                        target = work / name
                    else:
                        target = _file_dirs()[folder] / name
                        # Children's data: folders and files the owner's only, as the
                        # services that store them keep them.
                        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    partial = target.with_name(f".{target.name}.restoring")
                    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(descriptor, "wb") as out:
                        shutil.copyfileobj(data, out, CHUNK)
                    os.replace(partial, target)
                    written.append(target)
            _restore_database(work / Path(manifest["database"]).name)
        except BaseException:
            # The archive was read in full and checked; a failure here is the disk's.
            for path in written:
                if work not in path.parents:
                    path.unlink(missing_ok=True)
            raise
    return manifest


def _restore_database(dump: Path) -> None:
    if _engine() == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(dump) as db:
            (result,) = db.execute("pragma integrity_check").fetchone()
        if result != "ok":
            raise BackupRefused(
                [f"the database in the archive fails its integrity check: {result}"]
            )
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        staged = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(dump, staged)
        os.replace(staged, target)
    else:
        _run_pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", str(dump))
