#!/usr/bin/env python3
"""The window shows Forkscope's icon: forkscope is started on a real X server (run this under xvfb-run),
and the icon its window gives the desktop (_NET_WM_ICON, read back with xprop) is compared, pixel by pixel,
with the icon rendered from resources/icons at build time.

Usage: window_icon_test.py FORKSCOPE ICON_DIR APP_ID "SIZES"
"""
import os
import re
import subprocess
import sys
import tempfile
import time

forkscope, icon_dir, app_id, sizes = sys.argv[1], sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4].split()]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def png_pixels(path, size):
    """(r, g, b, a) tuples of a PNG, through ImageMagick (imagemagick, scripts/common.sh)."""
    raw = subprocess.run(["convert", path, "-depth", "8", "rgba:-"], check=True, capture_output=True).stdout
    if len(raw) != size * size * 4:
        fail(f"{path} is not {size}x{size}")
    return [tuple(raw[i:i + 4]) for i in range(0, len(raw), 4)]


def forkscope_windows():
    """The ids of the X windows whose class is forkscope's."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
    return re.findall(r"^\s*(0x[0-9a-f]+) .*\(\"forkscope\" \"forkscope\"\)", tree, re.M)


def window_icons(window):
    """{size: [(r, g, b, a), ...]} from the window's _NET_WM_ICON: width, height, then ARGB per pixel."""
    out = subprocess.run(["xprop", "-id", window, "-len", "16000000", "-notype", "-f", "_NET_WM_ICON", "32c", " $0+",
                          "_NET_WM_ICON"], capture_output=True, text=True).stdout
    if "_NET_WM_ICON" not in out or "not found" in out:
        return {}
    values = [int(v) for v in re.findall(r"\d+", out.split("_NET_WM_ICON", 1)[1])]
    icons, i = {}, 0
    while i + 2 <= len(values):
        w, h = values[i], values[i + 1]
        pixels = values[i + 2:i + 2 + w * h]
        if w != h or len(pixels) != w * h:
            fail(f"a malformed _NET_WM_ICON entry ({w}x{h})")
        icons[w] = [((p >> 16) & 255, (p >> 8) & 255, p & 255, (p >> 24) & 255) for p in pixels]
        i += 2 + w * h
    return icons


with tempfile.TemporaryDirectory() as home:
    # Its own home: the window's remembered layout and scenario are written there, not in the user's.
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_RUNTIME_DIR=home, QT_QPA_PLATFORM="xcb")
    os.chmod(home, 0o700)
    app = subprocess.Popen([forkscope], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # A window within 60 s (a loaded machine starts Qt slowly); its icon within 10 s of it.
        icons, deadline, seen = {}, time.monotonic() + 60, False
        while not icons and time.monotonic() < deadline:
            if app.poll() is not None:
                fail(f"forkscope exited with {app.returncode} before showing its window: {app.stderr.read()}")
            windows = forkscope_windows()
            if windows and not seen:
                seen, deadline = True, min(deadline, time.monotonic() + 10)
            for window in windows:
                icons = window_icons(window) or icons
            if not icons:
                time.sleep(0.2)
        if not icons:
            fail("forkscope's window has no icon (_NET_WM_ICON)" if seen else "no forkscope window appeared in 60 s")
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()

print("window icon sizes:", sorted(icons))
for size in (16, 32, 48):
    if size not in icons:
        fail(f"the window's icon has no {size}x{size} image (it has {sorted(icons)})")
for size in sorted(set(icons) & set(sizes)):
    expected = png_pixels(f"{icon_dir}/{size}x{size}/{app_id}.png", size)
    # Qt hands the desktop premultiplied-then-unpremultiplied colours: equal within rounding where the
    # pixel is opaque enough for its colour to mean something.
    worst = max(max(abs(a - b) for a, b in zip(got, want)) if want[3] > 64 else abs(got[3] - want[3])
                for got, want in zip(icons[size], expected))
    if worst > 3:
        fail(f"the window's {size}x{size} icon is not resources/icons' (a channel differs by {worst})")
    if size < 32:
        continue
    # Not blank: it has the mark's light strokes and its dark ground.
    if not any(p[3] > 200 and min(p[:3]) > 200 for p in expected) or not any(p[3] > 200 and max(p[:3]) < 100 for p in expected):
        fail(f"the rendered {size}x{size} icon is blank or flat")
print(f"the window's icon is Forkscope's at {sorted(set(icons) & set(sizes))}")
