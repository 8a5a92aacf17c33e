"""Illustrative demo photos drawn with Pillow, no network: loess-hill villages, cave-dwelling (窑洞)
courtyards, attractions by kind (a temple hall, a courtyard gate, fields, tents ...) and rooms with a
kang bed, each with the place's name written on it and "DEMO" in the corner.

Deterministic for a given ``variant`` and caption (Pillow's own font, so every machine draws the same
bytes); colours and shapes change from one variant to the next.
"""

import io
import math
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from villages.demo.schema import T

WIDTH, HEIGHT = 800, 500
JPEG_QUALITY = 80

Colour = tuple[int, int, int]

SKIES: tuple[tuple[Colour, Colour, Colour], ...] = (
    ((118, 170, 222), (214, 232, 243), (255, 244, 214)),  # clear noon: top, horizon, sun
    ((246, 178, 122), (253, 226, 180), (255, 236, 190)),  # golden evening
    ((132, 120, 186), (244, 172, 140), (255, 214, 160)),  # dusk
    ((168, 200, 224), (236, 238, 232), (250, 250, 240)),  # pale winter
    ((96, 150, 210), (190, 222, 238), (255, 250, 226)),  # deep summer blue
)
LOESS: tuple[tuple[Colour, Colour, Colour], ...] = (
    ((214, 184, 140), (196, 158, 110), (176, 136, 92)),
    ((222, 196, 150), (204, 168, 118), (186, 146, 98)),
    ((206, 170, 128), (186, 146, 104), (164, 124, 84)),
)
DOORS: tuple[Colour, ...] = ((150, 40, 36), (52, 92, 126), (60, 110, 80), (120, 78, 44))
PAPER: Colour = (246, 236, 210)
LANTERN: Colour = (214, 40, 36)
LEAVES: tuple[Colour, ...] = ((88, 130, 70), (108, 146, 78), (74, 116, 64))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (red, green, blue)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random, top: Colour, horizon: Colour, sun: Colour) -> None:
    for y in range(HEIGHT):
        draw.line([(0, y), (WIDTH, y)], fill=_mix(top, horizon, min(1.0, y / (HEIGHT * 0.55))))
    x, y, r = rng.randint(120, 680), rng.randint(50, 120), rng.randint(28, 42)
    draw.ellipse([x - r, y - r, x + r, y + r], fill=sun)


def _ridge(draw: ImageDraw.ImageDraw, rng: random.Random, base: int, height: int, colour: Colour) -> None:
    phase, waves = rng.uniform(0, math.tau), rng.uniform(1.2, 2.4)
    points = [
        (
            x,
            base
            - height
            * (0.5 + 0.5 * math.sin(phase + waves * math.tau * x / WIDTH))
            * (0.8 + 0.2 * math.sin(x / 37)),
        )
        for x in range(0, WIDTH + 20, 20)
    ]
    draw.polygon([(0, HEIGHT), *points, (WIDTH, HEIGHT)], fill=colour)
    terrace = _mix(colour, (255, 255, 255), 0.12)
    for offset in range(18, 90, 18):
        draw.line([(x, y + offset) for x, y in points], fill=terrace, width=2)


