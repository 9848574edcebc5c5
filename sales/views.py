"""Sales pages: the report (tables, charts, CSV), counter sales and refunds, resellers,
API keys, the organization's time zone."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sales import forms
from sales.models import ApiKey, Reseller, ResellerPayment, VoucherFact
from sales.services import charts, keys, reports, rollup, selling

TABLES = ["periods", *reports.DIMENSIONS, "stock"]


def _report(request):
    org = request.organization
    form = forms.RangeForm(request.GET or None,
                           initial=forms.default_range(reports.today(org)))
    if request.GET and form.is_valid():
        data = form.cleaned_data
    else:
        data = forms.default_range(reports.today(org))
    return form, reports.build(org, data["start"], data["end"], data["grain"])


def _label(report, period) -> str:
    return period.strftime("%b %Y" if report.grain == "month" else "%d %b")


def report_page(request):
    form, report = _report(request)
    labels = [_label(report, p["period"]) for p in report.periods]
    context = {
        "form": form, "report": report, "query": request.GET.urlencode(),
        "dimensions": [(name, report.by[name]) for name in reports.DIMENSIONS],
        "revenue_chart": charts.bars(
            f"Net revenue per {report.grain}", labels,
            [("net revenue", charts.money([p["net"] for p in report.periods]))]),
        "count_chart": charts.bars(
            f"Vouchers per {report.grain}", labels,
            [("sold", [p["sold"] for p in report.periods]),
             ("activated", [p["activated"] for p in report.periods]),
             ("expired unused", [p["expired_unused"] for p in report.periods])]),
        "stock_chart": charts.bars(
            "Sold, unused vouchers by age", [s["age"] for s in report.stock],
            [("vouchers", [s["vouchers"] for s in report.stock])]),
    }
    return render(request, "sales/report.html", context)


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(
        text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_rows(report, table: str) -> list[list]:
    """A report table as CSV rows, header first."""
    if table == "stock":
        return [["age", "vouchers", "oldest_sale"]] + [
            [s["age"], s["vouchers"], s["oldest_sale"].isoformat() if s["oldest_sale"] else ""]
            for s in report.stock]
    if table == "periods":
        key, rows = "period", report.periods
    else:
        key, rows = table, report.by[table]
    return [[key, *reports.COLUMNS]] + [
        [row[key], *("" if row[c] is None else row[c] for c in reports.COLUMNS)]
        for row in rows]


def report_csv(request, table):
    if table not in TABLES:
        raise Http404("No such table")
    form, report = _report(request)
    if request.GET and not form.is_valid():
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        return HttpResponse(f"Bad report range: {errors}\n", status=400,
                            content_type="text/plain")
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table_rows(report, table):
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="sales-{table}-{report.start}-{report.end}.csv"')
    return response


def settings_page(request):
    org = request.organization
    form = forms.TimeZoneForm(request.POST or None, initial={"time_zone": org.time_zone})
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]
        if zone != org.time_zone:
            org.time_zone = zone
            org.save(update_fields=["time_zone"])
            rollup.rebuild(org.pk)  # every day counted again in the new zone
        messages.success(request, f"Reports count days in {zone}.")
        return redirect("sales:settings")
    return render(request, "sales/settings.html", {"form": form})


def sell_page(request):
    """The counter: sell the next voucher of a profile, or a printed card by its code;
    refund a sale by its code."""
    org = request.organization
    sell = forms.SellForm(organization=org, prefix="sell")
    by_code = forms.CodeForm(prefix="card")
    refund = forms.CodeForm(prefix="refund")
    look = forms.CodeForm(request.GET if "look-code" in request.GET else None, prefix="look")
    sold = looked = None
    if look.is_bound and look.is_valid():
        try:
            looked = _voucher(org, look.cleaned_data["code"])
        except selling.SaleError as exc:
            look.add_error("code", str(exc))
        else:
            looked.ledger = VoucherFact.objects.filter(voucher=looked).select_related(
                "operator", "reseller", "api_key").order_by("pk")
    if request.method == "POST":
        try:
            if "sell-profile" in request.POST:
                sell = forms.SellForm(request.POST, organization=org, prefix="sell")
                if sell.is_valid():
                    sold = selling.sell_one(org, sell.cleaned_data["profile"],
                                            VoucherFact.Channel.COUNTER, by=request.user)[0]
            elif "card-code" in request.POST:
                by_code = forms.CodeForm(request.POST, prefix="card")
                if by_code.is_valid():
                    sold = selling.sell_code(org, by_code.cleaned_data["code"],
                                             by=request.user)[0]
            elif "refund-code" in request.POST:
                refund = forms.CodeForm(request.POST, prefix="refund")
                if refund.is_valid():
                    voucher = _voucher(org, refund.cleaned_data["code"])
                    fact = selling.refund(voucher, by=request.user)
                    messages.success(request, f"Voucher {voucher.code} refunded "
                                              f"({fact.price}) and revoked.")
                    return redirect("sales:sell")
        except selling.SaleError as exc:
            messages.error(request, str(exc))
    context = {"sell": sell, "by_code": by_code, "refund": refund, "sold": sold,
               "look": look, "looked": looked}
    if sold is not None:
        from vouchers.services import printing

        context["card"] = printing.cards(sold.batch, [sold])[0]
    return render(request, "sales/sell.html", context)


def _voucher(org, code):
    from vouchers.models import Voucher

    voucher = Voucher.objects.filter(organization=org, code=code.strip()).first()
    if voucher is None:
        raise selling.SaleError("No voucher has this code.")
    return voucher


def reseller_list(request):
    org = request.organization
    form = forms.ResellerForm(request.POST or None,
                              instance=Reseller(organization=org))
    if request.method == "POST" and form.is_valid():
        if Reseller.objects.filter(organization=org, name=form.cleaned_data["name"]).exists():
            form.add_error("name", "A reseller of this name exists.")
        else:
            reseller = form.save()
            return redirect("sales:reseller", pk=reseller.pk)
    resellers = list(Reseller.objects.filter(organization=org))
    for r in resellers:
        r.balance = selling.reseller_balance(r)
    return render(request, "sales/resellers.html", {"form": form, "resellers": resellers})


def reseller_detail(request, pk):
    org = request.organization
    reseller = get_object_or_404(Reseller, pk=pk, organization=org)
    hand = forms.HandOverForm(organization=org, prefix="hand")
    pay = forms.PaymentForm(prefix="pay")
    if request.method == "POST":
        if "hand-batch" in request.POST:
            hand = forms.HandOverForm(request.POST, organization=org, prefix="hand")
            if hand.is_valid():
                data = hand.cleaned_data
                try:
                    taken = selling.hand_to_reseller(data["batch"], reseller, data["count"],
                                                     data["price"], by=request.user)
                except selling.SaleError as exc:
                    hand.add_error(None, str(exc))
                else:
                    messages.success(request, f"{len(taken):,} vouchers handed to "
                                              f"{reseller.name}.")
                    return redirect("sales:reseller", pk=reseller.pk)
        else:
            pay = forms.PaymentForm(request.POST, prefix="pay")
            if pay.is_valid():
                from django.utils import timezone

                ResellerPayment.objects.create(
                    reseller=reseller, amount=pay.cleaned_data["amount"], at=timezone.now(),
                    recorded_by=request.user, note=pay.cleaned_data["note"])
                messages.success(request, "Payment recorded.")
                return redirect("sales:reseller", pk=reseller.pk)
    handed = (VoucherFact.objects.filter(reseller=reseller, kind=VoucherFact.Kind.SOLD)
              .select_related("voucher", "profile").order_by("-at", "-pk")[:100])
    return render(request, "sales/reseller.html", {
        "reseller": reseller, "balance": selling.reseller_balance(reseller), "hand": hand,
        "pay": pay, "handed": handed, "payments": reseller.payments.order_by("-at")[:50]})


def api_keys(request):
    org = request.organization
    form = forms.ApiKeyForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _row, new_key = keys.create(org, form.cleaned_data["name"], by=request.user)
        form = forms.ApiKeyForm()
    response = render(request, "sales/api_keys.html", {
        "form": form, "new_key": new_key,
        "keys": ApiKey.objects.filter(organization=org)})
    if new_key:
        response["Cache-Control"] = "no-store"  # the key is shown once, never cached
    return response


@require_POST
def api_key_revoke(request, pk):
    row = get_object_or_404(ApiKey, pk=pk, organization=request.organization)
    keys.revoke(row)
    messages.success(request, f"Key {row.prefix}… revoked: it gets 401 from now on.")
    return redirect("sales:api-keys")
