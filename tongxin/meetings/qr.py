"""A small QR code encoder (ISO/IEC 18004) for the sign-in page: byte mode, error correction level
M, versions 1–10 (up to 213 bytes), drawn as an SVG path. The project has no QR package (qrcode and
segno are not installed), and a sign-in URL needs nothing more.

Steps: encode the bytes with mode and length → pad → split into blocks → Reed–Solomon over GF(256)
(polynomial 0x11D) → interleave → place in the zigzag around the function patterns → try the eight
masks and keep the one with the lowest penalty → write the format (and version) information.
"""

from __future__ import annotations

from collections.abc import Callable

# Version → (error-correction codewords per block, [(blocks, data codewords per block), …]) for level M.
_BLOCKS_M: dict[int, tuple[int, tuple[tuple[int, int], ...]]] = {
    1: (10, ((1, 16),)),
    2: (16, ((1, 28),)),
    3: (26, ((1, 44),)),
    4: (18, ((2, 32),)),
    5: (24, ((2, 43),)),
    6: (16, ((4, 27),)),
    7: (18, ((4, 31),)),
    8: (22, ((2, 38), (2, 39))),
    9: (22, ((3, 36), (2, 37))),
    10: (26, ((4, 43), (1, 44))),
}
_ALIGNMENT: dict[int, tuple[int, ...]] = {
    1: (),
    2: (6, 18),
    3: (6, 22),
    4: (6, 26),
    5: (6, 30),
    6: (6, 34),
    7: (6, 22, 38),
    8: (6, 24, 42),
    9: (6, 26, 46),
    10: (6, 28, 50),
}
_EC_LEVEL_M = 0b00
_PAD = (0xEC, 0x11)

# GF(256) with the QR primitive polynomial x^8 + x^4 + x^3 + x^2 + 1.
_EXP = [0] * 512
_LOG = [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]


def gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _generator(degree: int) -> list[int]:
    """Coefficients (highest power first, leading 1 dropped) of ∏ (x − α^i), i < degree."""
    poly = [1]
    for i in range(degree):
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] ^= c
            nxt[j + 1] ^= gf_mul(c, _EXP[i])
        poly = nxt
    return poly[1:]


def rs_remainder(data: list[int], degree: int) -> list[int]:
    """The Reed–Solomon error-correction codewords of `data`."""
    gen = _generator(degree)
    rem = [0] * degree
    for byte in data:
        factor = byte ^ rem[0]
        rem = [*rem[1:], 0]
        for j, g in enumerate(gen):
            rem[j] ^= gf_mul(g, factor)
    return rem


def capacity(version: int) -> int:
    """Data codewords of a version at level M."""
    return sum(n * k for n, k in _BLOCKS_M[version][1])


def _codewords(payload: bytes, version: int) -> list[int]:
    count_bits = 8 if version < 10 else 16
    bits: list[int] = []

    def put(value: int, n: int) -> None:
        bits.extend((value >> i) & 1 for i in range(n - 1, -1, -1))

    put(0b0100, 4)  # byte mode
    put(len(payload), count_bits)
    for b in payload:
        put(b, 8)
    total = capacity(version) * 8
    put(0, min(4, total - len(bits)))  # terminator
    put(0, (-len(bits)) % 8)
    data = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    for i in range(capacity(version) - len(data)):
        data.append(_PAD[i % 2])
    ec_len, groups = _BLOCKS_M[version]
    blocks: list[list[int]] = []
    pos = 0
    for n, k in groups:
        for _ in range(n):
            blocks.append(data[pos : pos + k])
            pos += k
    ecs = [rs_remainder(b, ec_len) for b in blocks]
    out: list[int] = []
    for i in range(max(len(b) for b in blocks)):
        out.extend(b[i] for b in blocks if i < len(b))
    for i in range(ec_len):
        out.extend(e[i] for e in ecs)
    return out


def _bch(value: int, poly: int, poly_bits: int) -> int:
    rem = value << (poly_bits - 1)
    for shift in range(rem.bit_length() - poly_bits, -1, -1):
        if rem & (1 << (shift + poly_bits - 1)):
            rem ^= poly << shift
    return rem


def format_bits(mask: int) -> int:
    """15 format bits for level M and `mask`: BCH(15,5) with 0x537, masked by 0x5412."""
    data = (_EC_LEVEL_M << 3) | mask
    return ((data << 10) | _bch(data, 0x537, 11)) ^ 0x5412


def version_bits(version: int) -> int:
    """18 version bits (versions 7 and up): BCH(18,6) with 0x1F25."""
    return (version << 12) | _bch(version, 0x1F25, 13)


_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + (r * c) % 3) % 2 == 0,
)


