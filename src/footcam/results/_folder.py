"""What every reader of a footcam output folder shares: the folder checked once, its manifest
(the JSON file written last) checked for its schema, files read once, and one set of errors.

A reader is a subclass of :class:`OutputFolder` that names its manifest and the schema major
version it reads; :class:`footcam.results.ClipResult` is the one for a clip's folder. A visit
(session) folder or a comparison gets a sibling subclass with its own manifest and parts.

Pure Python + pandas: the findings stage reads through it, so no mediapipe, cv2, av or click.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Iterable

import pandas as pd

from ..errors import ResultError


def schema_major(version: Any) -> int | None:
    """``"1.0"`` → 1; None for anything that is not a ``MAJOR.MINOR`` string."""
    head = str(version).split(".", 1)[0] if isinstance(version, str) else ""
    return int(head) if head.isdigit() else None


class OutputFolder:
    """A folder footcam wrote, opened read-only.

    ``open(path)`` checks, once, that the folder exists and holds its manifest, that the
    manifest is a JSON object of a schema this footcam reads, and lists the files present;
    every part is then read on first use and kept. Every problem is a
    :class:`footcam.errors.ResultError` whose message names the folder.
    """

    #: the file that makes a folder one of this kind (footcam writes it last)
    MANIFEST: ClassVar[str] = "analysis.json"
    #: the major schema version of the manifest this footcam reads
    SCHEMA_READS: ClassVar[int] = 1
    #: what a user runs to (re)make a missing or broken part
    REMEDY: ClassVar[str] = "rerun footcam analyze"

    def __init__(self, path: Path, manifest: dict, names: Iterable[str]):
        self.path = Path(path)
        self._manifest = manifest
        self._names = frozenset(names)
        self._cache: dict[str, Any] = {}

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path):
        """Check the folder once and return its reader; raises ResultError."""
        path = Path(path)
        if not path.is_dir():
            why = "a file, not a folder" if path.exists() else "no such folder"
            raise ResultError(f"not a footcam output folder ({why})", path)
        try:
            names = [p.name for p in path.iterdir()]
        except OSError as e:
            raise ResultError(f"cannot list the folder ({e.strerror or e})", path) from None
        if cls.MANIFEST not in names or not (path / cls.MANIFEST).is_file():
            raise ResultError(f"not a footcam output folder (no {cls.MANIFEST})", path)
        manifest = _read_json(path, cls.MANIFEST)
        cls._check_schema(path, manifest, cls.MANIFEST, cls.SCHEMA_READS, manifest_file=True)
        return cls(path, manifest, names)

    @staticmethod
    def _check_schema(path: Path, doc: dict, name: str, reads: int, manifest_file: bool = False) -> None:
        version = doc.get("schema_version")
        major = schema_major(version)
        if major is None:
            raise ResultError(f"{name} has no schema_version: not written by footcam", path)
        if major != reads:
            who = f"footcam {doc.get('footcam_version') or '(unknown version)'}"
            what = "written" if manifest_file else f"{name} written"
            raise ResultError(f"{what} by {who} with schema {version}, this footcam reads {reads}",
                              path)

    # --- what is there -----------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the folder held ``name`` (a file or sub-folder) when it was opened."""
        return name in self._names

    def require(self, *names: str) -> None:
        """Raise ResultError naming the first of ``names`` the folder lacks."""
        for name in names:
            if name not in self._names:
                raise self.missing(name)

    def missing(self, name: str) -> ResultError:
        return ResultError(f"{name} is missing ({self.REMEDY})", self.path)

    def error(self, message: str) -> ResultError:
        return ResultError(message, self.path)

    # --- reading parts (each once) -----------------------------------------------------------

    def _cached(self, key: str, load):
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def _json(self, name: str, *, schema_reads: int | None = None) -> dict:
        """A JSON object file of the folder (which must be there)."""
        def load():
            self.require(name)
            doc = _read_json(self.path, name)
            if schema_reads is not None:
                self._check_schema(self.path, doc, name, schema_reads)
            return doc
        return self._cached(f"json:{name}", load)

    def _csv(self, name: str, columns: Iterable[str] = ()) -> pd.DataFrame:
        """A CSV table of the folder (which must be there), with ``columns`` checked. An empty
        file (footcam's way to write a table with no row and no column) is an empty table."""
        def load():
            self.require(name)
            try:
                df = pd.read_csv(self.path / name)
            except pd.errors.EmptyDataError:
                return pd.DataFrame()
            except (OSError, UnicodeDecodeError, pd.errors.ParserError, ValueError) as e:
                raise self.error(f"{name} cannot be read ({type(e).__name__}: {e})") from None
            lack = [c for c in columns if c not in df.columns]
            if lack:
                raise self.error(f"{name} lacks the column{'s' if len(lack) > 1 else ''} "
                                 f"{', '.join(lack)} ({self.REMEDY})")
            return df
        return self._cached(f"csv:{name}", load).copy()

    def _field(self, *keys: str) -> Any:
        """``manifest[k1][k2]...``; ResultError naming the dotted path when it is absent."""
        x: Any = self._manifest
        for i, k in enumerate(keys):
            if not isinstance(x, dict) or k not in x:
                raise self.error(f"{self.MANIFEST} lacks {'.'.join(keys[:i + 1])} ({self.REMEDY})")
            x = x[k]
        return x

    def __repr__(self) -> str:
        return f"{type(self).__name__}.open({str(self.path)!r})"


def _read_json(folder: Path, name: str) -> dict:
    try:
        doc = json.loads((folder / name).read_text(encoding="utf-8"))
    except OSError as e:
        raise ResultError(f"{name} cannot be read ({e.strerror or e})", folder) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ResultError(f"{name} cannot be read ({type(e).__name__}: {e})", folder) from None
    if not isinstance(doc, dict):
        raise ResultError(f"{name} does not hold a JSON object", folder)
    return doc
