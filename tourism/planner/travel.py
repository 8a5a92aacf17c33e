"""Travel minutes and kilometres between points, from a provider behind one small interface.

``GeodesicTravel`` (the default) takes the distance on the WGS-84 ellipsoid (geopy) times a circuity
factor, because roads in the Lüliang mountains wind far more than a straight line, at a speed per mode.
``OsrmTravel`` asks an OSRM server's table service for road times and distances; when the server fails
it falls back to another provider (geodesic by default) and says so in ``Matrix.estimated``.
``travel_provider()`` builds the one the settings ask for.
"""

import json
import logging
import math
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

from geopy.distance import geodesic

logger = logging.getLogger(__name__)

Point = tuple[float, float]
"""(latitude, longitude), WGS-84."""


class Mode(StrEnum):
    CAR = "car"
    BIKE = "bike"
    WALK = "walk"


DEFAULT_CIRCUITY = 1.4
DEFAULT_SPEEDS_KMH = {Mode.CAR: 35.0, Mode.BIKE: 12.0, Mode.WALK: 4.0}
OSRM_PROFILES = {Mode.CAR: "driving", Mode.BIKE: "cycling", Mode.WALK: "foot"}
DEFAULT_OSRM_TIMEOUT = 5.0


@dataclass(frozen=True)
class Matrix:
    minutes: list[list[int]]
    """Whole minutes, rounded up: a leg never takes 0 minutes between two different places."""
    km: list[list[float]]
    source: str
    """``geodesic`` or ``osrm``."""
    estimated: bool = False
    """True when the road service failed and the numbers come from the fallback."""


class TravelProvider(Protocol):
    def matrix(self, points: Sequence[Point], mode: Mode) -> Matrix: ...


class TravelUnavailable(Exception):
    """The road service could not answer and there is no fallback."""


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / 60 - 1e-9)


@lru_cache(maxsize=65536)
def _geodesic_km(a: Point, b: Point) -> float:
    """Kilometres on the WGS-84 ellipsoid. An exact geodesic costs about a tenth of a millisecond and
    the catalogue's places come back plan after plan, so each pair is computed once per process."""
    return geodesic(a, b).km


def geodesic_km(a: Point, b: Point) -> float:
    a, b = (round(a[0], 6), round(a[1], 6)), (round(b[0], 6), round(b[1], 6))
    return _geodesic_km(*sorted((a, b)))


class GeodesicTravel:
    def __init__(
        self, *, circuity: float = DEFAULT_CIRCUITY, speeds_kmh: Mapping[str, float] | None = None
    ) -> None:
        if circuity < 1:
            raise ValueError("a road is never shorter than the straight line: circuity must be >= 1")
        self.circuity = circuity
        self.speeds_kmh = {
            Mode(mode): float(speed) for mode, speed in (speeds_kmh or DEFAULT_SPEEDS_KMH).items()
        }
        if any(speed <= 0 for speed in self.speeds_kmh.values()):
            raise ValueError("speeds must be positive")

    def matrix(self, points: Sequence[Point], mode: Mode) -> Matrix:
        speed = self.speeds_kmh[Mode(mode)]
        size = len(points)
        km = [[0.0] * size for _ in range(size)]
        minutes = [[0] * size for _ in range(size)]
        for i in range(size):
            for j in range(i + 1, size):
                distance = geodesic_km(points[i], points[j]) * self.circuity
                km[i][j] = km[j][i] = distance
                minutes[i][j] = minutes[j][i] = _minutes(distance / speed * 3600) if distance else 0
        return Matrix(minutes, km, "geodesic")


class OsrmTravel:
    """OSRM's ``/table/v1/{profile}/{lng,lat;...}?annotations=duration,distance``."""

    def __init__(
        self,
        *,
        url: str,
        timeout: float = DEFAULT_OSRM_TIMEOUT,
        profiles: Mapping[str, str] | None = None,
        fallback: TravelProvider | None = None,
    ) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in {"http", "https"}:
            raise ValueError(f"the OSRM URL must be http or https, not {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.profiles = {Mode(mode): profile for mode, profile in (profiles or OSRM_PROFILES).items()}
        self.fallback = fallback

    def matrix(self, points: Sequence[Point], mode: Mode) -> Matrix:
        try:
            return self._table(points, Mode(mode))
        except (OSError, ValueError, KeyError, TypeError) as error:
            if self.fallback is None:
                raise TravelUnavailable(f"OSRM table failed: {error}") from error
            logger.warning("OSRM table failed (%s); travel times are estimated instead", error)
            estimate = self.fallback.matrix(points, mode)
            return Matrix(estimate.minutes, estimate.km, estimate.source, estimated=True)

    def _table(self, points: Sequence[Point], mode: Mode) -> Matrix:
        coordinates = ";".join(f"{longitude:.6f},{latitude:.6f}" for latitude, longitude in points)
        address = f"{self.url}/table/v1/{self.profiles[mode]}/{coordinates}?annotations=duration,distance"
        with urllib.request.urlopen(address, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
            body = json.load(response)
        if body.get("code") != "Ok":
            raise ValueError(f"OSRM answered {body.get('code')!r}: {body.get('message', '')}")
        durations, distances = body["durations"], body["distances"]
        size = len(points)
        if len(durations) != size or any(len(row) != size for row in durations):
            raise ValueError("OSRM answered a table of the wrong size")
        if any(value is None for row in durations + distances for value in row):
            raise ValueError("OSRM found no road between some of the points")
        minutes = [
            [_minutes(float(value)) if i != j else 0 for j, value in enumerate(row)]
            for i, row in enumerate(durations)
        ]
        km = [[float(value) / 1000 for value in row] for row in distances]
        return Matrix(minutes, km, "osrm")


def travel_provider() -> TravelProvider:
    """The provider the settings ask for: OSRM when ``PLANNER_OSRM_URL`` is set (falling back to the
    geodesic estimate when it fails), else the geodesic estimate."""
    from django.conf import settings

    geodesic_travel = GeodesicTravel(
        circuity=getattr(settings, "PLANNER_CIRCUITY", DEFAULT_CIRCUITY),
        speeds_kmh=getattr(settings, "PLANNER_SPEEDS_KMH", DEFAULT_SPEEDS_KMH),
    )
    url = getattr(settings, "PLANNER_OSRM_URL", "")
    if not url:
        return geodesic_travel
    return OsrmTravel(
        url=url,
        timeout=getattr(settings, "PLANNER_OSRM_TIMEOUT", DEFAULT_OSRM_TIMEOUT),
        fallback=geodesic_travel,
    )
