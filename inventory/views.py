from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import backoffice_required, settings_required

from . import selectors, services
from .forms import InventorySettingsForm
from .models import Product


@backoffice_required(perm="inventory.view_product")
def product_list(request):
    # NUL bytes are in no name or SKU, and PostgreSQL refuses them in a query.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    page = Paginator(selectors.product_list(search=search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/product_list.html",
        {"page": page, "search": search, "section": "products"},
    )


@backoffice_required(perm="inventory.view_product")
def product_detail(request, pk):
    product = get_object_or_404(Product, pk=pk)
    ledger = Paginator(selectors.product_ledger(product), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/product_detail.html",
        {
            "product": product,
            "variants": selectors.product_variants(product),
            "ledger": ledger,
            "section": "products",
        },
    )


@settings_required
def inventory_settings(request):
    current = selectors.inventory_settings()
    form = InventorySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.inventory_settings_update(
            actor=request.user, stock_linked_to_pos=form.cleaned_data["stock_linked_to_pos"]
        )
        messages.success(request, _("Inventory settings saved."))
        return redirect("inventory:settings")
    return render(request, "inventory/settings.html", {"form": form, "section": "settings"})
