"""The group's reconciliation pages (对账): the daily runs of each provider and, for one run, the bill's
totals against ours and every mismatch, which staff mark resolved with a note. The runs themselves
come from ``manage.py reconcile`` (cron): a page never downloads a bill (it may take longer than a
request may)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.selectors import reconciliation_runs, run_mismatches
from bookings.payments.reconciliation.services import SOURCES, ResolveRefused, mismatch_resolve, provider_name
from tourism.group.forms import ResolveForm
from villages.roles import SignedInRequest, group_staff_required


def _providers() -> dict[str, str]:
    return {identifier: provider_name(identifier) for identifier in SOURCES}


@group_staff_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    providers = _providers()
    provider = request.GET.get("provider", "")
    if provider and provider not in providers:
        provider = ""
    context = {"runs": reconciliation_runs(provider=provider), "providers": providers, "provider": provider}
    return render(request, "group/reconciliation.html", context)


def _run_page(request, run: ReconciliationRun, form: ResolveForm | None = None, failed: int | None = None):
    context = {
        "run": run,
        "provider_name": _providers().get(run.provider, run.provider),
        "mismatches": run_mismatches(run=run),
        "form": form or ResolveForm(),
        "failed": failed,
    }
    return render(request, "group/reconciliation_run.html", context, status=400 if failed else 200)


@group_staff_required
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, get_object_or_404(ReconciliationRun, pk=pk))


@group_staff_required
@require_POST
def mismatch_resolve_view(request: SignedInRequest, pk: int) -> HttpResponse:
    mismatch = get_object_or_404(Mismatch.objects.select_related("run"), pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            mismatch_resolve(mismatch=mismatch, by=request.user, note=form.cleaned_data["note"])
        except ResolveRefused as error:
            form.add_error("note", error.message)
        else:
            messages.success(
                request,
                _("已标记为已处理 Marked resolved: %(reference)s") % {"reference": mismatch.reference},
            )
            return redirect(
                reverse("group:reconciliation_run", args=[mismatch.run_id]) + f"#mismatch-{mismatch.pk}"
            )
    return _run_page(request, mismatch.run, form, failed=mismatch.pk)
