"""What the culture-tourism group's staff (文旅集团, ``villages.roles.GROUP_STAFF``) may do in the admin, and
the write that grants it: ``manage.py staff_group_sync`` in a deployment, ``seed_demo`` for the demo.

They run the catalogue, so every model of ``villages`` is theirs to view, add, change and delete. Of the
money and the messages they get only what the "needs attention" queue (``/group/attention/``) sends them
to the admin for: reading payments, refunds, provider events, the ledger, the activity log and the
notifications; clearing the flag of a payment or refund they have dealt with (the admin keeps every other
field of those read-only); and sending a failed notification again. They also publish events and their
time slots (``events``) and read the tickets. Permissions are named by app label and codename, since
``villages`` imports none of ``bookings``, ``notifications`` and ``events``.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q

from villages.roles import GROUP_STAFF

CATALOGUE_APP = "villages"
CATALOGUE_ACTIONS = ("view", "add", "change", "delete")
STAFF_PERMISSIONS = {
    "bookings": (
        "view_payment",
        "change_payment",
        "view_refund",
        "change_refund",
        "view_webhookevent",
        "view_ledgerentry",
        "view_bookingevent",
    ),
    "notifications": ("view_notification", "change_notification"),
    # They publish the villages' events and their time slots; tickets they only read (they change
    # through registering, cancelling and checking in).
    "events": (
        "view_event",
        "add_event",
        "change_event",
        "delete_event",
        "view_ticketslot",
        "add_ticketslot",
        "change_ticketslot",
        "delete_ticketslot",
        "view_ticket",
    ),
}


@transaction.atomic
def staff_group_sync() -> Group:
    """Create the group if needed and give it exactly the permissions above (any other is taken away).
    Safe to run again."""
    for label in (CATALOGUE_APP, *STAFF_PERMISSIONS):
        create_permissions(apps.get_app_config(label), verbosity=0)
    group, _created = Group.objects.get_or_create(name=GROUP_STAFF)
    catalogue = Q()
    for action in CATALOGUE_ACTIONS:
        catalogue |= Q(codename__startswith=f"{action}_")
    wanted = Q(catalogue, content_type__app_label=CATALOGUE_APP)
    for label, codenames in STAFF_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=label, codename__in=codenames)
    permissions = list(Permission.objects.filter(wanted).select_related("content_type"))
    found = {(permission.content_type.app_label, permission.codename) for permission in permissions}
    missing = sorted(
        f"{label}.{codename}"
        for label, codenames in STAFF_PERMISSIONS.items()
        for codename in codenames
        if (label, codename) not in found
    )
    if missing:
        raise ImproperlyConfigured(f"没有这些权限 No such permissions: {', '.join(missing)}")
    group.permissions.set(permissions)
    return group
