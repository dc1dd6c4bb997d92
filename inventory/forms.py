from django import forms

from .models import InventorySettings


class InventorySettingsForm(forms.ModelForm):
    class Meta:
        model = InventorySettings
        fields = ["stock_linked_to_pos"]
