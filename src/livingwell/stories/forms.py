"""The story forms: the teller's (through their link) and the worker's, built from the
collection's domains and signifiers, and the panel's, consent's and public text's forms.

Triads and dyads are answered with numbers first (three whole numbers that add up to 100; one
from 0 to 100), so they work without JavaScript and with a keyboard or a screen reader; the
script in frontend/livingwell.js may add a pointer on the triangle that fills the same boxes.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.core import forms as lw_forms
from livingwell.core.forms import date_field, radios
from livingwell.intake.forms import SafetyMixin
from livingwell.stories.models import Audience, Channel, Feedback, Identity, Signifier, Source

NA = "__na__"


def _number(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-width": "3"}),
        error_messages={
            "invalid": _("Use a whole number from 0 to 100"),
            "min_value": _("Use a whole number from 0 to 100"),
            "max_value": _("Use a whole number from 0 to 100"),
        },
    )


class StoryForm(lw_forms.Form, SafetyMixin):
    """What the teller says, where they place it, and who may read it."""

    domain = forms.ChoiceField(
        label=_("What kind of change is it about?"), widget=forms.RadioSelect
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    why_it_matters = forms.CharField(
        label=_("Why does it matter to you?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    title = forms.CharField(
        label=_("A title for your story (optional)"), required=False, max_length=150
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who may read your story?"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose any. You can change your mind or withdraw at any time."),
    )
    identity = forms.ChoiceField(
        label=_("Named or anonymous?"),
        choices=Identity.choices,
        initial=Identity.ANONYMOUS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, collection, **kwargs):
        super().__init__(*args, **kwargs)
        self.collection = collection
        self.fields["domain"].choices = [(str(d.pk), d.label) for d in collection.domains.all()]
        self.signifiers = list(collection.signifiers.all())
        for sig in self.signifiers:
            self.fields[f"sig_{sig.pk}_na"] = forms.BooleanField(
                label=_("Does not apply"), required=False
            )
            if sig.kind == Signifier.Kind.TRIAD:
                for i, label in enumerate(sig.labels, start=1):
                    self.fields[f"sig_{sig.pk}_{i}"] = _number(label)
            elif sig.kind == Signifier.Kind.DYAD:
                self.fields[f"sig_{sig.pk}_1"] = _number(sig.question)
            else:
                self.fields[f"sig_{sig.pk}_choice"] = radios(
                    sig.question, [(label, label) for label in sig.labels], required=False
                )
        order = ["risk_now", "domain", "title", "what_happened", "why_it_matters"]
        self.order_fields(order)

    def signifier_fields(self):
        """(signifier, its bound fields, its "does not apply" box) in order, for the template."""
        out = []
        for sig in self.signifiers:
            if sig.kind == Signifier.Kind.CHOICE:
                fields = [self[f"sig_{sig.pk}_choice"]]
            else:
                count = 3 if sig.kind == Signifier.Kind.TRIAD else 1
                fields = [self[f"sig_{sig.pk}_{i}"] for i in range(1, count + 1)]
            out.append((sig, fields, self[f"sig_{sig.pk}_na"]))
        return out

    def answers(self) -> dict:
        c = self.cleaned_data
        out = {}
        for sig in self.signifiers:
            entry = {"na": bool(c.get(f"sig_{sig.pk}_na"))}
            if sig.kind == Signifier.Kind.CHOICE:
                entry["choice"] = c.get(f"sig_{sig.pk}_choice") or ""
            else:
                count = 3 if sig.kind == Signifier.Kind.TRIAD else 1
                entry["values"] = [c.get(f"sig_{sig.pk}_{i}") for i in range(1, count + 1)]
            out[sig.pk] = entry
        return out

    def consents(self) -> dict:
        c = self.cleaned_data
        review_on = timezone.localdate() + dt.timedelta(days=365)
        return {
            audience: {"permitted": True, "identity": c["identity"], "review_on": review_on}
            for audience in c.get("audiences", [])
        }

    def story_fields(self) -> dict:
        c = self.cleaned_data
        return {
            "domain_id": int(c["domain"]),
            "what_happened": c["what_happened"],
            "why_it_matters": c["why_it_matters"],
            "title": c.get("title", ""),
            "answers": self.answers(),
            "consents": self.consents(),
            "risk_now": c["risk_now"],
        }

    def add_story_error(self, exc) -> None:
        """An action's StoryError beside the field it names (a signifier's first box)."""
        field = exc.field
        if field and field.startswith("sig_"):
            for suffix in ("_1", "_choice"):
                if f"{field}{suffix}" in self.fields:
                    field = f"{field}{suffix}"
                    break
        self.add_error(field if field in self.fields else None, str(exc))


class WorkerStoryForm(StoryForm):
    """A worker writes the story down with the teller, in the teller's words."""

    source = radios(_("Who is telling the story?"), Source.choices)
    channel = radios(
        _("How was it collected?"), [c for c in Channel.choices if c[0] != Channel.LINK]
    )
    names_third_parties = forms.BooleanField(
        label=_("The story names or describes other people (third parties)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_happened"].label = _("What happened, in the teller's words")
        self.fields["why_it_matters"].label = _("Why it matters to the teller, in their words")
        self.fields["audiences"].label = _("Who the teller agrees may read the story")
        self.fields["title"].label = _("A title (optional)")
        self.order_fields(["source", "channel", "risk_now", "domain", "title"])

    def story_fields(self) -> dict:
        c = self.cleaned_data
        return super().story_fields() | {
            "source": c["source"],
            "channel": c["channel"],
            "names_third_parties": bool(c.get("names_third_parties")),
        }


class ConsentForm(lw_forms.Form):
    audience = forms.ChoiceField(label=_("Who may read it"), choices=Audience.choices)
    permitted = radios(_("May the story be used for this?"), [("yes", _("Yes")), ("no", _("No"))])
    identity = forms.ChoiceField(
        label=_("Named or anonymous?"),
        choices=Identity.choices,
        initial=Identity.ANONYMOUS,
        widget=forms.RadioSelect,
    )
    given_on = date_field(_("Date given (YYYY-MM-DD)"), required=True)
    review_on = date_field(_("Review date (YYYY-MM-DD, optional)"))


class PublicTextForm(lw_forms.Form):
    public_text = forms.CharField(
        label=_("The text the public may read (anonymised)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ApproveForm(lw_forms.Form):
    warnings_read = forms.BooleanField(
        label=_("I have read the warnings and the text identifies no one"), required=False
    )


class SelectionForm(lw_forms.Form):
    story = forms.ChoiceField(label=_("The most significant story"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Why the panel chose it, in full sentences"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    met_on = date_field(_("Date the panel met (YYYY-MM-DD)"), required=True)
    attendance = forms.CharField(
        label=_("Who was in the room, by role"),
        help_text=_("One role a line, with how many: for example “Peer worker: 2”"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["story"].choices = [
            (str(s.pk), s.title or s.what_happened[:60]) for s in candidates
        ]

    def clean_attendance(self):
        counts = {}
        for line in self.cleaned_data["attendance"].splitlines():
            if not line.strip():
                continue
            role, _sep, number = line.rpartition(":")
            try:
                count = int(number.strip())
            except ValueError:
                raise forms.ValidationError(
                    _("Write each line as a role, a colon and a number: “Peer worker: 2”")
                ) from None
            if not role.strip() or count < 1:
                raise forms.ValidationError(
                    _("Write each line as a role, a colon and a number: “Peer worker: 2”")
                )
            counts[role.strip()] = counts.get(role.strip(), 0) + count
        return counts


class FeedbackForm(lw_forms.Form):
    told = radios(_("Who was told"), Feedback.Told.choices)
    told_on = date_field(_("Date told (YYYY-MM-DD)"), required=True)
    how = forms.CharField(label=_("How they were told"), max_length=200)


class FilterForm(forms.Form):
    """The pattern page's filters (GET). Empty means all."""

    start = date_field(_("Told from"))
    end = date_field(_("Told to"))
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    source = forms.ChoiceField(
        label=_("Teller"), required=False, choices=[("", _("All"))] + list(Source.choices)
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    equity = forms.ChoiceField(label=_("Equity group"), required=False)

    def __init__(self, *args, collection, **kwargs):
        from livingwell.accounts.models import Team
        from livingwell.hub.models import Tier
        from livingwell.insight import metrics

        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All"))] + [
            (str(d.pk), d.label) for d in collection.domains.all()
        ]
        self.fields["team"].choices = [("", _("All"))] + [
            (str(t.pk), t.name) for t in Team.objects.filter(is_active=True).order_by("name")
        ]
        self.fields["tier"].choices = [("", _("All"))] + [
            (t.pk, t.name) for t in Tier.objects.filter(is_active=True)
        ]
        self.fields["equity"].choices = [("", _("All"))] + [
            (
                metrics.DIMENSION_LABELS[d],
                [
                    (f"{d}:{g}", metrics.group_label(d, g))
                    for g in metrics.groups_in_order(d, {"not_recorded"}, {})
                ],
            )
            for d in metrics.EQUITY_DIMENSIONS
        ]

    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(k) for k in self.fields)


class CollectionForm(lw_forms.Form):
    """A new collection, as the site and its lived-experience panel define it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    prompt = forms.CharField(
        label=_("The prompting question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    period_start = date_field(_("Reporting period starts (YYYY-MM-DD)"), required=True)
    period_end = date_field(_("Reporting period ends (YYYY-MM-DD)"), required=True)
    domains = forms.CharField(
        label=_("Domains of change"),
        help_text=_("One a line, for example “Quality of life”; include “Any other change”."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    signifiers = forms.CharField(
        label=_("Signifiers"),
        required=False,
        help_text=_(
            "One a line: the kind (triad, dyad or choice), a colon, the question, then its "
            "anchors, poles or options, each after a bar. For example "
            "“triad: What made the difference? | People around me | Support | Myself”."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_signifiers(self):
        out = []
        for n, line in enumerate(self.cleaned_data["signifiers"].splitlines(), start=1):
            if not line.strip():
                continue
            kind, _sep, rest = line.partition(":")
            parts = [p.strip() for p in rest.split("|")]
            if kind.strip().lower() not in Signifier.Kind.values or len(parts) < 3:
                raise forms.ValidationError(
                    _("Line %(n)s: write the kind, a colon, the question and its labels.")
                    % {"n": n}
                )
            out.append({"kind": kind.strip().lower(), "question": parts[0], "labels": parts[1:]})
        return out

    def collection_fields(self) -> dict:
        c = self.cleaned_data
        return {
            "title": c["title"],
            "prompt": c["prompt"],
            "period_start": c["period_start"],
            "period_end": c["period_end"],
            "domains": c["domains"].splitlines(),
            "signifiers": c["signifiers"],
        }
