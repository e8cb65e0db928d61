"""Form fields every public form of the service shares."""

from django import forms


def integer_field(label, *, min_value, max_value, required, help_text="", messages=None):
    """A whole number typed on a phone's numeric keypad, with French error messages."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=max_value,
        help_text=help_text,
        error_messages={
            "invalid": "Indiquez un nombre entier, sans espace ni unité.",
            **(messages or {}),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
