"""Travel providers: the geodesic estimate, and OSRM against a fake server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tourism.planner.places import START_PRESETS
from tourism.planner.travel import GeodesicTravel, Mode, OsrmTravel, TravelUnavailable, travel_provider

CENTRE = START_PRESETS["centre"].coordinates
AIRPORT = START_PRESETS["airport"].coordinates
DUJIASHAN = (37.561800, 111.058200)


def test_geodesic_kilometres_are_the_straight_line_times_the_circuity():
    matrix = GeodesicTravel(circuity=1.0).matrix([CENTRE, AIRPORT], Mode.CAR)
    winding = GeodesicTravel(circuity=1.5).matrix([CENTRE, AIRPORT], Mode.CAR)

    assert 18.3 < matrix.km[0][1] < 18.6  # 37.518N 111.134E to 37.683N 111.143E
    assert winding.km[0][1] == pytest.approx(matrix.km[0][1] * 1.5)


def test_geodesic_minutes_follow_the_speed_of_the_mode():
    travel = GeodesicTravel(circuity=1.0, speeds_kmh={"car": 36, "bike": 12, "walk": 4})

    car, walk = (travel.matrix([CENTRE, DUJIASHAN], mode).minutes[0][1] for mode in (Mode.CAR, Mode.WALK))

    km = travel.matrix([CENTRE, DUJIASHAN], Mode.CAR).km[0][1]
    assert car == pytest.approx(km / 36 * 60, abs=1)
    assert walk == pytest.approx(km / 4 * 60, abs=1)


def test_geodesic_matrix_is_symmetric_with_nothing_on_the_diagonal():
    matrix = GeodesicTravel().matrix([CENTRE, AIRPORT, DUJIASHAN], Mode.BIKE)

    for i in range(3):
        assert matrix.minutes[i][i] == 0
        for j in range(3):
            assert matrix.minutes[i][j] == matrix.minutes[j][i]
            assert (matrix.minutes[i][j] > 0) == (i != j)
    assert (matrix.source, matrix.estimated) == ("geodesic", False)


@pytest.mark.parametrize("arguments", [{"circuity": 0.8}, {"speeds_kmh": {"car": 0}}])
def test_geodesic_refuses_impossible_settings(arguments):
    with pytest.raises(ValueError):
        GeodesicTravel(**arguments)


class OsrmServer(HTTPServer):
    paths: list[str]
    status: int
    body: dict


class FakeOsrm(BaseHTTPRequestHandler):
    """Answers the table service like OSRM; ``status``/``body`` of the server decide the answer."""

    server: OsrmServer

    def do_GET(self):
        self.server.paths.append(self.path)
        body = json.dumps(self.server.body).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    server = OsrmServer(("127.0.0.1", 0), FakeOsrm)
    server.paths, server.status = [], 200
    server.body = {
        "code": "Ok",
        "durations": [[0, 1234.0], [1300.0, 0]],
        "distances": [[0, 21500.0], [21800.0, 0]],
    }
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def osrm_url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_osrm_gives_road_minutes_and_kilometres(osrm):
    matrix = OsrmTravel(url=osrm_url(osrm)).matrix([CENTRE, AIRPORT], Mode.CAR)

    assert matrix.minutes == [[0, 21], [22, 0]]
    assert matrix.km == [[0, 21.5], [21.8, 0]]
    assert (matrix.source, matrix.estimated) == ("osrm", False)


def test_osrm_is_asked_for_the_profile_of_the_mode_with_longitude_first(osrm):
    OsrmTravel(url=osrm_url(osrm)).matrix([CENTRE, AIRPORT], Mode.WALK)

    assert osrm.paths == [
        "/table/v1/foot/111.134200,37.517600;111.142800,37.683100?annotations=duration,distance"
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, {"code": "Error"}),
        (200, {"code": "NoTable", "message": "no route"}),
        (200, {"code": "Ok", "durations": [[0, None], [None, 0]], "distances": [[0, None], [None, 0]]}),
        (200, {"code": "Ok", "durations": [[0]], "distances": [[0]]}),
    ],
)
def test_a_failing_osrm_falls_back_to_the_estimate_and_says_so(osrm, status, body):
    osrm.status, osrm.body = status, body
    travel = OsrmTravel(url=osrm_url(osrm), fallback=GeodesicTravel())

    matrix = travel.matrix([CENTRE, AIRPORT], Mode.CAR)

    assert (matrix.source, matrix.estimated) == ("geodesic", True)
    assert matrix.km[0][1] > 18


def test_an_unreachable_osrm_without_fallback_is_a_clear_error(osrm):
    url = osrm_url(osrm)
    osrm.shutdown()
    osrm.server_close()

    with pytest.raises(TravelUnavailable, match="OSRM table failed"):
        OsrmTravel(url=url, timeout=1).matrix([CENTRE, AIRPORT], Mode.CAR)


def test_osrm_refuses_an_address_that_is_not_http():
    with pytest.raises(ValueError):
        OsrmTravel(url="file:///etc/passwd")


def test_settings_choose_the_provider(settings, osrm):
    settings.PLANNER_OSRM_URL = ""
    assert isinstance(travel_provider(), GeodesicTravel)

    settings.PLANNER_OSRM_URL = osrm_url(osrm)
    provider = travel_provider()

    assert isinstance(provider, OsrmTravel)
    assert isinstance(provider.fallback, GeodesicTravel)
