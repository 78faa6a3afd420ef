"""A case exported for an inspection as one zip: `record.txt` (what `nghe-dan export-audit`
prints), `record.json`, the kept files under `files/`, `manifest.json`, and `SHA256SUMS`, which
`sha256sum -c SHA256SUMS` checks after unpacking.

The manifest tells each file's place, kind, type, size and the hash the database and the
audit trail recorded, and the state of a file that is not in the archive. For a sealed case
(a tố cáo) those two hashes differ, and the manifest says why: the store keeps the file sealed,
so the database and trail hash the ciphertext, while the archive holds the file opened, which
SHA256SUMS hashes. The denouncer's identity is written nowhere, nor a document's own name
(bot.domain.case_archive).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime
from typing import IO

from bot.config import Config
from bot.dialogs.audit import audit_json, audit_text
from bot.domain.case_archive import CaseExport, member_name
from bot.texts import t

SUMS = "SHA256SUMS"


def write_archive(out: IO[bytes], export: CaseExport, config: Config, exported_at: datetime) -> int:
    """Write the zip to `out`; returns how many files of the case are in it."""
    record = export.record
    ticket = record.ticket
    width = max(2, len(str(max((f.position for f in export.files), default=0))))
    sums: dict[str, str] = {}
    entries = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> str:
            archive.writestr(name, data)
            sums[name] = hashlib.sha256(data).hexdigest()
            return sums[name]

        for f in export.files:
            name = sha256 = None
            if f.data is not None:
                stem = t(f"export.names.{f.kind}")
                name = member_name(f, stem, width=width, names_shown=export.names_shown)
                sha256 = put(name, f.data)
            entries.append(
                {
                    "position": f.position,
                    "kind": f.kind,
                    "state": f.state,
                    "state_label": t(f"export.states.{f.state}"),
                    "name": name,
                    "media_type": f.media_type,
                    "size": f.size,
                    "sha256": sha256,
                    "recorded_sha256": f.recorded_sha256,
                    "recorded_sha256_in_trail": f.in_trail,
                }
            )
        text = audit_text(record, config, show_identity=True) + "\n"
        put("record.txt", text.encode("utf-8"))
        as_json = json.dumps(audit_json(record, config), ensure_ascii=False, indent=2) + "\n"
        put("record.json", as_json.encode("utf-8"))
        manifest = {
            "code": ticket.code,
            "commune": config.commune.name,
            "exported_at": exported_at.astimezone(config.commune.zone).isoformat(),
            "sealed": ticket.sealed,
            "hashes": t("export.hashes_sealed" if ticket.sealed else "export.hashes"),
            "files": entries,
        }
        put("manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
        # Text mode lines, as `sha256sum` writes them: two spaces between hash and name.
        archive.writestr(SUMS, "".join(f"{h}  {n}\n" for n, h in sums.items()))
    return sum(1 for f in export.files if f.data is not None)
