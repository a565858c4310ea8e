"""Build the POST an admin change form makes, from the page the admin rendered."""

from django.forms import MultiWidget


def change_form_data(response, **changes) -> dict:
    """The form's current values as a browser would submit them, with `changes` applied."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
            continue
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    data.update(changes)
    # Unchecked checkboxes are not sent at all.
    return {k: v for k, v in data.items() if v is not False}
