"""Witness-cosigned checkpoints for `disarm log prove --cosigned`: read a note file, or pick
the one of a tree size from a directory of them (a demo's ``cosigned/``)."""

from __future__ import annotations

from pathlib import Path

from disarm.errors import BadInput, NotFound
from disarm.tlog.checkpoint import Checkpoint
from disarm.tlog.note import split_note


def checkpoint_size(note: str) -> int:
    text, _ = split_note(note)
    return Checkpoint.parse(text).size


#: A cosigned checkpoint note is a few lines; files are read at most this far.
NOTE_LIMIT = 64 * 1024


def read_note(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            raw = fh.read(NOTE_LIMIT + 1)
    except FileNotFoundError as exc:
        raise NotFound(f"cosigned checkpoint {path} does not exist") from exc
    if len(raw) > NOTE_LIMIT:
        raise BadInput(f"cosigned checkpoint {path} is over {NOTE_LIMIT} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"cosigned checkpoint {path} is not UTF-8 text") from exc


def cosigned_note(path: Path, size: int | None) -> str:
    """The cosigned checkpoint in ``path`` (a note file), or in the directory ``path`` the one of
    tree ``size`` (default: the largest)."""
    if not path.is_dir():
        return read_note(path)
    notes: dict[int, str] = {}
    for file in sorted(path.iterdir()):
        if file.is_file() and file.suffix == ".note":
            note = read_note(file)
            notes[checkpoint_size(note)] = note
    if not notes:
        raise BadInput(f"{path} holds no cosigned checkpoint (*.note)")
    wanted = max(notes) if size is None else size
    if wanted not in notes:
        raise BadInput(f"{path} holds no cosigned checkpoint of tree size {wanted}")
    return notes[wanted]


def size_matches(size: int | None, note: str, path: Path) -> int:
    """The tree size of the cosigned ``note``; `BadInput` if ``--size`` named another."""
    cosigned_size = checkpoint_size(note)
    if size is not None and size != cosigned_size:
        raise BadInput(f"--size {size} differs from the size {cosigned_size} of {path}")
    return cosigned_size


__all__ = ["checkpoint_size", "cosigned_note", "read_note", "size_matches"]