def _arch(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rim: Colour, wood: Colour, door: bool
) -> None:
    """One arched opening: a fan-latticed window on top, a door or a low wall with a window below."""
    left, top, width, bottom = box
    spring = top + width // 2
    draw.rectangle([left - 8, spring, left + width + 8, bottom], fill=rim)
    draw.ellipse([left - 8, top - 8, left + width + 8, top + width + 8], fill=rim)
    draw.rectangle([left, spring, left + width, bottom], fill=PAPER)
    draw.ellipse([left, top, left + width, top + width], fill=PAPER)
    centre, radius = (left + width / 2, spring), width / 2
    for degrees in range(180, 361, 30):
        angle = math.radians(degrees)
        draw.line(
            [centre, (centre[0] + radius * math.cos(angle), spring + radius * math.sin(angle))],
            fill=wood,
            width=2,
        )
    draw.line([(left, spring), (left + width, spring)], fill=wood, width=3)
    for x in range(left + width // 5, left + width, width // 5):
        draw.line([(x, spring), (x, bottom)], fill=wood, width=2)
    for y in range(spring + 22, bottom, 22):
        draw.line([(left, y), (left + width, y)], fill=wood, width=2)
    if door:
        door_width = width // 2
        door_left = left + (width - door_width) // 2
        draw.rectangle([door_left, bottom - 100, door_left + door_width, bottom], fill=wood)
        draw.rectangle([door_left - 14, bottom - 100, door_left - 6, bottom - 20], fill=LANTERN)
        draw.rectangle(
            [door_left + door_width + 6, bottom - 100, door_left + door_width + 14, bottom - 20], fill=LANTERN
        )
    else:
        draw.rectangle([left, bottom - 50, left + width, bottom], fill=rim)


def _cave_dwelling(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour, wood: Colour) -> None:
    top, bottom = 250, 440
    draw.rectangle([90, top, 710, bottom], fill=earth)
    draw.rectangle([80, top - 14, 720, top], fill=_mix(earth, (90, 70, 50), 0.35))
    draw.line([(80, top - 14), (720, top - 14)], fill=LEAVES[0], width=4)
    rim = _mix(earth, (120, 90, 60), 0.45)
    arches = rng.choice((3, 4))
    width = 120 if arches == 3 else 100
    gap = (620 - arches * width) // (arches + 1)
    door_at = rng.randrange(arches)
    for index in range(arches):
        left = 90 + gap + index * (width + gap)
        _arch(draw, (left, top + 34, width, bottom), rim, wood, door=index == door_at)
        x = left + width // 2
        draw.line([(x, top), (x, top + 18)], fill=(60, 40, 30), width=2)
        draw.ellipse([x - 11, top + 16, x + 11, top + 40], fill=LANTERN)


def _yard_and_tree(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    draw.rectangle([0, 440, WIDTH, HEIGHT], fill=_mix(earth, (255, 240, 210), 0.35))
    x = rng.choice((48, 752))
    draw.polygon([(x - 8, HEIGHT), (x + 8, HEIGHT), (x + 5, 300), (x - 5, 300)], fill=(96, 66, 44))
    for _ in range(7):
        cx, cy, r = x + rng.randint(-55, 55), rng.randint(230, 320), rng.randint(28, 46)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rng.choice(LEAVES))


def _landscape(variant: int) -> tuple[Image.Image, ImageDraw.ImageDraw, random.Random, Colour]:
    """Sky and two loess ridges; returns the near earth colour for what stands in front."""
    rng = random.Random(variant)
    top, horizon, sun = SKIES[variant % len(SKIES)]
    far, middle, near = LOESS[(variant // len(SKIES)) % len(LOESS)]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng, top, horizon, sun)
    _ridge(draw, rng, base=250, height=110, colour=_mix(far, horizon, 0.35))
    _ridge(draw, rng, base=300, height=90, colour=middle)
    return image, draw, rng, near


def _caption(image: Image.Image, caption: str) -> Image.Image:
    """The place's name on a dark band at the foot of the picture, and "DEMO" at the top right."""
    image = image.filter(ImageFilter.SMOOTH)
    if not caption:
        return image
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    font, small = ImageFont.load_default(size=30), ImageFont.load_default(size=18)
    draw.rectangle([0, HEIGHT - 58, WIDTH, HEIGHT], fill=(20, 14, 8, 150))
    draw.text((20, HEIGHT - 46), caption, font=font, fill=(255, 248, 232, 255))
    draw.rectangle([WIDTH - 86, 12, WIDTH - 12, 40], fill=(20, 14, 8, 140))
    draw.text((WIDTH - 76, 16), "DEMO", font=small, fill=(255, 248, 232, 255))
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def _jpeg(image: Image.Image, caption: str) -> bytes:
    buffer = io.BytesIO()
    _caption(image, caption).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


@lru_cache(maxsize=512)  # the same picture drawn once per process (seed runs repeat)
def homestay_photo_jpeg(variant: int, caption: str = "") -> bytes:
    """An 800x500 JPEG of a cave-dwelling courtyard below loess hills, well under 80 KB."""
    image, draw, rng, near = _landscape(variant)
    _cave_dwelling(draw, rng, near, DOORS[variant % len(DOORS)])
    _yard_and_tree(draw, rng, near)
    return _jpeg(image, caption)


def _small_dwelling(
    draw: ImageDraw.ImageDraw, x: int, y: int, scale: float, earth: Colour, wood: Colour
) -> None:
    width, height = round(120 * scale), round(60 * scale)
    draw.rectangle([x, y, x + width, y + height], fill=earth)
    draw.rectangle([x - 4, y - 6, x + width + 4, y], fill=_mix(earth, (90, 70, 50), 0.35))
    arch = max(8, width // 5)
    for left in range(x + arch // 2, x + width - arch, arch * 2):
        draw.rectangle([left, y + height // 3, left + arch, y + height], fill=PAPER)
        draw.ellipse(
            [left, y + height // 3 - arch // 2, left + arch, y + height // 3 + arch // 2], fill=PAPER
        )
        draw.line([(left + arch // 2, y + height // 3), (left + arch // 2, y + height)], fill=wood, width=1)


@lru_cache(maxsize=512)
def village_photo_jpeg(variant: int, caption: str = "") -> bytes:
    """A hillside village: terraces of small cave dwellings, trees and a path, below loess ridges."""
    image, draw, rng, near = _landscape(variant)
    draw.rectangle([0, 320, WIDTH, HEIGHT], fill=near)
    for row, y in enumerate((300, 350, 405)):
        scale = 0.7 + 0.25 * row
        x = rng.randint(-40, 40)
        while x < WIDTH:
            if rng.random() < 0.7:
                _small_dwelling(draw, x, y, scale, _mix(near, (255, 240, 210), 0.15 * row), rng.choice(DOORS))
            x += round(rng.randint(130, 190) * scale)
        for _ in range(3):
            cx, r = rng.randint(0, WIDTH), round(rng.randint(14, 24) * scale)
            draw.ellipse([cx - r, y - r, cx + r, y + r], fill=rng.choice(LEAVES))
    draw.polygon([(380, HEIGHT), (440, HEIGHT), (470, 330), (455, 330)], fill=_mix(near, PAPER, 0.5))
    return _jpeg(image, caption)


def _temple(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    wall, roof = (170, 60, 48), (70, 76, 84)
    draw.rectangle([0, 420, WIDTH, HEIGHT], fill=_mix(earth, (200, 200, 200), 0.4))
    for step in range(4):
        draw.rectangle(
            [230 - step * 12, 400 + step * 8, 570 + step * 12, 408 + step * 8], fill=(190, 186, 176)
        )
    draw.rectangle([250, 290, 550, 400], fill=wall)
    draw.polygon([(200, 300), (600, 300), (560, 240), (240, 240)], fill=roof)
    draw.polygon([(180, 306), (200, 292), (200, 304)], fill=roof)
    draw.polygon([(620, 306), (600, 292), (600, 304)], fill=roof)
    for x in range(275, 540, 55):
        draw.rectangle([x, 310, x + 30, 400], fill=(120, 40, 30))
    draw.rectangle([375, 250, 425, 275], fill=(200, 160, 60))
    if rng.random() < 0.6:
        draw.rectangle([640, 330, 650, 430], fill=(96, 66, 44))
        draw.ellipse([595, 260, 700, 350], fill=rng.choice(LEAVES))


def _courtyard_gate(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    brick, roof = (150, 148, 142), (62, 64, 68)
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=(176, 170, 160))
    draw.rectangle([60, 300, 740, 440], fill=brick)
    for y in range(306, 440, 14):
        draw.line([(60, y), (740, y)], fill=_mix(brick, (255, 255, 255), 0.2), width=1)
    draw.polygon([(40, 306), (760, 306), (740, 284), (60, 284)], fill=roof)
    draw.rectangle([330, 250, 470, 440], fill=brick)
    draw.polygon([(300, 262), (500, 262), (470, 222), (330, 222)], fill=roof)
    draw.rectangle([355, 320, 445, 440], fill=rng.choice(DOORS))
    draw.line([(400, 320), (400, 440)], fill=(40, 30, 24), width=2)
    draw.rectangle([368, 276, 432, 300], fill=(200, 160, 60))
    for x in (320, 480):
        draw.ellipse([x - 12, 300, x + 12, 330], fill=LANTERN)


def _exhibition(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=(200, 196, 188))
    draw.rectangle([120, 260, 680, 430], fill=(236, 228, 212))
    draw.polygon([(100, 266), (700, 266), (660, 220), (140, 220)], fill=(96, 80, 70))
    for index, x in enumerate(range(170, 660, 95)):
        gourd = _mix((206, 160, 70), (150, 110, 40), (index % 3) / 3)
        draw.ellipse([x, 330, x + 50, 400], fill=gourd)
        draw.ellipse([x + 10, 300, x + 40, 340], fill=gourd)
        draw.line([(x + 25, 292), (x + 25, 302)], fill=(90, 70, 30), width=3)
        draw.rectangle([x - 6, 400, x + 56, 412], fill=(120, 90, 60))


def _fields(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    greens = ((120, 160, 80), (150, 176, 90), (196, 180, 90), (108, 146, 78))
    for index, y in enumerate(range(320, HEIGHT, 30)):
        draw.polygon(
            [(0, y), (WIDTH, y - 20), (WIDTH, y + 12), (0, y + 32)],
            fill=greens[(index + rng.randrange(4)) % 4],
        )
        for x in range(10, WIDTH, 26):
            draw.line(
                [(x, y + 22 - x * 20 // WIDTH), (x + 6, y + 6 - x * 20 // WIDTH)], fill=(80, 110, 50), width=2
            )
    draw.rectangle([600, 280, 700, 330], fill=_mix(earth, PAPER, 0.3))
    draw.polygon([(590, 282), (710, 282), (650, 246)], fill=(110, 80, 60))


def _campsite(draw: ImageDraw.ImageDraw, rng: random.Random, earth: Colour) -> None:
    draw.rectangle([0, 360, WIDTH, HEIGHT], fill=(108, 146, 78))
    for x in range(-20, WIDTH, 46):
        h = rng.randint(90, 150)
        draw.polygon(
            [(x, 370), (x + 46, 370), (x + 23, 370 - h)], fill=rng.choice(((54, 96, 60), (66, 110, 66)))
        )
    tents = ((226, 120, 60), (60, 120, 170), (230, 196, 70))
    for index, x in enumerate((140, 360, 560)):
        draw.polygon([(x, 460), (x + 150, 460), (x + 75, 380)], fill=tents[index])
        draw.polygon([(x + 60, 460), (x + 90, 460), (x + 75, 420)], fill=(40, 30, 24))
    draw.ellipse([300, 455, 330, 470], fill=(240, 150, 40))


ATTRACTION_SCENES = {
    "temple": _temple,
    "heritage": _courtyard_gate,
    "museum": _exhibition,
    "culture": _courtyard_gate,
    "farm": _fields,
    "campsite": _campsite,
}


@lru_cache(maxsize=512)
def attraction_photo_jpeg(kind: str, variant: int, caption: str = "") -> bytes:
    """A picture for an attraction of ``kind`` (``Attraction.Kind``); scenic spots are layered hills."""
    image, draw, rng, near = _landscape(variant)
    scene = ATTRACTION_SCENES.get(kind)
    if scene is None:
        _ridge(draw, rng, base=400, height=120, colour=_mix(near, LEAVES[1], 0.5))
        _ridge(draw, rng, base=470, height=80, colour=_mix(near, LEAVES[2], 0.7))
    else:
        scene(draw, rng, near)
    return _jpeg(image, caption)


@lru_cache(maxsize=512)
def room_photo_jpeg(variant: int, caption: str = "") -> bytes:
    """A room inside a cave dwelling: the arched whitewashed vault, a lattice window, a kang bed."""
    rng = random.Random(variant)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    wall = _mix((246, 240, 226), SKIES[variant % len(SKIES)][1], 0.2)
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=_mix(wall, (90, 70, 50), 0.5))
    draw.ellipse([-60, -200, WIDTH + 60, 500], fill=wall)
    draw.rectangle([0, 150, WIDTH, 380], fill=wall)
    draw.rectangle([0, 380, WIDTH, HEIGHT], fill=(150, 110, 76))
    _arch(draw, (300, 60, 200, 300), _mix(wall, (120, 90, 60), 0.3), DOORS[variant % len(DOORS)], door=False)
    quilt = rng.choice(((196, 52, 48), (52, 92, 150), (210, 140, 60)))
    draw.rectangle([40, 330, 760, 420], fill=(170, 130, 90))
    draw.rectangle([40, 300, 760, 336], fill=(232, 220, 196))
    for x in range(70, 740, 120):
        draw.rectangle([x, 290, x + 90, 330], fill=quilt)
        draw.ellipse([x + 30, 300, x + 60, 320], fill=_mix(quilt, (255, 255, 255), 0.4))
    draw.rectangle([660, 200, 700, 290], fill=(120, 90, 60))
    draw.ellipse([650, 170, 710, 220], fill=LANTERN)
    return _jpeg(image, caption)


def photo_alt(homestay_name: T) -> T:
    return T(
        f"示意插图:{homestay_name.zh}的窑洞院落与黄土山峦(演示图片)",
        f"Illustration of {homestay_name.en}: a cave-dwelling courtyard below loess hills (demo image)",
    )


def village_alt(village_name: T) -> T:
    return T(
        f"示意插图:黄土山坡上的{village_name.zh}(演示图片)",
        f"Illustration of {village_name.en} on a loess hillside (demo image)",
    )


def attraction_alt(attraction_name: T) -> T:
    return T(f"示意插图:{attraction_name.zh}(演示图片)", f"Illustration of {attraction_name.en} (demo image)")


def room_alt(room_name: T) -> T:
    return T(
        f"示意插图:{room_name.zh}的窑洞拱顶、格子窗和土炕(演示图片)",
        f"Illustration of the {room_name.en}: an arched cave room, a lattice window and a kang bed"
        " (demo image)",
    )
