"""Discovery and output naming: which files are clips, and where each one's folder goes."""
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, strategies as st

from footcam.batch import discover, output_rel
from footcam.constants import VIDEO_EXTENSIONS
from footcam.errors import FootcamError


def touch(p: Path, data: bytes = b"x") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_finds_every_extension_in_any_case_recursively(tmp_path):
    names = ["a.mp4", "b.MOV", "c/d.m4v", "c/e/f.Avi", "g.mkv", "h.WEBM", "i.Mp4"]
    for n in names:
        touch(tmp_path / n)
    for n in ["notes.txt", "mp4", "x.mp4.part", ".hidden.mp4", "._a.mp4", ".cache/j.mp4"]:
        touch(tmp_path / n)
    found = discover(tmp_path)
    assert [str(c.rel) for c in found] == sorted(names, key=lambda s: PurePosixPath(s).parts)
    assert all(c.source == tmp_path / c.rel for c in found)


def test_output_folders_are_never_searched(tmp_path):
    touch(tmp_path / "walk.mp4")
    # OUT inside DIR, and an output folder elsewhere (its overlay.mp4 is not an input)
    touch(tmp_path / "out" / "walk_mp4" / "overlay.mp4")
    touch(tmp_path / "out" / "walk_mp4" / "analysis.json", b"{}")
    touch(tmp_path / "older" / "walk_mp4" / "overlay.mp4")
    touch(tmp_path / "older" / "walk_mp4" / "analysis.json", b"{}")
    touch(tmp_path / "results" / "x.mp4")
    assert [str(c.rel) for c in discover(tmp_path, exclude=tmp_path / "results")] == ["walk.mp4"]


def test_output_inside_the_clip_folder_itself(tmp_path):
    """-o DIR: the clips are still found, their output folders are not."""
    touch(tmp_path / "walk.mp4")
    touch(tmp_path / "walk_mp4" / "overlay.mp4")
    touch(tmp_path / "walk_mp4" / "analysis.json", b"{}")
    assert [str(c.rel) for c in discover(tmp_path, exclude=tmp_path)] == ["walk.mp4"]


def test_nested_duplicates_and_same_stems_get_distinct_folders(tmp_path):
    for n in ["p01/walk.mp4", "p02/walk.mp4", "p01/walk.mov", "p01/walk.MOV", "walk_mp4.mp4",
              "sub dir/Gång ü 歩行.mp4"]:
        touch(tmp_path / n)
    outs = {str(c.rel): str(c.out_rel) for c in discover(tmp_path)}
    assert outs == {"p01/walk.mp4": "p01/walk_mp4", "p02/walk.mp4": "p02/walk_mp4",
                    "p01/walk.mov": "p01/walk_mov", "p01/walk.MOV": "p01/walk_MOV",
                    "walk_mp4.mp4": "walk_mp4_mp4", "sub dir/Gång ü 歩行.mp4": "sub dir/Gång ü 歩行_mp4"}


@given(st.lists(st.tuples(st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                                  min_size=1, max_size=8),
                          st.sampled_from([e[1:] for e in VIDEO_EXTENSIONS] + ["MP4", "Mov"])),
                min_size=2, max_size=12, unique=True))
def test_output_names_never_collide(stems_exts):
    rels = {PurePosixPath(f"d/{s}.{e}") for s, e in stems_exts if s not in (".", "..")}
    outs = {output_rel(r) for r in rels}
    assert len(outs) == len(rels)


def test_not_a_folder(tmp_path):
    with pytest.raises(FootcamError, match="not a folder"):
        discover(tmp_path / "nope")


def test_symlinked_folders_are_not_followed(tmp_path):
    touch(tmp_path / "a" / "walk.mp4")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    assert [str(c.rel) for c in discover(tmp_path)] == ["a/walk.mp4"]
