from django.db import migrations, models
from django.db.models import F


def ship_what_shipped(apps, schema_editor):
    """Lines of orders that shipped shipped in full; the others keep what their live
    returns already hold (so those returns stay valid), and nothing more."""
    OrderLine = apps.get_model("orders", "OrderLine")
    OrderLine.objects.filter(order__shipped_at__isnull=False).update(shipped_quantity=F("quantity"))
    OrderLine.objects.filter(order__shipped_at__isnull=True).update(
        shipped_quantity=F("returned_quantity")
    )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_drop_duplicate_indexes")]

    operations = [
        migrations.AddField(
            model_name="orderline",
            name="shipped_quantity",
            field=models.PositiveIntegerField(default=0, verbose_name="shipped"),
        ),
        migrations.RunPython(ship_what_shipped, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(
                condition=models.Q(("shipped_quantity__lte", models.F("quantity"))),
                name="orders_line_shipped_lte_quantity",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderline",
            constraint=models.CheckConstraint(
                condition=models.Q(("returned_quantity__lte", models.F("shipped_quantity"))),
                name="orders_line_returned_lte_shipped",
            ),
        ),
    ]
