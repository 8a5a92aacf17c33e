import re
from datetime import date, time, timedelta

from bookings import usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.services import booking_hold
from bookings.transitions import OWNER as OWNER_ROLE
from common.clock import local_today
from villages.models import RoomType

PHONE_WIDTH = 360
# The menu items whose name the browser laid out on more than one line.
BROKEN_MENU_ITEMS = """[...document.querySelectorAll('.site-header a')].filter(link => {
  const range = document.createRange();
  range.selectNodeContents(link);
  return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size > 1;
}).map(link => link.textContent.trim())"""


# The outermost elements that reach past the right edge of the screen, to say what made a page too wide.
TOO_WIDE = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .filter(e => !e.parentElement.closest('.leaflet-container'))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`)"""


def assert_fits_phone(page) -> None:
    """Nothing on the page makes a 360 px phone scroll sideways."""
    page.wait_for_load_state("load")  # measured with the styles applied, not while they are loading
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (
        f"{page.url} is {width} px wide on a {PHONE_WIDTH} px phone: {page.evaluate(TOO_WIDE)}"
    )
    broken = page.evaluate(BROKEN_MENU_ITEMS)
    assert broken == [], f"menu items broken over lines on a phone: {broken}"


def fill_date(field, day: date) -> None:
    field.fill(day.isoformat())


def confirm_link(message) -> str:
    """The e-mail confirmation link of an allauth verification message."""
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()


def wait_until(page, expression: str, timeout_ms: int = 15_000) -> None:
    """Poll ``expression`` in the page until it is true. ``page.wait_for_function`` evaluates its string
    with ``new Function`` inside the page once its first check is false, which the site's CSP refuses
    (no 'unsafe-eval'); ``page.evaluate`` goes through the debugging protocol, which the CSP does not
    govern."""
    for _tick in range(max(1, timeout_ms // 100)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_ms} ms: {expression}")


def submit_booking(page, label: str = "提交预订") -> None:
    """Tap the booking button a phone shows: the one in the price bar at the foot of the screen. The form's
    own button is hidden on phones by the stylesheet, but a tap that comes right after a form submission's
    redirect can run before the stylesheet has loaded (Playwright waits for the new page to commit, not to
    load), when both buttons are still visible; naming the bar's button makes the tap the same either way."""
    page.get_by_role("complementary", name="应付总价").get_by_role("button", name=label).click()


def planner_pick(page, name: str):
    """The trip planner's row for an attraction, its village's group opened first as a tourist does (a
    tap on the village's name; the groups start folded)."""
    pick = page.locator("li.pick:not(.pick--route)", has_text=name)
    group = page.locator("details.pick-village", has=pick)
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    return pick


def stay_completed(room: RoomType, tourist) -> Booking:
    """A stay from today to tomorrow, checked in and out by the owner through the use cases."""
    RoomType.objects.filter(pk=room.pk).update(same_day_cutoff=time.max)
    today = local_today()
    booking = booking_hold(
        room_type=room,
        check_in=today,
        check_out=today + timedelta(days=1),
        guests=2,
        user=tourist,
        lead_guest_name="刘洋",
        lead_guest_phone="13812345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )
    owner = usecases.Actor(OWNER_ROLE, Source.CONSOLE, room.homestay.owner)
    usecases.booking_check_in(booking=booking, actor=owner)
    return usecases.booking_check_out(booking=booking, actor=owner).booking
