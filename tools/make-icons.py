#!/usr/bin/env python3
"""Draws Veld's app icons (PNG, no dependencies) into public/icons/.

The mark: a white "V" on a teal field. `any` icons have rounded corners;
`maskable` icons fill the square and keep the mark inside the central 80 % safe zone.
Run once after changing the design; the PNGs are committed.
"""
import math, os, struct, zlib

TEAL = (15, 118, 110)
WHITE = (255, 255, 255)


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def coverage(x, y, size, maskable):
    """(background alpha, mark alpha) at a point in unit coordinates."""
    u, v = x / size, y / size
    if maskable:
        bg = 1.0
        scale, off = 0.62, 0.19
    else:
        r = 0.18
        cx = min(max(u, r), 1 - r)
        cy = min(max(v, r), 1 - r)
        bg = 1.0 if math.hypot(u - cx, v - cy) <= r else 0.0
        scale, off = 0.8, 0.1
    mu, mv = (u - off) / scale, (v - off) / scale
    w = 0.085
    d = min(seg_dist(mu, mv, 0.2, 0.22, 0.5, 0.8), seg_dist(mu, mv, 0.8, 0.22, 0.5, 0.8))
    mark = 1.0 if d <= w else 0.0
    return bg, mark * bg


def render(size, maskable):
    ss = 3
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            acc_bg = acc_mark = 0.0
            for sy in range(ss):
                for sx in range(ss):
                    bg, mark = coverage(x + (sx + 0.5) / ss, y + (sy + 0.5) / ss, size, maskable)
                    acc_bg += bg
                    acc_mark += mark
            n = ss * ss
            a_bg, a_mark = acc_bg / n, acc_mark / n
            if a_bg == 0:
                row += bytes([0, 0, 0, 0])
                continue
            t = a_mark / a_bg
            rgb = [round(TEAL[i] * (1 - t) + WHITE[i] * t) for i in range(3)]
            row += bytes(rgb + [round(a_bg * 255)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
    os.makedirs(out, exist_ok=True)
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-192.png", 192, True), ("maskable-512.png", 512, True),
                                 ("apple-touch-icon.png", 180, True)]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(render(size, maskable))
        print("wrote", name)


if __name__ == "__main__":
    main()