class _Grid:
    def __init__(self, version: int) -> None:
        self.version = version
        self.size = 17 + 4 * version
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.fixed = [[False] * self.size for _ in range(self.size)]

    def set(self, row: int, col: int, dark: bool) -> None:
        self.dark[row][col] = dark
        self.fixed[row][col] = True

    def function_patterns(self) -> None:
        n = self.size
        for i in range(n):
            self.set(6, i, i % 2 == 0)
            self.set(i, 6, i % 2 == 0)
        for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
            for dr in range(-1, 8):
                for dc in range(-1, 8):
                    r, c = r0 + dr, c0 + dc
                    if 0 <= r < n and 0 <= c < n:
                        ring = max(abs(dr - 3), abs(dc - 3))
                        self.set(r, c, ring != 2 and ring != 4)
        centres = _ALIGNMENT[self.version]
        for r in centres:
            for c in centres:
                if (r, c) in ((6, 6), (6, n - 7), (n - 7, 6)):
                    continue
                for dr in range(-2, 3):
                    for dc in range(-2, 3):
                        self.set(r + dr, c + dc, max(abs(dr), abs(dc)) != 1)
        self.draw_format(0)  # reserve; redrawn with the chosen mask
        if self.version >= 7:
            bits = version_bits(self.version)
            for i in range(18):
                dark = (bits >> i) & 1 == 1
                a, b = n - 11 + i % 3, i // 3
                self.set(b, a, dark)
                self.set(a, b, dark)

    def draw_format(self, mask: int) -> None:
        n = self.size
        bits = format_bits(mask)

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        for i in range(6):
            self.set(i, 8, bit(i))
        self.set(7, 8, bit(6))
        self.set(8, 8, bit(7))
        self.set(8, 7, bit(8))
        for i in range(9, 15):
            self.set(8, 14 - i, bit(i))
        for i in range(8):
            self.set(8, n - 1 - i, bit(i))
        for i in range(8, 15):
            self.set(n - 15 + i, 8, bit(i))
        self.set(n - 8, 8, True)  # the dark module

    def place(self, codewords: list[int]) -> None:
        n = self.size
        total = len(codewords) * 8
        i = 0
        right = n - 1
        while right >= 1:
            if right == 6:
                right = 5
            upward = ((right + 1) & 2) == 0
            for vert in range(n):
                row = n - 1 - vert if upward else vert
                for j in range(2):
                    col = right - j
                    if not self.fixed[row][col] and i < total:
                        self.dark[row][col] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
            right -= 2

    def apply_mask(self, mask: int) -> None:
        test = _MASKS[mask]
        for r in range(self.size):
            for c in range(self.size):
                if not self.fixed[r][c] and test(r, c):
                    self.dark[r][c] = not self.dark[r][c]


def penalty(dark: list[list[bool]]) -> int:
    """The standard's four penalty rules (runs, 2×2 blocks, finder-like patterns, dark balance)."""
    n = len(dark)
    score = 0
    lines = list(dark) + [[dark[r][c] for r in range(n)] for c in range(n)]
    finder_a = [True, False, True, True, True, False, True, False, False, False, False]
    finder_b = finder_a[::-1]
    for line in lines:
        run = 1
        for i in range(1, n + 1):
            if i < n and line[i] == line[i - 1]:
                run += 1
                continue
            if run >= 5:
                score += 3 + run - 5
            run = 1
        for i in range(n - 10):
            window = line[i : i + 11]
            if window in (finder_a, finder_b):
                score += 40
    for r in range(n - 1):
        for c in range(n - 1):
            if dark[r][c] == dark[r][c + 1] == dark[r + 1][c] == dark[r + 1][c + 1]:
                score += 3
    total = sum(sum(row) for row in dark)
    score += 10 * (abs(total * 20 - n * n * 10) // (n * n))
    return score


def matrix(text: str) -> list[list[bool]]:
    """The modules of the QR code for `text` (UTF-8), smallest version that fits, best mask."""
    payload = text.encode("utf-8")
    for version in range(1, 11):
        header = 4 + (8 if version < 10 else 16)
        if header + 8 * len(payload) <= capacity(version) * 8:
            break
    else:
        raise ValueError("text too long for a version 1–10 QR code")
    codewords = _codewords(payload, version)
    best: tuple[int, list[list[bool]]] | None = None
    for mask in range(8):
        grid = _Grid(version)
        grid.function_patterns()
        grid.place(codewords)
        grid.apply_mask(mask)
        grid.draw_format(mask)
        score = penalty(grid.dark)
        if best is None or score < best[0]:
            best = (score, [row[:] for row in grid.dark])
    assert best is not None
    return best[1]


def svg(text: str, *, quiet: int = 4) -> str:
    """An SVG image of the QR code (one path, four-module quiet zone), for inline use in a page."""
    dark = matrix(text)
    n = len(dark) + 2 * quiet
    path = "".join(
        f"M{c + quiet} {r + quiet}h1v1h-1z" for r, row in enumerate(dark) for c, on in enumerate(row) if on
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" shape-rendering="crispEdges" '
        f'role="img" aria-label="签到二维码"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
