"""LibreOffice headless for the document tests (see conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
if LIBREOFFICE is None and os.environ.get("NIANBAO_REQUIRE_LIBREOFFICE"):
    raise RuntimeError("CI needs LibreOffice for the document tests (.ci/run installs libreoffice-writer)")


class Office:
    """LibreOffice headless with a profile and HOME of its own under the session's tmp folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = dict(os.environ, HOME=str(root / "home"))
        self.profile = (root / "profile").as_uri()

    def convert(self, src: Path, target: str, out: Path) -> Path:
        """``soffice --convert-to target`` of ``src`` into folder ``out``; the converted file."""
        return self.convert_all([src], target, out)[0]

    def convert_all(self, sources: list[Path], target: str, out: Path) -> list[Path]:
        """Several files in one LibreOffice start (it takes longer to start than to convert)."""
        out.mkdir(parents=True, exist_ok=True)
        assert LIBREOFFICE is not None
        subprocess.run([LIBREOFFICE, f"-env:UserInstallation={self.profile}", "--headless", "--convert-to", target,
                        "--outdir", str(out), *map(str, sources)], check=True, capture_output=True,
                       timeout=120 + 60 * len(sources), env=self.env)
        ext = target.split(":")[0]
        made = [out / f"{src.stem}.{ext}" for src in sources]
        for m in made:
            assert m.exists(), f"LibreOffice made no {m.name}"
        return made
