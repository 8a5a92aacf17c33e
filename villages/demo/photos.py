"""Illustrative homestay photos drawn with Pillow: loess hills and a cave-dwelling (窑洞) courtyard.

Deterministic for a given ``variant``; colours and shapes change from one variant to the next.
"""

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

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


def homestay_photo_jpeg(variant: int) -> bytes:
    """An 800x500 JPEG of a cave-dwelling courtyard below loess hills, well under 60 KB."""
    rng = random.Random(variant)
    top, horizon, sun = SKIES[variant % len(SKIES)]
    far, middle, near = LOESS[(variant // len(SKIES)) % len(LOESS)]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng, top, horizon, sun)
    _ridge(draw, rng, base=250, height=110, colour=_mix(far, horizon, 0.35))
    _ridge(draw, rng, base=300, height=90, colour=middle)
    _cave_dwelling(draw, rng, near, DOORS[variant % len(DOORS)])
    _yard_and_tree(draw, rng, near)
    buffer = io.BytesIO()
    image.filter(ImageFilter.SMOOTH).save(
        buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
    )
    return buffer.getvalue()


def photo_alt(homestay_name: T) -> T:
    return T(
        f"示意插图:{homestay_name.zh}的窑洞院落与黄土山峦(演示图片)",
        f"Illustration of {homestay_name.en}: a cave-dwelling courtyard below loess hills (demo image)",
    )
