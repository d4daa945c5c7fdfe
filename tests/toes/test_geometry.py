"""Plane geometry, EXIF orientation: pure functions on arrays."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from footcam.toes import geometry as geo
from footcam.toes.imageio import apply_orientation, exif_orientation
from footcam.toes.synth import SynthCamera, camera_homography


def test_homography_maps_the_four_corners():
    src = geo.sheet_rect_mm("a4")
    dst = np.array([[100, 80], [420, 95], [440, 560], [90, 540.0]])
    h = geo.homography(src, dst)
    assert np.allclose(geo.apply_h(h, src), dst, atol=1e-6)


def test_order_quad_starts_with_a_short_side_on_top():
    q = np.array([[400, 500], [100, 80], [90, 520], [380, 70.0]])   # shuffled portrait sheet
    o = geo.order_quad(q)
    side = np.linalg.norm(np.roll(o, -1, 0) - o, axis=1)
    assert side[0] < side[1]
    assert o[0, 1] < o[3, 1] and o[0, 0] < o[1, 0]                   # top-left first, clockwise


@settings(max_examples=25, deadline=None)
@given(tilt=st.floats(0, 40), az=st.floats(0, 360), roll=st.floats(-45, 45))
def test_tilt_recovered_from_the_sheet_homography(tilt, az, roll):
    cam = SynthCamera(tilt_deg=tilt, tilt_azimuth_deg=az, roll_deg=roll)
    h = camera_homography(cam, (105, 148.5))
    w, hh = cam.image_wh
    pp = ((w - 1) / 2, (hh - 1) / 2)
    assert abs(geo.camera_tilt_deg(h, cam.focal_px, pp) - tilt) < 0.01


@settings(max_examples=15, deadline=None)
@given(tilt=st.floats(10, 40), az=st.floats(20, 70), roll=st.floats(-45, 45))
def test_focal_length_from_a_tilted_sheet(tilt, az, roll):
    # tilted about an axis oblique to the sheet's edges, the sheet's right angle fixes the focal
    # length (tilting about an edge-parallel axis is the known degenerate case)
    cam = SynthCamera(tilt_deg=tilt, tilt_azimuth_deg=az, roll_deg=roll)
    h = camera_homography(cam, (105, 148.5))
    w, hh = cam.image_wh
    f = geo.focal_from_homography(h, ((w - 1) / 2, (hh - 1) / 2))
    assert f is not None and abs(f - cam.focal_px) / cam.focal_px < 0.02


def test_exif_orientation_six_means_turn_clockwise():
    img = np.arange(6).reshape(2, 3)             # stored landscape
    up = apply_orientation(img, 6)
    assert up.shape == (3, 2)
    assert up[0, 0] == img[1, 0] and up[0, 1] == img[0, 0]   # left column becomes the top row


def test_exif_parser_reads_the_tag_and_ignores_non_jpeg():
    # a minimal JPEG header with an APP1/Exif segment holding Orientation=8 (big-endian TIFF)
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + b"\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x08\x00\x00" + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    data = b"\xff\xd8" + b"\xff\xe1" + (len(app1) + 2).to_bytes(2, "big") + app1 + b"\xff\xd9"
    assert exif_orientation(data) == 8
    assert exif_orientation(b"\x89PNG....") == 1
