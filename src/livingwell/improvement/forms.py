"""Forms for the improvement and learning pages.

The forms only turn what was typed into values; every rule (what is required, ranges, dates,
the lock on predictions) is checked once, in ``improvement.actions``, whose errors name the field.
So most fields are optional here and the action's message is shown beside the field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.accounts.models import Team, User
from livingwell.core import forms as lw_forms
from livingwell.core.forms import date_field, decimal_text, radios, text_field
from livingwell.improvement.models import (
    PROGRESS_SCORES,
    SEIPS,
    ChangeIdea,
    ContributingFactor,
    Driver,
    Improvement,
    LearningResponse,
    Measure,
    PDSACycle,
    Prediction,
    ProgressScore,
)
from livingwell.improvement.rules import PARTICIPANT_ROLE_CHOICES
from livingwell.improvement.series import NETWORK_CHOICES


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ProjectForm(lw_forms.Form):
    title = text_field(_("Project title"), max_length=200)
    aim_statement = text_field(
        _("Aim"),
        _("What are we trying to accomplish? Say what will improve, by how much and by when."),
        rows=3,
        max_length=2000,
    )
    aim_target = decimal_text(_("Target (optional)"), _("The value the aim measure should reach."))
    aim_date = date_field(_("Aim date (optional)"), _("When the aim should be met by."))
    data_from = date_field(
        _("First date of data"),
        _(
            "The charts start here. Leave empty for 26 weeks ago: a baseline of 12 or more "
            "weeks comes before the first test."
        ),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams in the project"),
        help_text=_("The network's measures are worked out for these teams. None: the network."),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AimForm(lw_forms.Form):
    aim_statement = ProjectForm.base_fields["aim_statement"]
    aim_measure = NamedChoice(
        label=_("The measure the aim moves"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("Not chosen yet"),
    )
    aim_target = ProjectForm.base_fields["aim_target"]
    aim_date = ProjectForm.base_fields["aim_date"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aim_measure"].queryset = project.measures.all()


class MemberForm(lw_forms.Form):
    name = text_field(_("Name"), max_length=150)
    role = text_field(
        _("Role in the project"), _("For example: peer worker, Hub lead."), max_length=150
    )
    lived_experience = forms.BooleanField(label=_("Member with lived experience"), required=False)


class ProgressForm(lw_forms.Form):
    score = radios(
        _("Progress score"),
        [(str(s), f"{s} – {ProgressScore.LABELS[s]}") for s in PROGRESS_SCORES],
        required=False,
    )
    on = date_field(_("Date"), _("Leave empty for today."))
    note = text_field(_("Note"), _("Why the team chose this score."), rows=3, max_length=2000)


class DriverForm(lw_forms.Form):
    level = radios(_("Kind of driver"), Driver.Level.choices, required=False)
    parent = NamedChoice(
        label=_("Primary driver it serves (secondary drivers only)"),
        queryset=Driver.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    text = text_field(_("Driver"), max_length=300)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = project.drivers.filter(level=Driver.Level.PRIMARY)


class ChangeIdeaForm(lw_forms.Form):
    driver = NamedChoice(
        label=_("Driver it serves"), queryset=Driver.objects.none(), required=False
    )
    text = text_field(_("Change idea"), max_length=300)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = project.drivers.all()


class MeasureForm(lw_forms.Form):
    source = radios(
        _("Where the figures come from"),
        [*NETWORK_CHOICES, (Measure.MANUAL, _("We record the values ourselves"))],
        required=False,
    )
    name = text_field(
        _("Name"), _("Leave empty for a network measure to use its own name."), max_length=200
    )
    kind = radios(_("Kind of measure"), Measure.Kind.choices, required=False)
    improvement = radios(_("Which way is better"), Improvement.choices, required=False)
    unit = text_field(_("Unit (optional)"), _("For example: days, %, calls."), max_length=20)
    definition = text_field(_("How it is measured (optional)"), rows=3)


class PointForm(lw_forms.Form):
    on = date_field(_("Date of the value"), required=False)
    value = decimal_text(_("Value"))


class CycleForm(lw_forms.Form):
    change_idea = NamedChoice(
        label=_("Change idea it tests"), queryset=ChangeIdea.objects.none(), required=False
    )
    parent = NamedChoice(
        label=_("Builds on (optional)"),
        help_text=_("The earlier cycle whose learning this cycle takes forward."),
        queryset=PDSACycle.objects.none(),
        required=False,
        empty_label=_("None: the first cycle of this idea"),
    )
    purpose = text_field(_("Purpose"), _("What is this cycle testing, and why?"), rows=3)
    questions = text_field(_("Questions"), _("What do you want to find out?"), rows=3)
    scale_who = text_field(_("Who"), max_length=200)
    scale_where = text_field(_("Where"), max_length=200)
    scale_people = decimal_text(
        _("How many people"), _("Start small: a handful of people is often enough.")
    )
    scale_duration = text_field(_("For how long"), max_length=100)
    data_plan = text_field(_("Data plan"), _("What you will collect, when and by whom."), rows=3)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = project.change_ideas.all()
        self.fields["parent"].queryset = project.cycles.all()


class PlanForm(CycleForm):
    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        del self.fields["change_idea"]
        del self.fields["parent"]


class PredictionForm(lw_forms.Form):
    measure = NamedChoice(label=_("Measure"), queryset=Measure.objects.none(), required=False)
    direction = radios(_("The measure will"), Prediction.Direction.choices, required=False)
    expected_low = decimal_text(_("Lowest value expected"))
    expected_high = decimal_text(_("Highest value expected"))
    rationale = text_field(_("Why you expect this"), rows=3, max_length=2000)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = project.measures.all()


class DoForm(lw_forms.Form):
    ran_as_planned = radios(
        _("Did the test run as planned?"), PDSACycle.RanAsPlanned.choices, required=False
    )
    deviations = text_field(_("What was done differently, and why"), rows=3)
    observations = text_field(_("Observations"), rows=3)
    surprises = text_field(_("Surprises and problems"), rows=3)
    stopped_for_harm = forms.BooleanField(
        label=_("The test was stopped early because it was doing harm"), required=False
    )


class StudyForm(lw_forms.Form):
    study_date = date_field(
        _("Study date"), _("The window runs from the Do start to this date."), required=False
    )
    learning = text_field(_("What we learned"), _("Including what you did not expect."), rows=5)


class ActForm(lw_forms.Form):
    decision = radios(_("Decision"), PDSACycle.Decision.choices, required=False)
    rationale = text_field(_("Why"), rows=3)
    process_change_measures = forms.ModelMultipleChoiceField(
        label=_("Adopted: show it as a process change on these charts (optional)"),
        help_text=_("New limits start from the first point on or after its date."),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    process_change_date = date_field(_("Date of the process change"))
    process_change_note = text_field(_("Note shown on the charts"), max_length=200)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process_change_measures"].queryset = project.measures.all()


# --------------------------------------------------------------------------------------------
# Learning responses


class ResponseForm(lw_forms.Form):
    kind = radios(_("Kind of learning response"), LearningResponse.Kind.choices, required=False)
    event_kind = radios(_("What happened"), LearningResponse.EventKind.choices, required=False)
    title = text_field(
        _("Title"),
        _("A few words that name no one, for example “Urgent call not returned”."),
        max_length=200,
    )
    event_date = date_field(_("Date of the event"))
    response_date = date_field(_("Date of the response"), _("Leave empty for today."))
    reference = forms.CharField(
        label=_("Introduction reference (optional)"),
        help_text=_(
            "Only when the event is about one person's support. The record's access rules then "
            "apply to this response."
        ),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"data-width": "10"}),
    )


class AnswersForm(lw_forms.Form):
    expected = text_field(_("What was expected to happen?"), rows=4, max_length=8000)
    happened = text_field(_("What actually happened?"), rows=4, max_length=8000)
    difference = text_field(_("Why was there a difference?"), rows=4, max_length=8000)
    learned = text_field(_("What can be learned?"), rows=4, max_length=8000)
    participant_roles = forms.MultipleChoiceField(
        label=_("Who took part (by role, never by name)"),
        choices=PARTICIPANT_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    person_involvement = radios(
        _("Were the person or their family involved?"),
        LearningResponse.Involvement.choices,
        required=False,
    )
    support_offered = forms.BooleanField(
        label=_("Support was offered to the person, family and staff affected"), required=False
    )
    involvement_notes = text_field(_("Notes on involvement and support"), rows=3, max_length=8000)


class FactorForm(lw_forms.Form):
    seips = radios(_("Part of the work system (SEIPS)"), SEIPS.choices, required=False)
    effect = radios(
        _("Did it contribute, or go well?"), ContributingFactor.Effect.choices, required=False
    )
    description = text_field(
        _("Describe it"),
        _("About the system, not a person: name no one."),
        rows=3,
        max_length=500,
    )


class SafetyActionForm(lw_forms.Form):
    description = text_field(_("Safety action"), rows=3, max_length=500)
    owner = NamedChoice(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("display_name", "username"),
        required=False,
        empty_label=_("Choose the owner"),
    )
    due_date = date_field(_("Due date"))
    measure = text_field(_("How you will know it worked (its measure)"), max_length=300)


class SummaryForm(lw_forms.Form):
    learning_summary = text_field(
        _("Learning summary for the network"),
        _(
            "What others can learn. No names, NHS numbers, dates of birth or anything else that "
            "could identify the person or family."
        ),
        rows=6,
    )
    names_checked = forms.BooleanField(
        label=_(
            "I have checked: the names found are ordinary words here, not the person or family"
        ),
        required=False,
    )


class ToChangeIdeaForm(lw_forms.Form):
    driver = NamedChoice(
        label=_("Project and driver the change idea serves"),
        queryset=Driver.objects.none(),
        required=False,
        empty_label=_("Choose a driver"),
    )
    text = text_field(_("Change idea"), max_length=300)

    def __init__(self, *args, drivers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = drivers
        self.fields["driver"].label_from_instance = lambda d: f"{d.project.title}: {d.text}"


class ThemeForm(lw_forms.Form):
    start = date_field(_("From"))
    end = date_field(_("To"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data
